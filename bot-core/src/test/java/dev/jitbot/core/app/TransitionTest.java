package dev.jitbot.core.app;

import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.BOB;
import static dev.jitbot.core.testing.TestPolicies.CAROL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jitbot.core.app.Transition.Step;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Refusal.Reason;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.domain.Vote;
import dev.jitbot.core.testing.CoreHarness;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@link Transition}: the one compare-and-set loop every use case writes through. A write that loses the race is
 * not written; the row is read again and the use case decides anew from what the other writer left.
 */
class TransitionTest {

    private final CoreHarness h = new CoreHarness().autoDrain(false);
    private final Transition transition = new Transition(h.store, h.outbox, h.clock, new Random(7));

    private AccessRequest pending() {
        Outcome o = h.service.handle(ALICE, "request Contributor on rg-payments for 45m because INC-4411 hotfix");
        assertThat(o).isInstanceOf(Outcome.Requested.class);
        return ((Outcome.Requested) o).request();
    }

    private AccessRequest voted(AccessRequest r, ChatUser voter) {
        return r.withVote(new Vote(voter, Vote.Decision.APPROVE, h.clock.instant(), null));
    }

    private Change.Builder vote(AccessRequest r, ChatUser voter) {
        AccessRequest next = voted(r, voter);
        return Change.of(r, next).audit(transition.event(voter, "approved", next, "test vote"));
    }

    @Nested
    class On {

        @Test
        void on_whenAnotherWriterMovesTheRowBetweenReadAndWrite_decidesAgainFromTheRowItLeft() {
            AccessRequest filed = pending();
            List<Long> versionsSeen = new ArrayList<>();

            Outcome o = transition.on(filed.id(), r -> true, r -> {
                versionsSeen.add(r.version());
                if (versionsSeen.size() == 1) {
                    // Bob's vote lands after this read and before this write.
                    assertThat(h.outbox.commit(vote(r, BOB).build())).isEqualTo(Outbox.Commit.DONE);
                }
                AccessRequest next = voted(r, CAROL);
                return Step.write(Change.of(r, next), new Outcome.Approved(next));
            }, "approving");

            assertThat(versionsSeen).containsExactly(filed.version(), filed.version() + 1);
            AccessRequest stored = h.store.find(filed.id()).orElseThrow();
            assertThat(stored.approvers()).extracting(ChatUser::displayName)
                    .containsExactly(BOB.displayName(), CAROL.displayName());
            assertThat(((Outcome.Approved) o).request()).isEqualTo(stored);
        }

        @Test
        void on_whenTheWriteLosesTheRace_runsWhatFollowsTheCommitOnlyOnceItIsStored() {
            AccessRequest filed = pending();
            AtomicInteger followUps = new AtomicInteger();
            AtomicInteger attempts = new AtomicInteger();

            transition.on(filed.id(), r -> true, r -> {
                if (attempts.incrementAndGet() == 1) {
                    h.outbox.commit(vote(r, BOB).build());
                }
                AccessRequest next = r.to(State.CANCELLED);
                return Step.write(Change.of(r, next), () -> {
                    followUps.incrementAndGet();
                    return new Outcome.Cancelled(next);
                });
            }, "cancelling");

            assertThat(attempts).hasValue(2);
            assertThat(followUps).hasValue(1);
            assertThat(h.store.find(filed.id()).orElseThrow().state()).isEqualTo(State.CANCELLED);
        }

        @Test
        void on_whenTheRowNeverStopsMoving_givesUpNamingWhatItWasDoing() {
            AccessRequest filed = pending();
            AtomicInteger attempts = new AtomicInteger();

            assertThatThrownBy(() -> transition.on(filed.id(), r -> true, r -> {
                attempts.incrementAndGet();
                h.outbox.commit(vote(r, BOB).build());
                return Step.write(Change.of(r, r.to(State.CANCELLED)), new Outcome.Cancelled(r));
            }, "approving"))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("too much contention approving " + filed.id());
            assertThat(attempts).hasValue(Transition.ATTEMPTS);
            assertThat(h.store.find(filed.id()).orElseThrow().state()).isEqualTo(State.PENDING);
        }

        @Test
        void on_whenTheUseCaseRefuses_writesNothing() {
            AccessRequest filed = pending();
            int events = h.memoryAudit.actions(filed.id()).size();

            Outcome o = transition.on(filed.id(), r -> true, r -> Step.refuse(
                    new Outcome.Refused(Reason.NOT_ALLOWED, "no")), "approving");

            assertThat(o).isEqualTo(new Outcome.Refused(Reason.NOT_ALLOWED, "no"));
            assertThat(h.store.find(filed.id()).orElseThrow()).isEqualTo(filed);
            assertThat(h.memoryAudit.actions(filed.id())).hasSize(events);
        }

        @Test
        void on_whenTheRequestIsMissingOrHiddenFromTheActor_saysItKnowsNoSuchRequestWithoutDeciding() {
            AccessRequest filed = pending();
            AtomicInteger decided = new AtomicInteger();
            RequestId missing = RequestId.parse("JIT-ZZZZ").orThrow();

            Outcome hidden = transition.on(filed.id(), r -> false, r -> {
                decided.incrementAndGet();
                return Step.refuse(new Outcome.Refused(Reason.NOT_ALLOWED, "no"));
            }, "approving");
            Outcome unknown = transition.on(missing, r -> true, r -> {
                decided.incrementAndGet();
                return Step.refuse(new Outcome.Refused(Reason.NOT_ALLOWED, "no"));
            }, "approving");

            assertThat(decided).hasValue(0);
            assertThat(((Outcome.Refused) hidden).message()).isEqualTo("I know no request " + filed.id()
                    + " that you can see. `list` shows yours; ids look like `JIT-7K3F`.");
            assertThat(((Outcome.Refused) unknown).refusal().reason()).isEqualTo(Reason.UNKNOWN_REQUEST);
        }
    }

    @Nested
    class Insert {

        private AccessRequest copyOf(AccessRequest r, RequestId id) {
            return AccessRequest.pending(id, r.requester(), r.principal(), r.role(), r.scope(), r.scopeLabel(),
                    r.duration(), r.justification(), r.ticket(), r.ruleName(), r.approvalsNeeded(), r.createdAt(),
                    r.decideBy());
        }

        @Test
        void insert_whenTheDrawnIdIsTaken_filesUnderAFreshOne() {
            AccessRequest template = pending();
            h.service.cancel(ALICE, template.id());
            // Two transitions drawing the same ids: the second finds its first id taken by the first.
            Transition other = new Transition(h.store, h.outbox, h.clock, new Random(11));
            Transition same = new Transition(h.store, h.outbox, h.clock, new Random(11));
            AccessRequest first = ((Outcome.Cancelled) other.insert(id -> {
                AccessRequest r = copyOf(template, id).to(State.CANCELLED);
                return Step.write(Change.insert(r), new Outcome.Cancelled(r));
            }, () -> new Outcome.Refused(Reason.WRONG_STATE, "open"))).request();

            List<RequestId> tried = new ArrayList<>();
            Outcome second = same.insert(id -> {
                tried.add(id);
                AccessRequest r = copyOf(template, id).to(State.CANCELLED);
                return Step.write(Change.insert(r), new Outcome.Cancelled(r));
            }, () -> new Outcome.Refused(Reason.WRONG_STATE, "open"));

            assertThat(tried).hasSize(2).first().isEqualTo(first.id());
            assertThat(((Outcome.Cancelled) second).request().id()).isEqualTo(tried.get(1)).isNotEqualTo(first.id());
            assertThat(h.store.find(tried.get(1))).isPresent();
        }

        @Test
        void insert_whenTheGranteeAlreadyHasTheSameGrantOpen_answersWithWhatIsOpenAndWritesNothing() {
            AccessRequest open = pending();
            List<RequestId> tried = new ArrayList<>();

            Outcome o = transition.insert(id -> {
                tried.add(id);
                AccessRequest r = copyOf(open, id);
                return Step.write(Change.insert(r).audit(transition.event(ALICE, "requested", r, "again")),
                        new Outcome.Requested(r, null));
            }, () -> new Outcome.Refused(Reason.WRONG_STATE, "already open as " + open.id()));

            assertThat(o).isEqualTo(new Outcome.Refused(Reason.WRONG_STATE, "already open as " + open.id()));
            assertThat(tried).hasSize(1);
            assertThat(h.store.find(tried.get(0))).isEmpty();
            assertThat(h.memoryAudit.actions(tried.get(0))).isEmpty();
        }
    }

    @Test
    void record_writesTheEventAndLeavesTheRowAsItIs() {
        AccessRequest filed = pending();
        AuditEvent refused = transition.event(BOB, "approve-refused", filed, "identity not live: test");

        transition.record(filed, refused);

        assertThat(h.memoryAudit.actions(filed.id())).endsWith("approve-refused");
        assertThat(h.store.find(filed.id()).orElseThrow()).isEqualTo(filed);
    }
}
