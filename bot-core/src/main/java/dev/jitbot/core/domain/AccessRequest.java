package dev.jitbot.core.domain;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A request for a role on a scope, and the grant it becomes: one record through the whole lifecycle of
 * DESIGN.md. Immutable; every change goes through {@link #to(State)} or a {@code with…} method and yields the
 * next version, which the store writes with a compare-and-set on the previous (state, version).
 *
 * @param scopeLabel      what people call the scope (a policy alias such as {@code rg-payments}, or the ARM id)
 * @param duration        how long access lasts once Azure confirms it (extensions add to it)
 * @param decideBy        when an undecided request lapses
 * @param approvalsNeeded distinct approvals required; 0 means auto-approved
 * @param note            the last reason given: why it was denied, revoked or failed (may be null)
 * @param assignmentId    the provider's handle on the grant: ARM role assignment id or PIM request name (may be null)
 * @param revokeAttempts  failed revocation attempts so far
 * @param overdueAlerted  whether the "still not revoked" alert went out already
 * @param autoApproval    why it was approved without a vote, e.g. {@code on call in schedule Payments}, or null
 * @param startsAt        when a scheduled request may activate at the earliest, or null for "as soon as approved"
 * @param startZone       the time zone its start was read in and is shown back in (an IANA id or {@code UTC}), or null
 * @param breakGlass      its review when it was granted as break-glass (no approval); null for every other request
 * @param bundle          the members when this request is a bundle (its role and scope are then the first member's),
 *                        or null for a single role on a single scope
 */
public record AccessRequest(
        RequestId id,
        long version,
        State state,
        ChatUser requester,
        Principal principal,
        RoleRef role,
        AzureScope scope,
        String scopeLabel,
        Duration duration,
        String justification,
        String ticket,
        String ruleName,
        int approvalsNeeded,
        List<Vote> votes,
        Instant createdAt,
        Instant decideBy,
        Instant activatedAt,
        Instant expiresAt,
        Instant endedAt,
        EndReason endReason,
        ChatUser endedBy,
        String note,
        String assignmentId,
        Extension extension,
        int revokeAttempts,
        boolean overdueAlerted,
        String autoApproval,
        Instant startsAt,
        String startZone,
        BreakGlass breakGlass,
        BundleGrant bundle) {

    /** A request for one role on one scope, without a scheduled start, that is not break-glass. */
    public AccessRequest(RequestId id, long version, State state, ChatUser requester, Principal principal, RoleRef role,
                         AzureScope scope, String scopeLabel, Duration duration, String justification, String ticket,
                         String ruleName, int approvalsNeeded, List<Vote> votes, Instant createdAt, Instant decideBy,
                         Instant activatedAt, Instant expiresAt, Instant endedAt, EndReason endReason, ChatUser endedBy,
                         String note, String assignmentId, Extension extension, int revokeAttempts,
                         boolean overdueAlerted, String autoApproval) {
        this(id, version, state, requester, principal, role, scope, scopeLabel, duration, justification, ticket,
                ruleName, approvalsNeeded, votes, createdAt, decideBy, activatedAt, expiresAt, endedAt, endReason,
                endedBy, note, assignmentId, extension, revokeAttempts, overdueAlerted, autoApproval, null, null, null,
                null);
    }

    /** A request approved by votes (or by a rule with {@code approvals: 0}), not by an on-call check. */
    public AccessRequest(RequestId id, long version, State state, ChatUser requester, Principal principal, RoleRef role,
                         AzureScope scope, String scopeLabel, Duration duration, String justification, String ticket,
                         String ruleName, int approvalsNeeded, List<Vote> votes, Instant createdAt, Instant decideBy,
                         Instant activatedAt, Instant expiresAt, Instant endedAt, EndReason endReason, ChatUser endedBy,
                         String note, String assignmentId, Extension extension, int revokeAttempts,
                         boolean overdueAlerted) {
        this(id, version, state, requester, principal, role, scope, scopeLabel, duration, justification, ticket,
                ruleName, approvalsNeeded, votes, createdAt, decideBy, activatedAt, expiresAt, endedAt, endReason,
                endedBy, note, assignmentId, extension, revokeAttempts, overdueAlerted, null, null, null, null, null);
    }

    public AccessRequest {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(requester, "requester");
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(scope, "scope");
        Objects.requireNonNull(duration, "duration");
        Objects.requireNonNull(justification, "justification");
        Objects.requireNonNull(ruleName, "ruleName");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(decideBy, "decideBy");
        scopeLabel = scopeLabel == null || scopeLabel.isBlank() ? scope.id() : scopeLabel;
        votes = List.copyOf(votes);
        if (approvalsNeeded < 0) {
            throw new IllegalArgumentException("approvalsNeeded < 0");
        }
        startZone = startsAt == null || startZone == null || startZone.isBlank() ? (startsAt == null ? null : "UTC")
                : startZone;
    }

    /** A new pending request, version 0. */
    public static AccessRequest pending(RequestId id, ChatUser requester, Principal principal, RoleRef role,
                                        AzureScope scope, String scopeLabel, Duration duration, String justification,
                                        String ticket, String ruleName, int approvalsNeeded, Instant now,
                                        Instant decideBy) {
        return new AccessRequest(id, 0, State.PENDING, requester, principal, role, scope, scopeLabel, duration,
                justification, ticket, ruleName, approvalsNeeded, List.of(), now, decideBy, null, null, null, null,
                null, null, null, null, 0, false);
    }

    /** A new pending request, version 0, that may activate no earlier than {@code startsAt} (shown in {@code zone}). */
    public static AccessRequest pendingFrom(RequestId id, ChatUser requester, Principal principal, RoleRef role,
                                            AzureScope scope, String scopeLabel, Duration duration,
                                            String justification, String ticket, String ruleName,
                                            int approvalsNeeded, Instant now, Instant decideBy, Instant startsAt,
                                            String zone) {
        return new AccessRequest(id, 0, State.PENDING, requester, principal, role, scope, scopeLabel, duration,
                justification, ticket, ruleName, approvalsNeeded, List.of(), now, decideBy, null, null, null, null,
                null, null, null, null, 0, false, null, Objects.requireNonNull(startsAt, "startsAt"), zone, null, null);
    }

    /** True when its start still lies ahead at {@code now}: approval then schedules it instead of granting it. */
    public boolean startsAfter(Instant now) {
        return startsAt != null && startsAt.isAfter(now);
    }

    /** "Contributor on rg-payments"; for a bundle "bundle incident-payments (Contributor on rg-payments, …)". */
    public String label() {
        return bundle == null ? role.name() + " on " + scopeLabel
                : "bundle " + bundle.name() + " (" + bundle.memberLabels() + ")";
    }

    /**
     * True when this request grants several (role, scope) pairs together; also true for each view
     * {@link #grantsToMake()} returns, whose role and scope are then one member's.
     */
    public boolean isBundle() {
        return bundle != null;
    }

    /** True when this request grants {@code other} on {@code where} (itself, or as one of its bundle's members). */
    public boolean grants(RoleRef other, AzureScope where) {
        return bundle == null ? role.sameRole(other) && scope.id().equalsIgnoreCase(where.id())
                : bundle.members().stream().anyMatch(m -> m.grants(other, where));
    }

    /**
     * What one Azure call is about: this request itself, or for a bundle one view per member with the member's
     * role, scope and assignment id (the bundle stays attached so providers name each member's assignment apart).
     */
    public List<AccessRequest> grantsToMake() {
        if (bundle == null) {
            return List.of(this);
        }
        return bundle.members().stream().map(m -> new AccessRequest(id, version, state, requester, principal,
                m.role(), m.scope(), m.scopeLabel(), duration, justification, ticket, m.ruleName(), approvalsNeeded,
                votes, createdAt, decideBy, activatedAt, expiresAt, endedAt, endReason, endedBy, note,
                m.assignmentId(), extension, revokeAttempts, overdueAlerted, autoApproval, startsAt, startZone, breakGlass,
                bundle)).toList();
    }

    /** The same request with its bundle's members as given (their assignment ids and refusals). */
    public AccessRequest withBundle(BundleGrant next) {
        return copy().bundle(Objects.requireNonNull(next, "next")).build();
    }

    /** Distinct people who approved. */
    public long approvals() {
        return votes.stream().filter(v -> v.decision() == Vote.Decision.APPROVE).count();
    }

    public List<ChatUser> approvers() {
        return votes.stream().filter(v -> v.decision() == Vote.Decision.APPROVE).map(Vote::voter).toList();
    }

    public boolean hasVoted(ChatUser user) {
        return votes.stream().anyMatch(v -> v.voter().samePerson(user));
    }

    /** True when the role goes to someone other than the person who asked (a service principal, say). */
    public boolean onBehalf() {
        return principal.type().isNonHuman();
    }

    /** Time left before expiry, zero once past it, or null when not active. */
    public Duration timeLeft(Instant now) {
        if (expiresAt == null) {
            return null;
        }
        Duration d = Duration.between(now, expiresAt);
        return d.isNegative() ? Duration.ZERO : d;
    }

    /** The next version in {@code target}; throws when the lifecycle does not allow the move. */
    public AccessRequest to(State target) {
        if (!state.canMoveTo(target)) {
            throw new IllegalStateException(id + ": " + state + " cannot move to " + target);
        }
        return copy().state(target).build();
    }

    public AccessRequest withVote(Vote vote) {
        List<Vote> next = new ArrayList<>(votes);
        next.add(vote);
        return copy().votes(next).build();
    }

    public AccessRequest withActivation(Instant at, String assignmentId) {
        return copy().activatedAt(at).expiresAt(at.plus(duration)).assignmentId(assignmentId).build();
    }

    public AccessRequest withAssignmentId(String assignmentId) {
        return copy().assignmentId(assignmentId).build();
    }

    public AccessRequest withEnd(Instant at, EndReason reason, ChatUser by, String note) {
        return copy().endedAt(at).endReason(reason).endedBy(by).note(note == null ? this.note : note).build();
    }

    public AccessRequest withNote(String note) {
        return copy().note(note).build();
    }

    public AccessRequest withExtension(Extension extension) {
        return copy().extension(extension).build();
    }

    /** Applies the pending (or given) extension: the expiry moves by {@code by} and the extension is cleared. */
    public AccessRequest extendedBy(Duration by) {
        return copy().duration(duration.plus(by)).expiresAt(expiresAt.plus(by)).extension(null).build();
    }

    public AccessRequest withRevokeAttempt() {
        return copy().revokeAttempts(revokeAttempts + 1).build();
    }

    public AccessRequest withOverdueAlerted() {
        return copy().overdueAlerted(true).build();
    }

    /** Marks it approved without a vote, saying why ("on call in schedule Payments"). */
    public AccessRequest withAutoApproval(String why) {
        return copy().autoApproval(Objects.requireNonNull(why, "why")).build();
    }

    /** True when it was granted as break-glass, without approval. */
    public boolean isBreakGlass() {
        return breakGlass != null;
    }

    /** Marks it break-glass, or records its review. */
    public AccessRequest withBreakGlass(BreakGlass review) {
        return copy().breakGlass(Objects.requireNonNull(review, "review")).build();
    }

    private Builder copy() {
        return new Builder(this);
    }

    /** Builds the next version of a request; the version number always goes up by one. */
    private static final class Builder {
        private final AccessRequest base;
        private State state;
        private Duration duration;
        private List<Vote> votes;
        private Instant activatedAt;
        private Instant expiresAt;
        private Instant endedAt;
        private EndReason endReason;
        private ChatUser endedBy;
        private String note;
        private String assignmentId;
        private Extension extension;
        private int revokeAttempts;
        private boolean overdueAlerted;
        private String autoApproval;
        private BreakGlass breakGlass;
        private BundleGrant bundle;

        Builder(AccessRequest r) {
            base = r;
            state = r.state;
            duration = r.duration;
            votes = r.votes;
            activatedAt = r.activatedAt;
            expiresAt = r.expiresAt;
            endedAt = r.endedAt;
            endReason = r.endReason;
            endedBy = r.endedBy;
            note = r.note;
            assignmentId = r.assignmentId;
            extension = r.extension;
            revokeAttempts = r.revokeAttempts;
            overdueAlerted = r.overdueAlerted;
            autoApproval = r.autoApproval;
            breakGlass = r.breakGlass;
            bundle = r.bundle;
        }

        Builder state(State v) { state = v; return this; }
        Builder duration(Duration v) { duration = v; return this; }
        Builder votes(List<Vote> v) { votes = v; return this; }
        Builder activatedAt(Instant v) { activatedAt = v; return this; }
        Builder expiresAt(Instant v) { expiresAt = v; return this; }
        Builder endedAt(Instant v) { endedAt = v; return this; }
        Builder endReason(EndReason v) { endReason = v; return this; }
        Builder endedBy(ChatUser v) { endedBy = v; return this; }
        Builder note(String v) { note = v; return this; }
        Builder assignmentId(String v) { assignmentId = v; return this; }
        Builder extension(Extension v) { extension = v; return this; }
        Builder revokeAttempts(int v) { revokeAttempts = v; return this; }
        Builder overdueAlerted(boolean v) { overdueAlerted = v; return this; }
        Builder autoApproval(String v) { autoApproval = v; return this; }
        Builder breakGlass(BreakGlass v) { breakGlass = v; return this; }
        Builder bundle(BundleGrant v) { bundle = v; return this; }

        AccessRequest build() {
            AccessRequest b = base;
            return new AccessRequest(b.id, b.version + 1, state, b.requester, b.principal, b.role, b.scope,
                    b.scopeLabel, duration, b.justification, b.ticket, b.ruleName, b.approvalsNeeded, votes,
                    b.createdAt, b.decideBy, activatedAt, expiresAt, endedAt, endReason, endedBy, note,
                    assignmentId, extension, revokeAttempts, overdueAlerted, autoApproval, b.startsAt, b.startZone,
                    breakGlass, bundle);
        }
    }
}
