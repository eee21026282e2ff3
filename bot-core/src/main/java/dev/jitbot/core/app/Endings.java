package dev.jitbot.core.app;

import dev.jitbot.core.app.Transition.Step;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.EndReason;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Refusal.Reason;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import java.time.Clock;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The use cases that end a request early: the requester cancels a pending one or releases a grant; on-call, the
 * rule's approvers or the requester revoke a grant; on-call stops a request nobody has decided yet.
 */
final class Endings {

    private final Supplier<Policy> policy;
    private final Transition transition;
    private final Membership membership;
    private final Permissions permissions;
    private final Notifications notifications;
    private final ExpiryScheduler scheduler;
    private final Clock clock;

    Endings(Supplier<Policy> policy, Transition transition, Membership membership, Permissions permissions,
            Notifications notifications, ExpiryScheduler scheduler, Clock clock) {
        this.policy = policy;
        this.transition = transition;
        this.membership = membership;
        this.permissions = permissions;
        this.notifications = notifications;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /** Withdraws the requester's own pending or scheduled request. */
    Outcome cancel(ChatUser actor, RequestId id) {
        return transition.on(id, r -> permissions.maySee(actor, r), r -> {
            if (!r.requester().samePerson(actor)) {
                return Step.refuse(new Outcome.Refused(Reason.NOT_ALLOWED, "Only " + r.requester().displayName()
                        + " can cancel " + id + "; approvers can `deny " + id + " <reason>` instead."));
            }
            if (r.state() != State.PENDING && r.state() != State.SCHEDULED) {
                return Step.refuse(new Outcome.Refused(Reason.WRONG_STATE, id + " is " + r.state().label()
                        + ", so there is nothing to cancel" + (r.state() == State.ACTIVE
                        ? "; give the access back with `release " + id + "`." : ".")));
            }
            // A scheduled request's activation item, due at the start, finds it cancelled and does nothing.
            AccessRequest next = r.to(State.CANCELLED).withEnd(clock.instant(), null, actor, null);
            return Step.write(Change.of(r, next).audit(transition.event(actor, "cancelled", next, ""))
                    .then(notifications.refresh(next)), () -> {
                        ExpiryService.bestEffort(() -> scheduler.cancel(id), "cancel the lapse of", id);
                        return new Outcome.Cancelled(next);
                    });
        }, "cancelling");
    }

    /** Ends a grant now (on-call also stops a pending one): on-call, the rule's approvers, or the requester may. */
    Outcome revoke(ChatUser actor, RequestId id, String typedReason) {
        String reason = Reasons.clean(typedReason);
        Optional<Outcome.Refused> tooLong = Reasons.tooLong(reason);
        if (tooLong.isPresent()) {
            return tooLong.get();
        }
        return transition.on(id, r -> true, r -> {
            Optional<Policy.Rule> rule = Rules.of(policy.get(), r);
            boolean allowed = r.requester().samePerson(actor) || membership.isOncall(actor)
                    || (rule.isPresent() && permissions.isApprover(actor, rule.get(), r));
            if (!allowed) {
                if (!permissions.maySee(actor, r)) {
                    return Step.refuse(Transition.unknown(id));
                }
                return Step.refuse(new Outcome.Refused(Reason.NOT_ALLOWED, "Only on-call, the approvers of \""
                        + r.ruleName() + "\", or " + r.requester().displayName() + " may revoke " + id + "."));
            }
            return end(actor, r, EndReason.REVOKED, reason);
        }, "ending");
    }

    /** The requester gives their access back early. */
    Outcome release(ChatUser actor, RequestId id) {
        return transition.on(id, r -> permissions.maySee(actor, r), r -> {
            if (!r.requester().samePerson(actor)) {
                return Step.refuse(new Outcome.Refused(Reason.NOT_ALLOWED, "Only " + r.requester().displayName()
                        + " can release " + id + "; on-call can `revoke " + id + " <reason>`."));
            }
            return end(actor, r, EndReason.RELEASED, null);
        }, "ending");
    }

    private Step end(ChatUser actor, AccessRequest r, EndReason reason, String note) {
        if (r.state() == State.PENDING || r.state() == State.SCHEDULED) {
            if (reason == EndReason.REVOKED && !r.requester().samePerson(actor) && membership.isOncall(actor)) {
                // On-call can stop anything at once, including a request no approver has decided yet.
                AccessRequest stopped = r.to(State.DENIED).withEnd(clock.instant(), null, actor,
                        note == null ? "stopped by on-call" : note);
                RequestId id = r.id();
                return Step.write(Change.of(r, stopped)
                        .audit(transition.event(actor, "denied", stopped, "by on-call" + (note == null ? "" : ": " + note)))
                        .then(notifications.refresh(stopped))
                        .then(notifications.tell(stopped.requester(), stopped, Phrases.denied(stopped))), () -> {
                            ExpiryService.bestEffort(() -> scheduler.cancel(id), "cancel the lapse of", id);
                            return new Outcome.Denied(stopped);
                        });
            }
            if (r.state() == State.SCHEDULED) {
                return Step.refuse(new Outcome.Refused(Reason.WRONG_STATE, r.id() + " is approved and starts at "
                        + Phrases.starts(r) + ", so nothing is granted yet; " + (r.requester().samePerson(actor)
                        ? "`cancel " + r.id() + "` withdraws it." : "its requester can `cancel " + r.id()
                        + "`, and on-call can stop it with `revoke " + r.id() + " <reason>`.")));
            }
            return Step.refuse(new Outcome.Refused(Reason.WRONG_STATE, r.id() + " is still waiting for approval, so "
                    + "nothing is granted yet; " + (r.requester().samePerson(actor) ? "`cancel " + r.id() + "`"
                    : "`deny " + r.id() + " <reason>`") + " withdraws it."));
        }
        if (r.state() != State.ACTIVE && r.state() != State.ACTIVATING) {
            return Step.refuse(new Outcome.Refused(Reason.WRONG_STATE, r.id() + " is " + r.state().label()
                    + (r.state() == State.REVOKING ? ": its revocation is already under way." : ", so no access is "
                    + "left to take away.")));
        }
        AccessRequest next = r.to(State.REVOKING).withEnd(clock.instant(), reason, actor, note);
        // An activation still queued or in flight runs first (one Azure item per request at a time) and
        // hands over: the revoke then deletes whatever Azure made.
        return Step.write(Change.of(r, next)
                .audit(transition.event(actor, reason == EndReason.RELEASED ? "released" : "revoke-requested", next,
                        note == null ? "" : note))
                .then(Work.revoke(r.id()))
                .then(notifications.refresh(next))
                .expediteAzureWork(), new Outcome.Revoking(next));
    }
}
