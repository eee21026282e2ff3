package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.BundleGrant;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Command;
import dev.jitbot.core.domain.CommandParser;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.Refusal.Reason;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.domain.UserText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Bundles (policy {@code bundles:}): one request for several (role, scope) pairs. Each member is matched to a rule
 * the requester is eligible under, as a single request would be; the request then takes the strictest of those
 * rules: the largest {@code approvals}, approvers who may approve every member rule, the shortest
 * {@code max_duration} and {@code request_ttl}. {@link AccessService} files and decides it; the workers grant and
 * revoke every member together.
 */
final class BundleRequests {

    /** How a bundle request's {@code ruleName} starts; the member rules are kept per member. */
    static final String RULE_PREFIX = "bundle ";

    private final Supplier<Policy> policy;
    private final RequestStore store;
    private final Transition transition;
    private final Directory directory;
    private final Membership membership;
    private final Notifications notifications;
    private final ExpiryScheduler scheduler;
    private final Clock clock;
    private final Duration shortestGrant;
    private final String mode;

    BundleRequests(Supplier<Policy> policy, RequestStore store, Transition transition, Directory directory,
                   Membership membership, Notifications notifications, ExpiryScheduler scheduler, Clock clock,
                   AccessProvider provider) {
        this.policy = policy;
        this.store = store;
        this.transition = transition;
        this.directory = directory;
        this.membership = membership;
        this.notifications = notifications;
        this.scheduler = scheduler;
        this.clock = clock;
        this.shortestGrant = provider.shortestGrant();
        this.mode = provider.mode();
    }

    /** The member rules of a bundle request, in member order; empty when one is no longer in the policy. */
    static Optional<List<Policy.Rule>> memberRules(Policy p, AccessRequest r) {
        List<Policy.Rule> out = new ArrayList<>();
        for (BundleGrant.Member m : r.bundle().members()) {
            Optional<Policy.Rule> rule = p.rule(m.ruleName());
            if (rule.isEmpty()) {
                return Optional.empty();
            }
            out.add(rule.get());
        }
        return Optional.of(out);
    }

    /**
     * The rule a bundle request is decided under, drawn from its member rules: the most approvals, the shortest
     * maximum and request TTL, every member rule's channels; its approvers list is every group any member rule
     * names, for messages only (who may approve is decided per member rule, see {@link AccessService}).
     */
    static Optional<Policy.Rule> strictest(Policy p, AccessRequest r) {
        return memberRules(p, r).map(rules -> strictest(r.ruleName(), rules));
    }

    static Policy.Rule strictest(String name, List<Policy.Rule> rules) {
        int approvals = rules.stream().mapToInt(Policy.Rule::approvals).max().orElse(1);
        Duration max = rules.stream().map(Policy.Rule::maxDuration).min(Comparator.naturalOrder()).orElseThrow();
        Duration ttl = rules.stream().map(Policy.Rule::requestTtl).min(Comparator.naturalOrder()).orElseThrow();
        List<String> approvers = rules.stream().filter(r -> r.approvals() > 0).flatMap(r -> r.approvers().stream())
                .distinct().toList();
        List<String> requesters = rules.stream().flatMap(r -> r.requesters().stream()).distinct().toList();
        List<String> channels = rules.stream().anyMatch(r -> r.channels().isEmpty()) ? List.of()
                : rules.stream().flatMap(r -> r.channels().stream()).distinct().toList();
        return new Policy.Rule(name, rules.get(0).role(), List.of(), requesters, approvers, approvals, max, ttl, null,
                channels, List.of(), 0);
    }

    /** Files a bundle request; grants at once when no member rule needs approval. */
    Outcome request(ChatUser actor, Command.RequestBundle typed) {
        Policy p = policy.get();
        String justification = UserText.clean(typed.justification());
        String typedTicket = blankToNull(UserText.clean(typed.ticket()));
        Optional<String> tooLong = UserText.tooLong("your reason", justification, UserText.MAX_REASON,
                "Keep it to a sentence or two and put the detail in the ticket.")
                .or(() -> UserText.tooLong("that ticket id", typedTicket, UserText.MAX_TICKET,
                        "Give just the id, e.g. `ticket INC-4411`."));
        if (tooLong.isPresent()) {
            return new Outcome.Refused(Reason.INVALID_INPUT, tooLong.get());
        }
        if (justification == null || justification.isBlank()) {
            return new Outcome.Refused(Reason.INVALID_INPUT, "Say why with `because <reason>`: approvers and the "
                    + "audit log need it. Write it as `" + CommandParser.USAGE_BUNDLE + "`.");
        }
        Optional<Policy.Bundle> found = p.bundle(UserText.clean(typed.bundle()));
        if (found.isEmpty()) {
            List<String> mine = offers(actor).stream().map(AccessService.BundleOffer::name).toList();
            return new Outcome.Refused(Reason.INVALID_INPUT, "The policy has no bundle `"
                    + UserText.excerpt(typed.bundle(), 60) + "`. " + (mine.isEmpty()
                    ? "None of its bundles is open to you; request roles one by one (`help`)."
                    : "Bundles you can ask for: " + String.join(", ", mine) + "."));
        }
        Policy.Bundle bundle = found.get();
        if (actor.platform() == Platform.API) {
            return new Outcome.Refused(Reason.NOT_ALLOWED, "Bundles are for people asking from chat; a workload "
                    + "requests its roles one by one.");
        }
        if (typed.duration().compareTo(shortestGrant) < 0) {
            return new Outcome.Refused(Reason.INVALID_INPUT, ("pim".equals(mode)
                    ? "PIM grants a role for at least " + Durations.format(shortestGrant) + ", and jitbot uses PIM here"
                    : "jitbot grants a role for at least " + Durations.format(shortestGrant))
                    + "; ask for `for " + Durations.compact(shortestGrant) + "` or more.");
        }

        // Every member on its own, as a single request would be checked: eligible, long enough, with a ticket.
        List<Policy.Rule> chosen = new ArrayList<>();
        String ticket = typedTicket;
        Duration bundleMax = null;
        for (Policy.BundleMember m : bundle.members()) {
            List<Policy.Rule> covering = p.rules().stream().filter(r -> r.covers(m.role(), m.scope())).toList();
            List<Policy.Rule> eligible = covering.stream().filter(r -> membership.isIn(actor, r.requesters()))
                    .sorted(Comparator.comparingInt(Policy.Rule::approvals)
                            .thenComparing(Policy.Rule::maxDuration, Comparator.reverseOrder()))
                    .toList();
            if (eligible.isEmpty()) {
                return new Outcome.Refused(Reason.NOT_ELIGIBLE, "You are not eligible for " + m.label()
                        + ", a member of bundle " + bundle.name() + (covering.isEmpty() ? ": no rule grants it now."
                        : ": rule \"" + covering.get(0).name() + "\" allows " + String.join(", ",
                        covering.get(0).requesters()) + ".") + " Ask its owners to add you, or request the other "
                        + "roles one by one.");
            }
            Duration memberMax = eligible.stream().map(Policy.Rule::maxDuration).max(Comparator.naturalOrder())
                    .orElseThrow();
            bundleMax = bundleMax == null || memberMax.compareTo(bundleMax) < 0 ? memberMax : bundleMax;
            Policy.Rule pick = null;
            Outcome.Refused problem = null;
            for (Policy.Rule r : eligible) {
                if (typed.duration().compareTo(r.maxDuration()) > 0) {
                    continue;
                }
                if (r.ticket() != null) {
                    String t = Rules.ticketFor(r, ticket, justification);
                    if (t == null) {
                        problem = problem != null ? problem : new Outcome.Refused(Reason.TICKET_REQUIRED,
                                m.label() + " (in bundle " + bundle.name() + ") needs a ticket id matching `"
                                        + r.ticket().pattern() + "`: add e.g. `ticket "
                                        + Rules.exampleTicket(r.ticket()) + "` to your request.");
                        continue;
                    }
                    ticket = t;
                }
                pick = r;
                break;
            }
            if (pick == null && problem != null) {
                return problem;
            }
            if (pick == null) {
                return new Outcome.Refused(Reason.OVER_MAX_DURATION, "Bundle " + bundle.name() + " may be held for "
                        + "at most " + Durations.format(memberMax) + ": its member " + m.label() + " allows no more. "
                        + "Ask for `for " + Durations.compact(memberMax) + "` or less.");
            }
            chosen.add(pick);
        }
        if (typed.duration().compareTo(bundleMax) > 0) {
            return new Outcome.Refused(Reason.OVER_MAX_DURATION, "Bundle " + bundle.name() + " may be held for at "
                    + "most " + Durations.format(bundleMax) + ", its shortest member's limit; ask for `for "
                    + Durations.compact(bundleMax) + "` or less.");
        }

        Parsed<Principal> user = directory.user(actor);
        if (!user.isOk()) {
            return new Outcome.Refused(Reason.UNKNOWN_USER, user.reason());
        }
        Principal principal = user.orThrow();
        Optional<Outcome.Refused> open = alreadyOpen(principal, bundle);
        if (open.isPresent()) {
            return open.get();
        }

        String ruleName = RULE_PREFIX + bundle.name();
        Policy.Rule rule = strictest(ruleName, chosen);
        List<BundleGrant.Member> members = new ArrayList<>();
        for (int i = 0; i < bundle.members().size(); i++) {
            Policy.BundleMember m = bundle.members().get(i);
            members.add(new BundleGrant.Member(m.role(), m.scope(), m.scopeLabel(), chosen.get(i).name(), null,
                    null));
        }
        BundleGrant grant = new BundleGrant(bundle.name(), members);
        Map<String, Policy.Channel> channels = new LinkedHashMap<>();
        chosen.forEach(r -> p.channelsFor(r).forEach(c -> channels.putIfAbsent(c.name(), c)));
        boolean approved = rule.approvals() == 0;
        Instant now = clock.instant();
        BundleGrant.Member first = members.get(0);
        String filedTicket = ticket;
        return transition.insert(newId -> {
            AccessRequest request = new AccessRequest(newId, 0, State.PENDING, actor,
                    principal, first.role(), first.scope(), first.scopeLabel(), typed.duration(), justification.strip(),
                    filedTicket, ruleName, rule.approvals(), List.of(), now, now.plus(rule.requestTtl()), null, null, null,
                    null, null, null, null, null, 0, false, null, null, null, null, grant);
            AuditEvent requested = transition.event(actor, "requested", request, request.label() + " for "
                    + Durations.format(request.duration()) + " to " + principal.displayName() + " ("
                    + principal.objectId() + ", " + principal.type().armName() + "); member rules "
                    + String.join(", ", chosen.stream().map(r -> "\"" + r.name() + "\"").toList())
                    + "; needs " + rule.approvals() + " approval" + (rule.approvals() == 1 ? "" : "s")
                    + ", at most " + Durations.format(rule.maxDuration()) + "; because: " + request.justification()
                    + (filedTicket != null ? "; ticket " + filedTicket : ""));
            AccessRequest filed = approved ? request.to(State.ACTIVATING) : request;
            Change.Builder change = Change.insert(filed).audit(requested)
                    .then(notifications.announce(filed, List.copyOf(channels.values())));
            if (approved) {
                change.audit(AuditEvent.of(now, "jitbot", actor.platform(), "approved", filed.id(),
                                "auto-approved: every member rule of bundle " + bundle.name() + " has approvals: 0"))
                        .then(Work.activate(filed.id()));
            } else {
                change.then(notifications.tell(actor, filed, Phrases.awaiting(filed)));
            }
            return Transition.Step.write(change, () -> {
                if (approved) {
                    return new Outcome.Activating(filed);
                }
                ExpiryService.bestEffort(() -> scheduler.scheduleLapse(filed.id(), filed.decideBy()),
                        "schedule the lapse of", filed.id());
                return new Outcome.Requested(filed);
            });
        }, () -> alreadyOpen(principal, bundle).orElseGet(() -> new Outcome.Refused(Reason.WRONG_STATE,
                principal.displayName() + " already has an open request for a member of bundle "
                        + bundle.name() + "; `list` shows it.")));
    }

    /** The bundles {@code user} is eligible for, every member, with the limits they would be asked under. */
    List<AccessService.BundleOffer> offers(ChatUser user) {
        Policy p = policy.get();
        List<AccessService.BundleOffer> out = new ArrayList<>();
        for (Policy.Bundle b : p.bundles().values().stream().sorted(Comparator.comparing(Policy.Bundle::line))
                .toList()) {
            List<Policy.Rule> picks = new ArrayList<>();
            for (Policy.BundleMember m : b.members()) {
                p.rules().stream().filter(r -> r.covers(m.role(), m.scope()) && membership.isIn(user, r.requesters()))
                        .min(Comparator.comparingInt(Policy.Rule::approvals)
                                .thenComparing(Policy.Rule::maxDuration, Comparator.reverseOrder()))
                        .ifPresent(picks::add);
            }
            if (picks.size() == b.members().size()) {
                Policy.Rule s = strictest(RULE_PREFIX + b.name(), picks);
                out.add(new AccessService.BundleOffer(b.name(), b.members().stream().map(Policy.BundleMember::label)
                        .toList(), s.maxDuration(), s.approvals()));
            }
        }
        return out;
    }

    private Optional<Outcome.Refused> alreadyOpen(Principal principal, Policy.Bundle bundle) {
        for (AccessRequest o : store.findOpenFor(principal.objectId())) {
            for (Policy.BundleMember m : bundle.members()) {
                if (o.grants(m.role(), m.scope())) {
                    return Optional.of(new Outcome.Refused(Reason.WRONG_STATE, principal.displayName()
                            + " already has " + m.label() + " open as " + o.id() + " (" + o.state().label()
                            + (o.expiresAt() != null ? " until " + Phrases.time(o.expiresAt()) : "") + "), and it is "
                            + "a member of bundle " + bundle.name() + ". " + (o.state() == State.ACTIVE
                            ? "Release it first with `release " + o.id() + "`, or request the other roles one by one."
                            : "Wait for it to be decided, or `cancel " + o.id() + "` first.")));
                }
            }
        }
        return Optional.empty();
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
