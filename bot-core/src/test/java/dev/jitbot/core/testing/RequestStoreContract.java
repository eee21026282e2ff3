package dev.jitbot.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.app.RequestStore;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.EndReason;
import dev.jitbot.core.domain.Extension;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.PrincipalType;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.RoleRef;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.domain.Vote;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
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
 * What every {@link RequestStore} must do. Subclasses supply a fresh, empty store per test; the in-memory fake and
 * the JDBC store (H2, PostgreSQL) both run it.
 */
public abstract class RequestStoreContract {

    protected static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    protected RequestStore store;

    /** A new, empty store. */
    protected abstract RequestStore newStore() throws Exception;

    /** Releases what {@link #newStore()} opened. */
    protected void closeStore() throws Exception {
    }

    @BeforeEach
    void openStore() throws Exception {
        store = newStore();
    }

    @AfterEach
    void releaseStore() throws Exception {
        closeStore();
    }

    public static AccessRequest pending(String id, ChatUser requester, Instant createdAt) {
        return AccessRequest.pending(new RequestId(id), requester,
                new Principal(FakeDirectory.objectIdOf(requester.email() == null ? requester.id() : requester.email()),
                        PrincipalType.USER, requester.displayName()),
                RoleRef.named("Contributor"), scopeOf(id), "rg-payments", Duration.ofHours(1),
                "deploy the hotfix", null, "operate payments", 1, createdAt, createdAt.plus(Duration.ofMinutes(30)));
    }

    /**
     * A web app of its own in rg-payments for each request id: the store keeps one open request per principal, role
     * and scope, and these rows are open side by side.
     */
    static dev.jitbot.core.domain.AzureScope scopeOf(String id) {
        return new dev.jitbot.core.domain.AzureScope(TestPolicies.RG_PAYMENTS.id() + "/providers/Microsoft.Web/sites/app-"
                + id.toLowerCase(java.util.Locale.ROOT));
    }

    public static AccessRequest active(String id, Instant activatedAt, Duration lasting) {
        AccessRequest p = pending(id, TestPolicies.ALICE, activatedAt.minusSeconds(60));
        AccessRequest r = p.withVote(new Vote(TestPolicies.BOB, Vote.Decision.APPROVE, activatedAt.minusSeconds(30), null))
                .to(State.ACTIVATING);
        return new AccessRequest(r.id(), r.version(), State.ACTIVE, r.requester(), r.principal(), r.role(), r.scope(),
                r.scopeLabel(), lasting, r.justification(), r.ticket(), r.ruleName(), r.approvalsNeeded(), r.votes(),
                r.createdAt(), r.decideBy(), activatedAt, activatedAt.plus(lasting), null, null, null, null,
                "/subscriptions/x/roleAssignments/" + id, null, 0, false);
    }

    /** Every field set, nothing null that can be stored: the row must come back exactly. */
    protected static AccessRequest everyFieldSet() {
        ChatUser teamsUser = new ChatUser(Platform.TEAMS, "29:1AbC-xyz", "Zoë Ünïcode", "zoe@contoso.com",
                "6f1c2b3a-4d5e-4f60-8a9b-0c1d2e3f4a5b");
        AccessRequest r = AccessRequest.pending(new RequestId("JIT-7K3F"), teamsUser,
                        new Principal(TestPolicies.PIPELINE_ID, PrincipalType.SERVICE_PRINCIPAL, "deploy-pipeline"),
                        new RoleRef("Owner", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635"), TestPolicies.SUB_PROD, "sub-prod",
                        Duration.ofMinutes(25).plusSeconds(7), "INC-42: \"quoted\", 'single', ünïcode ✓, newline\nhere",
                        "INC-42", "own the subscription", 2, Instant.parse("2026-11-25T10:00:00.123456Z"),
                        Instant.parse("2026-11-25T10:30:00.123456Z"))
                .withVote(new Vote(TestPolicies.BOB, Vote.Decision.APPROVE, Instant.parse("2026-11-25T10:01:00Z"), null))
                .withVote(new Vote(TestPolicies.CAROL, Vote.Decision.APPROVE, Instant.parse("2026-11-25T10:02:00Z"),
                        "ok, \"go\""))
                .to(State.ACTIVATING)
                .withActivation(Instant.parse("2026-11-25T10:02:01.5Z"), "/subscriptions/" + TestPolicies.SUB
                        + "/providers/Microsoft.Authorization/roleAssignments/0d1c2b3a-0000-4000-8000-000000000001")
                .to(State.ACTIVE)
                .withExtension(new Extension(Duration.ofMinutes(15), "still migrating",
                        Instant.parse("2026-11-25T10:20:00Z"), List.of(new Vote(TestPolicies.DAVE,
                        Vote.Decision.APPROVE, Instant.parse("2026-11-25T10:21:00Z"), null))))
                .to(State.REVOKING)
                .withEnd(Instant.parse("2026-11-25T10:22:00Z"), EndReason.REVOKED, TestPolicies.CAROL, "incident over")
                .withRevokeAttempt()
                .withOverdueAlerted();
        return r;
    }

    @Nested
    class Insert {

        @Test
        void insert_thenFind_returnsEveryFieldAsStored() {
            AccessRequest r = everyFieldSet();

            assertThat(store.insert(r)).isTrue();

            assertThat(store.find(r.id())).contains(r);
        }

        @Test
        void aScheduledRequest_keepsItsStartAndZone_andCountsAsOpen() {
            AccessRequest r = AccessRequest.pendingFrom(new RequestId("JIT-5CHD"), TestPolicies.ALICE,
                    new Principal(FakeDirectory.objectIdOf("alice@contoso.com"), PrincipalType.USER, "Alice"),
                    new RoleRef("Contributor", null), TestPolicies.RG_PAYMENTS, "rg-payments", Duration.ofHours(1),
                    "window", null, "operate payments", 1, T0, T0.plus(Duration.ofHours(3)),
                    Instant.parse("2026-11-25T21:00:00Z"), "Europe/Berlin");
            assertThat(store.insert(r)).isTrue();
            AccessRequest scheduled = r.withVote(new Vote(TestPolicies.BOB, Vote.Decision.APPROVE, T0, null))
                    .to(State.SCHEDULED);

            assertThat(store.compareAndSet(r, scheduled)).isTrue();

            assertThat(store.find(r.id())).contains(scheduled);
            assertThat(store.findOpenFor(r.principal().objectId())).containsExactly(scheduled);
        }

        @Test
        void breakGlass_unreviewedThenReviewed_comesBackAsStored_andIsFoundAsBreakGlass() {
            AccessRequest unreviewed = pending("JIT-BG01", TestPolicies.ALICE, T0)
                    .withBreakGlass(dev.jitbot.core.domain.BreakGlass.UNREVIEWED).to(State.ACTIVATING);
            assertThat(store.insert(unreviewed)).isTrue();
            assertThat(store.insert(pending("JIT-BG02", TestPolicies.BOB, T0))).isTrue();
            assertThat(store.find(unreviewed.id())).contains(unreviewed);

            AccessRequest reviewed = unreviewed.withBreakGlass(dev.jitbot.core.domain.BreakGlass.reviewedBy(
                    TestPolicies.CAROL, T0.plusSeconds(90), "checked with Alice: \"INC-4711\" ✓"));
            assertThat(store.compareAndSet(unreviewed, reviewed)).isTrue();

            assertThat(store.find(reviewed.id())).contains(reviewed);
            assertThat(store.findBreakGlass(T0.minusSeconds(1))).containsExactly(reviewed);
            assertThat(store.findBreakGlass(T0.plusSeconds(1))).isEmpty();
        }

        @Test
        void insert_whenIdIsTaken_returnsFalseAndKeepsTheFirst() {
            AccessRequest first = pending("JIT-AAAA", TestPolicies.ALICE, T0);
            AccessRequest second = pending("JIT-AAAA", TestPolicies.BOB, T0.plusSeconds(1));

            assertThat(store.insert(first)).isTrue();
            assertThat(store.insert(second)).isFalse();

            assertThat(store.find(first.id())).contains(first);
        }

        @Test
        void find_whenUnknown_isEmpty() {
            assertThat(store.find(new RequestId("JIT-ZZZZ"))).isEmpty();
        }
    }

    @Nested
    class CompareAndSet {

        @Test
        void compareAndSet_fromTheStoredVersion_writesTheNext() {
            AccessRequest r = pending("JIT-AAAA", TestPolicies.ALICE, T0);
            store.insert(r);
            AccessRequest next = r.withVote(new Vote(TestPolicies.BOB, Vote.Decision.APPROVE, T0.plusSeconds(5), null))
                    .to(State.ACTIVATING);

            assertThat(store.compareAndSet(r, next)).isTrue();

            assertThat(store.find(r.id())).contains(next);
        }

        @Test
        void compareAndSet_fromAStaleVersion_writesNothing() {
            AccessRequest r = pending("JIT-AAAA", TestPolicies.ALICE, T0);
            store.insert(r);
            AccessRequest v1 = r.withNote("first");
            store.compareAndSet(r, v1);

            assertThat(store.compareAndSet(r, r.to(State.CANCELLED))).isFalse();

            assertThat(store.find(r.id())).contains(v1);
        }

        @Test
        void compareAndSet_whenTheStateMovedAtTheSameVersion_writesNothing() {
            AccessRequest r = pending("JIT-AAAA", TestPolicies.ALICE, T0);
            store.insert(r);
            AccessRequest sameVersionOtherState = new AccessRequest(r.id(), r.version(), State.ACTIVATING,
                    r.requester(), r.principal(), r.role(), r.scope(), r.scopeLabel(), r.duration(), r.justification(),
                    r.ticket(), r.ruleName(), r.approvalsNeeded(), r.votes(), r.createdAt(), r.decideBy(), null, null,
                    null, null, null, null, null, null, 0, false);

            assertThat(store.compareAndSet(sameVersionOtherState, sameVersionOtherState.to(State.ACTIVE))).isFalse();

            assertThat(store.find(r.id())).contains(r);
        }

        @Test
        void compareAndSet_onAnUnknownRequest_writesNothing() {
            AccessRequest r = pending("JIT-AAAA", TestPolicies.ALICE, T0);

            assertThat(store.compareAndSet(r, r.to(State.CANCELLED))).isFalse();

            assertThat(store.find(r.id())).isEmpty();
        }

        @Test
        void compareAndSet_fromFiftyThreadsAtOnce_letsExactlyOneWin() throws Exception {
            AccessRequest r = pending("JIT-AAAA", TestPolicies.ALICE, T0);
            store.insert(r);
            int threads = 50;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Boolean>> results = new ArrayList<>();
            try {
                for (int i = 0; i < threads; i++) {
                    AccessRequest mine = r.withNote("writer " + i);
                    results.add(pool.submit(() -> {
                        go.await();
                        return store.compareAndSet(r, mine);
                    }));
                }
                go.countDown();
                List<String> winners = new ArrayList<>();
                for (int i = 0; i < threads; i++) {
                    if (results.get(i).get(30, TimeUnit.SECONDS)) {
                        winners.add("writer " + i);
                    }
                }

                assertThat(winners).hasSize(1);
                assertThat(store.find(r.id()).orElseThrow().note()).isEqualTo(winners.get(0));
                assertThat(store.find(r.id()).orElseThrow().version()).isEqualTo(r.version() + 1);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Nested
    class Queries {

        @Test
        void findByState_returnsOnlyThoseStates_oldestFirst() {
            AccessRequest newer = pending("JIT-BBBB", TestPolicies.ALICE, T0.plusSeconds(10));
            AccessRequest older = pending("JIT-AAAA", TestPolicies.BOB, T0);
            AccessRequest granted = active("JIT-CCCC", T0, Duration.ofHours(1));
            store.insert(newer);
            store.insert(older);
            store.insert(granted);

            assertThat(store.findByState(List.of(State.PENDING))).containsExactly(older, newer);
            assertThat(store.findByState(EnumSet.of(State.ACTIVE, State.REVOKING))).containsExactly(granted);
            assertThat(store.findByState(List.of())).isEmpty();
        }

        @Test
        void findOpenFor_returnsOnlyTheOpenRequestsOfThatPrincipal() {
            AccessRequest alicePending = pending("JIT-AAAA", TestPolicies.ALICE, T0);
            AccessRequest aliceActive = active("JIT-BBBB", T0.plusSeconds(5), Duration.ofHours(1));
            AccessRequest aliceEnded = active("JIT-CCCC", T0, Duration.ofMinutes(5)).to(State.ENDED);
            AccessRequest bobPending = pending("JIT-DDDD", TestPolicies.BOB, T0);
            for (AccessRequest r : List.of(alicePending, aliceActive, aliceEnded, bobPending)) {
                store.insert(r);
            }

            assertThat(store.findOpenFor(alicePending.principal().objectId())).containsExactlyInAnyOrder(alicePending, aliceActive);
            assertThat(store.findOpenFor(bobPending.principal().objectId().toUpperCase())).containsExactly(bobPending);
        }

        @Test
        void findExpiring_returnsActiveAndRevokingGrantsDueByTheCutoff_soonestFirst() {
            AccessRequest dueLater = active("JIT-AAAA", T0, Duration.ofMinutes(30));
            AccessRequest dueFirst = active("JIT-BBBB", T0, Duration.ofMinutes(10));
            AccessRequest dueExactlyAtCutoff = active("JIT-CCCC", T0, Duration.ofMinutes(60));
            AccessRequest notYet = active("JIT-DDDD", T0, Duration.ofMinutes(61));
            AccessRequest revoking = active("JIT-EEEE", T0, Duration.ofMinutes(20)).to(State.REVOKING);
            AccessRequest ended = active("JIT-FFFF", T0, Duration.ofMinutes(5)).to(State.ENDED);
            AccessRequest stillPending = pending("JIT-GGGG", TestPolicies.ALICE, T0);
            for (AccessRequest r : List.of(dueLater, dueFirst, dueExactlyAtCutoff, notYet, revoking, ended, stillPending)) {
                store.insert(r);
            }

            assertThat(store.findExpiring(T0.plus(Duration.ofMinutes(60))))
                    .containsExactly(dueFirst, revoking, dueLater, dueExactlyAtCutoff);
        }

        @Test
        void findUndecided_returnsPendingRequestsPastTheirDeadline_oldestDeadlineFirst() {
            AccessRequest a = pending("JIT-AAAA", TestPolicies.ALICE, T0.plusSeconds(60));
            AccessRequest b = pending("JIT-BBBB", TestPolicies.ALICE, T0);
            AccessRequest later = pending("JIT-CCCC", TestPolicies.ALICE, T0.plus(Duration.ofMinutes(5)));
            AccessRequest cancelled = pending("JIT-DDDD", TestPolicies.ALICE, T0).to(State.CANCELLED);
            for (AccessRequest r : List.of(a, b, later, cancelled)) {
                store.insert(r);
            }

            // deadlines are created + 30 min; the cutoff is exactly a's
            assertThat(store.findUndecided(T0.plus(Duration.ofMinutes(31)))).containsExactly(b, a);
        }

        @Test
        void findByRequester_matchesEmailOrChatKey_ignoringCase_newestFirst_upToTheLimit() {
            ChatUser noEmail = new ChatUser(Platform.SLACK, "U0NOMAIL", "Nomail", null);
            AccessRequest first = pending("JIT-AAAA", TestPolicies.ALICE, T0);
            AccessRequest second = pending("JIT-BBBB", TestPolicies.ALICE, T0.plusSeconds(1));
            AccessRequest third = pending("JIT-CCCC", TestPolicies.ALICE, T0.plusSeconds(2));
            AccessRequest bobs = pending("JIT-DDDD", TestPolicies.BOB, T0.plusSeconds(3));
            AccessRequest anonymous = pending("JIT-EEEE", noEmail, T0.plusSeconds(4));
            for (AccessRequest r : List.of(first, second, third, bobs, anonymous)) {
                store.insert(r);
            }

            assertThat(store.findByRequester("alice@contoso.com", 10)).containsExactly(third, second, first);
            assertThat(store.findByRequester("ALICE@contoso.com", 2)).containsExactly(third, second);
            assertThat(store.findByRequester("slack:U0ALICE", 10)).containsExactly(third, second, first);
            assertThat(store.findByRequester("slack:u0nomail", 10)).containsExactly(anonymous);
            assertThat(store.findByRequester("erin@contoso.com", 10)).isEmpty();
        }
    }

    @Nested
    class Messages {

        @Test
        void messages_comeBackInPostingOrder_perRequest() {
            RequestId a = new RequestId("JIT-AAAA");
            RequestId b = new RequestId("JIT-BBBB");
            MessageRef card = new MessageRef(Platform.SLACK, "C0APPROVALS", "1732528800.000100", MessageRef.CARD);
            MessageRef dm = new MessageRef(Platform.SLACK, "D0ALICE", "1732528800.000200", MessageRef.DM);
            MessageRef teams = new MessageRef(Platform.TEAMS, "19:approvals@thread.tacv2", "1732528800300",
                    MessageRef.CARD);
            store.addMessage(a, card);
            store.addMessage(b, teams);
            store.addMessage(a, dm);

            assertThat(store.messages(a)).containsExactly(card, dm);
            assertThat(store.messages(b)).containsExactly(teams);
            assertThat(store.messages(new RequestId("JIT-CCCC"))).isEmpty();
        }
    }
}
