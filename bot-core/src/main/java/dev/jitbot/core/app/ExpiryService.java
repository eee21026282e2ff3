package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.EndReason;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes access away when its time is up, and keeps trying until Azure confirms: no grant outlives its window.
 * Called by the scheduler at expiry, by the sweeper every 30 s, at start-up, and by revoke/release.
 */
public final class ExpiryService {

    private static final Logger log = LoggerFactory.getLogger(ExpiryService.class);
    /** A grant still held this long after its expiry raises an alert in the approvals channels. */
    public static final Duration OVERDUE_ALERT = Duration.ofSeconds(60);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    /**
     * A request ACTIVATING for this long was interrupted (a crash while Azure was granting): longer than any grant
     * call with its retries takes.
     */
    public static final Duration STUCK_ACTIVATION = Duration.ofMinutes(5);
    /** A revocation still unconfirmed this long after it began gets a fresh retry from the sweeper. */
    public static final Duration STALE_REVOCATION = Duration.ofMinutes(2);
    /** Jobs may fire a hair early by the clock; this much early still counts as due. */
    private static final Duration EARLY_TOLERANCE = Duration.ofMillis(500);

    private final Supplier<Policy> policy;
    private final RequestStore store;
    private final AuditLog audit;
    private final AccessProvider provider;
    private final Notifications notifications;
    private final ExpiryScheduler scheduler;
    private final Clock clock;
    private final Executor pool;

    /**
     * @param pool runs the sweeper's revocations concurrently (ARM calls are I/O-bound); bounded by the caller
     */
    public ExpiryService(Supplier<Policy> policy, RequestStore store, AuditLog audit, AccessProvider provider,
                         Notifications notifications, ExpiryScheduler scheduler, Clock clock, Executor pool) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.store = Objects.requireNonNull(store, "store");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.notifications = Objects.requireNonNull(notifications, "notifications");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    /** The grant's time is up: revoke it if it is still active (a moved expiry is rescheduled instead). */
    public void expire(RequestId id) {
        for (int attempt = 0; attempt < 16; attempt++) {
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
            if (store.compareAndSet(r, next)) {
                audit.append(AuditEvent.of(now, "jitbot", Platform.SYSTEM, "expired", id,
                        "expiry " + r.expiresAt() + "; revoking"));
                revokeNow(next, null);
                return;
            }
        }
    }

    /** Tries once more to revoke a grant whose revocation Azure has not yet confirmed. */
    public void retryRevoke(RequestId id) {
        store.find(id).filter(r -> r.state() == State.REVOKING).ifPresent(r -> revokeNow(r, null));
    }

    /** The request sat undecided past its deadline: it lapses and nothing is granted. */
    public void lapse(RequestId id) {
        for (int attempt = 0; attempt < 16; attempt++) {
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
            if (store.compareAndSet(r, next)) {
                audit.append(AuditEvent.of(now, "jitbot", Platform.SYSTEM, "lapsed", id,
                        "undecided at " + r.decideBy() + " with " + r.approvals() + " of " + r.approvalsNeeded()
                                + " approvals"));
                notifications.refresh(next);
                notifications.tell(next.requester(), next, Phrases.lapsed(next));
                return;
            }
        }
    }

    /**
     * One revocation attempt for a request in REVOKING. On success the request ends and everyone is told; on
     * failure the attempt is audited and retried with backoff, forever.
     */
    public Outcome revokeNow(AccessRequest r, ChatUser actor) {
        if (r.state() != State.REVOKING) {
            throw new IllegalArgumentException(r.id() + " is " + r.state() + ", not REVOKING");
        }
        try {
            provider.revoke(r);
        } catch (RuntimeException e) {
            return revokeFailed(r, e);
        }
        Instant now = clock.instant();
        EndReason reason = r.endReason() == null ? EndReason.REVOKED : r.endReason();
        AccessRequest ended = r.to(State.ENDED).withEnd(now, reason, r.endedBy(), r.note());
        if (!store.compareAndSet(r, ended)) {
            // Another node finished it first; the assignment is gone either way.
            return store.find(r.id()).<Outcome>map(Outcome.Ended::new).orElseThrow();
        }
        Duration lag = r.expiresAt() == null ? Duration.ZERO : Duration.between(r.expiresAt(), now);
        audit.append(AuditEvent.of(now, "jitbot", Platform.SYSTEM, "revoked", r.id(), reason.words()
                + (r.endedBy() != null ? " by " + AccessService.actorKey(r.endedBy()) : "")
                + "; " + provider.mode() + " assignment " + r.assignmentId()
                + (reason == EndReason.EXPIRED ? "; " + lag.toMillis() + " ms after expiry" : "")
                + (r.revokeAttempts() > 0 ? "; after " + r.revokeAttempts() + " failed attempts" : "")));
        // A leftover job is harmless: every job re-reads the state and does nothing once the request ended.
        bestEffort(() -> scheduler.cancel(r.id()), "cancel the jobs of", r.id());
        revocationLag(reason == EndReason.EXPIRED ? lag : null);
        String confirmation = Phrases.ended(ended);
        notifications.refresh(ended);
        notifications.replyOnCards(ended, confirmation);
        notifications.tell(ended.requester(), ended, confirmation);
        return new Outcome.Ended(ended);
    }

    private Outcome revokeFailed(AccessRequest r, RuntimeException e) {
        Instant now = clock.instant();
        String error = words(e, r);
        AccessRequest next = r.withRevokeAttempt().withNote(error);
        boolean overdue = r.expiresAt() != null && now.isAfter(r.expiresAt().plus(OVERDUE_ALERT))
                && !r.overdueAlerted();
        if (overdue) {
            next = next.withOverdueAlerted();
        }
        if (!store.compareAndSet(r, next)) {
            return store.find(r.id()).<Outcome>map(Outcome.Revoking::new).orElseThrow();
        }
        Duration wait = backoff(next.revokeAttempts());
        log.warn("revocation of {} failed (attempt {}), retrying in {} s: {}", r.id(), next.revokeAttempts(),
                wait.toSeconds(), error);
        audit.append(AuditEvent.of(now, "jitbot", Platform.SYSTEM, "revoke-failed", r.id(),
                "attempt " + next.revokeAttempts() + ": " + error + "; next try in " + wait.toSeconds() + " s"));
        if (overdue) {
            alertOverdue(next, now);
        }
        bestEffort(() -> scheduler.scheduleRetry(r.id(), now.plus(wait)), "schedule the retry of", r.id());
        return new Outcome.Revoking(next);
    }

    /**
     * What a failed revocation is called in the note, the audit trail and the overdue alert, all of which people
     * read: a provider's own {@link AccessProviderException} words (written for people, without Azure's message),
     * or for anything else an event id whose detail goes to the log only.
     */
    private static String words(RuntimeException e, AccessRequest r) {
        if (e instanceof AccessProviderException && e.getMessage() != null) {
            return e.getMessage();
        }
        String eventId = Phrases.eventId(java.util.concurrent.ThreadLocalRandom.current());
        log.error("revocation of {} failed unexpectedly [{}]", r.id(), eventId, e);
        return "unexpected error (event id " + eventId + ")";
    }

    /** 1, 2, 4, 8, … seconds, at most a minute. */
    static Duration backoff(int attempts) {
        long seconds = 1L << Math.min(Math.max(attempts - 1, 0), 6);
        Duration d = Duration.ofSeconds(seconds);
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    private void alertOverdue(AccessRequest r, Instant now) {
        audit.append(AuditEvent.of(now, "jitbot", Platform.SYSTEM, "overdue-alert", r.id(),
                "still held " + Duration.between(r.expiresAt(), now).toSeconds() + " s after expiry"));
        notifications.alert(policy.get().channels().values(), r, Phrases.overdue(r, now));
    }

    /**
     * The safety net: revokes every grant past expiry, retries stuck revocations, lapses undecided requests, and
     * alerts on grants more than a minute overdue. Runs every 30 s and at start-up.
     *
     * @return how many requests it acted on
     */
    public int sweep() {
        Instant now = clock.instant();
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (AccessRequest r : store.findExpiring(now)) {
            if (r.state() == State.ACTIVE) {
                work.add(CompletableFuture.runAsync(() -> guarded(r.id(), () -> expire(r.id())), pool));
            } else if (r.state() == State.REVOKING && r.expiresAt() != null
                    && now.isAfter(r.expiresAt().plus(OVERDUE_ALERT)) && !r.overdueAlerted()) {
                AccessRequest alerted = r.withOverdueAlerted();
                if (store.compareAndSet(r, alerted)) {
                    alertOverdue(alerted, now);
                }
            }
        }
        // A revocation whose retry job was lost (a node died holding it) must not wait for the next start-up. The
        // retry is scheduled rather than run here: one job key per request, so it never runs twice at once.
        for (AccessRequest r : store.findByState(List.of(State.REVOKING))) {
            if (r.endedAt() != null && r.endedAt().plus(STALE_REVOCATION).isBefore(now)) {
                scheduler.scheduleRetry(r.id(), now);
            }
        }
        for (AccessRequest r : store.findUndecided(now)) {
            work.add(CompletableFuture.runAsync(() -> guarded(r.id(), () -> lapse(r.id())), pool));
        }
        for (AccessRequest r : store.findByState(List.of(State.ACTIVATING))) {
            if (activatingSince(r).plus(STUCK_ACTIVATION).isBefore(now)) {
                work.add(CompletableFuture.runAsync(() -> guarded(r.id(), () -> abandonActivation(r)), pool));
            }
        }
        CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).join();
        return work.size();
    }

    /** When the request entered ACTIVATING: its deciding approval, or its creation when auto-approved. */
    private static Instant activatingSince(AccessRequest r) {
        return r.votes().stream().map(v -> v.at()).max(Instant::compareTo).orElse(r.createdAt());
    }

    /**
     * An activation that never finished may or may not have reached Azure. Nothing may be granted by accident, so
     * it is revoked (deleting an assignment that does not exist is harmless) and the requester asked to try again.
     */
    private void abandonActivation(AccessRequest r) {
        AccessRequest next = r.to(State.REVOKING).withEnd(clock.instant(), EndReason.REVOKED, null,
                "the grant was interrupted (jitbot stopped while Azure was granting); request again");
        if (store.compareAndSet(r, next)) {
            audit.append(AuditEvent.of(clock.instant(), "jitbot", Platform.SYSTEM, "activation-abandoned", r.id(),
                    "ACTIVATING since " + activatingSince(r)));
            revokeNow(next, null);
        }
    }

    /**
     * At start-up: everything the sweeper does, plus one attempt at every revocation left half-done by a crash
     * (its retry job may be gone with the node that held it).
     */
    public int recover() {
        int n = sweep();
        List<CompletableFuture<Void>> work = new ArrayList<>();
        for (AccessRequest r : store.findByState(List.of(State.REVOKING))) {
            work.add(CompletableFuture.runAsync(() -> guarded(r.id(), () -> retryRevoke(r.id())), pool));
        }
        CompletableFuture.allOf(work.toArray(CompletableFuture[]::new)).join();
        return n + work.size();
    }

    /**
     * Runs a scheduler call whose failure the sweeper makes up for (it revokes ACTIVE grants past expiry, retries
     * stale revocations and lapses overdue requests), so that it never aborts a transition already written.
     */
    static void bestEffort(Runnable call, String what, RequestId id) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("could not {} {}; the sweeper covers it: {}", what, id, e.toString());
        }
    }

    private static void guarded(RequestId id, Runnable action) {
        try {
            action.run();
        } catch (RuntimeException e) {
            log.error("expiry work on {} failed; the sweeper will try again", id, e);
        }
    }

    private volatile java.util.function.Consumer<Duration> lagListener = d -> { };

    /** Lets the runtime record how late each expiry-driven revocation was (a metrics histogram). */
    public void onRevocationLag(java.util.function.Consumer<Duration> listener) {
        lagListener = Objects.requireNonNull(listener, "listener");
    }

    private void revocationLag(Duration lag) {
        if (lag != null) {
            lagListener.accept(lag.isNegative() ? Duration.ZERO : lag);
        }
    }
}
