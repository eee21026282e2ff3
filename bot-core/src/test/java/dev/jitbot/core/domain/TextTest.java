package dev.jitbot.core.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class TextTest {

    @Test
    void parse_readsABacktickedJitbotVerbAsACommand_andOtherBackticksAsCode() {
        Text t = Text.parse("Release early with `release JIT-7K3F`; scope `rg-payments`, now.");

        assertThat(t.segments()).containsExactly(new Text.Plain("Release early with "),
                new Text.Command("release JIT-7K3F"), new Text.Plain("; scope "), new Text.Code("rg-payments"),
                new Text.Plain(", now."));
    }

    @Test
    void parse_leavesStarsAsWritten_soAScopePatternOrAProductStaysWhole() {
        Text t = Text.parse("it covers /subscriptions/*/resourceGroups/*, and 5*3 and 2*4");

        assertThat(t.segments()).containsExactly(new Text.Plain("it covers /subscriptions/*/resourceGroups/*, and 5*3 and 2*4"));
        assertThat(t).hasToString("it covers /subscriptions/*/resourceGroups/*, and 5*3 and 2*4");
    }

    @Test
    void plainStyle_showsCommandsInBackticks_namesPeople_andMarksWarnings() {
        ChatUser bob = new ChatUser(Platform.SLACK, "U0BOB", "Bob", "bob@contoso.com");
        Text t = Text.of().plain("Ask ").person(bob).plain(" or type ").command("approve JIT-7K3F").plain(" by ")
                .time(Instant.parse("2026-11-25T10:30:00Z")).plain(". ").warning("reaches Key Vault secrets").done();

        assertThat(t).hasToString("Ask Bob or type `approve JIT-7K3F` by 10:30 UTC. ! reaches Key Vault secrets");
    }

    @Test
    void aTimeInAZone_isShownAsAStartIs() {
        Text t = Text.of().time(Instant.parse("2026-11-25T11:00:00Z"), "Europe/Berlin").done();

        assertThat(t).hasToString("Wed 25 Nov 12:00 Europe/Berlin (11:00 UTC)");
    }

    @Test
    void theHelp_readsBackIntoOneRecordPerCommand_withEveryFormAsACommand() {
        HelpSheet sheet = HelpSheet.read(CommandParser.help());

        assertThat(sheet.heading()).isEqualTo("Just-in-time Azure access");
        assertThat(sheet.entries()).anySatisfy(e -> assertThat(e.syntax())
                .containsExactly("approve <id>", "deny <id> [reason]"));
        assertThat(sheet.entries()).allSatisfy(e -> assertThat(CommandParser.VERBS)
                .contains(e.syntax().get(0).split(" ")[0]));
        assertThat(sheet.entries().get(0).example()).isEqualTo(CommandParser.EXAMPLE_REQUEST);
        assertThat(sheet.notes()).hasSize(2);
        assertThat(sheet.text().segments()).filteredOn(s -> s instanceof Text.Command)
                .hasSizeGreaterThan(sheet.entries().size());
    }

    @Test
    void theHelpRecords_writeTheHelpText_andReadBackToTheSameRecords() {
        assertThat(CommandParser.help()).isEqualTo(HelpSheet.ALL.write());
        assertThat(HelpSheet.read(HelpSheet.ALL.write())).isEqualTo(HelpSheet.ALL);
    }

    @Test
    void helpOnAnUnknownTopic_keepsTheSentenceThatSaysSo() {
        HelpSheet sheet = HelpSheet.read(CommandParser.help("frobnicate"));

        assertThat(sheet.intro()).singleElement().asString().startsWith("I have no help on `frobnicate`");
        assertThat(sheet.entries()).isNotEmpty();
    }
}
