package dev.jitbot.core.domain;

import java.util.Objects;

/**
 * Why jitbot said no, in a sentence that tells the person what to do instead, and the part of a request it is about
 * ({@code field}, null when none), so a form can show it under that field.
 */
public record Refusal(Reason reason, String message, Field field) {

    /** The part of a request a refusal is about; {@code ROLE} also stands for a form's role-and-scope choice. */
    public enum Field { ROLE, SCOPE, DURATION, START, JUSTIFICATION, TICKET, PRINCIPAL }

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

    /** A refusal about the field its reason implies (a scope nobody knows is about the scope), or none. */
    public Refusal(Reason reason, String message) {
        this(reason, message, switch (reason) {
            case UNKNOWN_ROLE, NOT_ELIGIBLE -> Field.ROLE;
            case UNKNOWN_SCOPE -> Field.SCOPE;
            case OVER_MAX_DURATION -> Field.DURATION;
            case TICKET_REQUIRED -> Field.TICKET;
            case UNKNOWN_PRINCIPAL -> Field.PRINCIPAL;
            default -> null;
        });
    }
}
