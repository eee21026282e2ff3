package dev.jitbot.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.app.AuditLog;
import dev.jitbot.core.app.RequestStore;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Refusal;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The grant lifecycle through the real use cases ({@link CoreHarness}) on a given store and audit log: what a
 * person notices must not depend on where the state lives.
 */
public abstract class LifecycleContract {

    protected CoreHarness core;

    /** A fresh, empty store. */
    protected abstract RequestStore newStore() throws Exception;

    /** A fresh, empty audit log (on the same database as the store, where there is one). */
    protected abstract AuditLog newAuditLog() throws Exception;

    protected void closeAll() throws Exception {
    }

    @BeforeEach
    void wire() throws Exception {
        core = new CoreHarness(newStore(), newAuditLog());
    }

    @AfterEach
    void release() throws Exception {
        closeAll();
    }

    private RequestId requestContributor(ChatUser who) {
        Outcome o = core.service.handle(who, "request Contributor on rg-payments for 1h because deploy the hotfix");
        assertThat(o).isInstanceOf(Outcome.Requested.class);
        return ((Outcome.Requested) o).request().id();
    }

    private RequestId requestOwner(ChatUser who) {
        Outcome o = core.service.handle(who, "request Owner on sub-prod for 30m because INC-4711 database failover");
        assertThat(o).isInstanceOf(Outcome.Requested.class);
        return ((Outcome.Requested) o).request().id();
    }

    private AccessRequest stored(RequestId id) {
        return core.store.find(id).orElseThrow();
    }

    private List<String> actions(RequestId id) {
        return core.audit.forRequest(id).stream().map(AuditEvent::action).toList();
    }

    private static Refusal.Reason refusal(Outcome o) {
        assertThat(o).isInstanceOf(Outcome.Refused.class);
        return ((Outcome.Refused) o).refusal().reason();
    }

    @Nested
    class HappyPath {

        @Test
        void requestApproveExpire_grantsOnce_revokesAtExpiry_andAuditsEachStep() {
            RequestId id = requestContributor(TestPolicies.ALICE);

            assertThat(core.service.approve(TestPolicies.BOB, id)).isInstanceOf(Outcome.Activating.class);
            assertThat(stored(id).state()).isEqualTo(State.ACTIVE);
            assertThat(core.provider.grants).containsExactly(id);

            core.advance(Duration.ofMinutes(59));
            assertThat(stored(id).state()).isEqualTo(State.ACTIVE);

            core.advance(Duration.ofMinutes(1));
            assertThat(stored(id).state()).isEqualTo(State.ENDED);
            assertThat(core.provider.revokes).containsExactly(id);
            assertThat(actions(id)).containsSubsequence("requested", "approved", "granted", "revoked");
            assertThat(core.audit.verify().intact()).isTrue();
        }

        @Test
        void autoApprovedRead_isGrantedAtOnce() {
            Outcome o = core.service.handle(TestPolicies.ALICE, "request Reader on sub-prod for 2h because look at logs");

            assertThat(o).isInstanceOf(Outcome.Activating.class);
            RequestId id = ((Outcome.Activating) o).request().id();
            assertThat(stored(id).state()).isEqualTo(State.ACTIVE);
            assertThat(stored(id).expiresAt()).isEqualTo(core.clock.instant().plus(Duration.ofHours(2)));
        }

        @Test
        void quorumOfTwo_grantsOnlyAtTheSecondDistinctApprover() {
            RequestId id = requestOwner(TestPolicies.BOB);

            assertThat(core.service.approve(TestPolicies.CAROL, id)).isInstanceOf(Outcome.Approved.class);
            assertThat(stored(id).state()).isEqualTo(State.PENDING);
            assertThat(core.provider.grants).isEmpty();

            assertThat(core.service.approve(TestPolicies.DAVE, id)).isInstanceOf(Outcome.Activating.class);
            assertThat(stored(id).state()).isEqualTo(State.ACTIVE);
        }

        @Test
        void undecidedRequest_lapsesAtItsDeadline() {
            RequestId id = requestContributor(TestPolicies.ALICE);

            core.advance(Duration.ofMinutes(30));

            assertThat(stored(id).state()).isEqualTo(State.LAPSED);
            assertThat(actions(id)).endsWith("lapsed");
        }

        @Test
        void revocationFailingThreeTimes_isRetriedUntilItSucceeds_andEachAttemptIsAudited() {
            RequestId id = requestContributor(TestPolicies.ALICE);
            core.service.approve(TestPolicies.BOB, id);
            core.provider.failRevocations(3);

            core.advance(Duration.ofHours(1));
            for (int i = 0; i < 10 && stored(id).state() != State.ENDED; i++) {
                core.advance(Duration.ofSeconds(10));
            }

            assertThat(stored(id).state()).isEqualTo(State.ENDED);
            assertThat(core.provider.revokeCalls(id)).isEqualTo(4);
            assertThat(actions(id).stream().filter(a -> a.startsWith("revoke")).toList())
                    .containsExactly("revoke-failed", "revoke-failed", "revoke-failed", "revoked");
        }
    }

    @Nested
    class Concurrency {

        @Test
        void fiftyApproversAtOnce_grantExactlyOnce() throws Exception {
            RequestId id = requestContributor(TestPolicies.ALICE);
            List<ChatUser> leads = List.of(TestPolicies.BOB, TestPolicies.CAROL, TestPolicies.DAVE);
            ExecutorService pool = Executors.newFixedThreadPool(50);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Outcome>> outcomes = new ArrayList<>();
            try {
                for (int i = 0; i < 50; i++) {
                    ChatUser who = leads.get(i % leads.size());
                    outcomes.add(pool.submit(() -> {
                        go.await();
                        return core.service.approve(who, id);
                    }));
                }
                go.countDown();
                long granted = 0;
                for (Future<Outcome> f : outcomes) {
                    if (f.get(60, TimeUnit.SECONDS) instanceof Outcome.Activating) {
                        granted++;
                    }
                }

                assertThat(granted).isEqualTo(1);
                assertThat(core.provider.grants).containsExactly(id);
                assertThat(stored(id).state()).isEqualTo(State.ACTIVE);
                assertThat(actions(id).stream().filter("granted"::equals)).hasSize(1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Nested
    class Refusals {

        @Test
        void approve_whenApproverIsRequester_refusesAndGrantsNothing() {
            RequestId id = requestContributor(TestPolicies.BOB);

            assertThat(refusal(core.service.approve(TestPolicies.BOB, id))).isEqualTo(Refusal.Reason.SELF_APPROVAL);
            assertThat(stored(id).state()).isEqualTo(State.PENDING);
            assertThat(core.provider.grants).isEmpty();
        }

        @Test
        void approve_byNonApprover_refusesAndGrantsNothing() {
            RequestId id = requestContributor(TestPolicies.ALICE);

            // Erin may not even see the request, so the core does not say it exists.
            assertThat(refusal(core.service.approve(TestPolicies.ERIN, id)))
                    .isIn(Refusal.Reason.NOT_APPROVER, Refusal.Reason.UNKNOWN_REQUEST);
            assertThat(stored(id).state()).isEqualTo(State.PENDING);
            assertThat(core.provider.grants).isEmpty();
        }

        @Test
        void approve_twiceBySamePerson_countsOneVote() {
            RequestId id = requestOwner(TestPolicies.BOB);
            core.service.approve(TestPolicies.CAROL, id);

            assertThat(refusal(core.service.approve(TestPolicies.CAROL, id))).isEqualTo(Refusal.Reason.ALREADY_VOTED);
            assertThat(stored(id).approvals()).isEqualTo(1);
            assertThat(core.provider.grants).isEmpty();
        }

        @Test
        void approve_afterDeny_refuses() {
            RequestId id = requestContributor(TestPolicies.ALICE);
            core.service.deny(TestPolicies.CAROL, id, "not during the freeze");

            assertThat(refusal(core.service.approve(TestPolicies.BOB, id))).isEqualTo(Refusal.Reason.WRONG_STATE);
            assertThat(stored(id).state()).isEqualTo(State.DENIED);
            assertThat(core.provider.grants).isEmpty();
        }

        @Test
        void approve_afterCancel_refuses() {
            RequestId id = requestContributor(TestPolicies.ALICE);
            core.service.cancel(TestPolicies.ALICE, id);

            assertThat(refusal(core.service.approve(TestPolicies.BOB, id))).isEqualTo(Refusal.Reason.WRONG_STATE);
            assertThat(stored(id).state()).isEqualTo(State.CANCELLED);
        }

        @Test
        void approve_afterLapse_refuses() {
            RequestId id = requestContributor(TestPolicies.ALICE);
            core.advance(Duration.ofMinutes(31));

            assertThat(refusal(core.service.approve(TestPolicies.BOB, id))).isEqualTo(Refusal.Reason.WRONG_STATE);
            assertThat(stored(id).state()).isEqualTo(State.LAPSED);
        }

        @Test
        void approve_afterEnd_refuses() {
            RequestId id = requestContributor(TestPolicies.ALICE);
            core.service.approve(TestPolicies.BOB, id);
            core.advance(Duration.ofHours(1));

            assertThat(refusal(core.service.approve(TestPolicies.CAROL, id))).isEqualTo(Refusal.Reason.WRONG_STATE);
            assertThat(core.provider.grants).containsExactly(id);
        }

        @Test
        void extend_pastTheRulesMaximum_refusesAndKeepsTheExpiry() {
            RequestId id = requestContributor(TestPolicies.ALICE);
            core.service.approve(TestPolicies.BOB, id);
            var expiry = stored(id).expiresAt();

            assertThat(refusal(core.service.extend(TestPolicies.ALICE, id, Duration.ofHours(2), "more time")))
                    .isEqualTo(Refusal.Reason.OVER_MAX_DURATION);
            assertThat(stored(id).expiresAt()).isEqualTo(expiry);
        }

        @Test
        void revoke_bySomeoneNotAllowed_refusesAndKeepsTheGrant() {
            RequestId id = requestContributor(TestPolicies.ALICE);
            core.service.approve(TestPolicies.BOB, id);

            assertThat(refusal(core.service.revoke(TestPolicies.ERIN, id, "because")))
                    .isIn(Refusal.Reason.NOT_ALLOWED, Refusal.Reason.UNKNOWN_REQUEST);
            assertThat(stored(id).state()).isEqualTo(State.ACTIVE);
            assertThat(core.provider.revokes).isEmpty();
        }
    }

    @Nested
    class Bundles {
        private RequestId requestBundle() {
            core.policy.set(TestPolicies.withBundle(core.policy.get()));
            Outcome o = core.service.handle(TestPolicies.ALICE,
                    "request bundle incident-payments for 1h because INC-7 payments down");
            assertThat(o).isInstanceOf(Outcome.Requested.class);
            return ((Outcome.Requested) o).request().id();
        }

        @Test
        void bundle_keepsItsMembersAndTheirAssignments_throughTheStore() {
            RequestId id = requestBundle();
            core.service.approve(TestPolicies.BOB, id);

            AccessRequest r = stored(id);
            assertThat(r.state()).isEqualTo(State.ACTIVE);
            assertThat(r.bundle().name()).isEqualTo("incident-payments");
            assertThat(r.bundle().members()).extracting(m -> m.label())
                    .containsExactly("Contributor on rg-payments", "Reader on sub-prod");
            assertThat(r.bundle().members()).allSatisfy(m -> assertThat(m.assignmentId()).isNotNull());
            assertThat(r.bundle().members().get(1).ruleName()).isEqualTo("read production");
        }

        @Test
        void openBundle_holdsEachMembersKey_evenAgainstAWriteThatSkipsTheCheck() {
            RequestId id = requestBundle();
            AccessRequest bundle = stored(id);
            AccessRequest single = AccessRequest.pending(RequestId.parse("JIT-ZZ99").orThrow(), TestPolicies.ALICE,
                    bundle.principal(), new dev.jitbot.core.domain.RoleRef("Reader", null), TestPolicies.SUB_PROD,
                    "sub-prod", Duration.ofHours(1), "looking", null, "read production", 0,
                    core.clock.instant(), core.clock.instant().plusSeconds(600));

            assertThat(core.outbox.commit(dev.jitbot.core.app.Change.insert(single).build()))
                    .isEqualTo(dev.jitbot.core.app.Outbox.Commit.OPEN_DUPLICATE);

            core.service.cancel(TestPolicies.ALICE, id);
            assertThat(core.outbox.commit(dev.jitbot.core.app.Change.insert(single).build()))
                    .isEqualTo(dev.jitbot.core.app.Outbox.Commit.DONE);
        }

        @Test
        void bundle_forAMemberHeldBySingleRequest_isRefusedAtTheStoreToo() {
            core.policy.set(TestPolicies.withBundle(core.policy.get()));
            Outcome single = core.service.handle(TestPolicies.ALICE, "request Reader on sub-prod for 1h because look");
            AccessRequest held = ((Outcome.Activating) single).request();
            AccessRequest bundle = new AccessRequest(RequestId.parse("JIT-ZZ98").orThrow(), 0, State.PENDING,
                    TestPolicies.ALICE, held.principal(), new dev.jitbot.core.domain.RoleRef("Contributor", null),
                    TestPolicies.RG_PAYMENTS, "rg-payments", Duration.ofHours(1), "x", null, "bundle incident-payments",
                    1, List.of(), core.clock.instant(), core.clock.instant().plusSeconds(600), null, null, null, null,
                    null, null, null, null, 0, false, null, null, null, null, new dev.jitbot.core.domain.BundleGrant("incident-payments",
                    List.of(new dev.jitbot.core.domain.BundleGrant.Member(held.role(), held.scope(), "sub-prod",
                            "read production", null, null))));

            assertThat(core.outbox.commit(dev.jitbot.core.app.Change.insert(bundle).build()))
                    .isEqualTo(dev.jitbot.core.app.Outbox.Commit.OPEN_DUPLICATE);
        }
    }
}
