package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Command;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Refusal.Reason;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The reading use cases: list, show, history, what someone may ask for, and what waits for their decision. They
 * write nothing; someone who may not see a request is told it does not exist.
 */
final class Queries {

    private static final EnumSet<State> OPEN =
            EnumSet.of(State.PENDING, State.SCHEDULED, State.ACTIVATING, State.ACTIVE, State.REVOKING);

    private final Supplier<Policy> policy;
    private final RequestStore store;
    private final AuditLog audit;
    private final Membership membership;
    private final Permissions permissions;

    Queries(Supplier<Policy> policy, RequestStore store, AuditLog audit, Membership membership,
            Permissions permissions) {
        this.policy = policy;
        this.store = store;
        this.audit = audit;
        this.membership = membership;
        this.permissions = permissions;
    }

    /** Active grants and pending requests: the caller's own, or everyone's for on-call. */
    Outcome list(ChatUser actor, Command.ListRequests.Filter filter) {
        boolean oncall = membership.isOncall(actor);
        boolean everyone = switch (filter) {
            case ALL -> true;
            case MINE -> false;
            case DEFAULT -> oncall;
        };
        if (everyone && !oncall) {
            return new Outcome.Refused(Reason.NOT_ALLOWED, "Only the on-call group ("
                    + policy.get().oncallGroup() + ") can list everyone's grants; `list mine` shows yours.");
        }
        List<AccessRequest> rows = everyone ? store.findByState(OPEN)
                : store.findByRequester(AccessService.actorKey(actor), 200).stream()
                .filter(r -> OPEN.contains(r.state())).toList();
        return new Outcome.Listing(rows, everyone);
    }

    /** One request with its audit trail, for the requester, its approvers and on-call. */
    Outcome show(ChatUser actor, RequestId id) {
        Optional<AccessRequest> r = find(actor, id);
        return r.<Outcome>map(request -> new Outcome.Details(request, audit.forRequest(id)))
                .orElseGet(() -> Transition.unknown(id));
    }

    /** The audit trail of a request, of a person (on-call only), or of the caller. */
    Outcome history(ChatUser actor, String who) {
        String key = AccessService.actorKey(actor);
        if (who != null) {
            Parsed<RequestId> asId = RequestId.parse(who);
            if (asId.isOk() && who.strip().toUpperCase(Locale.ROOT).startsWith("JIT-")) {
                Optional<AccessRequest> r = find(actor, asId.orThrow());
                return r.isPresent() ? new Outcome.History(asId.orThrow().value(), audit.forRequest(asId.orThrow()))
                        : Transition.unknown(asId.orThrow());
            }
            String person = normalisePerson(actor, who);
            boolean self = person.equalsIgnoreCase(key) || person.equalsIgnoreCase(actor.key());
            if (!self && !membership.isOncall(actor)) {
                return new Outcome.Refused(Reason.NOT_ALLOWED, "Only on-call can read someone else's history; "
                        + "`history` shows yours.");
            }
            return new Outcome.History(person, audit.byActor(person, 100));
        }
        if (membership.isOncall(actor)) {
            return new Outcome.History("everyone", audit.recent(50));
        }
        return new Outcome.History(actor.displayName(), audit.byActor(key, 50));
    }

    /** True when {@code user} may approve {@code request} (not the requester, in the rule's approvers). */
    boolean canApprove(ChatUser user, AccessRequest request) {
        Optional<Policy.Rule> rule = Rules.of(policy.get(), request);
        return rule.isPresent() && !request.requester().samePerson(user)
                && permissions.isApprover(user, rule.get(), request);
    }

    /** Requests waiting for a decision that {@code user} may give (for App Home and personal chat). */
    List<AccessRequest> awaitingDecisionBy(ChatUser user) {
        return store.findByState(EnumSet.of(State.PENDING, State.ACTIVE)).stream()
                .filter(r -> r.state() == State.PENDING || r.extension() != null)
                .filter(r -> !Decisions.hasVotedOnWhatIsPending(r, user) && canApprove(user, r))
                .toList();
    }

    /** What {@code user} may ask for, per rule: for request forms that offer only eligible choices. */
    List<AccessService.Offer> offers(ChatUser user) {
        Policy p = policy.get();
        List<AccessService.Offer> offers = new ArrayList<>();
        for (Policy.Rule r : p.rules()) {
            if (!membership.isIn(user, r.requesters())) {
                continue;
            }
            List<String> scopes = r.scopes().stream().map(p::labelFor).toList();
            List<String> principals = p.principals().values().stream()
                    .filter(n -> n.ownedBy(user) && r.allowsPrincipal(n.alias())).map(Policy.NonHuman::alias).toList();
            offers.add(new AccessService.Offer(r.name(), r.role().name(), scopes, r.maxDuration(), r.approvals(),
                    r.ticket() == null ? null : r.ticket().pattern(), principals));
        }
        return offers;
    }

    /** The request, when {@code id} exists and {@code actor} may see it. */
    Optional<AccessRequest> find(ChatUser actor, RequestId id) {
        return store.find(id).filter(r -> permissions.maySee(actor, r));
    }

    /**
     * A person as the audit log names them, from what was typed: {@code @U1}, an email, or a person's key
     * ({@code slack:U1}); a chat mention arrives as that key, because the adapter turned it into one.
     */
    private static String normalisePerson(ChatUser actor, String who) {
        String w = who.strip();
        if (w.startsWith("@")) {
            w = w.substring(1);
        }
        return w.toLowerCase(Locale.ROOT).contains("@") || w.contains(":") ? w.toLowerCase(Locale.ROOT)
                : actor.platform().key() + ":" + w;
    }
}
