package dev.jitbot.core.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.EndReason;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.PrincipalType;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.RoleRef;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.CoreHarness;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ReconcilerTest {

    private static final String ORPHAN_ID = TestPolicies.RG_PAYMENTS.id()
            + "/providers/Microsoft.Authorization/roleAssignments/0d6f2a1b-3c4d-4e5f-8a9b-0c1d2e3f4a5b";

    private CoreHarness h;
    private Reconciler reconciler;

    @BeforeEach
    void wire() {
        h = new CoreHarness();
        reconciler = new Reconciler(h.policy::get, h.store, h.outbox, h.audit, h.provider, h.notifications, h.clock);
    }

    private RequestId granted(dev.jitbot.core.domain.ChatUser who) {
        Outcome o = h.service.handle(who, "request Reader on rg-payments for 2h because INC-1 read logs");
        assertThat(o).isInstanceOf(Outcome.Activating.class);
        return ((Outcome.Activating) o).request().id();
    }

    private static AccessProvider.ProviderAssignment orphan(String requestId) {
        return new AccessProvider.ProviderAssignment(ORPHAN_ID, requestId,
                new Principal("3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c", PrincipalType.USER, null),
                RoleRef.named("Reader"), TestPolicies.RG_PAYMENTS, Instant.parse("2026-11-25T09:00:00Z"));
    }

    @Nested
    class Orphans {

        @Test
        void taggedAssignmentWithoutARequest_isDeletedAndAudited() {
            h.provider.assignments.put(ORPHAN_ID, orphan("JIT-0RPH"));

            Reconciler.Report report = reconciler.reconcile();

            assertThat(h.provider.deletes).containsExactly(ORPHAN_ID);
            assertThat(report.orphansRevoked()).isEqualTo(1);
            assertThat(report.lines()).singleElement().asString().contains("Revoked orphan Reader on "
                    + TestPolicies.RG_PAYMENTS.id()).contains("the store has no request JIT-0RPH");
            assertThat(h.audit.recent(10)).anyMatch(e -> e.action().equals("orphan-revoked")
                    && e.details().contains(ORPHAN_ID));
        }

        @Test
        void assignmentWhoseRequestAlreadyEnded_isDeleted() {
            RequestId id = granted(TestPolicies.ALICE);
            AccessProvider.ProviderAssignment held = h.provider.assignments.values().iterator().next();
            assertThat(h.service.handle(TestPolicies.ALICE, "release " + id)).isInstanceOf(Outcome.Revoking.class);
            h.provider.assignments.put(held.assignmentId(), held); // Azure still lists it

            Reconciler.Report report = reconciler.reconcile();

            assertThat(h.provider.deletes).containsExactly(held.assignmentId());
            assertThat(report.lines()).singleElement().asString().contains("its request " + id + " is ended");
            assertThat(h.audit.forRequest(id)).anyMatch(e -> e.action().equals("orphan-revoked"));
        }

        @Test
        void assignmentsOfActiveOrRevokingRequests_areLeftAlone() {
            granted(TestPolicies.ALICE);
            RequestId bob = granted(TestPolicies.BOB);
            AccessRequest active = h.store.find(bob).orElseThrow();
            h.store.compareAndSet(active, active.to(State.REVOKING));

            Reconciler.Report report = reconciler.reconcile();

            assertThat(h.provider.deletes).isEmpty();
            assertThat(report.clean()).isTrue();
            assertThat(report.listed()).isEqualTo(2);
            assertThat(h.audit.recent(50)).noneMatch(e -> e.action().equals("reconciled"));
        }

        @Test
        void deletionAzureDoesNotConfirm_isCountedAuditedAndLeftForTheNextRun() {
            AccessProvider failing = new FailingDelete(h.provider);
            h.provider.assignments.put(ORPHAN_ID, orphan(null));
            Reconciler r = new Reconciler(h.policy::get, h.store, h.outbox, h.audit, failing, h.notifications, h.clock);

            Reconciler.Report report = r.reconcile();

            assertThat(report.orphansFailed()).isEqualTo(1);
            assertThat(report.lines()).singleElement().asString().contains("Could not revoke orphan")
                    .contains("the next run tries again");
            assertThat(h.audit.recent(10)).anyMatch(e -> e.action().equals("orphan-revoke-failed")
                    && e.details().contains("its jitbot tag names no request"));
        }
    }

    @Nested
    class Vanished {

        @Test
        void activeGrantMissingFromAzure_isEndedAuditedAndItsRequesterTold() {
            RequestId id = granted(TestPolicies.ALICE);
            h.clock.advance(Duration.ofMinutes(5));
            h.provider.assignments.clear();

            Reconciler.Report report = reconciler.reconcile();

            AccessRequest r = h.store.find(id).orElseThrow();
            assertThat(r.state()).isEqualTo(State.ENDED);
            assertThat(r.endReason()).isEqualTo(EndReason.VANISHED);
            assertThat(report.vanished()).isEqualTo(1);
            assertThat(report.summary()).isEqualTo("Reconciled 0 jitbot assignments: 0 orphans revoked, 0 failed, "
                    + "1 vanished grant closed.");
            assertThat(h.audit.forRequest(id)).anyMatch(e -> e.action().equals("vanished"));
            assertThat(h.audit.recent(5)).anyMatch(e -> e.action().equals("reconciled"));
            assertThat(h.slack.to("dm:U0ALICE")).anyMatch(t -> t.contains(id.value())
                    && t.contains("no longer in Azure") && t.contains("Request again"));
            assertThat(h.slack.lastShown(id)).isEqualTo(State.ENDED);
        }

        @Test
        void grantJustMade_isNotClosedWhileArmListsMayLag() {
            RequestId id = granted(TestPolicies.ALICE);
            h.clock.advance(Duration.ofSeconds(30));
            h.provider.assignments.clear();

            assertThat(reconciler.reconcile().vanished()).isZero();
            assertThat(h.store.find(id).orElseThrow().state()).isEqualTo(State.ACTIVE);
        }

        @Test
        void grantPastItsExpiry_isLeftToTheSweeperWhichEndsItAsExpired() {
            RequestId id = granted(TestPolicies.ALICE);
            h.clock.advance(Duration.ofHours(3));
            h.provider.assignments.clear();

            assertThat(reconciler.reconcile().vanished()).isZero();
            h.expiry.sweep();

            assertThat(h.store.find(id).orElseThrow().endReason()).isEqualTo(EndReason.EXPIRED);
        }
    }

    /** Delegates everything but refuses to delete, as Azure does when it is down. */
    private static final class FailingDelete implements AccessProvider {
        private final AccessProvider inner;

        FailingDelete(AccessProvider inner) {
            this.inner = inner;
        }

        @Override
        public String mode() {
            return inner.mode();
        }

        @Override
        public GrantResult grant(AccessRequest request, Instant expiresAt) {
            return inner.grant(request, expiresAt);
        }

        @Override
        public void revoke(AccessRequest request) {
            inner.revoke(request);
        }

        @Override
        public List<ProviderAssignment> list(Collection<dev.jitbot.core.domain.AzureScope> scopes) {
            return inner.list(scopes);
        }

        @Override
        public void delete(ProviderAssignment orphan) {
            throw new AccessProviderException("Azure answered 503 (test)");
        }
    }
}
