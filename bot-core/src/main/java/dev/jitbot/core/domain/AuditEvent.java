package dev.jitbot.core.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of the append-only audit trail. {@code seq} and {@code hash} are set by the log when it is appended:
 * {@code hash} = SHA-256 over the previous hash and this event's fields.
 *
 * @param actor     who did it: a chat user key ({@code slack:U123}), an email, or {@code jitbot} for the system
 * @param requestId the request it concerns (may be null, e.g. a rejected forged request)
 */
public record AuditEvent(long seq, Instant at, String actor, Platform platform, String action, RequestId requestId,
                         String details, String hash) {

    public AuditEvent {
        Objects.requireNonNull(at, "at");
        Objects.requireNonNull(actor, "actor");
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(action, "action");
        details = details == null ? "" : details;
    }

    /** An event not yet appended. */
    public static AuditEvent of(Instant at, String actor, Platform platform, String action, RequestId requestId,
                                String details) {
        return new AuditEvent(0, at, actor, platform, action, requestId, details, null);
    }
}
