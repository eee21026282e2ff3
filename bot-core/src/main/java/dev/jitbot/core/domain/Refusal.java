package dev.jitbot.core.domain;

import java.util.Objects;

/** Why jitbot said no, in a sentence that tells the person what to do instead. */
public record Refusal(Reason reason, String message) {

    /** The kind of refusal, for metrics and tests; people read {@link #message()}. */
    public enum Reason {
        INVALID_INPUT,
        UNKNOWN_REQUEST,
        UNKNOWN_ROLE,
        UNKNOWN_SCOPE,
        UNKNOWN_PRINCIPAL,
        UNKNOWN_USER,
        NOT_ELIGIBLE,
        OVER_MAX_DURATION,
        TICKET_REQUIRED,
        SELF_APPROVAL,
        NOT_APPROVER,
        /** The approver's Entra account is gone or disabled, or no longer in the approvers' Entra group. */
        APPROVER_NOT_LIVE,
        ALREADY_VOTED,
        WRONG_STATE,
        NOT_ALLOWED
    }

    public Refusal {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(message, "message");
    }
}
