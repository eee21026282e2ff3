package dev.jitbot.core.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandParserTest {

    private static Command ok(String text) {
        Parsed<Command> p = CommandParser.parse(text);
        assertThat(p.reason()).isNull();
        return p.orThrow();
    }

    private static String bad(String text) {
        Parsed<Command> p = CommandParser.parse(text);
        assertThat(p.isOk()).as("should not parse: " + text).isFalse();
        return p.reason();
    }

    @Nested
    class BreakGlass {

        @Test
        void parse_breakglassWithoutDuration_leavesItToThePolicy() {
            Command.BreakGlass b = (Command.BreakGlass) ok("/jit breakglass Owner on sub-prod because INC-4711 "
                    + "payments down");
            assertThat(b.role()).isEqualTo("Owner");
            assertThat(b.scope()).isEqualTo("sub-prod");
            assertThat(b.duration()).isNull();
            assertThat(b.reason()).isEqualTo("INC-4711 payments down");
        }

        @Test
        void parse_breakglassWithDuration_andTheHyphenatedVerb() {
            Command.BreakGlass b = (Command.BreakGlass) ok("break-glass User Access Administrator on "
                    + "/subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6 for 20m because on fire");
            assertThat(b.role()).isEqualTo("User Access Administrator");
            assertThat(b.duration()).isEqualTo(Duration.ofMinutes(20));
        }

        @Test
        void parse_breakglassWithoutReasonOrScope_saysWhatToWrite() {
            assertThat(bad("breakglass Owner on sub-prod")).contains("because <reason>")
                    .contains(CommandParser.USAGE_BREAKGLASS);
            assertThat(bad("breakglass Owner because outage")).contains("<role> on <scope>");
            assertThat(bad("breakglass Owner on sub-prod for soon because x")).contains(CommandParser.USAGE_BREAKGLASS);
        }

        @Test
        void parse_review_readsTheIdAndTheNote() {
            Command.Review r = (Command.Review) ok("review jit-7k3f confirmed with Alice");
            assertThat(r.id().value()).isEqualTo("JIT-7K3F");
            assertThat(r.note()).isEqualTo("confirmed with Alice");
            assertThat(((Command.Review) ok("review JIT-7K3F")).note()).isNull();
            assertThat(bad("review")).contains("needs a request id");
        }

        @Test
        void help_listsBreakglassAndReview() {
            assertThat(CommandParser.help()).contains(CommandParser.USAGE_BREAKGLASS).contains("`review <id> <note>`");
        }
    }

    @Nested
    class Request {

        @Test
        void parse_fullRequest_readsEveryClause() {
            Command.Request r = (Command.Request) ok(
                    "/jit request Contributor on rg-payments for 45m because INC-4411 hotfix ticket INC-4411 as deploy-pipeline");
            assertThat(r.role()).isEqualTo("Contributor");
            assertThat(r.scope()).isEqualTo("rg-payments");
            assertThat(r.duration()).isEqualTo(Duration.ofMinutes(45));
            assertThat(r.justification()).isEqualTo("INC-4411 hotfix");
            assertThat(r.ticket()).isEqualTo("INC-4411");
            assertThat(r.principal()).isEqualTo("deploy-pipeline");
        }

        @Test
        void parse_multiWordRoleAndClausesInAnyOrder() {
            Command.Request r = (Command.Request) ok(
                    "request Storage Blob Data Reader for 1h30m on /subscriptions/x/resourceGroups/rg because reading");
            assertThat(r.role()).isEqualTo("Storage Blob Data Reader");
            assertThat(r.duration()).isEqualTo(Duration.ofMinutes(90));
            assertThat(r.scope()).isEqualTo("/subscriptions/x/resourceGroups/rg");
        }

        @Test
        void parse_withoutLeadingJitAndWithForEquals() {
            Command.Request r = (Command.Request) ok("jit request Reader on sub-prod for PT1H because x for=deploy-pipeline");
            assertThat(r.principal()).isEqualTo("deploy-pipeline");
            assertThat(r.duration()).isEqualTo(Duration.ofHours(1));
        }

        @Test
        void parse_missingFor_saysHowToGiveADuration() {
            assertThat(bad("request Contributor on rg-payments because x")).contains("`for <duration>`")
                    .contains(CommandParser.EXAMPLE_REQUEST);
        }

        @Test
        void parse_badDuration_namesItAndShowsTheForms() {
            assertThat(bad("request Contributor on rg-payments for ages because x")).contains("`ages`")
                    .contains("`45m`");
        }

        @Test
        void parse_missingScope_explainsOn() {
            assertThat(bad("request Contributor for 45m because x")).contains("on <scope>");
        }

        @Test
        void parse_missingBecause_asksForAReason() {
            assertThat(bad("request Contributor on rg-payments for 45m")).contains("because <reason>");
        }

        @Test
        void parse_numberWithoutUnit_asksForAUnit() {
            assertThat(bad("request Reader on sub-prod for 45 because x")).contains("has no unit");
        }
    }

    @Test
    void parse_unknownVerb_suggestsAValidCommand() {
        assertThat(bad("/jit gimme Owner")).contains("`gimme`").contains(CommandParser.EXAMPLE_REQUEST).contains("help");
    }

    @Test
    void parse_emptyText_isHelp() {
        assertThat(ok("/jit")).isInstanceOf(Command.Help.class);
    }

    @ParameterizedTest
    @CsvSource({"approve jit-7k3f,JIT-7K3F", "approve 7K3F,JIT-7K3F", "approve JIT-7K3O,JIT-7K30"})
    void parse_ids_areCaseInsensitiveAndForgiving(String text, String id) {
        assertThat(((Command.Approve) ok(text)).id().value()).isEqualTo(id);
    }

    @Test
    void parse_revokeWithReason_keepsTheReason() {
        Command.Revoke r = (Command.Revoke) ok("revoke JIT-7K3F incident closed");
        assertThat(r.reason()).isEqualTo("incident closed");
    }

    @Test
    void parse_showWithoutId_showsAnExample() {
        assertThat(bad("show")).contains("show JIT-7K3F");
    }

    @Test
    void parse_showWithNonsenseId_saysWhatIdsLookLike() {
        assertThat(bad("show banana!")).contains("`banana!`").contains("JIT-7K3F");
    }

    @Test
    void parse_extend_readsDurationAndReason() {
        Command.Extend e = (Command.Extend) ok("extend JIT-7K3F by 30m because still migrating");
        assertThat(e.by()).isEqualTo(Duration.ofMinutes(30));
        assertThat(e.justification()).isEqualTo("still migrating");
    }

    @Test
    void parse_list_acceptsMineAndAllOnly() {
        assertThat(((Command.ListRequests) ok("list all")).filter()).isEqualTo(Command.ListRequests.Filter.ALL);
        assertThat(bad("list everything")).contains("`mine` or `all`");
    }

    /** Inputs the fuzz properties (CommandParserFuzzTest, ValuesFuzzTest) turned up, pinned as examples. */
    @Nested
    class FoundByFuzzing {

        @Test
        void justificationEndingInAWordThatStartsWithAs_namesNoPrincipal() {
            Command.Request r = (Command.Request) ok("request Reader on sub-prod for 1h because fix it asap");
            assertThat(r.justification()).isEqualTo("fix it asap");
            assertThat(r.principal()).isNull();
        }

        @Test
        void noBreakAndIdeographicSpaces_separateWordsLikeSpaces() {
            Command.Request r = (Command.Request) ok("request\u00A0Reader on\u3000sub-prod for 1h because\u2003x");
            assertThat(r.role()).isEqualTo("Reader");
            assertThat(r.scope()).isEqualTo("sub-prod");
            assertThat(r.justification()).isEqualTo("x");
        }

        @Test
        void unknownVerbOfThousandsOfCharacters_isQuotedClipped() {
            assertThat(bad("x".repeat(3000))).contains("`" + "x".repeat(40) + "…`").hasSizeLessThan(200);
        }

        @Test
        void requestIdWithALineBreak_isQuotedOnOneLine() {
            assertThat(RequestId.parse("JIT-7K\nforged line").reason()).doesNotContain("\n").contains("JIT-7K forged line");
        }

        @Test
        void durationLongerThanAYear_isRefused_soEveryDurationReadWritesBackReadably() {
            assertThat(bad("request Reader on sub-prod for PT1000000H because x")).contains("longer than a year");
            assertThat(Durations.parse("366d").orThrow()).isEqualTo(Duration.ofDays(366));
            assertThat(Durations.parse("367d").reason()).contains("longer than a year");
            assertThat(Durations.parse("10m\nforged").reason()).doesNotContain("\n").contains("10m forged");
        }
    }

    @Nested
    class Help_ {

        @Test
        void helpOnACommand_givesItsLinesUnderTheHeading() {
            String said = CommandParser.help("extend");

            assertThat(said).startsWith("*Just-in-time Azure access*\n`extend <id> <duration>")
                    .doesNotContain("`cancel");
        }

        @Test
        void helpOnRequest_keepsItsExample() {
            assertThat(CommandParser.help("/jit request")).contains("`request ").contains("e.g. `")
                    .doesNotContain("`list");
        }

        @Test
        void helpOnSomethingUnknown_saysSoAndGivesEverything() {
            assertThat(CommandParser.help("teleport")).startsWith("I have no help on `teleport`; here is everything.")
                    .contains("`release <id>`");
        }
    }

    @Nested
    class BundleStarts {
        @Test
        void aBundleWithFrom_isRefused_insteadOfStartingAtOnce() {
            Parsed<Command> p = CommandParser.parse("request bundle incident-payments from tomorrow 09:00 for 1h "
                    + "because INC-1 window");

            assertThat(p.isOk()).isFalse();
            assertThat(p.reason()).contains("cannot be scheduled with `from` yet");
        }
    }
}
