package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.State;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

/**
 * Who may do what to a request, as data: every button, App Home row, Teams refresh view and console hint is drawn
 * from {@link #actionsFor}, so no adapter decides it. {@link AccessService} enforces the same rules when the action
 * arrives (and checks what only a click may: that the approver's Entra account is live).
 */
public final class Permissions {

    /**
     * What a person can do to a request from a card or a list, with how every platform shows it: the same label,
     * look and order (the enum's) on Slack, Teams and the console; {@link #verb} is the command it stands for.
     */
    public enum Action {
        /** Count an approval of a pending request. */
        APPROVE("Approve", Look.PRIMARY, "approve", Input.NONE),
        /** Turn a pending request down, with a reason. */
        DENY("Deny", Look.DANGER, "deny", Input.REASON),
        /** Approve the extension an active grant waits for. */
        APPROVE_EXTENSION("Approve extension", Look.PRIMARY, "approve", Input.NONE),
        /** Turn down the extension an active grant waits for. */
        DENY_EXTENSION("Deny extension", Look.DANGER, "deny", Input.REASON),
        /** The requester withdraws their pending request. */
        CANCEL("Cancel request", Look.PLAIN, "cancel", Input.NONE),
        /** The requester gives the access back early. */
        RELEASE("Release now", Look.DANGER, "release", Input.NONE),
        /** The requester asks for {@link #EXTEND_BY} more. */
        EXTEND("Extend 30m", Look.PRIMARY, "extend", Input.NONE),
        /** End a grant now (on-call, the rule's approvers, or the requester). */
        REVOKE("Revoke now", Look.DANGER, "revoke", Input.NONE),
        /** On-call stops a request nobody has decided yet. */
        STOP_PENDING("Stop request", Look.DANGER, "revoke", Input.NONE),
        /** Someone other than its requester reviews a break-glass grant, with a note. */
        REVIEW("Review", Look.PRIMARY, "review", Input.NOTE);

        /** How much more time an {@link #EXTEND} button asks for (the label says it). */
        public static final java.time.Duration EXTEND_BY = java.time.Duration.ofMinutes(30);

        /** How a button stands out: the one to press, one that ends or turns something down, or neither. */
        public enum Look { PRIMARY, DANGER, PLAIN }

        /** What a button asks for before it acts: nothing, a reason (optional) or a note (required). */
        public enum Input { NONE, REASON, NOTE }

        private final String label;
        private final Look look;
        private final String verb;
        private final Input input;

        Action(String label, Look look, String verb, Input input) {
            this.label = label;
            this.look = look;
            this.verb = verb;
            this.input = input;
        }

        /** The button's words, the same on every platform. */
        public String label() {
            return label;
        }

        public Look look() {
            return look;
        }

        /** The jitbot command the button stands for ({@code revoke} for {@link #STOP_PENDING}). */
        public String verb() {
            return verb;
        }

        public Input input() {
            return input;
        }

        /** The command a person types instead of pressing it, e.g. {@code deny JIT-7K3F <reason>}. */
        public String command(dev.jitbot.core.domain.RequestId id) {
            return verb + " " + id + switch (this) {
                case DENY, DENY_EXTENSION, REVOKE, STOP_PENDING -> " <reason>";
                case EXTEND -> " 30m";
                case REVIEW -> " <note>";
                default -> "";
            };
        }

        /** Whether pressing it ends the request (or turns it down): what a one-button list row offers. */
        public boolean ends() {
            return this == DENY || this == CANCEL || this == RELEASE || this == REVOKE || this == STOP_PENDING;
        }

        /**
         * The one button a list row carries (App Home): the first of the viewer's actions that ends the request,
         * so the requester's Cancel or Release, an approver's Deny, on-call's Revoke or Stop.
         */
        public static Optional<Action> rowAction(Set<Action> may) {
            return Arrays.stream(values()).filter(may::contains).filter(Action::ends).findFirst();
        }
    }

    private final Supplier<Policy> policy;
    private final Membership membership;
    private final java.util.function.Predicate<ChatUser> reviewer;

    public Permissions(Supplier<Policy> policy, Membership membership) {
        this(policy, membership, u -> false);
    }

    /** @param reviewer who may review break-glass grants (policy {@code break_glass.reviewers}, else on-call) */
    public Permissions(Supplier<Policy> policy, Membership membership, java.util.function.Predicate<ChatUser> reviewer) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.membership = Objects.requireNonNull(membership, "membership");
        this.reviewer = Objects.requireNonNull(reviewer, "reviewer");
    }

    /** What {@code viewer} may do to {@code r} as it is now (empty when nothing, or when they may not see it). */
    public Set<Action> actionsFor(ChatUser viewer, AccessRequest r) {
        Set<Action> out = EnumSet.noneOf(Action.class);
        boolean requester = r.requester().samePerson(viewer);
        boolean approver = !requester && isApprover(viewer, r);
        boolean oncall = membership.isOncall(viewer);
        switch (r.state()) {
            case PENDING -> {
                if (requester) {
                    out.add(Action.CANCEL);
                }
                if (approver && !r.hasVoted(viewer)) {
                    out.add(Action.APPROVE);
                    out.add(Action.DENY);
                }
                // On-call stops what they may not (or no longer) decide: an approver who voted still may stop it.
                if (oncall && !requester && !out.contains(Action.DENY)) {
                    out.add(Action.STOP_PENDING);
                }
            }
            case SCHEDULED -> {
                // Approved, waiting for its start: its requester may withdraw it, on-call may stop it.
                if (requester) {
                    out.add(Action.CANCEL);
                } else if (oncall) {
                    out.add(Action.STOP_PENDING);
                }
            }
            case ACTIVATING, ACTIVE -> {
                if (requester) {
                    out.add(Action.RELEASE);
                } else if (approver || oncall) {
                    out.add(Action.REVOKE);
                }
                // A break-glass grant is not extended: its requester asks again, loudly.
                if (r.state() == State.ACTIVE && r.extension() == null && requester && !r.isBreakGlass()) {
                    out.add(Action.EXTEND);
                }
                if (r.state() == State.ACTIVE && r.extension() != null && approver) {
                    if (r.extension().votes().stream().noneMatch(v -> v.voter().samePerson(viewer))) {
                        out.add(Action.APPROVE_EXTENSION);
                    }
                    out.add(Action.DENY_EXTENSION);
                }
            }
            default -> {
                // REVOKING and the final states: nothing left to decide.
            }
        }
        if (r.isBreakGlass() && !r.breakGlass().reviewed() && !requester && reviewer.test(viewer)) {
            out.add(Action.REVIEW);
        }
        return Collections.unmodifiableSet(out);
    }

    /**
     * What a card that every member of a channel sees alike must carry (Slack messages are not per viewer; a Teams
     * card whose viewers the roster cannot tell): the deciders' and on-call's actions for the request's state. The
     * core still refuses anyone who presses one they may not use.
     */
    public static Set<Action> onSharedCard(AccessRequest r) {
        Set<Action> out = EnumSet.noneOf(Action.class);
        out.addAll(bySharedState(r));
        if (r.isBreakGlass() && !r.breakGlass().reviewed()) {
            out.add(Action.REVIEW);
        }
        return Collections.unmodifiableSet(out);
    }

    private static Set<Action> bySharedState(AccessRequest r) {
        return switch (r.state()) {
            case PENDING -> EnumSet.of(Action.APPROVE, Action.DENY);
            case ACTIVATING -> EnumSet.of(Action.REVOKE);
            case ACTIVE -> r.extension() != null
                    ? EnumSet.of(Action.APPROVE_EXTENSION, Action.DENY_EXTENSION, Action.REVOKE)
                    : EnumSet.of(Action.REVOKE);
            default -> EnumSet.noneOf(Action.class);
        };
    }

    /**
     * True when {@code user} may see {@code r}: its requester, on-call, or one of its rule's approvers (for a
     * break-glass grant, which has no rule: its reviewers).
     */
    public boolean maySee(ChatUser user, AccessRequest r) {
        return r.requester().samePerson(user) || membership.isOncall(user)
                || (r.isBreakGlass() ? reviewer.test(user) : isApprover(user, r));
    }

    /** True when {@code user} is among the approvers of the rule {@code r} was filed under (the requester too). */
    boolean isApprover(ChatUser user, AccessRequest r) {
        Optional<Policy.Rule> rule = r.isBundle() ? BundleRequests.strictest(policy.get(), r)
                : policy.get().rule(r.ruleName());
        return rule.isPresent() && isApprover(user, rule.get(), r);
    }

    boolean isApprover(ChatUser user, Policy.Rule rule, AccessRequest r) {
        if (r.isBundle()) {
            // Those who may approve every member rule: a vote on a bundle is a vote on each of its members.
            // A member rule that needs no approval (approvals: 0) adds no approvers to agree with.
            // A bundle no member rule needs approval for has no approvers at all (allMatch of nothing is true).
            return BundleRequests.memberRules(policy.get(), r)
                    .map(rules -> rules.stream().filter(m -> m.approvals() > 0).toList())
                    .map(need -> !need.isEmpty() && need.stream().allMatch(m -> membership.isIn(user, m.approvers())))
                    .orElse(false);
        }
        return membership.isIn(user, rule.approvers()) || approvesAsOwner(user, rule, r);
    }

    /** True when the rule's {@code approvers:} says {@code owners} and {@code user} owns the request's workload. */
    boolean approvesAsOwner(ChatUser user, Policy.Rule rule, AccessRequest r) {
        if (rule.approvers().stream().noneMatch(a -> a.strip().equalsIgnoreCase(Policy.OWNERS)) || !r.onBehalf()) {
            return false;
        }
        return policy.get().principal(r.principal().objectId())
                .filter(n -> n.principal().objectId().equals(r.principal().objectId()))
                .map(n -> n.ownedBy(user)).orElse(false);
    }
}
