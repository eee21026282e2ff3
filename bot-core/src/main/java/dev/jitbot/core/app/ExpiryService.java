package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.EndReason;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends access when its time is up: at expiry (the scheduler's job) a grant moves to REVOKING with its revoke
 * work in one transaction, and the outbox's workers retry that revocation until Azure confirms. Undecided requests
 * lapse. The sweeper every 30 s is the last net for grants still ACTIVE past their expiry (a lost job).
 */
public final class ExpiryService {

    private static final Logger log = LoggerFactory.getLogger(ExpiryService.class);
    /** A grant still held this long after its expiry raises an alert in the approvals channels. */
    public static final Duration OVERDUE_ALERT = Duration.ofSeconds(60);
    /** Jobs may fire a hair early by the clock; this much early still counts as due. */
    private static final Duration EARLY_TOLERANCE = Duration.ofMillis(500);
    private static final int CAS_ATTEMPTS = 16;

    private final Supplier<Policy> policy;
    private final RequestStore store;
    private final Outbox outbox;
    private final Notifications notifications;
    private final ExpiryScheduler scheduler;
    private final Clock clock;

    public ExpiryService(Supplier<Policy> policy, RequestStore store, Outbox outbox, Notifications notifications,
                         ExpiryScheduler scheduler, Clock clock) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.store = Objects.requireNonNull(store, "store");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.notifications = Objects.requireNonNull(notifications, "notifications");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** The grant's time is up: it moves to REVOKING with its revoke work (a moved expiry is rescheduled instead). */
    public void expire(RequestId id) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            Optional<AccessRequest> found = store.find(id);
            if (found.isEmpty() || found.get().state() != State.ACTIVE) {
                return;
            }
            AccessRequest r = found.get();
            Instant now = clock.instant();
            if (r.expiresAt().isAfter(now.plus(EARLY_TOLERANCE))) {
                scheduler.scheduleExpiry(id, r.expiresAt());
                return;
            }
            AccessRequest next = r.to(State.REVOKING).withEnd(now, EndReason.EXPIRED, null, null);
            if (outbox.commit(Change.of(r, next)
                    .audit(AuditEvent.of(now, "jitbot", Platform.SYSTEM, "expired", id,
                            "expiry " + r.expiresAt() + "; revoking"))
                    .then(Work.revoke(id))
                    .expediteAzureWork()
                    .build()) == Outbox.Commit.DONE) {
                return;
            }
        }
    }

    /** The request sat undecided past its deadline: it lapses and nothing is granted. */
    public void lapse(RequestId id) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            Optional<AccessRequest> found = store.find(id);
            if (found.isEmpty() || found.get().state() != State.PENDING) {
                return;
            }
            AccessRequest r = found.get();
            Instant now = clock.instant();
            if (r.decideBy().isAfter(now.plus(EARLY_TOLERANCE))) {
                scheduler.scheduleLapse(id, r.decideBy());
                return;
            }
            AccessRequest next = r.to(State.LAPSED).withEnd(now, null, null, "nobody decided in time");
            if (outbox.commit(Change.of(r, next)
                    .audit(AuditEvent.of(now, "jitbot", Platform.SYSTEM, "lapsed", id,
                            "undecided at " + r.decideBy() + " with " + r.approvals() + " of " + r.approvalsNeeded()
                                    + " approvals"))
                    .then(notifications.refresh(next))
                    .then(notifications.tell(next.requester(), next, Phrases.lapsed(next)))
                    .build()) == Outbox.Commit.DONE) {
                return;
            }
        }
    }

    /**
     * The safety net: ends every grant still ACTIVE past its expiry (its job was lost), lapses undecided requests,
     * and alerts on revocations more than a minute overdue. Runs every 30 s and at start-up.
     *
     * @return how many requests it acted on
     */
    public int sweep() {
        Instant now = clock.instant();
        int n = 0;
        for (AccessRequest r : store.findExpiring(now)) {
            if (r.state() == State.ACTIVE) {
                n += guarded(r.id(), () -> expire(r.id()));
            } else if (r.state() == State.REVOKING && r.expiresAt() != null
                    && now.isAfter(r.expiresAt().plus(OVERDUE_ALERT)) && !r.overdueAlerted()) {
                n += guarded(r.id(), () -> alertOverdue(r, now));
            }
        }
        for (AccessRequest r : store.findUndecided(now)) {
            n += guarded(r.id(), () -> lapse(r.id()));
        }
        return n;
    }

    private void alertOverdue(AccessRequest r, Instant now) {
        AccessRequest alerted = r.withOverdueAlerted();
        outbox.commit(Change.of(r, alerted)
                .audit(AuditEvent.of(now, "jitbot", Platform.SYSTEM, "overdue-alert", r.id(),
                        "still held " + Duration.between(r.expiresAt(), now).toSeconds() + " s after expiry"))
                .then(notifications.alert(policy.get().channels().values(), alerted, Phrases.overdue(alerted, now)))
                .build());
    }

    /**
     * At start-up: everything the sweeper does, plus Azure work for any request that is activating or revoking
     * without any queued (rows written before the outbox existed), and the activation at its start for a scheduled
     * request without one. Work a live replica holds is still queued, so
     * nothing is sent twice.
     */
    public int recover() {
        int n = sweep();
        for (AccessRequest r : store.findByState(List.of(State.ACTIVATING, State.REVOKING))) {
            boolean queued = outbox.pending(r.id()).stream().anyMatch(i -> i.kind().lane() == WorkKind.Lane.AZURE);
            if (!queued) {
                Work w = r.state() == State.ACTIVATING ? Work.activate(r.id()) : Work.revoke(r.id());
                n += guarded(r.id(), () -> outbox.commit(Change.about(r).then(w).build()));
                log.info("{} was {} with no Azure work queued; queued {}", r.id(), r.state().label(), w.kind().wireName());
            }
        }
        for (AccessRequest r : store.findByState(List.of(State.SCHEDULED))) {
            // Its activation item, due at the start, is written with the approval; queue one if a row has none.
            boolean queued = outbox.pending(r.id()).stream().anyMatch(i -> i.kind() == WorkKind.ACTIVATE);
            if (!queued) {
                Work w = r.startsAt() == null ? Work.activate(r.id()) : Work.activate(r.id()).notBefore(r.startsAt());
                n += guarded(r.id(), () -> outbox.commit(Change.about(r).then(w).build()));
                log.info("{} was scheduled with no activation queued; queued one for its start", r.id());
            }
        }
        return n;
    }

    /**
     * Runs a scheduler call whose failure the sweeper makes up for (it ends ACTIVE grants past expiry and lapses
     * overdue requests), so that it never aborts a transition already written.
     */
    static void bestEffort(Runnable call, String what, RequestId id) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("could not {} {}; the sweeper covers it: {}", what, id, e.toString());
        }
    }

    private static int guarded(RequestId id, Runnable action) {
        try {
            action.run();
            return 1;
        } catch (RuntimeException e) {
            log.error("expiry work on {} failed; the sweeper will try again", id, e);
            return 0;
        }
    }
}
