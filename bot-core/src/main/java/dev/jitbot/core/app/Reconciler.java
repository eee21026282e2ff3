package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.EndReason;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.domain.Text;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compares what Azure holds with what the store says (DESIGN.md, "Fail-safe expiry", step 3). Assignments tagged
 * {@code jitbot:} that no open request accounts for are revoked, so a lost database never leaves standing access;
 * ACTIVE grants that vanished from Azure are closed and their requesters told. Runs at start-up and on demand.
 */
public final class Reconciler {

    private static final Logger log = LoggerFactory.getLogger(Reconciler.class);
    /** States in which an assignment in Azure is expected: granting, held, or being taken away. */
    private static final Set<State> HOLDING = EnumSet.of(State.ACTIVATING, State.ACTIVE, State.REVOKING);
    /** A grant this young may not show in ARM's lists yet (they lag writes); it is left for the next run. */
    static final Duration LIST_LAG = Duration.ofMinutes(2);

    private final Supplier<Policy> policy;
    private final RequestStore store;
    private final Outbox outbox;
    private final AuditLog audit;
    private final AccessProvider provider;
    private final Notifications notifications;
    private final Clock clock;

    public Reconciler(Supplier<Policy> policy, RequestStore store, Outbox outbox, AuditLog audit,
                      AccessProvider provider, Notifications notifications, Clock clock) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.store = Objects.requireNonNull(store, "store");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.notifications = Objects.requireNonNull(notifications, "notifications");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /**
     * What one run found and did.
     *
     * @param listed         jitbot-tagged assignments Azure listed at the managed scopes
     * @param orphansRevoked orphans deleted
     * @param orphansFailed  orphans whose deletion Azure did not confirm (the next run tries again)
     * @param vanished       ACTIVE grants closed because Azure no longer holds them
     * @param lines          one sentence per action, for the log and for on-call
     */
    public record Report(int listed, int orphansRevoked, int orphansFailed, int vanished, List<String> lines) {
        public Report {
            lines = List.copyOf(lines);
        }

        /** True when Azure and the store agreed. */
        public boolean clean() {
            return orphansRevoked == 0 && orphansFailed == 0 && vanished == 0;
        }

        /** "Reconciled 4 jitbot assignments: 1 orphan revoked, 0 failed, 1 vanished grant closed." */
        public String summary() {
            return "Reconciled " + listed + " jitbot assignment" + (listed == 1 ? "" : "s") + ": " + orphansRevoked
                    + " orphan" + (orphansRevoked == 1 ? "" : "s") + " revoked, " + orphansFailed + " failed, "
                    + vanished + " vanished grant" + (vanished == 1 ? "" : "s") + " closed.";
        }
    }

    /**
     * One pass over the policy's managed scopes.
     *
     * @throws AccessProviderException when Azure could not list the assignments (nothing was changed)
     */
    public Report reconcile() {
        List<AzureScope> scopes = policy.get().managedScopes();
        List<AccessProvider.ProviderAssignment> held = provider.list(scopes);
        Instant now = clock.instant();
        List<String> lines = new ArrayList<>();
        Set<String> seenRequests = new HashSet<>();
        Set<String> seenAssignments = new HashSet<>();
        int revoked = 0;
        int failed = 0;

        for (AccessProvider.ProviderAssignment a : held) {
            seenAssignments.add(a.assignmentId().toLowerCase(Locale.ROOT));
            Optional<AccessRequest> request = requestOf(a);
            if (request.isPresent()) {
                seenRequests.add(request.get().id().value());
                if (HOLDING.contains(request.get().state())) {
                    continue;
                }
            }
            String why = request.map(r -> "its request " + r.id() + " is " + r.state().label())
                    .orElse(a.requestId() == null ? "its jitbot tag names no request"
                            : "the store has no request " + a.requestId());
            RequestId rid = request.map(AccessRequest::id).orElse(null);
            String what = a.role().name() + " on " + a.scope().id() + " for " + a.principal().objectId()
                    + " (" + a.assignmentId() + ")";
            try {
                provider.delete(a);
                revoked++;
                lines.add("Revoked orphan " + what + ": " + why + ".");
                audit.append(AuditEvent.of(clock.instant(), "jitbot", Platform.SYSTEM, "orphan-revoked", rid,
                        what + "; " + why + "; " + provider.mode()));
            } catch (RuntimeException e) {
                failed++;
                // The provider's own exceptions are worded for people; anything else is shown by event id only.
                String error = e instanceof AccessProviderException && e.getMessage() != null ? e.getMessage()
                        : "unexpected error (event id " + dev.jitbot.core.domain.EventIds.next()
                        + ")";
                log.warn("could not revoke orphan {}: {}", a.assignmentId(), error, e);
                lines.add("Could not revoke orphan " + what + " (" + error + "); the next run tries again.");
                audit.append(AuditEvent.of(clock.instant(), "jitbot", Platform.SYSTEM, "orphan-revoke-failed", rid,
                        what + "; " + why + "; " + error));
            }
        }

        int vanished = 0;
        for (AccessRequest r : store.findByState(List.of(State.ACTIVE))) {
            if (r.isBundle()) {
                List<String> gone = missingMembers(r, held, scopes, now);
                if (!gone.isEmpty() && closeVanishedBundle(r, gone, now)) {
                    vanished++;
                    lines.add(String.join(", ", gone) + " of " + r.label() + " for " + r.principal().displayName()
                            + " (" + r.id() + ") " + (gone.size() == 1 ? "was" : "were") + " no longer in Azure, so "
                            + "jitbot is taking the rest of the bundle back.");
                }
                continue;
            }
            if (seenRequests.contains(r.id().value())
                    || (r.assignmentId() != null && seenAssignments.contains(r.assignmentId().toLowerCase(Locale.ROOT)))
                    || scopes.stream().noneMatch(s -> r.scope().isWithin(s))
                    || (r.expiresAt() != null && !r.expiresAt().isAfter(now))
                    || (r.activatedAt() != null && r.activatedAt().isAfter(now.minus(LIST_LAG)))) {
                // Held, outside what was listed, due for the sweeper, or too young to be listed yet.
                continue;
            }
            if (closeVanished(r, now)) {
                vanished++;
                lines.add(r.label() + " for " + r.principal().displayName() + " (" + r.id() + ") was no longer in "
                        + "Azure, so jitbot closed it.");
            }
        }
        Report report = new Report(held.size(), revoked, failed, vanished, lines);
        if (!report.clean()) {
            audit.append(AuditEvent.of(clock.instant(), "jitbot", Platform.SYSTEM, "reconciled", null,
                    report.summary()));
        }
        log.info("{}", report.summary());
        lines.forEach(l -> log.info("reconcile: {}", l));
        return report;
    }

    private Optional<AccessRequest> requestOf(AccessProvider.ProviderAssignment a) {
        if (a.requestId() == null) {
            return Optional.empty();
        }
        Parsed<RequestId> id = RequestId.parse(a.requestId());
        return id.isOk() ? store.find(id.orThrow()) : Optional.empty();
    }

    /**
     * The members of an active bundle Azure no longer lists (matched by the request id in the tag, role and scope),
     * among those at the scopes listed; none while the grant is too young to be listed or already due to end.
     */
    private static List<String> missingMembers(AccessRequest r, List<AccessProvider.ProviderAssignment> held,
                                               List<AzureScope> scopes, Instant now) {
        if ((r.expiresAt() != null && !r.expiresAt().isAfter(now))
                || (r.activatedAt() != null && r.activatedAt().isAfter(now.minus(LIST_LAG)))) {
            return List.of();
        }
        List<String> gone = new ArrayList<>();
        for (dev.jitbot.core.domain.BundleGrant.Member m : r.bundle().members()) {
            if (scopes.stream().noneMatch(s -> m.scope().isWithin(s))) {
                continue;
            }
            boolean listed = held.stream().anyMatch(a -> r.id().value().equals(a.requestId())
                    && a.role().name() != null && a.role().name().equalsIgnoreCase(m.role().name())
                    && a.scope().id().equalsIgnoreCase(m.scope().id()));
            if (!listed) {
                gone.add(m.label());
            }
        }
        return gone;
    }

    /**
     * A bundle is granted and revoked together: a member removed outside jitbot ends the bundle, and the members
     * still held are revoked (not just forgotten), so none is left behind.
     */
    private boolean closeVanishedBundle(AccessRequest r, List<String> gone, Instant now) {
        for (int attempt = 0; attempt < 8; attempt++) {
            if (r.state() != State.ACTIVE) {
                return false;
            }
            String note = String.join(", ", gone) + " " + (gone.size() == 1 ? "was" : "were")
                    + " removed outside jitbot";
            AccessRequest next = r.to(State.REVOKING).withEnd(now, EndReason.VANISHED, null, note);
            Text text = Text.plain(r.label() + " (" + r.id() + "): " + note + ", so jitbot is taking the rest of "
                    + "the bundle back. Request it again if you still need it.");
            if (outbox.commit(Change.of(r, next)
                    .audit(AuditEvent.of(clock.instant(), "jitbot", Platform.SYSTEM, "vanished", r.id(),
                            provider.mode() + ": " + note + "; revoking the other members"))
                    .then(Work.revoke(r.id()))
                    .then(notifications.refresh(next))
                    .then(notifications.tell(next.requester(), next, text))
                    .expediteAzureWork()
                    .build()) == Outbox.Commit.DONE) {
                return true;
            }
            Optional<AccessRequest> again = store.find(r.id());
            if (again.isEmpty()) {
                return false;
            }
            r = again.get();
        }
        return false;
    }

    private boolean closeVanished(AccessRequest r, Instant now) {
        for (int attempt = 0; attempt < 8; attempt++) {
            if (r.state() != State.ACTIVE) {
                return false;
            }
            AccessRequest ended = r.to(State.ENDED).withEnd(now, EndReason.VANISHED, null,
                    "the role assignment was no longer in Azure");
            Text text = Text.plain(r.label() + " (" + r.id() + ") is no longer in Azure: someone removed the role "
                    + "assignment outside jitbot, so jitbot closed the grant. Request again if you still need it.");
            if (outbox.commit(Change.of(r, ended)
                    .audit(AuditEvent.of(clock.instant(), "jitbot", Platform.SYSTEM, "vanished", r.id(),
                            provider.mode() + " assignment " + r.assignmentId() + " not found at " + r.scope().id()
                                    + "; closed " + Duration.between(now, r.expiresAt()).toMinutes()
                                    + " min before its expiry"))
                    .then(notifications.refresh(ended))
                    .then(notifications.replyOnCards(ended, text))
                    .then(notifications.tell(ended.requester(), ended, text))
                    .build()) == Outbox.Commit.DONE) {
                return true;
            }
            Optional<AccessRequest> again = store.find(r.id());
            if (again.isEmpty()) {
                return false;
            }
            r = again.get();
        }
        return false;
    }
}
