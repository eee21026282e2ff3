package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Refusal.Reason;
import dev.jitbot.core.domain.RequestId;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * The one way a use case moves a request: read the row, let the use case decide from it (a refusal, or the next
 * version with its audit events and work items as one {@link Change}), and write that in one
 * {@link Outbox#commit}. When another writer moved the row first, the compare-and-set writes nothing and the row
 * is read and decided again. New requests go through {@link #insert}, which draws a fresh id until one is free.
 */
final class Transition {

    /** How often a use case re-reads and re-decides a row other writers keep moving before giving up. */
    static final int ATTEMPTS = 64;
    /** How many fresh ids a new request tries; ids grow a character every five collisions. */
    private static final int ID_ATTEMPTS = 20;

    /** What one attempt decided from the row as it read it. */
    sealed interface Step permits Step.Refuse, Step.Write {

        /** Nothing is written: the answer is this refusal. */
        record Refuse(Outcome.Refused refusal) implements Step {
            public Refuse {
                Objects.requireNonNull(refusal, "refusal");
            }
        }

        /**
         * Write {@code change}; once it is stored, {@code done} does what follows a commit (best-effort Quartz
         * calls) and gives the answer. If someone moved the row first, nothing is written and the row is decided again.
         */
        record Write(Change change, Supplier<Outcome> done) implements Step {
            public Write {
                Objects.requireNonNull(change, "change");
                Objects.requireNonNull(done, "done");
            }
        }

        static Step refuse(Outcome.Refused refusal) {
            return new Refuse(refusal);
        }

        static Write write(Change.Builder change, Outcome answer) {
            Objects.requireNonNull(answer, "answer");
            return new Write(change.build(), () -> answer);
        }

        static Write write(Change.Builder change, Supplier<Outcome> done) {
            return new Write(change.build(), done);
        }
    }

    private final RequestStore store;
    private final Outbox outbox;
    private final Clock clock;
    private final RandomGenerator random;

    Transition(RequestStore store, Outbox outbox, Clock clock, RandomGenerator random) {
        this.store = Objects.requireNonNull(store, "store");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.random = Objects.requireNonNull(random, "random");
    }

    /**
     * Moves request {@code id}: reads it, refuses as unknown when it is missing or {@code readable} says the actor
     * may not see it, else writes what {@code decide} makes of it, re-reading and re-deciding after a lost
     * compare-and-set.
     *
     * @param doing what the use case does, for the exception when contention never lets up ("approving")
     */
    Outcome on(RequestId id, Predicate<AccessRequest> readable, Function<AccessRequest, Step> decide, String doing) {
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            Optional<AccessRequest> found = store.find(id).filter(readable);
            if (found.isEmpty()) {
                return unknown(id);
            }
            Step step = decide.apply(found.get());
            if (step instanceof Step.Refuse refuse) {
                return refuse.refusal();
            }
            Step.Write write = (Step.Write) step;
            if (outbox.commit(write.change()) == Outbox.Commit.DONE) {
                return write.done().get();
            }
        }
        throw new IllegalStateException("too much contention " + doing + " " + id);
    }

    /**
     * Files a new request: {@code attempt} makes its insert for a fresh id, tried until an id is free. When the
     * database finds the grantee already has an open request for the same grant (another request won the race
     * since the use case looked), the answer is {@code ifOpen}.
     */
    Outcome insert(Function<RequestId, Step.Write> attempt, Supplier<Outcome.Refused> ifOpen) {
        for (int i = 0; i < ID_ATTEMPTS; i++) {
            Step.Write write = attempt.apply(RequestId.random(random, 4 + i / 5));
            Outbox.Commit commit = outbox.commit(write.change());
            if (commit == Outbox.Commit.OPEN_DUPLICATE) {
                return ifOpen.get();
            }
            if (commit == Outbox.Commit.DONE) {
                return write.done().get();
            }
        }
        throw new IllegalStateException("could not allocate a request id");
    }

    /** Records {@code event} about {@code r} without moving it (a refused click, for the audit trail). */
    void record(AccessRequest r, AuditEvent event) {
        outbox.commit(Change.about(r).audit(event).build());
    }

    /** An audit event by {@code actor} about {@code r}, now; the email leads the details when the key is not it. */
    AuditEvent event(ChatUser actor, String action, AccessRequest r, String details) {
        String key = AccessService.actorKey(actor);
        return AuditEvent.of(clock.instant(), key, actor.platform(), action, r.id(),
                (actor.email() != null && !key.equals(actor.email()) ? actor.email() + "; " : "") + details);
    }

    /** The answer for a request that does not exist or that the actor may not see: the same words for both. */
    static Outcome.Refused unknown(RequestId id) {
        return new Outcome.Refused(Reason.UNKNOWN_REQUEST, "I know no request " + id + " that you can see. "
                + "`list` shows yours; ids look like `JIT-7K3F`.");
    }
}
