package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Command;
import dev.jitbot.core.domain.CommandParser;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.Refusal;
import dev.jitbot.core.domain.Refusal.Field;
import dev.jitbot.core.domain.Refusal.Reason;
import dev.jitbot.core.domain.RoleRef;
import dev.jitbot.core.domain.StartTime;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.domain.Text;
import dev.jitbot.core.domain.UserText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Filing a request for one role on one scope, and its dry run: the request's checks in order (text, duration,
 * justification, start, scope, role, rule, principal, eligibility, the rule's limits, one open grant per grant),
 * then on-call's auto-approval, then the insert with its audit events, card and messages.
 */
final class Filing {

    /** Longest role or principal name read from a request; policy names are far shorter. */
    private static final int MAX_NAME = 200;

    private final Supplier<Policy> policy;
    private final RequestStore store;
    private final Transition transition;
    private final AccessProvider provider;
    private final Directory directory;
    private final Membership membership;
    private final OnCall oncall;
    private final Notifications notifications;
    private final ExpiryScheduler scheduler;
    private final Clock clock;

    Filing(Supplier<Policy> policy, RequestStore store, Transition transition, AccessProvider provider,
           Directory directory, Membership membership, OnCall oncall, Notifications notifications,
           ExpiryScheduler scheduler, Clock clock) {
        this.policy = policy;
        this.store = store;
        this.transition = transition;
        this.provider = provider;
        this.directory = directory;
        this.membership = membership;
        this.oncall = oncall;
        this.notifications = notifications;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /** Files a request; grants at once when the rule needs no approval. */
    Outcome request(ChatUser actor, Command.Request typed) {
        return file(actor, typed, false);
    }

    /** The first check {@link #request} would fail for {@code viewer} now, without writing anything (empty: none). */
    List<Refusal> check(ChatUser viewer, Command.Request typed) {
        Outcome o = file(viewer, typed, true);
        return o instanceof Outcome.Refused r ? List.of(r.refusal()) : List.of();
    }

    private Outcome file(ChatUser actor, Command.Request typed, boolean dryRun) {
        Policy p = policy.get();
        // The scope is not cleaned: AzureScope refuses what does not belong in one rather than rewriting it.
        Command.Request cmd = new Command.Request(UserText.clean(typed.role()), typed.scope(), typed.duration(),
                UserText.clean(typed.justification()), blankToNull(UserText.clean(typed.ticket())),
                blankToNull(UserText.clean(typed.principal())), typed.start());
        Optional<Outcome.Refused> tooLong = UserText.tooLong("your reason", cmd.justification(), UserText.MAX_REASON,
                "Keep it to a sentence or two and put the detail in the ticket.").map(m -> refused(m, Field.JUSTIFICATION))
                .or(() -> UserText.tooLong("that ticket id", cmd.ticket(), UserText.MAX_TICKET,
                        "Give just the id, e.g. `ticket INC-4411`.").map(m -> refused(m, Field.TICKET)))
                .or(() -> UserText.tooLong("that role name", cmd.role(), MAX_NAME,
                        "Name a role from the policy, e.g. `Contributor`.").map(m -> refused(m, Field.ROLE)))
                .or(() -> UserText.tooLong("that principal name", cmd.principal(), MAX_NAME,
                        "Name a principal from the policy by its alias.").map(m -> refused(m, Field.PRINCIPAL)));
        if (tooLong.isPresent()) {
            return tooLong.get();
        }
        Duration shortest = provider.shortestGrant();
        if (cmd.duration().compareTo(shortest) < 0) {
            return refused(("pim".equals(provider.mode())
                    ? "PIM grants a role for at least " + Durations.format(shortest) + ", and jitbot uses PIM here"
                    : "jitbot grants a role for at least " + Durations.format(shortest))
                    + "; ask for `for " + Durations.compact(shortest) + "` or more.", Field.DURATION);
        }
        if (cmd.justification() == null || cmd.justification().isBlank()) {
            return refused("Say why with `because <reason>`: approvers and the audit log need it. For example: `"
                    + CommandParser.EXAMPLE_REQUEST + "`.", Field.JUSTIFICATION);
        }
        // A later start: read in the zone typed with it, else the requester's chat zone, else UTC; shown back with it.
        StartTime.Resolved start = null;
        if (cmd.start() != null) {
            Instant at = clock.instant();
            start = cmd.start().resolve(at, actor.timeZone());
            String shown = StartTime.show(start.at(), StartTime.idOf(start.zone()));
            if (!start.at().isAfter(at)) {
                return new Outcome.Refused(Reason.INVALID_INPUT, "That start is " + shown + ": that is in the past; "
                        + "did you mean " + start.tomorrowSameTime() + "? Write `from " + start.tomorrowSameTime()
                        + "`, or leave out `from` to start as soon as it is approved."
                        + (start.notice() != null ? " " + start.notice() : ""));
            }
            if (Duration.between(at, start.at()).compareTo(p.maxLead()) > 0) {
                return new Outcome.Refused(Reason.INVALID_INPUT, "That start is " + shown + ", more than "
                        + lead(p.maxLead()) + " ahead: jitbot schedules access at most " + lead(p.maxLead())
                        + " ahead (policy `max_lead`), so the latest start now is "
                        + StartTime.show(at.plus(p.maxLead()), StartTime.idOf(start.zone()))
                        + ". Ask again closer to the time." + (start.notice() != null ? " " + start.notice() : ""));
            }
        }
        final StartTime.Resolved startAt = start;
        Parsed<AzureScope> scope = p.resolveScope(cmd.scope());
        if (!scope.isOk()) {
            return new Outcome.Refused(Reason.UNKNOWN_SCOPE, scope.reason());
        }
        RoleRef role = RoleRef.named(cmd.role());
        List<String> knownRoles = p.roleNames();
        if (knownRoles.stream().noneMatch(n -> n.equalsIgnoreCase(role.name()))) {
            return new Outcome.Refused(Reason.UNKNOWN_ROLE, "No rule in the policy grants the role `" + role.name()
                    + "`. Roles you can ask for: " + String.join(", ", knownRoles) + ". For example: `"
                    + CommandParser.EXAMPLE_REQUEST + "`.");
        }
        String roleName = knownRoles.stream().filter(n -> n.equalsIgnoreCase(role.name())).findFirst().orElseThrow();
        List<Policy.Rule> covering = Rules.covering(p, role, scope.orThrow());
        String label = p.labelFor(scope.orThrow());
        if (covering.isEmpty()) {
            return new Outcome.Refused(Reason.NOT_ELIGIBLE, "No rule grants " + roleName + " on " + label
                    + ". " + Rules.whereRoleIsGranted(p, role) + " Ask the platform owners to add a rule if you need it.");
        }

        // Who gets the role: the requester, or a non-human identity the requester owns.
        Principal principal;
        String principalAlias = null;
        if (actor.platform() == Platform.API) {
            // A workload asking with its own token: it may only ask for itself, and only if policy knows it.
            Optional<Policy.NonHuman> self = p.principal(actor.aadObjectId());
            if (self.isEmpty()) {
                return new Outcome.Refused(Reason.UNKNOWN_PRINCIPAL, "The caller (object id " + actor.aadObjectId()
                        + ") is not under `principals:` in policy.yaml. Add it there with its owners, e.g. `"
                        + "my-pipeline: { object_id: " + actor.aadObjectId() + ", type: ServicePrincipal, owners: "
                        + "[you@contoso.com] }`, and list `principal:my-pipeline` in the `requesters:` of the rule "
                        + "for " + roleName + " on " + label + ".");
            }
            if (cmd.principal() != null && p.principal(cmd.principal())
                    .filter(n -> n.alias().equals(self.get().alias())).isEmpty()) {
                return new Outcome.Refused(Reason.NOT_ALLOWED, "A workload can only ask for itself; leave out "
                        + "`principal` (or give `" + self.get().alias() + "`). Its owners can ask for other "
                        + "identities from chat with `as <principal>`.");
            }
            principal = self.get().principal();
            principalAlias = self.get().alias();
        } else if (cmd.principal() != null) {
            Optional<Policy.NonHuman> nonHuman = p.principal(cmd.principal());
            if (nonHuman.isEmpty()) {
                return new Outcome.Refused(Reason.UNKNOWN_PRINCIPAL, "`" + cmd.principal() + "` is not a principal "
                        + "listed in policy.yaml. Non-human identities need an entry under `principals:` naming their "
                        + "owners before anyone can request access for them.");
            }
            if (!nonHuman.get().ownedBy(actor)) {
                return new Outcome.Refused(Reason.NOT_ELIGIBLE, "You are not an owner of `" + nonHuman.get().alias()
                        + "`, so you cannot request access for it. Its owners are listed in policy.yaml.");
            }
            principal = nonHuman.get().principal();
            principalAlias = nonHuman.get().alias();
        } else {
            Parsed<Principal> user = directory.user(actor);
            if (!user.isOk()) {
                return new Outcome.Refused(Reason.UNKNOWN_USER, user.reason());
            }
            principal = user.orThrow();
        }

        final String alias = principalAlias;
        List<Policy.Rule> eligible = covering.stream()
                .filter(r -> mayRequest(membership, policy.get(), actor, r, alias))
                // A workload asking for itself was matched by name above; `*` is for owners asking from chat.
                .filter(r -> alias == null || actor.platform() == Platform.API || r.allowsPrincipal(alias))
                .toList();
        if (eligible.isEmpty() && actor.platform() == Platform.API) {
            return new Outcome.Refused(Reason.NOT_ELIGIBLE, alias + " may not ask for " + roleName + " on " + label
                    + " itself: rule \"" + covering.get(0).name() + "\" allows " + String.join(", ",
                    covering.get(0).requesters()) + ". Add `principal:" + alias + "` to its `requesters:` in "
                    + "policy.yaml, or have an owner ask from chat with `as " + alias + "`.");
        }
        if (eligible.isEmpty() && alias != null) {
            Optional<Policy.Rule> peopleOnly = covering.stream()
                    .filter(r -> membership.isIn(actor, r.requesters())).findFirst();
            if (peopleOnly.isPresent()) {
                Policy.Rule r = peopleOnly.get();
                return new Outcome.Refused(Reason.NOT_ELIGIBLE, "Rule \"" + r.name() + "\" grants " + roleName + " on "
                        + label + (r.principals().isEmpty() ? " to people only: it has no `principals:`"
                        : " only to " + String.join(", ", r.principals())) + ", so not to " + alias + ". Ask the "
                        + "platform owners to add `principals: [" + alias + "]` to it, or request it for yourself.");
            }
        }
        if (eligible.isEmpty()) {
            return new Outcome.Refused(Reason.NOT_ELIGIBLE, "You are not eligible for " + roleName + " on " + label
                    + (alias != null ? " for " + alias : "") + ": rule \"" + covering.get(0).name()
                    + "\" allows " + String.join(", ", covering.get(0).requesters())
                    + ". Ask its owners to add you, or request a role you hold eligibility for (`help`).");
        }

        Rules.Choice choice = Rules.choose(eligible, roleName, label, cmd.duration(), cmd.ticket(), cmd.justification());
        if (choice instanceof Rules.Choice.None none) {
            return none.refusal();
        }
        Policy.Rule chosen = ((Rules.Choice.Chosen) choice).rule();
        String ticket = ((Rules.Choice.Chosen) choice).ticket();

        // One open grant per principal, role and scope: Azure holds one assignment for the three, so a second
        // grant would share it and the first one's expiry would take both away.
        final Principal grantee = principal;
        Optional<AccessRequest> open = store.findOpenFor(grantee.objectId()).stream()
                .filter(o -> o.grants(role, scope.orThrow()))
                .findFirst();
        if (open.isPresent()) {
            return alreadyOpen(grantee, open.get());
        }
        if (dryRun) {
            return null;
        }

        OnCallApproval oncallApproval = onCallApproval(p, actor, chosen, alias, cmd.duration(), startAt != null);
        String autoApproval = oncallApproval.by();
        String oncallNote = oncallApproval.note();
        boolean approved = chosen.approvals() == 0 || autoApproval != null;

        Instant now = clock.instant();
        boolean later = startAt != null;
        String notice = later ? startAt.notice() : null;
        // Another request for the same grant may win the race between the check above and this write.
        Supplier<Outcome.Refused> ifOpen = () -> store.findOpenFor(grantee.objectId()).stream()
                .filter(o -> o.grants(role, scope.orThrow()))
                .findFirst().map(o -> alreadyOpen(grantee, o))
                .orElseGet(() -> new Outcome.Refused(Reason.WRONG_STATE, grantee.displayName()
                        + " already has an open request for " + roleName + " on " + label + "; `list` shows it."));
        return transition.insert(newId -> {
            RoleRef grantedRole = new RoleRef(roleName, null);
            // A later start gives approvers until the start (at least the rule's TTL) to decide.
            AccessRequest request = later
                    ? AccessRequest.pendingFrom(newId, actor, grantee, grantedRole, scope.orThrow(), label,
                    cmd.duration(), cmd.justification().strip(), ticket, chosen.name(), chosen.approvals(), now,
                    max(now.plus(chosen.requestTtl()), startAt.at()), startAt.at(), StartTime.idOf(startAt.zone()))
                    : AccessRequest.pending(newId, actor, grantee, grantedRole, scope.orThrow(), label,
                    cmd.duration(), cmd.justification().strip(), ticket, chosen.name(), chosen.approvals(), now,
                    now.plus(chosen.requestTtl()));
            AuditEvent requested = transition.event(actor, "requested", request, request.label() + " for "
                    + Durations.format(request.duration()) + " to " + grantee.displayName() + " ("
                    + grantee.objectId() + ", " + grantee.type().armName() + "); rule \"" + chosen.name()
                    + "\"; because: " + request.justification() + (ticket != null ? "; ticket " + ticket : "")
                    + (later ? "; from " + StartTime.iso(request.startsAt(), request.startZone())
                    + (notice != null ? " (time zone " + (actor.timeZone() == null ? "typed" : "`"
                    + UserText.excerpt(actor.timeZone(), 40) + "`") + " unknown; read as UTC)" : "") : "")
                    + oncallNote);
            AccessRequest filed = !approved ? request : later ? request.to(State.SCHEDULED)
                    : autoApproval == null ? request.to(State.ACTIVATING)
                    : request.withAutoApproval(autoApproval).to(State.ACTIVATING);
            Change.Builder change = Change.insert(filed).audit(requested)
                    .then(notifications.announce(filed, p.channelsFor(chosen)));
            if (approved) {
                change.audit(AuditEvent.of(now, "jitbot", actor.platform(), "approved", filed.id(),
                        autoApproval != null ? "auto-approved: " + autoApproval + " (rule \"" + chosen.name()
                                + "\", auto_approve_if: oncall, up to "
                                + Durations.format(chosen.oncallApproval().maxDuration()) + ")"
                        : "auto-approved by rule \"" + chosen.name() + "\" (approvals: 0)"
                        + (later ? "; starts at " + StartTime.iso(filed.startsAt(), filed.startZone()) : "")));
                if (later) {
                    // Due at the start: the item re-checks the request there, then activates it (WorkHandlers).
                    change.then(Work.activate(filed.id()).notBefore(filed.startsAt()))
                            .then(notifications.tell(actor, filed, withNotice(Phrases.scheduled(filed), notice)));
                } else {
                    change.then(Work.activate(filed.id()));
                }
            } else if (actor.platform() == Platform.API) {
                change.then(notifications.tellOwners(ownersOf(p, filed), filed, Phrases.awaitingOwners(filed)));
            } else {
                change.then(notifications.tell(actor, filed, withNotice(Phrases.awaiting(filed), notice)));
            }
            return Transition.Step.write(change, () -> {
                if (approved) {
                    return later ? new Outcome.Scheduled(filed, notice) : new Outcome.Activating(filed);
                }
                ExpiryService.bestEffort(() -> scheduler.scheduleLapse(filed.id(), filed.decideBy()),
                        "schedule the lapse of", filed.id());
                return new Outcome.Requested(filed, notice);
            });
        }, ifOpen);
    }

    /** Whether on-call approves a request alone ({@code by} says why; null: approvers decide), as its event notes. */
    private record OnCallApproval(String by, String note) {
        static final OnCallApproval NOT_TRIED = new OnCallApproval(null, "");
    }

    /**
     * On call now, for no longer than the rule lets on-call grant alone: approved without a vote. An unreadable
     * schedule counts as not on call, so the request waits for its approvers as it would without the rule. Not tried
     * for a workload, nor for a later start: on call now says nothing about who is on call at the start.
     */
    private OnCallApproval onCallApproval(Policy p, ChatUser actor, Policy.Rule chosen, String alias,
                                          Duration duration, boolean later) {
        if (chosen.approvals() == 0 || chosen.oncallApproval() == null || alias != null) {
            return OnCallApproval.NOT_TRIED;
        }
        if (later) {
            return new OnCallApproval(null, "; on-call auto-approval not tried: scheduled for later");
        }
        if (duration.compareTo(chosen.oncallApproval().maxDuration()) > 0) {
            return new OnCallApproval(null, "; on-call auto-approval not tried: longer than its "
                    + Durations.format(chosen.oncallApproval().maxDuration()));
        }
        OnCall.Check check = oncall.check(actor);
        if (check instanceof OnCall.Check.On on) {
            return new OnCallApproval("on call in schedule " + on.scheduleName(), "; on call in "
                    + p.oncallSource().provider().title() + " schedule " + on.schedule());
        } else if (check instanceof OnCall.Check.Unknown u) {
            return new OnCallApproval(null, "; on-call check unavailable, so approvers decide: " + u.reason());
        }
        return new OnCallApproval(null, "; not on call, so approvers decide");
    }

    /**
     * True when {@code actor} may file under {@code rule}: it lists them in {@code requesters:}; or {@code actor} is
     * the workload {@code alias} calling the API itself and the rule names it in {@code principals:} (not by {@code *},
     * which means "any workload the requester owns").
     */
    static boolean mayRequest(Membership membership, Policy p, ChatUser actor, Policy.Rule rule, String alias) {
        if (membership.isIn(actor, rule.requesters())) {
            return true;
        }
        return actor.platform() == Platform.API && alias != null
                && rule.principals().stream().anyMatch(x -> x.equalsIgnoreCase(alias))
                && Membership.isWorkload(actor, p, alias);
    }

    /** The caller of {@code /api/v1} with the Entra object id of its token, named as policy knows it. */
    ChatUser workloadCaller(String objectId) {
        String oid = objectId.strip().toLowerCase(Locale.ROOT);
        String name = policy.get().principal(oid).filter(n -> n.principal().objectId().equals(oid))
                .map(n -> n.alias() + " (owned by " + String.join(", ", n.owners().stream().sorted().toList()) + ")")
                .orElse(oid);
        return new ChatUser(Platform.API, oid, name, null, oid);
    }

    /** The owners of the workload a request grants to (empty for people or a workload policy no longer lists). */
    private static List<String> ownersOf(Policy p, AccessRequest r) {
        if (!r.onBehalf()) {
            return List.of();
        }
        return p.principal(r.principal().objectId()).filter(n -> n.principal().objectId()
                        .equals(r.principal().objectId()))
                .map(n -> n.owners().stream().sorted().toList()).orElse(List.of());
    }

    private static Outcome.Refused alreadyOpen(Principal grantee, AccessRequest o) {
        return new Outcome.Refused(Reason.WRONG_STATE, grantee.displayName() + " already has " + o.label() + " as "
                + o.id() + " (" + o.state().label() + (o.expiresAt() != null ? " until "
                + Phrases.time(o.expiresAt()) : "") + "). " + (o.state() == State.ACTIVE
                ? "Ask for more time with `extend " + o.id() + " 30m` instead."
                : "Wait for it to be decided, or `cancel " + o.id() + "` first."));
    }

    private static Outcome.Refused refused(String message, Field field) {
        return new Outcome.Refused(Reason.INVALID_INPUT, message, field);
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Text withNotice(Text text, String notice) {
        return notice == null ? text : text.then(Text.parse(" " + notice));
    }

    /** "7 days", "36 h": how far ahead a start may lie, as people say it. */
    private static String lead(Duration d) {
        return d.toHours() % 24 == 0 && d.toDays() > 0 && d.toSeconds() % 3600 == 0
                ? d.toDays() + (d.toDays() == 1 ? " day" : " days") : Durations.format(d);
    }

    private static String blankToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }
}
