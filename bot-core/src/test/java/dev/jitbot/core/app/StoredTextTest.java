package dev.jitbot.core.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.Text;
import dev.jitbot.core.testing.CoreHarness;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class StoredTextTest {

    private static final ChatUser BOB_IN_TEAMS = new ChatUser(Platform.TEAMS, "29:1bob", "Bob Jones",
            "bob@contoso.com", "6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b");

    @Nested
    class RoundTrip {

        @Test
        void everyKindOfSegment_comesBackAsItWasWritten() {
            Instant at = Instant.parse("2026-12-01T14:35:07Z");
            Text text = Text.of(Text.Tone.DONE).plain("Approved by ").person(TestPolicies.BOB).plain(" and ")
                    .person(BOB_IN_TEAMS).plain(": ").command("release JIT-7K3F").code("JIT-7K3F").time(at)
                    .preciseTime(at).time(at, "Europe/Berlin").emphasis("heads up").warning("careful").item()
                    .plain("quotes \" and \\ backslashes, `ticks`, {braces} and ünïcödé").done();

            String stored = StoredText.write(text);

            assertThat(stored).startsWith("{\"v\":1,");
            assertThat(StoredText.read(stored)).isEqualTo(text);
        }

        @Test
        void aPerson_keepsWhatIdentifiesThemOnEveryPlatform() {
            Text read = StoredText.read(StoredText.write(Text.of().person(BOB_IN_TEAMS).done()));

            ChatUser bob = ((Text.Person) read.segments().get(0)).user();
            assertThat(bob.platform()).isEqualTo(Platform.TEAMS);
            assertThat(bob.id()).isEqualTo("29:1bob");
            assertThat(bob.displayName()).isEqualTo("Bob Jones");
            assertThat(bob.email()).isEqualTo("bob@contoso.com");
            assertThat(bob.aadObjectId()).isEqualTo("6f1e2d3c-4b5a-4978-8a6b-5c4d3e2f1a0b");
        }

        @Test
        void aWorkItem_storesItsWordsAsStoredText_andGivesThemBackWithSegments() {
            Text text = Text.of().person(TestPolicies.BOB).plain(" approved it.").done();

            Work dm = Work.dm(RequestId.parse("JIT-7K3F").orThrow(), TestPolicies.ALICE, text);

            assertThat(dm.text()).isEqualTo(StoredText.write(text));
            assertThat(dm.message()).isEqualTo(text);
        }
    }

    @Nested
    class RowsOfThePreviousRelease {

        @Test
        void aPlainSentence_isReadAsTheCoreParsesIt_commandsAndIdsIncluded() {
            String old = "Contributor on rg-payments is yours until 14:35 UTC (45 min). Release early with "
                    + "`release JIT-7K3F`.";

            Text read = StoredText.read(old);

            assertThat(read).isEqualTo(Text.parse(old));
            assertThat(read.segments()).contains(new Text.Command("release JIT-7K3F"));
            assertThat(read.toString()).isEqualTo(old);
        }

        @Test
        void aSentenceThatOnlyLooksLikeJson_staysASentence() {
            assertThat(StoredText.read("{\"v\": is how I write a version")).isEqualTo(
                    Text.parse("{\"v\": is how I write a version"));
            assertThat(StoredText.read("{\"v\":1,\"broken")).isEqualTo(Text.parse("{\"v\":1,\"broken"));
            assertThat(StoredText.read("{braces} first")).isEqualTo(Text.parse("{braces} first"));
        }

        @Test
        void nothingStored_isNoWords() {
            assertThat(StoredText.read(null).segments()).isEmpty();
        }
    }

    @Test
    void aRowOfANewerRelease_showsTheWordsOfSegmentsThisOneDoesNotKnow() {
        Text read = StoredText.read("{\"v\":2,\"tone\":\"sparkly\",\"segments\":[{\"plain\":\"Hi \"},"
                + "{\"hologram\":\"Bob\"},{\"plain\":\".\"}]}");

        assertThat(read.tone()).isEqualTo(Text.Tone.NONE);
        assertThat(read.toString()).isEqualTo("Hi Bob.");
    }

    @Test
    void aTimeThisReleaseCannotRead_showsAsWritten_ratherThanFailingTheItemForever() {
        Text read = StoredText.read("{\"v\":1,\"tone\":\"none\",\"segments\":[{\"plain\":\"until \"},"
                + "{\"time\":\"next tuesday\",\"precise\":false}]}");

        assertThat(read.toString()).isEqualTo("until next tuesday");
    }

    @Nested
    class TheCoresNotifications {

        private final CoreHarness h = new CoreHarness();

        @Test
        void anApprovalShortOfQuorum_tellsTheRequesterWhoApproved_asAPerson() {
            Outcome o = h.service.handle(TestPolicies.BOB, "request Owner on sub-prod for 20m because INC-4411 outage");
            RequestId id = ((Outcome.Requested) o).request().id();

            h.service.approve(TestPolicies.CAROL, id);

            Text dm = h.slack.messagesTo("dm:U0BOB").get(h.slack.messagesTo("dm:U0BOB").size() - 1);
            assertThat(dm.segments().get(0)).isEqualTo(new Text.Person(TestPolicies.CAROL));
            assertThat(dm.toString()).isEqualTo("Carol approved Owner on sub-prod (" + id + "): 1 of 2 approvals "
                    + "so far.");
        }

        @Test
        void aDenial_namesTheApproverAsAPerson_withTheirReason() {
            Outcome o = h.service.handle(TestPolicies.ALICE,
                    "request Contributor on rg-payments for 45m because INC-1 hotfix");
            RequestId id = ((Outcome.Requested) o).request().id();

            h.service.deny(TestPolicies.BOB, id, "not during the freeze");

            Text dm = h.slack.messagesTo("dm:U0ALICE").get(h.slack.messagesTo("dm:U0ALICE").size() - 1);
            assertThat(dm.segments()).contains(new Text.Person(TestPolicies.BOB));
            assertThat(dm.toString()).endsWith("was denied by Bob: not during the freeze.");
        }

        @Test
        void aGrant_tellsTheRequesterHowToReleaseIt_asACommand() {
            Outcome o = h.service.handle(TestPolicies.ALICE,
                    "request Contributor on rg-payments for 45m because INC-1 hotfix");
            RequestId id = ((Outcome.Requested) o).request().id();

            h.service.approve(TestPolicies.BOB, id);

            assertThat(h.slack.messagesTo("dm:U0ALICE")).anySatisfy(t -> assertThat(t.segments())
                    .contains(new Text.Command("release " + id)));
        }
    }
}
