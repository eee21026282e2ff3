package dev.jitbot.core.domain;

import java.util.EnumSet;
import java.util.Set;

/**
 * Where a request is in its life (DESIGN.md, "Grant lifecycle"). Each state names the states it may move to;
 * everything else is refused.
 */
public enum State {
    PENDING, ACTIVATING, ACTIVE, REVOKING, ENDED, DENIED, CANCELLED, LAPSED, FAILED;

    /** The states this one may move to. */
    public Set<State> next() {
        return switch (this) {
            case PENDING -> EnumSet.of(ACTIVATING, DENIED, CANCELLED, LAPSED);
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

    /** Lower-case words for people. */
    public String label() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
