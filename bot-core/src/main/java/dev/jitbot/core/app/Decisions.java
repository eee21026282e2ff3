package dev.jitbot.core.app;

import dev.jitbot.core.app.Transition.Step;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.Extension;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Refusal.Reason;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.StartTime;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.domain.Text;
import dev.jitbot.core.domain.Vote;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The approvers' use cases: approve and deny a pending request or a pending extension, each vote only from a live
 * identity; and the check a scheduled request passes again at its start.
 */
final class Decisions {

    private static final Logger log = LoggerFactory.getLogger(Decisions.class);

    private final Supplier<Policy> policy;
    private final Transition transition;
    private final Extensions extensions;
    private final Directory directory;
    private final Membership membership;
    private final Permissions permissions;
    private final Notifications notifications;
    private final ExpiryScheduler scheduler;
    private final Clock clock;

    Decisions(Supplier<Policy> policy, Transition transition, Extensions extensions, Directory directory,
              Membership membership, Permissions permissions, Notifications notifications, ExpiryScheduler scheduler,
              Clock clock) {
        this.policy = policy;
        this.transition = transition;
        this.extensions = extensions;
        this.directory = directory;
        this.membership = membership;
        this.permissions = permissions;
        this.notifications = notifications;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /** Counts {@code actor}'s approval; grants once the rule's quorum of distinct approvers is reached. */
    Outcome approve(ChatUser actor, RequestId id) {
        return transition.on(id, r -> true, r -> {
            if (hasPendingExtension(r)) {
                return approveExtension(actor, r);
            }
            Optional<Outcome.Refused> refused = checkApprover(actor, r, Rules.of(policy.get(), r), "approve");
            if (refused.isPresent()) {
                return Step.refuse(refused.get());
            }
            if (r.state() != State.PENDING) {
                return Step.refuse(notPending(r, "approve"));
            }
            AccessRequest voted = r.withVote(new Vote(actor, Vote.Decision.APPROVE, clock.instant(), null));
            boolean quorum = voted.approvals() >= r.approvalsNeeded();
            // Approved before its start: it waits as scheduled, and is checked again at the start.
            boolean later = quorum && r.startsAfter(clock.instant());
            AccessRequest next = quorum ? voted.to(later ? State.SCHEDULED : State.ACTIVATING) : voted;
            Change.Builder change = Change.of(r, next)
                    .audit(transition.event(actor, "approved", next, "approval " + next.approvals() + " of "
                            + r.approvalsNeeded() + (later ? "; starts at " + StartTime.iso(r.startsAt(), r.startZone())
                            : "")))
                    .then(notifications.refresh(next));
            if (later) {
                change.then(Work.activate(id).notBefore(r.startsAt()))
                        .then(notifications.tell(next.requester(), next, Phrases.scheduled(next)));
                return Step.write(change, new Outcome.Scheduled(next));
            }
            if (quorum) {
                // The lapse job is left to fire and find nothing pending: cancelling every job of the request
                // here could race a worker that already scheduled the grant's expiry.
                change.then(Work.activate(id));
                return Step.write(change, new Outcome.Activating(next));
            }
            change.then(notifications.tell(next.requester(), next, Phrases.approvedSoFar(next, actor)));
            return Step.write(change, new Outcome.Approved(next));
        }, "approving");
    }

    private Step approveExtension(ChatUser actor, AccessRequest r) {
        Optional<Outcome.Refused> refused = checkApprover(actor, r, Rules.of(policy.get(), r), "approve");
        if (refused.isPresent()) {
            return Step.refuse(refused.get());
        }
        Extension ext = r.extension();
        if (ext.votes().stream().anyMatch(v -> v.voter().samePerson(actor))) {
            return Step.refuse(new Outcome.Refused(Reason.ALREADY_VOTED, "You already approved extending " + r.id()
                    + "; it needs " + r.approvalsNeeded() + " distinct approvers."));
        }
        List<Vote> votes = new ArrayList<>(ext.votes());
        votes.add(new Vote(actor, Vote.Decision.APPROVE, clock.instant(), null));
        Extension more = new Extension(ext.by(), ext.justification(), ext.requestedAt(), votes);
        if (more.approvals() >= r.approvalsNeeded()) {
            AccessRequest next = r.to(State.ACTIVE).extendedBy(ext.by());
            return extensions.approved(Change.of(r, next).audit(transition.event(actor, "extension-approved", next,
                    "approval " + more.approvals() + " of " + r.approvalsNeeded())), next, ext.by(), ext.justification());
        }
        AccessRequest next = r.to(State.ACTIVE).withExtension(more);
        return Step.write(Change.of(r, next)
                .audit(transition.event(actor, "extension-approved", next, "approval " + more.approvals() + " of "
                        + r.approvalsNeeded()))
                .then(notifications.refresh(next)), new Outcome.Approved(next));
    }

    /** Ends a pending request (or a pending extension) with {@code actor}'s reason. */
    Outcome deny(ChatUser actor, RequestId id, String typedReason) {
        String reason = Reasons.clean(typedReason);
        Optional<Outcome.Refused> tooLong = Reasons.tooLong(reason);
        if (tooLong.isPresent()) {
            return tooLong.get();
        }
        return transition.on(id, r -> true, r -> {
            Optional<Outcome.Refused> refused = checkApprover(actor, r, Rules.of(policy.get(), r), "deny");
            if (refused.isPresent()) {
                return Step.refuse(refused.get());
            }
            if (hasPendingExtension(r)) {
                AccessRequest next = r.to(State.ACTIVE).withExtension(null);
                return Step.write(Change.of(r, next)
                        .audit(transition.event(actor, "extension-denied", next, reason == null ? "" : reason))
                        .then(notifications.refresh(next))
                        .then(notifications.tell(next.requester(), next, Text.of().plain("Your extension of "
                                + next.label() + " (" + next.id() + ") was denied by ").person(actor)
                                .plain((reason != null ? ": " + reason : "") + ". It still ends at ")
                                .time(next.expiresAt()).plain(".").done())), new Outcome.Denied(next));
            }
            if (r.state() != State.PENDING) {
                return Step.refuse(notPending(r, "deny"));
            }
            AccessRequest next = r.withVote(new Vote(actor, Vote.Decision.DENY, clock.instant(), reason))
                    .to(State.DENIED).withEnd(clock.instant(), null, actor, reason);
            return Step.write(Change.of(r, next)
                    .audit(transition.event(actor, "denied", next, reason == null ? "" : reason))
                    .then(notifications.refresh(next))
                    .then(notifications.tell(next.requester(), next, Phrases.denied(next))), () -> {
                        ExpiryService.bestEffort(() -> scheduler.cancel(id), "cancel the lapse of", id);
                        return new Outcome.Denied(next);
                    });
        }, "denying");
    }

    /** See {@link AccessService#whyNotStartable}. */
    Optional<String> whyNotStartable(AccessRequest r) {
        Policy p = policy.get();
        Optional<Policy.Rule> found = p.rule(r.ruleName());
        if (found.isEmpty()) {
            return Optional.of("the rule \"" + r.ruleName() + "\" it was approved under is no longer in the policy.");
        }
        Policy.Rule rule = found.get();
        if (!rule.covers(r.role(), r.scope())) {
            return Optional.of("rule \"" + rule.name() + "\" no longer grants " + r.label() + ".");
        }
        String alias = null;
        if (r.onBehalf()) {
            Optional<Policy.NonHuman> nonHuman = p.principal(r.principal().objectId())
                    .filter(n -> n.principal().objectId().equals(r.principal().objectId()));
            if (nonHuman.isEmpty()) {
                return Optional.of(r.principal().displayName() + " is no longer under `principals:` in the policy.");
            }
            alias = nonHuman.get().alias();
            if (r.requester().platform() != Platform.API && !nonHuman.get().ownedBy(r.requester())) {
                return Optional.of(r.requester().displayName() + " is no longer an owner of " + alias + ".");
            }
            if (r.requester().platform() != Platform.API && !rule.allowsPrincipal(alias)) {
                return Optional.of("rule \"" + rule.name() + "\" no longer grants to " + alias + ".");
            }
        }
        if (!Filing.mayRequest(membership, policy.get(), r.requester(), rule, alias)) {
            return Optional.of(r.requester().displayName() + " is no longer eligible: rule \"" + rule.name()
                    + "\" allows " + String.join(", ", rule.requesters()) + ".");
        }
        if (r.duration().compareTo(rule.maxDuration()) > 0) {
            return Optional.of("rule \"" + rule.name() + "\" now allows at most " + Durations.format(rule.maxDuration())
                    + ", and it asked for " + Durations.format(r.duration()) + ".");
        }
        if (rule.ticket() != null && Rules.ticketFor(rule, r.ticket(), r.justification()) == null) {
            return Optional.of("rule \"" + rule.name() + "\" now needs a ticket id matching `" + rule.ticket().pattern()
                    + "`" + (r.ticket() != null ? ", and `" + r.ticket() + "` does not." : ", and it has none."));
        }
        int needed = Math.max(r.approvalsNeeded(), rule.approvals());
        long counted = 0;
        List<String> dropped = new ArrayList<>();
        for (ChatUser voter : r.approvers()) {
            boolean still = !voter.samePerson(r.requester())
                    && (membership.isInNow(voter, rule.approvers(), AccessService.LIVE_IDENTITY_MAX_AGE)
                    || permissions.approvesAsOwner(voter, rule, r))
                    && directory.whyNotLive(voter).isEmpty();
            if (still) {
                counted++;
            } else {
                dropped.add(voter.displayName());
            }
        }
        if (counted < needed) {
            return Optional.of("it needs " + needed + " approval" + (needed == 1 ? "" : "s") + " from "
                    + String.join(", ", rule.approvers()) + " and " + (counted == 0 ? "none" : "only " + counted)
                    + " still count" + (counted == 1 ? "s" : "")
                    + (dropped.isEmpty() ? "." : ": " + String.join(", ", dropped) + (dropped.size() == 1
                    ? " is" : " are") + " no longer an approver of it."));
        }
        return Optional.empty();
    }

    /**
     * Why {@code actor} may not deny {@code r} as it is now (empty: they may, or may stop it as on-call), for a Deny
     * button before it opens a form: the refusals {@link #deny} gives, without asking the directory or writing.
     */
    Optional<Outcome.Refused> whyNotDeny(ChatUser actor, AccessRequest r) {
        Set<Permissions.Action> may = permissions.actionsFor(actor, r);
        if (may.contains(Permissions.Action.DENY) || may.contains(Permissions.Action.DENY_EXTENSION)
                || may.contains(Permissions.Action.STOP_PENDING)) {
            return Optional.empty();
        }
        Optional<Outcome.Refused> refused = checkApprover(actor, r, Rules.of(policy.get(), r), "deny", false);
        if (refused.isPresent()) {
            return refused;
        }
        if (r.state() != State.PENDING && !hasPendingExtension(r)) {
            return Optional.of(notPending(r, "deny"));
        }
        return Optional.of(new Outcome.Refused(Reason.NOT_ALLOWED, "You cannot deny " + r.label() + " (" + r.id()
                + ") now. `show " + r.id() + "` has where it stands."));
    }

    private Optional<Outcome.Refused> checkApprover(ChatUser actor, AccessRequest r, Optional<Policy.Rule> rule,
                                                    String verb) {
        return checkApprover(actor, r, rule, verb, true);
    }

    /** @param live whether to confirm the approver's Entra account too (audited when refused): only when acting */
    private Optional<Outcome.Refused> checkApprover(ChatUser actor, AccessRequest r, Optional<Policy.Rule> rule,
                                                    String verb, boolean live) {
        if (r.isBreakGlass()) {
            return Optional.of(new Outcome.Refused(Reason.WRONG_STATE, r.id() + " is a break-glass grant: it needed "
                    + "no approval, so there is nothing to " + verb + ". Review it with `review " + r.id()
                    + " <note>`, or end it with `revoke " + r.id() + " <reason>`."));
        }
        if (r.requester().samePerson(actor)) {
            return Optional.of(new Outcome.Refused(Reason.SELF_APPROVAL, "You cannot " + verb + " your own request "
                    + r.id() + (rule.isPresent() && !rule.get().approvers().isEmpty()
                    ? "; ask someone in " + String.join(", ", rule.get().approvers()) + "." : ".")
                    + (verb.equals("deny") ? " To withdraw it, `cancel " + r.id() + "`." : "")));
        }
        if (rule.isEmpty()) {
            return Optional.of(new Outcome.Refused(Reason.NOT_ALLOWED, "The rule \"" + r.ruleName() + "\" that "
                    + r.id() + " was filed under is no longer in the policy, so nobody can " + verb + " it; ask again."));
        }
        if (!permissions.isApprover(actor, rule.get(), r)) {
            if (!permissions.maySee(actor, r)) {
                return Optional.of(Transition.unknown(r.id()));
            }
            if (r.isBundle()) {
                return Optional.of(new Outcome.Refused(Reason.NOT_APPROVER, "Only someone who may approve every "
                        + "member of " + r.label() + " may " + verb + " it (" + r.id() + "): " + String.join("; ",
                        Rules.approverLists(policy.get(), rule.get(), r).stream()
                                .map(l -> l.isEmpty() ? "none" : String.join(" or ", l)).toList()) + "."));
            }
            return Optional.of(new Outcome.Refused(Reason.NOT_APPROVER, "Only members of "
                    + (rule.get().approvers().isEmpty() ? "no group (this rule is auto-approved)"
                    : String.join(", ", rule.get().approvers())) + " may " + verb + " " + r.label() + " (" + r.id()
                    + ")."));
        }
        Optional<Outcome.Refused> notLive = live ? checkLiveIdentity(actor, r, rule.get(), verb) : Optional.empty();
        if (notLive.isPresent()) {
            return notLive;
        }
        // An extension is a new decision: approving the original request does not use up a vote on it.
        if (!hasPendingExtension(r) && r.hasVoted(actor)) {
            return Optional.of(new Outcome.Refused(Reason.ALREADY_VOTED, "You already voted on " + r.id()
                    + "; it needs " + r.approvalsNeeded() + " distinct approvers, " + r.approvals() + " so far."));
        }
        return Optional.empty();
    }

    /**
     * A vote counts only from a live identity: the approver's Entra account exists and is enabled now, and an
     * approver by Entra group is still in it by an answer at most a minute old. A refusal is audited; a directory
     * that cannot be asked refuses too, since a disabled account must never slip through an outage.
     */
    private Optional<Outcome.Refused> checkLiveIdentity(ChatUser actor, AccessRequest r, Policy.Rule rule,
                                                        String verb) {
        String why;
        try {
            why = directory.whyNotLive(actor)
                    .or(() -> Rules.approverLists(policy.get(), rule, r).stream().allMatch(groups ->
                            membership.isInNow(actor, groups, AccessService.LIVE_IDENTITY_MAX_AGE))
                            // A workload's owners are listed in policy.yaml, not in an Entra group.
                            || permissions.approvesAsOwner(actor, rule, r) ? Optional.empty()
                            : Optional.of("Entra no longer lists you in " + String.join(", ", rule.approvers())))
                    .orElse(null);
        } catch (RuntimeException e) {
            log.warn("could not confirm the Entra account of {} before their {} of {}: {}",
                    AccessService.actorKey(actor), verb, r.id(), e.toString());
            why = "jitbot could not confirm your Entra account just now; try again in a minute";
        }
        if (why == null) {
            return Optional.empty();
        }
        transition.record(r, transition.event(actor, verb + "-refused", r, "identity not live: " + why));
        return Optional.of(new Outcome.Refused(Reason.APPROVER_NOT_LIVE, why + ", so your "
                + (verb.equals("approve") ? "approval" : "denial") + " of " + r.id() + " does not count. Ask another "
                + "approver, or your Entra admin if this is wrong."));
    }

    static boolean hasPendingExtension(AccessRequest r) {
        return r.state() == State.ACTIVE && r.extension() != null;
    }

    /** True when {@code user} already voted on what {@code r} waits for: the extension if one is pending, else it. */
    static boolean hasVotedOnWhatIsPending(AccessRequest r, ChatUser user) {
        return hasPendingExtension(r)
                ? r.extension().votes().stream().anyMatch(v -> v.voter().samePerson(user))
                : r.hasVoted(user);
    }

    private static Outcome.Refused notPending(AccessRequest r, String verb) {
        String where = switch (r.state()) {
            case ACTIVATING, ACTIVE -> "already approved and " + (r.state() == State.ACTIVE ? "active" : "being granted");
            case DENIED -> "already denied";
            case CANCELLED -> "cancelled by its requester";
            case LAPSED -> "lapsed: nobody decided in time";
            case REVOKING, ENDED -> "already over";
            case FAILED -> "failed";
            case PENDING -> "pending";
            case SCHEDULED -> "already approved and waiting for its start at " + Phrases.starts(r);
        };
        return new Outcome.Refused(Reason.WRONG_STATE, r.id() + " is " + where + ", so there is nothing to " + verb
                + ". `show " + r.id() + "` has its history.");
    }
}
