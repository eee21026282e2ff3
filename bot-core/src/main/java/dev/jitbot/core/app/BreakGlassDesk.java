package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.BreakGlass;
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
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.RoleRef;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.domain.Text;
import dev.jitbot.core.domain.UserText;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Break-glass, kept apart from the rules: a person (or workload) the policy's {@code break_glass:} names takes a role
 * at once, without approval, and loudly: one commit writes the grant, its marked audit events, the card in the
 * security channel, a DM to every on-call member and the reminder due a day later if nobody has reviewed it. A review
 * is a compare-and-set of its own, by anyone allowed other than the requester.
 */
final class BreakGlassDesk {

    private final Supplier<Policy> policy;
    private final RequestStore store;
    private final Transition transition;
    private final AccessProvider provider;
    private final Directory directory;
    private final Notifications notifications;
    private final Membership membership;
    private final Clock clock;

    BreakGlassDesk(Supplier<Policy> policy, RequestStore store, Transition transition, AccessProvider provider,
                   Directory directory, Notifications notifications, Membership membership, Clock clock) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.store = Objects.requireNonNull(store, "store");
        this.transition = Objects.requireNonNull(transition, "transition");
        this.provider = Objects.requireNonNull(provider, "provider");
        this.directory = Objects.requireNonNull(directory, "directory");
        this.notifications = Objects.requireNonNull(notifications, "notifications");
        this.membership = Objects.requireNonNull(membership, "membership");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    // ---------------------------------------------------------------------------------------------- grant

    Outcome breakGlass(ChatUser actor, Command.BreakGlass typed) {
        Policy p = policy.get();
        Policy.BreakGlassRule bg = p.breakGlass();
        if (bg == null) {
            return new Outcome.Refused(Reason.NOT_ELIGIBLE, "This policy has no `break_glass:` section, so there is "
                    + "no emergency access. Use `" + CommandParser.EXAMPLE_REQUEST + "` and ask on-call to approve.");
        }
        String role = UserText.clean(typed.role());
        String reason = UserText.clean(typed.reason());
        Optional<String> tooLong = UserText.tooLong("your reason", reason, UserText.MAX_REASON,
                "Keep it to a sentence or two and put the detail in the incident.")
                .or(() -> UserText.tooLong("that role name", role, 200, "Name a role, e.g. `Owner`."));
        if (tooLong.isPresent()) {
            return new Outcome.Refused(Reason.INVALID_INPUT, tooLong.get());
        }
        if (reason == null || reason.isBlank()) {
            return new Outcome.Refused(Reason.INVALID_INPUT, "Say why with `because <reason>`: the security channel "
                    + "reads it. For example: `" + CommandParser.EXAMPLE_BREAKGLASS + "`.");
        }
        if (!membership.isIn(actor, bg.requesters())) {
            return new Outcome.Refused(Reason.NOT_ELIGIBLE, "You may not break the glass: `break_glass:` in "
                    + "policy.yaml lets only " + String.join(", ", bg.requesters()) + ". Ask on-call for access the "
                    + "usual way (`" + CommandParser.EXAMPLE_REQUEST + "`), or the platform owners to add you.");
        }
        Optional<RoleRef> grantable = bg.role(role);
        if (grantable.isEmpty()) {
            return new Outcome.Refused(Reason.UNKNOWN_ROLE, "Break-glass does not grant `" + role + "`; it grants "
                    + String.join(", ", bg.roles().stream().map(RoleRef::name).toList()) + ". For anything else, "
                    + "`request` it and ask on-call to approve.");
        }
        Parsed<AzureScope> scope = p.resolveScope(typed.scope());
        if (!scope.isOk()) {
            return new Outcome.Refused(Reason.UNKNOWN_SCOPE, scope.reason());
        }
        String label = p.labelFor(scope.orThrow());
        if (!bg.coversScope(scope.orThrow())) {
            return new Outcome.Refused(Reason.NOT_ELIGIBLE, "Break-glass does not reach " + label + "; it covers "
                    + String.join(", ", bg.scopes().stream().map(p::labelFor).toList()) + ". For anything else, "
                    + "`request` it and ask on-call to approve.");
        }
        Duration duration = typed.duration() != null ? typed.duration() : bg.defaultDuration();
        if (duration.compareTo(bg.maxDuration()) > 0) {
            return new Outcome.Refused(Reason.OVER_MAX_DURATION, "Break-glass grants at most "
                    + Durations.format(bg.maxDuration()) + "; ask for `for " + Durations.compact(bg.maxDuration())
                    + "` or less, and `extend` through a normal request if the incident runs longer.");
        }
        Duration shortest = provider.shortestGrant();
        if (duration.compareTo(shortest) < 0) {
            return new Outcome.Refused(Reason.INVALID_INPUT, "jitbot grants a role for at least "
                    + Durations.format(shortest) + " here; ask for `for " + Durations.compact(shortest) + "` or more.");
        }

        Principal principal;
        if (actor.platform() == Platform.API) {
            Optional<Policy.NonHuman> self = p.principal(actor.aadObjectId());
            if (self.isEmpty()) {
                return new Outcome.Refused(Reason.UNKNOWN_PRINCIPAL, "The caller (object id " + actor.aadObjectId()
                        + ") is not under `principals:` in policy.yaml; add it there and list `principal:<alias>` in "
                        + "`break_glass.requesters`.");
            }
            principal = self.get().principal();
        } else {
            Parsed<Principal> user = directory.user(actor);
            if (!user.isOk()) {
                return new Outcome.Refused(Reason.UNKNOWN_USER, user.reason());
            }
            principal = user.orThrow();
        }
        Principal grantee = principal;
        Optional<AccessRequest> open = openFor(grantee, grantable.get(), scope.orThrow());
        if (open.isPresent()) {
            return alreadyOpen(grantee, open.get());
        }

        Instant now = clock.instant();
        return transition.insert(newId -> {
            AccessRequest request = AccessRequest.pending(newId, actor, grantee,
                    new RoleRef(grantable.get().name(), grantable.get().definitionId()), scope.orThrow(), label,
                    duration, reason.strip(), null, BreakGlass.RULE, 0, now, now)
                    .withBreakGlass(BreakGlass.UNREVIEWED).to(State.ACTIVATING);
            Change.Builder change = Change.insert(request)
                    .audit(event(actor, now, "requested", request, "BREAK-GLASS " + request.label() + " for "
                            + Durations.format(duration) + " to " + grantee.displayName() + " ("
                            + grantee.objectId() + ", " + grantee.type().armName() + "); because: " + reason))
                    .audit(event(actor, now, "breakglass-granted", request, "granted at once without approval under "
                            + "break_glass (line " + bg.line() + "); unreviewed"))
                    .then(Work.activate(request.id()));
            Optional<Policy.Channel> channel = p.securityChannel();
            channel.ifPresent(c -> change.then(notifications.announce(request, List.of(c))));
            change.then(notifications.tellOwners(oncallToTell(p, actor), request, dmToOncall(request)));
            Instant due = now.plus(Policy.BreakGlassRule.REVIEW_REMINDER);
            channel.ifPresent(c -> c.ids().forEach((platform, id) -> {
                if (notifications.isOn(platform)) {
                    change.then(Work.reviewReminder(request.id(), platform, id, reminder(request), due));
                }
            }));
            return Transition.Step.write(change, new Outcome.Activating(request));
        }, () -> openFor(grantee, grantable.get(), scope.orThrow()).map(o -> alreadyOpen(grantee, o))
                .orElseGet(() -> new Outcome.Refused(Reason.WRONG_STATE, grantee.displayName()
                        + " already has an open request for " + grantable.get().name() + " on " + label
                        + "; `list` shows it.")));
    }

    private Optional<AccessRequest> openFor(Principal grantee, RoleRef role, AzureScope scope) {
        return store.findOpenFor(grantee.objectId()).stream()
                .filter(o -> o.role().sameRole(role) && o.scope().id().equalsIgnoreCase(scope.id())).findFirst();
    }

    private static Outcome.Refused alreadyOpen(Principal grantee, AccessRequest o) {
        return new Outcome.Refused(Reason.WRONG_STATE, grantee.displayName() + " already has " + o.label() + " as "
                + o.id() + " (" + o.state().label() + "); break-glass adds nothing. " + (o.state() == State.PENDING
                ? "`cancel " + o.id() + "` first if you need it now." : "`show " + o.id() + "` has its details."));
    }

    /** Every member of the on-call group the policy names, but the requester, who knows already. */
    private static List<String> oncallToTell(Policy p, ChatUser actor) {
        List<String> out = new ArrayList<>();
        if (p.oncallGroup() == null) {
            return out;
        }
        p.group(p.oncallGroup()).ifPresent(g -> g.members().stream().sorted()
                .filter(m -> !m.equals(actor.email()) && !m.equalsIgnoreCase(actor.key()))
                .forEach(out::add));
        return out;
    }

    static Text dmToOncall(AccessRequest r) {
        return Text.of().plain("Break-glass: ").person(r.requester()).plain(" granted " + r.label() + " for "
                + Durations.format(r.duration()) + " to " + r.principal().displayName() + " without approval ("
                + r.id() + "): " + r.justification() + ". Review it with ").command("review " + r.id() + " <note>")
                .plain(", or end it with ").command("revoke " + r.id() + " <reason>").plain(".").done();
    }

    static Text reminder(AccessRequest r) {
        return Text.of().plain("Break-glass " + r.id() + " (" + r.label() + " by ").person(r.requester())
                .plain(", ").time(r.createdAt()).plain(" on " + r.createdAt().toString().substring(0, 10)
                + ") is still unreviewed after 24 h. Someone other than ").person(r.requester())
                .plain(" should review it: ").command("review " + r.id() + " <note>").plain(".").done();
    }

    // ---------------------------------------------------------------------------------------------- review

    /** Why {@code actor} may not review {@code r} now, or empty when they may. */
    Optional<Outcome.Refused> whyNot(ChatUser actor, AccessRequest r) {
        if (!r.isBreakGlass()) {
            return Optional.of(new Outcome.Refused(Reason.WRONG_STATE, r.id() + " is not a break-glass grant; only "
                    + "those are reviewed. `show " + r.id() + "` has its history."));
        }
        if (r.requester().samePerson(actor)) {
            return Optional.of(new Outcome.Refused(Reason.SELF_APPROVAL, "You cannot review your own break-glass "
                    + "grant " + r.id() + "; " + reviewersWords(policy.get()) + " must, so it stays unreviewed until "
                    + "then."));
        }
        if (!mayReview(actor)) {
            return Optional.of(new Outcome.Refused(Reason.NOT_APPROVER, "Only " + reviewersWords(policy.get())
                    + " may review break-glass grants such as " + r.id() + "."));
        }
        if (r.breakGlass().reviewed()) {
            BreakGlass b = r.breakGlass();
            return Optional.of(new Outcome.Refused(Reason.ALREADY_VOTED, r.id() + " was already reviewed by "
                    + b.reviewer().displayName() + " at " + Phrases.time(b.reviewedAt())
                    + (b.note() != null ? ": " + b.note() : ".")));
        }
        return Optional.empty();
    }

    /** Whether {@code actor} is among the break-glass reviewers: {@code break_glass.reviewers}, else on-call. */
    boolean mayReview(ChatUser actor) {
        Policy p = policy.get();
        List<String> reviewers = reviewers(p);
        return reviewers.isEmpty() || membership.isIn(actor, reviewers);
    }

    private static List<String> reviewers(Policy p) {
        if (p.breakGlass() != null && !p.breakGlass().reviewers().isEmpty()) {
            return p.breakGlass().reviewers();
        }
        return p.oncallGroup() == null ? List.of() : List.of(p.oncallGroup());
    }

    private static String reviewersWords(Policy p) {
        List<String> r = reviewers(p);
        return r.isEmpty() ? "someone else" : "someone in " + String.join(", ", r) + " other than the requester";
    }

    Outcome review(ChatUser actor, RequestId id, String typedNote) {
        String note = UserText.clean(typedNote);
        note = note == null || note.isBlank() ? null : note.strip();
        Optional<String> tooLong = UserText.tooLong("that note", note, UserText.MAX_REASON,
                "Keep it to a sentence or two.");
        if (tooLong.isPresent()) {
            return new Outcome.Refused(Reason.INVALID_INPUT, tooLong.get());
        }
        String said = note;
        return transition.on(id, r -> r.requester().samePerson(actor) || mayReview(actor) || membership.isOncall(actor),
                r -> {
                    Optional<Outcome.Refused> no = whyNot(actor, r);
                    if (no.isPresent()) {
                        return Transition.Step.refuse(no.get());
                    }
                    if (said == null) {
                        return Transition.Step.refuse(new Outcome.Refused(Reason.INVALID_INPUT, "Say what you "
                                + "checked, e.g. `" + "review " + id + " confirmed with " + r.requester().displayName()
                                + ", incident is real`."));
                    }
                    Optional<Outcome.Refused> notLive = notLive(actor, r);
                    if (notLive.isPresent()) {
                        return Transition.Step.refuse(notLive.get());
                    }
                    Instant now = clock.instant();
                    AccessRequest next = r.withBreakGlass(BreakGlass.reviewedBy(actor, now, said));
                    return Transition.Step.write(Change.of(r, next)
                            .audit(event(actor, now, "breakglass-reviewed", next, said))
                            .then(notifications.refresh(next))
                            .then(notifications.replyOnCards(next, Text.of().plain("Reviewed by ").person(actor)
                                    .plain(": " + said).done()))
                            .then(notifications.tell(next.requester(), next, Text.of().plain("Your break-glass "
                                    + next.label() + " (" + next.id() + ") was reviewed by ").person(actor)
                                    .plain(": " + said).done())),
                            new Outcome.Reviewed(next));
                }, "reviewing");
    }

    /**
     * A review counts only from a live identity, as an approval does: the reviewer's Entra account exists and is
     * enabled now, and a reviewer by Entra group is in it by an answer at most a minute old. Refusals are audited.
     */
    private Optional<Outcome.Refused> notLive(ChatUser actor, AccessRequest r) {
        String why;
        try {
            List<String> reviewers = reviewers(policy.get());
            why = directory.whyNotLive(actor)
                    .or(() -> reviewers.isEmpty() || membership.isInNow(actor, reviewers,
                            AccessService.LIVE_IDENTITY_MAX_AGE) ? Optional.empty()
                            : Optional.of("Entra no longer lists you in " + String.join(", ", reviewers)))
                    .orElse(null);
        } catch (RuntimeException e) {
            why = "jitbot could not confirm your Entra account just now; try again in a minute";
        }
        if (why == null) {
            return Optional.empty();
        }
        transition.record(r, event(actor, clock.instant(), "review-refused", r, "identity not live: " + why));
        return Optional.of(new Outcome.Refused(Reason.APPROVER_NOT_LIVE, why + ", so your review of " + r.id()
                + " does not count. Ask another reviewer, or your Entra admin if this is wrong."));
    }

    private static AuditEvent event(ChatUser actor, Instant at, String action, AccessRequest r, String details) {
        String key = AccessService.actorKey(actor);
        return AuditEvent.of(at, key, actor.platform(), action, r.id(),
                (actor.email() != null && !key.equals(actor.email()) ? actor.email() + "; " : "") + details);
    }
}
