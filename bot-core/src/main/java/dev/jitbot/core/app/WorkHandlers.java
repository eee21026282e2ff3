package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.BundleGrant;
import dev.jitbot.core.domain.EndReason;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.domain.Text;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What each kind of outbox work does, run by a {@link WorkRunner} worker: the Azure call or chat message, then the
 * transition its answer causes, written together with the item's deletion. Every handler re-reads the request
 * first and does nothing when the work has become pointless; every side effect is idempotent, so an item run again
 * after a crash repeats the same call.
 */
public final class WorkHandlers {

    private static final Logger log = LoggerFactory.getLogger(WorkHandlers.class);
    /**
     * A grant Azure has not confirmed after this many failed attempts (about 15 minutes of back-off; waits for a
     * throttled subscription or a busy queue do not count) is given up: anything it made is removed, and the
     * requester told.
     */
    public static final int ACTIVATION_ATTEMPTS = 20;
    /** An extension Azure has not confirmed after this many failed attempts is given up, and in PIM mode said so. */
    public static final int EXTEND_ATTEMPTS = 8;
    /** Chat work still undelivered after this long is dropped with an error in the log. */
    public static final Duration CHAT_GIVE_UP = Duration.ofHours(24);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(60);
    private static final int CAS_ATTEMPTS = 32;

    private final Supplier<Policy> policy;
    private final RequestStore store;
    private final Outbox outbox;
    private final AccessProvider provider;
    private final Notifications notifications;
    private final ExpiryScheduler scheduler;
    private final AzureLimiter limiter;
    private final Clock clock;
    private volatile Consumer<Duration> lagListener = d -> { };
    private volatile Consumer<WorkItem> retryListener = i -> { };
    private volatile StartCheck startCheck = StartCheck.UNWIRED;

    public WorkHandlers(Supplier<Policy> policy, RequestStore store, Outbox outbox, AccessProvider provider,
                        Notifications notifications, ExpiryScheduler scheduler, AzureLimiter limiter, Clock clock) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.store = Objects.requireNonNull(store, "store");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.notifications = Objects.requireNonNull(notifications, "notifications");
        this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
        this.limiter = Objects.requireNonNull(limiter, "limiter");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Lets the runtime record how late each expiry-driven revocation was (a metrics histogram). */
    public void onRevocationLag(Consumer<Duration> listener) {
        lagListener = Objects.requireNonNull(listener, "listener");
    }

    /** Lets the runtime count retries (a metrics counter). */
    public void onRetry(Consumer<WorkItem> listener) {
        retryListener = Objects.requireNonNull(listener, "listener");
    }

    /** What a scheduled request is checked against at its start ({@link AccessService#whyNotStartable}). */
    public WorkHandlers checkStartsWith(StartCheck check) {
        startCheck = Objects.requireNonNull(check, "check");
        return this;
    }

    /** The limiter every worker of this process shares. */
    public AzureLimiter limiter() {
        return limiter;
    }

    /** Runs one claimed item to its end: completed, retried later, or dropped as pointless. */
    public void run(WorkItem item) {
        if (item.kind() == WorkKind.DIGEST) {
            digest(item);
            return;
        }
        Optional<AccessRequest> found = store.find(item.work().requestId());
        if (found.isEmpty()) {
            outbox.complete(item, null, null, clock.instant());
            return;
        }
        switch (item.kind()) {
            case ACTIVATE -> activate(item, found.get());
            case REVOKE -> revoke(item, found.get());
            case EXTEND -> extend(item, found.get());
            default -> chat(item, found.get());
        }
    }

    // ---------------------------------------------------------------------------------------------- activate

    private void activate(WorkItem item, AccessRequest r) {
        Instant now = clock.instant();
        if (r.state() == State.SCHEDULED) {
            start(item, r, now);
            return;
        }
        if (r.state() != State.ACTIVATING) {
            // Revoked or ended before Azure was asked: nothing to grant; a queued revoke cleans up.
            outbox.complete(item, null, null, now);
            return;
        }
        if (item.attempts() >= ACTIVATION_ATTEMPTS) {
            giveUpActivation(item, r, now);
            return;
        }
        if (!spend(item, r, now)) {
            return;
        }
        if (r.isBundle()) {
            activateBundle(item, r, now);
            return;
        }
        AccessProvider.GrantResult result;
        try {
            result = provider.grant(r, now.plus(r.duration()));
        } catch (RuntimeException e) {
            retryAzure(item, r, e, "grant", "grant-failed");
            return;
        }
        if (result instanceof AccessProvider.GrantResult.Granted g) {
            confirmGrant(item, r, g.assignmentId(), null);
        } else {
            failActivation(item, r, ((AccessProvider.GrantResult.Refused) result).operatorMessage());
        }
    }

    /**
     * Ends an activation Azure refused: FAILED with {@code note}, audited, the card redrawn and the requester told,
     * in the same commit that completes {@code item} (or only completes it when the request moved on meanwhile).
     */
    private void failActivation(WorkItem item, AccessRequest r, String note) {
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            AccessRequest cur = store.find(r.id()).orElseThrow();
            if (cur.state() != State.ACTIVATING) {
                outbox.complete(item, null, null, clock.instant());
                return;
            }
            Instant at = clock.instant();
            AccessRequest failed = cur.to(State.FAILED).withEnd(at, null, null, note);
            Outbox.Commit c = outbox.complete(item, Change.of(cur, failed)
                    .audit(system(at, "failed", failed, note))
                    .then(notifications.refresh(failed))
                    .then(notifications.tell(failed.requester(), failed, Phrases.failed(failed)))
                    .build(), null, at);
            if (c != Outbox.Commit.CONFLICT) {
                return;
            }
        }
    }

    /**
     * A scheduled request at its start: checked again (eligibility, votes, ticket), then in one commit either moved
     * to ACTIVATING with a fresh activation item (the clock starts when Azure confirms), or ended with the reason
     * told to the requester and shown on the card. Nothing reaches Azure before the start.
     */
    private void start(WorkItem item, AccessRequest r, Instant now) {
        if (r.startsAt() != null && now.isBefore(r.startsAt())) {
            // Claimed early (a clock behind another replica's): wait for the start without counting an attempt.
            outbox.retry(item, r.startsAt(), null, null, now);
            return;
        }
        Optional<String> whyNot;
        try {
            whyNot = startCheck.whyNot(r);
        } catch (RuntimeException e) {
            log.warn("could not check {} at its start; trying again: {}", r.id(), e.toString());
            outbox.retry(item, now.plus(backoff(item.attempts())), "start check: " + e, null, now);
            return;
        }
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            AccessRequest cur = i == 0 ? r : store.find(r.id()).orElseThrow();
            if (cur.state() != State.SCHEDULED) {
                outbox.complete(item, null, null, clock.instant());
                return;
            }
            Instant at = clock.instant();
            Change change;
            if (whyNot.isPresent()) {
                AccessRequest ended = cur.to(State.ENDED).withEnd(at, EndReason.NOT_STARTED, null, whyNot.get());
                change = Change.of(cur, ended)
                        .audit(system(at, "start-refused", ended, whyNot.get()))
                        .then(notifications.refresh(ended))
                        .then(notifications.tell(ended.requester(), ended, Phrases.notStarted(ended)))
                        .build();
            } else {
                AccessRequest activating = cur.to(State.ACTIVATING);
                change = Change.of(cur, activating)
                        .audit(system(at, "started", activating, "checked again at the start ("
                                + activating.startsAt() + "): still eligible, " + activating.approvals()
                                + " approval(s) still count"))
                        .then(Work.activate(cur.id()))
                        .then(notifications.refresh(activating))
                        .build();
            }
            if (outbox.complete(item, change, null, at) != Outbox.Commit.CONFLICT) {
                return;
            }
        }
        throw new IllegalStateException("too much contention starting " + r.id());
    }

    /** The owners policy lists for the workload {@code r} grants to. */
    private List<String> owners(AccessRequest r) {
        return policy.get().principal(r.principal().objectId())
                .filter(n -> n.principal().objectId().equals(r.principal().objectId()))
                .map(n -> n.owners().stream().sorted().toList()).orElse(List.of());
    }

    /**
     * @param members for a bundle, its members with every assignment id Azure confirmed (null for a single grant)
     */
    private void confirmGrant(WorkItem item, AccessRequest r, String assignmentId, BundleGrant members) {
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            AccessRequest read = store.find(r.id()).orElseThrow();
            // A bundle's row takes the assignment ids of its members in the same write.
            AccessRequest cur = members == null ? read : read.withBundle(members);
            Instant at = clock.instant();
            Change change;
            if (cur.state() == State.ACTIVATING) {
                AccessRequest active = cur.to(State.ACTIVE).withActivation(at, assignmentId);
                change = Change.of(read, active)
                        .audit(system(at, "granted", active, provider.mode() + (members == null
                                ? " assignment " + assignmentId : " assignments " + String.join(", ", members.members()
                                .stream().map(m -> m.label() + " " + m.assignmentId()).toList()))
                                + " until " + active.expiresAt()))
                        .then(notifications.refresh(active))
                        .then(notifications.tell(active.requester(), active, Phrases.granted(active)))
                        .then(notifications.remind(active, policy.get().remindBefore()))
                        .then(active.requester().platform() == dev.jitbot.core.domain.Platform.API
                                ? notifications.tellOwners(owners(active), active, Phrases.grantedToOwners(active))
                                : List.<Work>of())
                        .build();
                Outbox.Commit c = outbox.complete(item, change, null, at);
                if (c == Outbox.Commit.DONE) {
                    bestEffort(() -> scheduler.scheduleExpiry(active.id(), active.expiresAt()), "schedule the expiry of",
                            active);
                }
                if (c != Outbox.Commit.CONFLICT) {
                    return;
                }
            } else if (cur.state() == State.REVOKING) {
                // Revoked while Azure was granting: the queued revoke takes this assignment away.
                change = Change.of(read, cur.withAssignmentId(assignmentId)).build();
                if (outbox.complete(item, change, null, at) != Outbox.Commit.CONFLICT) {
                    return;
                }
            } else {
                // Ended while Azure was still granting: nobody else will take this late assignment away.
                removeLateGrant(item, cur, assignmentId);
                return;
            }
        }
        throw new IllegalStateException("too much contention confirming the grant of " + r.id());
    }

    private void removeLateGrant(WorkItem item, AccessRequest ended, String assignmentId) {
        Instant now = clock.instant();
        try {
            if (ended.isBundle()) {
                revokeMembers(ended);
            } else {
                provider.revoke(ended.withAssignmentId(assignmentId));
            }
        } catch (RuntimeException e) {
            // The grant call is idempotent: running this item again re-finds the assignment and retries the delete.
            retryAzure(item, ended, e, "remove the late grant of", null);
            return;
        }
        outbox.complete(item, Change.about(ended).audit(system(now, "revoked", ended, "late " + provider.mode()
                + " assignment " + assignmentId + " granted after the request ended; removed")).build(), null, now);
    }

    private void giveUpActivation(WorkItem item, AccessRequest r, Instant now) {
        String note = "Azure did not confirm the grant after " + item.attempts() + " attempts"
                + (item.lastError() != null ? " (last: " + item.lastError() + ")" : "")
                + ", so jitbot removed anything it may have made; request again";
        AccessRequest next = r.to(State.REVOKING).withEnd(now, EndReason.REVOKED, null, note);
        outbox.complete(item, Change.of(r, next)
                .audit(system(now, "activation-abandoned", next, "unconfirmed after " + item.attempts()
                        + " attempts" + (item.lastError() != null ? "; last: " + item.lastError() : "")))
                .then(Work.revoke(r.id()))
                .build(), null, now);
    }

    // ---------------------------------------------------------------------------------------------- bundles

    /**
     * Grants every member of a bundle (each PUT is idempotent: a member's assignment name is derived from the request
     * id and the member). All granted: the bundle is active. Azure refusing one: the refusals are recorded, then every
     * other member is taken away again and the request fails, naming the member and Azure's reason. A transient
     * error retries the item, which re-sends the same PUTs.
     */
    private void activateBundle(WorkItem item, AccessRequest r, Instant now) {
        BundleGrant members = r.bundle();
        if (members.refused() == null) {
            List<AccessRequest> views = r.grantsToMake();
            Instant expiresAt = now.plus(r.duration());
            for (int i = 0; i < views.size(); i++) {
                BundleGrant.Member m = members.members().get(i);
                AccessProvider.GrantResult result;
                try {
                    result = provider.grant(views.get(i), expiresAt);
                } catch (RuntimeException e) {
                    retryAzure(item, r, e, "grant " + m.label() + " of", "grant-failed");
                    return;
                }
                members = members.with(i, result instanceof AccessProvider.GrantResult.Granted g
                        ? m.withAssignmentId(g.assignmentId())
                        : m.withRefusal(((AccessProvider.GrantResult.Refused) result).operatorMessage()));
            }
            if (members.refused() == null) {
                confirmGrant(item, r, members.members().get(0).assignmentId(), members);
                return;
            }
            // Written before anything is taken back, so a retry after a crash rolls back instead of granting again.
            AccessRequest recorded = null;
            for (int i = 0; i < CAS_ATTEMPTS && recorded == null; i++) {
                AccessRequest cur = store.find(r.id()).orElseThrow();
                if (cur.state() != State.ACTIVATING) {
                    // Released or revoked meanwhile: its queued revoke (or the late-grant clean-up) removes them all.
                    if (cur.state().isFinal()) {
                        removeLateGrant(item, cur, null);
                    } else {
                        outbox.complete(item, null, null, clock.instant());
                    }
                    return;
                }
                AccessRequest next = cur.withBundle(members);
                if (outbox.commit(Change.of(cur, next).audit(system(clock.instant(), "grant-refused", next,
                        members.refused().label() + ": " + members.refused().refusal()
                                + "; taking the other members back")).build()) == Outbox.Commit.DONE) {
                    recorded = next;
                }
            }
            if (recorded == null) {
                throw new IllegalStateException("too much contention recording the refusal in " + r.id());
            }
            r = recorded;
        }
        rollBackBundle(item, r);
    }

    /** Takes back every member Azure granted after another was refused, then fails the request naming the refused. */
    private void rollBackBundle(WorkItem item, AccessRequest r) {
        try {
            revokeMembers(r);
        } catch (RuntimeException e) {
            retryAzure(item, r, e, "take back the other members of", "revoke-failed");
            return;
        }
        BundleGrant.Member refused = r.bundle().refused();
        List<String> others = r.bundle().members().stream().filter(m -> m.refusal() == null)
                .map(BundleGrant.Member::label).toList();
        String note = refused.label() + " failed: " + refused.refusal() + (others.isEmpty() ? ""
                : " jitbot removed the other member" + (others.size() == 1 ? "" : "s") + " again ("
                + String.join(", ", others) + "), so nothing of the bundle is held.");
        failActivation(item, r, note);
    }

    /** Deletes every member of a bundle that Azure did not refuse; each delete is idempotent. */
    private void revokeMembers(AccessRequest r) {
        List<AccessRequest> views = r.grantsToMake();
        for (int i = 0; i < views.size(); i++) {
            if (r.bundle().members().get(i).refusal() == null) {
                provider.revoke(views.get(i));
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- revoke

    private void revoke(WorkItem item, AccessRequest r) {
        Instant now = clock.instant();
        if (r.state() != State.REVOKING) {
            outbox.complete(item, null, null, now);
            return;
        }
        if (!spend(item, r, now)) {
            return;
        }
        try {
            if (r.isBundle()) {
                revokeMembers(r);
            } else {
                provider.revoke(r);
            }
        } catch (RuntimeException e) {
            revokeFailed(item, r, e);
            return;
        }
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            AccessRequest cur = store.find(r.id()).orElseThrow();
            if (cur.state() != State.REVOKING) {
                outbox.complete(item, null, null, clock.instant());
                return;
            }
            if (cur.assignmentId() != null && !cur.assignmentId().equals(r.assignmentId())) {
                // A late grant confirmation named the assignment meanwhile: delete that one too.
                outbox.retry(item, clock.instant(), null, null, clock.instant());
                return;
            }
            Instant at = clock.instant();
            EndReason reason = cur.endReason() == null ? EndReason.REVOKED : cur.endReason();
            AccessRequest ended = cur.to(State.ENDED).withEnd(at, reason, cur.endedBy(), cur.note());
            Duration lag = cur.expiresAt() == null ? Duration.ZERO : Duration.between(cur.expiresAt(), at);
            Text confirmation = Phrases.ended(ended);
            Change change = Change.of(cur, ended)
                    .audit(system(at, "revoked", ended, reason.words()
                            + (cur.endedBy() != null ? " by " + AccessService.actorKey(cur.endedBy()) : "")
                            + "; " + provider.mode() + " assignment " + cur.assignmentId()
                            + (reason == EndReason.EXPIRED ? "; " + lag.toMillis() + " ms after expiry" : "")
                            + (cur.revokeAttempts() > 0 ? "; after " + cur.revokeAttempts() + " failed attempts" : "")))
                    .then(notifications.refresh(ended))
                    .then(notifications.replyOnCards(ended, confirmation))
                    .then(notifications.tell(ended.requester(), ended, confirmation))
                    .build();
            Outbox.Commit c = outbox.complete(item, change, null, at);
            if (c == Outbox.Commit.DONE) {
                bestEffort(() -> scheduler.cancel(ended.id()), "cancel the jobs of", ended);
                if (reason == EndReason.EXPIRED) {
                    lagListener.accept(lag.isNegative() ? Duration.ZERO : lag);
                }
            }
            if (c != Outbox.Commit.CONFLICT) {
                return;
            }
        }
    }

    private void revokeFailed(WorkItem item, AccessRequest r, RuntimeException e) {
        Instant now = clock.instant();
        Optional<Duration> throttled = retryAfter(e);
        if (throttled.isPresent()) {
            limiter.pause(bucket(item, r), now.plus(throttled.get()));
            retryListener.accept(item);
            outbox.retry(item, now.plus(throttled.get()), "throttled by Azure", null, now);
            return;
        }
        String error = words(e, r);
        for (int i = 0; i < CAS_ATTEMPTS; i++) {
            AccessRequest cur = store.find(r.id()).orElseThrow();
            if (cur.state() != State.REVOKING) {
                outbox.complete(item, null, null, clock.instant());
                return;
            }
            AccessRequest next = cur.withRevokeAttempt();
            boolean overdue = next.expiresAt() != null && now.isAfter(next.expiresAt().plus(ExpiryService.OVERDUE_ALERT))
                    && !next.overdueAlerted();
            if (overdue) {
                next = next.withOverdueAlerted();
            }
            Duration wait = backoff(next.revokeAttempts());
            log.warn("revocation of {} failed (attempt {}), retrying in {} s: {}", r.id(), next.revokeAttempts(),
                    wait.toSeconds(), error);
            Change.Builder change = Change.of(cur, next).audit(system(now, "revoke-failed", next,
                    "attempt " + next.revokeAttempts() + ": " + error + "; next try in " + wait.toSeconds() + " s"));
            if (overdue) {
                change.audit(system(now, "overdue-alert", next, "still held "
                        + Duration.between(next.expiresAt(), now).toSeconds() + " s after expiry"))
                        .then(notifications.alert(policy.get().channels().values(), next, Phrases.overdue(next, now)));
            }
            retryListener.accept(item);
            if (outbox.retry(item, now.plus(wait), error, change.build(), now) != Outbox.Commit.CONFLICT) {
                return;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- extend

    private void extend(WorkItem item, AccessRequest r) {
        Instant now = clock.instant();
        if (r.state() != State.ACTIVE) {
            outbox.complete(item, null, null, now);
            return;
        }
        if (item.attempts() >= EXTEND_ATTEMPTS) {
            // Not forever: in PIM mode Azure keeps the old end, which the requester must hear about; in RBAC mode
            // only the description tag is stale, and jitbot revokes at the new expiry either way.
            String text = "Azure did not confirm the new end of " + r.label() + " (" + r.id() + ") after "
                    + item.attempts() + " attempts" + (item.lastError() != null ? " (" + item.lastError() + ")" : "")
                    + ". " + ("pim".equals(provider.mode())
                    ? "PIM may still end it at its old time; request again if it ends early."
                    : "jitbot still ends it at " + Phrases.time(r.expiresAt()) + ".");
            Change.Builder change = Change.about(r).audit(system(now, "extend-abandoned", r, text));
            if ("pim".equals(provider.mode())) {
                change.then(notifications.tell(r.requester(), r, Text.plain(text)))
                        .then(notifications.alert(policy.get().channels().values(), r, Text.plain(text)));
            }
            outbox.complete(item, change.build(), null, now);
            return;
        }
        if (!spend(item, r, now)) {
            return;
        }
        try {
            for (AccessRequest member : r.grantsToMake()) {
                provider.extend(member, r.expiresAt());
            }
        } catch (RuntimeException e) {
            retryAzure(item, r, e, "move the end of", "extend-failed");
            return;
        }
        outbox.complete(item, Change.about(r).audit(system(now, "extend-confirmed", r, provider.mode()
                + " now ends the assignment at " + r.expiresAt())).build(), null, now);
    }

    // ---------------------------------------------------------------------------------------------- Azure helpers

    /** Takes a write token for the request's subscription; false (and the item postponed) when there is none. */
    private boolean spend(WorkItem item, AccessRequest r, Instant now) {
        Duration wait = limiter.tryAcquire(bucket(item, r), item.kind() == WorkKind.REVOKE ? AzureLimiter.Kind.DELETE
                : AzureLimiter.Kind.WRITE, now);
        if (wait.isZero()) {
            return true;
        }
        outbox.retry(item, now.plus(wait), null, null, now);
        return false;
    }

    /**
     * Gives the item back after a failed Azure call: at Azure's Retry-After (a wait, not an attempt), else after a
     * back-off, with {@code auditAction} audited once for the failed attempt (null: not audited).
     */
    private void retryAzure(WorkItem item, AccessRequest r, RuntimeException e, String what, String auditAction) {
        Instant now = clock.instant();
        retryListener.accept(item);
        Optional<Duration> throttled = retryAfter(e);
        if (throttled.isPresent()) {
            // A wait Azure asked for, not a failure: it does not count towards giving up.
            limiter.pause(bucket(item, r), now.plus(throttled.get()));
            outbox.retry(item, now.plus(throttled.get()), null, null, now);
            return;
        }
        String error = words(e, r);
        Duration wait = backoff(item.attempts() + 1);
        log.warn("could not {} {} (attempt {}), retrying in {} s: {}", what, r.id(), item.attempts() + 1,
                wait.toSeconds(), error);
        Change change = auditAction == null ? null : Change.about(r).audit(system(now, auditAction, r,
                "attempt " + (item.attempts() + 1) + ": " + error + "; next try in " + wait.toSeconds() + " s")).build();
        outbox.retry(item, now.plus(wait), error, change, now);
    }

    private static Optional<Duration> retryAfter(RuntimeException e) {
        return e instanceof AccessProviderException ape ? ape.retryAfter() : Optional.empty();
    }

    /**
     * The Azure rate bucket a kind of work spends from: its subscription's (the tenant's, for a management group)
     * deletes for a revocation, writes for a grant or an extension.
     */
    public static String bucket(AccessRequest r, WorkKind kind) {
        String sub = r.scope().subscriptionId();
        String where = sub == null ? "tenant" : sub.toLowerCase(java.util.Locale.ROOT);
        return (kind == WorkKind.REVOKE ? AzureLimiter.Kind.DELETE : AzureLimiter.Kind.WRITE).of(where);
    }

    private static String bucket(WorkItem item, AccessRequest r) {
        return bucket(r, item.kind());
    }

    /**
     * What a failed Azure call is called in the audit trail and in {@code grants show}, which people read: a
     * provider's own {@link AccessProviderException} words, or for anything else an event id whose detail goes to
     * the log only.
     */
    private static String words(RuntimeException e, AccessRequest r) {
        if (e instanceof AccessProviderException && e.getMessage() != null) {
            return e.getMessage();
        }
        String eventId = dev.jitbot.core.domain.EventIds.next();
        log.error("Azure work on {} failed unexpectedly [{}]", r.id(), eventId, e);
        return "unexpected error (event id " + eventId + ")";
    }

    /** 1, 2, 4, 8, … seconds, at most a minute. */
    static Duration backoff(int attempts) {
        long seconds = 1L << Math.min(Math.max(attempts - 1, 0), 6);
        Duration d = Duration.ofSeconds(seconds);
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    // ---------------------------------------------------------------------------------------------- chat

    private void chat(WorkItem item, AccessRequest read) {
        Instant now = clock.instant();
        AccessRequest current = read;
        if (item.kind() == WorkKind.UPDATE_CARD) {
            // Drop the other queued redraws first, then read the request: the one redraw left must show the state
            // of the newest transition, including one committed since this item was claimed.
            outbox.collapseUpdates(item);
            current = store.find(read.id()).orElse(read);
        }
        if (item.kind() == WorkKind.THREAD_REPLY) {
            List<Work> perCard = notifications.repliesPerCard(item.work(), current);
            if (!perCard.isEmpty()) {
                outbox.complete(item, Change.about(current).then(perCard).build(), null, now);
                return;
            }
        }
        Optional<MessageRef> posted;
        try {
            posted = notifications.deliver(item.work(), current);
        } catch (RuntimeException e) {
            chatFailed(item, e, now);
            return;
        }
        outbox.complete(item, null, posted.orElse(null), now);
    }

    private void digest(WorkItem item) {
        Instant now = clock.instant();
        try {
            notifications.deliverDigest(item.work());
        } catch (RuntimeException e) {
            chatFailed(item, e, now);
            return;
        }
        outbox.complete(item, null, null, now);
    }

    private void chatFailed(WorkItem item, RuntimeException e, Instant now) {
        ChatDeliveryException d = e instanceof ChatDeliveryException c ? c : null;
        String what = item.kind().wireName() + (item.work().requestId() != null ? " for " + item.work().requestId()
                : " to " + item.work().channel());
        if (d != null && d.permanent()) {
            log.error("{} cannot be delivered and is dropped: {}", what, d.getMessage());
            outbox.complete(item, null, null, now);
            return;
        }
        // Counted from when the item was due: a reminder written a day ahead is not stale the moment it first fails.
        Instant due = item.work().notBefore() != null && item.work().notBefore().isAfter(item.createdAt())
                ? item.work().notBefore() : item.createdAt();
        if (due.plus(CHAT_GIVE_UP).isBefore(now)) {
            log.error("{} was not delivered in {} h and is dropped: {}", what, CHAT_GIVE_UP.toHours(), e.toString());
            outbox.complete(item, null, null, now);
            return;
        }
        retryListener.accept(item);
        Duration wait = d != null && d.retryAfter().isPresent() ? d.retryAfter().get() : backoff(item.attempts() + 1);
        log.warn("{} failed (attempt {}), retrying in {} s: {}", what, item.attempts() + 1, wait.toSeconds(),
                e.getMessage());
        outbox.retry(item, now.plus(wait), d != null ? d.getMessage() : e.getClass().getSimpleName(), null, now);
    }

    // ---------------------------------------------------------------------------------------------- shared

    private static AuditEvent system(Instant at, String action, AccessRequest r, String details) {
        return AuditEvent.of(at, "jitbot", Platform.SYSTEM, action, r.id(), details);
    }

    private static void bestEffort(Runnable call, String what, AccessRequest r) {
        try {
            call.run();
        } catch (RuntimeException e) {
            log.warn("could not {} {}; the sweeper covers it: {}", what, r.id(), e.toString());
        }
    }
}
