package dev.jitbot.core.app;

import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.BOB;
import static dev.jitbot.core.testing.TestPolicies.ERIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.app.Permissions.Action;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.CommandParser;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Refusal;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.domain.Text;
import dev.jitbot.core.testing.CoreHarness;
import dev.jitbot.core.testing.RenderingContract;
import dev.jitbot.core.testing.TestPolicies;
import java.sql.SQLException;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What the core decides for every platform so no adapter does: the words for a failure, the refusal behind a Deny
 * button, each button's label and look, a list row's one button, the hint for those who cannot decide, and what
 * each platform adds to the help.
 */
class OneViewTest {

    private final CoreHarness h = new CoreHarness();

    OneViewTest() {
        h.policy.set(TestPolicies.withOncallMembers(h.policy.get(), "erin@contoso.com"));
    }

    private AccessRequest pending() {
        Outcome o = h.service.handle(ALICE, "request Contributor on rg-payments for 45m because INC-4411 hotfix");
        return ((Outcome.Requested) o).request();
    }

    @Nested
    class FailureWords {

        @Test
        void aStoreThatCannotBeReached_saysNothingChangedAndToTryAgain_withTheEventIdAndNoDetail() {
            Failures.Said said = Failures.of("handle your command", new StoreException(
                    "commit failed: Connection refused (SQLState 08001)", new SQLException("refused")));

            assertThat(said.eventId()).matches("E[0-9A-F]{8}");
            assertThat(said.text().toString()).startsWith("! jitbot cannot reach its database right now; nothing was "
                    + "changed — try again in a minute.").endsWith("event id " + said.eventId() + ".")
                    .doesNotContain("SQLState");
        }

        @Test
        void anyOtherFailure_saysWhatWasAttemptedAndToCheckTheList_withoutTheExceptionsWords() {
            Failures.Said said = Failures.of("show App Home\r\nforged log line", new IllegalStateException("xoxb-secret"));

            assertThat(said.text().toString()).contains("while I tried to show App Home forged log line.")
                    .contains("`list`").contains(said.eventId()).doesNotContain("xoxb").doesNotContain("\n");
            assertThat(said.text().segments()).contains(new Text.Code(said.eventId()), new Text.Command("list"));
        }

        @Test
        void databaseDown_looksThroughTheCauses() {
            assertThat(Failures.databaseDown(new RuntimeException(new SQLException("x")))).isTrue();
            assertThat(Failures.databaseDown(new IllegalStateException("x"))).isFalse();
        }
    }

    @Nested
    class DenyButton {

        @Test
        void theRequester_hearsTheCoresRefusal_andHowToWithdrawInstead() {
            AccessRequest r = pending();

            Outcome.Refused no = h.service.whyNotDeny(ALICE, r).orElseThrow();

            assertThat(no.refusal().reason()).isEqualTo(Refusal.Reason.SELF_APPROVAL);
            assertThat(no.message()).contains("You cannot deny your own request " + r.id()).contains("`cancel " + r.id()
                    + "`");
        }

        @Test
        void anApproverOrOnCallWhoMayStopIt_isNotRefused_andNothingIsWritten() {
            AccessRequest r = pending();
            int events = h.audit.forRequest(r.id()).size();

            assertThat(h.service.whyNotDeny(BOB, r)).isEmpty();
            assertThat(h.service.whyNotDeny(ERIN, r)).isEmpty();
            assertThat(h.audit.forRequest(r.id())).hasSize(events);
        }

        @Test
        void someoneWhoApprovesNothing_hearsWhoMay() {
            ChatUser zed = new ChatUser(Platform.SLACK, "U0ZED", "Zed", "zed@contoso.com", null);
            AccessRequest r = pending();

            assertThat(h.service.whyNotDeny(zed, r)).isPresent();
            assertThat(h.service.whyNotDeny(TestPolicies.CAROL, h.store.find(r.id()).orElseThrow()))
                    .as("Carol is a lead: she may deny it").isEmpty();
        }

        @Test
        void aRequestAlreadyDecided_saysThereIsNothingToDeny() {
            AccessRequest r = pending();
            h.service.deny(BOB, r.id(), "not now");

            assertThat(h.service.whyNotDeny(TestPolicies.CAROL, h.store.find(r.id()).orElseThrow()).orElseThrow()
                    .message()).contains("already denied");
        }
    }

    @Nested
    class Buttons {

        @Test
        void everyActionStandsForACommand_andTheCommandNamesTheRequest() {
            AccessRequest r = pending();
            for (Action a : Action.values()) {
                assertThat(CommandParser.VERBS).contains(a.verb());
                assertThat(a.command(r.id())).startsWith(a.verb() + " " + r.id());
            }
            assertThat(Action.STOP_PENDING.command(r.id())).isEqualTo("revoke " + r.id() + " <reason>");
        }

        @Test
        void whatEndsAGrantOrTurnsARequestDown_standsOutAsDangerous_andWithdrawingOnesOwnDoesNot() {
            for (Action a : EnumSet.of(Action.DENY, Action.DENY_EXTENSION, Action.RELEASE, Action.REVOKE,
                    Action.STOP_PENDING)) {
                assertThat(a.look()).as(a.name()).isEqualTo(Action.Look.DANGER);
            }
            assertThat(Action.CANCEL.look()).isEqualTo(Action.Look.PLAIN);
            assertThat(Action.APPROVE.look()).isEqualTo(Action.Look.PRIMARY);
        }

        @Test
        void aListRow_carriesTheFirstActionThatEndsTheRequest() {
            assertThat(Action.rowAction(EnumSet.of(Action.RELEASE, Action.EXTEND))).contains(Action.RELEASE);
            assertThat(Action.rowAction(EnumSet.of(Action.APPROVE, Action.DENY))).contains(Action.DENY);
            assertThat(Action.rowAction(EnumSet.of(Action.APPROVE_EXTENSION, Action.DENY_EXTENSION, Action.REVOKE)))
                    .contains(Action.REVOKE);
            assertThat(Action.rowAction(EnumSet.of(Action.STOP_PENDING))).contains(Action.STOP_PENDING);
            assertThat(Action.rowAction(EnumSet.of(Action.EXTEND))).isEmpty();
        }
    }

    @Nested
    class DeciderHint {

        @Test
        void aPendingRequest_seenBySomeoneWhoCannotDecideIt_saysHowApproversDo() {
            AccessRequest r = RenderingContract.requests().get(State.PENDING);

            Text hint = RequestView.of(r, Set.of(Action.STOP_PENDING), null, List.of(), h.clock.instant())
                    .deciderHint();

            assertThat(hint.toString()).isEqualTo("Approvers see Approve and Deny on this card, or can write `approve "
                    + r.id() + "` to me.");
        }

        @Test
        void theApproverAndTheRequester_andAnythingNotPending_getNoHint() {
            AccessRequest r = RenderingContract.requests().get(State.PENDING);
            for (Set<Action> may : List.of(Set.of(Action.APPROVE, Action.DENY), Set.of(Action.CANCEL))) {
                assertThat(RequestView.of(r, may, null, List.of(), h.clock.instant()).deciderHint()).isNull();
            }
            assertThat(RequestView.of(RenderingContract.requests().get(State.ACTIVE), Set.of(), null, List.of(),
                    h.clock.instant()).deciderHint()).isNull();
        }
    }

    @Nested
    class PlatformWords {

        @Test
        void theHelp_addsWhatOnlyEachPlatformHas() {
            Outcome.Help help = new Outcome.Help(CommandParser.help());
            Messages m = new Messages(h.clock);

            assertThat(m.help(help, Platform.SLACK).toString()).contains("/jit alone opens a form.");
            assertThat(m.help(help, Platform.TEAMS).toString()).contains("In a channel, mention me first: @jitbot list.");
            assertThat(m.help(help, Platform.CONSOLE)).isEqualTo(m.help(help));
        }

        @Test
        void theReceipt_saysWhereItWentAndHowToCancel() {
            AccessRequest r = pending();

            assertThat(Messages.receipt(new Outcome.Requested(r)).toString()).isEqualTo("Filed as " + r.id()
                    + ": I asked the approvers in the approvals channel, and I'll message you at each step. Cancel "
                    + "with `cancel " + r.id() + "`.");
        }

        @Test
        void anUnconfirmedSender_hearsNothingWasDone_withTheEventId() {
            assertThat(Messages.senderNotConfirmed("Teams", true, "E00000001").toString())
                    .startsWith("I did nothing: the identity in this message is not the one Teams has")
                    .endsWith("event id E00000001.");
            assertThat(Messages.senderNotConfirmed("Teams", false, "E00000002").toString())
                    .startsWith("I could not confirm who you are with Teams just now").contains("E00000002");
        }
    }
}
