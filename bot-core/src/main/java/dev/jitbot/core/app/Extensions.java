package dev.jitbot.core.app;

import dev.jitbot.core.app.Transition.Step;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.Extension;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Refusal.Reason;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The requester asks for more time on an active grant: re-approved as its rule says, never past the rule's maximum.
 * Also writes an extension once it is approved, for {@link Decisions} as well.
 */
final class Extensions {

    private final Supplier<Policy> policy;
    private final Transition transition;
    private final Permissions permissions;
    private final Notifications notifications;
    private final ExpiryScheduler scheduler;
    private final Clock clock;

    Extensions(Supplier<Policy> policy, Transition transition, Permissions permissions, Notifications notifications,
               ExpiryScheduler scheduler, Clock clock) {
        this.policy = policy;
        this.transition = transition;
        this.permissions = permissions;
        this.notifications = notifications;
        this.scheduler = scheduler;
        this.clock = clock;
    }

    /** Asks for {@code by} more on {@code id}; granted at once when its rule needs no approval. */
    Outcome extend(ChatUser actor, RequestId id, Duration by, String typedJustification) {
        String justification = Reasons.clean(typedJustification);
        Optional<Outcome.Refused> tooLong = Reasons.tooLong(justification);
        if (tooLong.isPresent()) {
            return tooLong.get();
        }
        return transition.on(id, r -> permissions.maySee(actor, r), r -> {
            if (!r.requester().samePerson(actor)) {
                return Step.refuse(new Outcome.Refused(Reason.NOT_ALLOWED, "Only " + r.requester().displayName()
                        + " can extend " + id + "."));
            }
            if (r.isBreakGlass()) {
                return Step.refuse(new Outcome.Refused(Reason.NOT_ALLOWED, "A break-glass grant cannot be extended; "
                        + "when " + id + " ends, `request` the role the usual way, or break the glass again if it is "
                        + "still an emergency."));
            }
            if (r.state() != State.ACTIVE) {
                return Step.refuse(new Outcome.Refused(Reason.WRONG_STATE, id + " is " + r.state().label()
                        + "; only active grants can be extended. Request again instead."));
            }
            if (r.extension() != null) {
                return Step.refuse(new Outcome.Refused(Reason.WRONG_STATE, "An extension of " + id + " by "
                        + Durations.format(r.extension().by()) + " is already waiting for approval."));
            }
            Optional<Policy.Rule> rule = Rules.of(policy.get(), r);
            if (rule.isEmpty()) {
                return Step.refuse(new Outcome.Refused(Reason.NOT_ALLOWED, "The rule \"" + r.ruleName() + "\" is no "
                        + "longer in the policy, so " + id + " cannot be extended."));
            }
            Duration max = rule.get().maxDuration();
            if (r.duration().plus(by).compareTo(max) > 0) {
                Duration room = max.minus(r.duration());
                return Step.refuse(new Outcome.Refused(Reason.OVER_MAX_DURATION, r.label() + " may be held for at "
                        + "most " + Durations.format(max) + " in all; " + id + " already has "
                        + Durations.format(r.duration()) + (room.isZero() || room.isNegative()
                        ? ", so it cannot be extended. Request again once it ends."
                        : ", so you can extend it by at most " + Durations.format(room) + ": `extend " + id + " "
                        + Durations.compact(room) + "`.")));
            }
            if (r.approvalsNeeded() == 0) {
                AccessRequest next = r.to(State.ACTIVE).extendedBy(by);
                return approved(Change.of(r, next).audit(transition.event(actor, "extension-requested", next,
                        "by " + Durations.format(by) + "; auto-approved"
                                + (justification != null ? "; because: " + justification : ""))),
                        next, by, justification);
            }
            AccessRequest next = r.to(State.ACTIVE)
                    .withExtension(new Extension(by, justification, clock.instant(), List.of()));
            return Step.write(Change.of(r, next)
                    .audit(transition.event(actor, "extension-requested", next, "by " + Durations.format(by)
                            + (justification != null ? "; because: " + justification : "")))
                    .then(notifications.refresh(next)), new Outcome.ExtensionRequested(next));
        }, "extending");
    }

    /**
     * Adds to {@code change} what an approved extension writes: the "extended" event and the work to move the end
     * in Azure (PIM ends the assignment itself) and tell people; once written, the new expiry is scheduled.
     */
    Step approved(Change.Builder change, AccessRequest extended, Duration by, String justification) {
        change.audit(AuditEvent.of(clock.instant(), "jitbot", Platform.SYSTEM, "extended", extended.id(),
                        "by " + Durations.format(by) + " until " + extended.expiresAt()
                                + (justification != null ? "; because: " + justification : "")))
                .then(Work.extend(extended.id()))
                .then(notifications.refresh(extended))
                .then(notifications.tell(extended.requester(), extended, Phrases.extended(extended)))
                .then(notifications.remind(extended, policy.get().remindBefore()));
        return Step.write(change, () -> {
            ExpiryService.bestEffort(() -> scheduler.scheduleExpiry(extended.id(), extended.expiresAt()),
                    "schedule the new expiry of", extended.id());
            return new Outcome.Extended(extended);
        });
    }
}
