package dev.jitbot.core.domain;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a request is in its life (DESIGN.md, "Grant lifecycle"). Each state names the states it may move to;
 * everything else is refused.
 */
public enum State {
    PENDING,
    /**
     * Approved, waiting for its start (a request {@code from} a later time): nothing is granted yet; at the start
     * eligibility, votes and ticket are checked again before it activates.
     */
    SCHEDULED,
    ACTIVATING, ACTIVE, REVOKING, ENDED, DENIED, CANCELLED, LAPSED, FAILED;

    /** The states this one may move to. */
    public Set<State> next() {
        return switch (this) {
            case PENDING -> EnumSet.of(SCHEDULED, ACTIVATING, DENIED, CANCELLED, LAPSED);
            // ENDED: the check at the start refused it (an approver left the group, the rule changed, ...).
            case SCHEDULED -> EnumSet.of(ACTIVATING, CANCELLED, DENIED, ENDED);
            case ACTIVATING -> EnumSet.of(ACTIVE, FAILED, REVOKING);
            // ACTIVE -> ACTIVE: an extension changes the expiry without leaving the state.
            case ACTIVE -> EnumSet.of(ACTIVE, REVOKING, ENDED);
            case REVOKING -> EnumSet.of(ENDED);
            case ENDED, DENIED, CANCELLED, LAPSED, FAILED -> EnumSet.noneOf(State.class);
        };
    }

    public boolean canMoveTo(State target) {
        return next().contains(target);
    }

    /** True once nothing more can happen to the request. */
    public boolean isFinal() {
        return next().isEmpty();
    }

    /** True while Azure may hold (or be about to hold) the role for this request. */
    public boolean holdsAccess() {
        return this == ACTIVATING || this == ACTIVE || this == REVOKING;
    }

    /**
     * True while the request still counts against the one open request per principal, role and scope: waiting for
     * approval, waiting for its start, or holding access.
     */
    public boolean isOpen() {
        return this == PENDING || this == SCHEDULED || holdsAccess();
    }

    /** Lower-case words for people. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
