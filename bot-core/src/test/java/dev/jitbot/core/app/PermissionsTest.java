package dev.jitbot.core.app;

import static dev.jitbot.core.app.Permissions.Action.APPROVE;
import static dev.jitbot.core.app.Permissions.Action.APPROVE_EXTENSION;
import static dev.jitbot.core.app.Permissions.Action.CANCEL;
import static dev.jitbot.core.app.Permissions.Action.DENY;
import static dev.jitbot.core.app.Permissions.Action.DENY_EXTENSION;
import static dev.jitbot.core.app.Permissions.Action.EXTEND;
import static dev.jitbot.core.app.Permissions.Action.RELEASE;
import static dev.jitbot.core.app.Permissions.Action.REVOKE;
import static dev.jitbot.core.app.Permissions.Action.STOP_PENDING;
import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.BOB;
import static dev.jitbot.core.testing.TestPolicies.DAVE;
import static dev.jitbot.core.testing.TestPolicies.ERIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.app.Permissions.Action;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.CoreHarness;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * {@link Permissions#actionsFor} offers exactly what {@link AccessService} then lets the viewer do: every action it
 * lists succeeds when used, and every action it leaves out is refused.
 */
class PermissionsTest {

    private final CoreHarness h = new CoreHarness();

    PermissionsTest() {
        // Erin is on call and approves nothing: the viewer who may stop a pending request but not decide it.
        h.policy.set(TestPolicies.withOncallMembers(h.policy.get(), "erin@contoso.com"));
    }

    private AccessRequest pending() {
        Outcome o = h.service.handle(ALICE, "request Contributor on rg-payments for 45m because INC-4411 hotfix");
        return ((Outcome.Requested) o).request();
    }

    private AccessRequest active() {
        AccessRequest r = pending();
        h.service.approve(BOB, r.id());
        return h.store.find(r.id()).orElseThrow();
    }

    private Set<Action> actions(ChatUser viewer, AccessRequest r) {
        return h.service.actionsFor(viewer, h.store.find(r.id()).orElseThrow());
    }

    @Test
    void pending_requesterMayCancel_approversDecide_onCallMayStop_othersNothing() {
        AccessRequest r = pending();

        assertThat(actions(ALICE, r)).containsExactly(CANCEL);
        assertThat(actions(BOB, r)).containsExactlyInAnyOrder(APPROVE, DENY);
        assertThat(actions(ERIN, r)).containsExactly(STOP_PENDING);
        assertThat(actions(new ChatUser(dev.jitbot.core.domain.Platform.SLACK, "U0ZED", "Zed", null, null), r))
                .isEmpty();
    }

    @Test
    void pending_stopByOnCall_isWhatTheCoreDoes() {
        AccessRequest r = pending();

        assertThat(h.service.revoke(ERIN, r.id(), "not now")).isInstanceOf(Outcome.Denied.class);
        assertThat(actions(ERIN, r)).isEmpty();
        assertThat(actions(BOB, r)).isEmpty();
    }

    @Test
    void aVoterOfATwoApprovalRequest_hasNothingLeftToDecide() {
        Outcome o = h.service.handle(BOB, "request Owner on sub-prod for 30m because INC-77 outage");
        AccessRequest r = ((Outcome.Requested) o).request();

        assertThat(h.service.approve(DAVE, r.id())).isInstanceOf(Outcome.Approved.class);
        assertThat(actions(DAVE, r)).isEmpty();
        assertThat(h.service.deny(DAVE, r.id(), "changed my mind")).isInstanceOf(Outcome.Refused.class);
    }

    @Test
    void active_requesterReleasesOrExtends_approverAndOnCallRevoke() {
        AccessRequest r = active();

        assertThat(h.store.find(r.id()).orElseThrow().state()).isEqualTo(State.ACTIVE);
        assertThat(actions(ALICE, r)).containsExactlyInAnyOrder(RELEASE, EXTEND);
        assertThat(actions(DAVE, r)).containsExactly(REVOKE);
        assertThat(actions(ERIN, r)).containsExactly(REVOKE);
    }

    @Test
    void pendingExtension_approverMayApproveOrDenyIt_requesterWaits() {
        AccessRequest r = active();
        assertThat(h.service.extend(ALICE, r.id(), Duration.ofMinutes(30), "still fixing"))
                .isInstanceOf(Outcome.ExtensionRequested.class);

        assertThat(actions(ALICE, r)).containsExactly(RELEASE);
        assertThat(actions(DAVE, r)).containsExactlyInAnyOrder(APPROVE_EXTENSION, DENY_EXTENSION, REVOKE);
        assertThat(actions(ERIN, r)).containsExactly(REVOKE);
        assertThat(h.service.approve(DAVE, r.id())).isNotInstanceOf(Outcome.Refused.class);
        assertThat(actions(DAVE, r)).containsExactly(REVOKE);
    }

    @Test
    void onASharedCard_theDecidersAndOnCallsActionsForTheState() {
        AccessRequest r = pending();
        assertThat(Permissions.onSharedCard(r)).containsExactlyInAnyOrder(APPROVE, DENY);

        h.service.approve(BOB, r.id());
        AccessRequest a = h.store.find(r.id()).orElseThrow();
        assertThat(Permissions.onSharedCard(a)).containsExactly(REVOKE);
        h.service.release(ALICE, r.id());
        assertThat(Permissions.onSharedCard(h.store.find(r.id()).orElseThrow())).isEmpty();
    }
}
