package dev.jitbot.core.app;

import java.time.Duration;
import java.util.Optional;

/**
 * A chat platform did not take a message. The outbox retries it: after {@code retryAfter} when the platform asked
 * for a pause (HTTP 429), with backoff otherwise, and never when it is {@code permanent} (the channel is gone, the
 * bot was removed): then the work is dropped with a log line.
 */
public class ChatDeliveryException extends RuntimeException {

    private final Duration retryAfter;
    private final boolean permanent;

    public ChatDeliveryException(String message, Throwable cause, Duration retryAfter, boolean permanent) {
        super(message, cause);
        this.retryAfter = retryAfter;
        this.permanent = permanent;
    }

    /** A failure worth retrying with backoff. */
    public static ChatDeliveryException transientFailure(String message, Throwable cause) {
        return new ChatDeliveryException(message, cause, null, false);
    }

    /** The platform asked to wait this long (a 429's Retry-After). */
    public static ChatDeliveryException throttled(String message, Duration retryAfter) {
        return new ChatDeliveryException(message, null, retryAfter, false);
    }

    /** Retrying cannot help. */
    public static ChatDeliveryException permanent(String message, Throwable cause) {
        return new ChatDeliveryException(message, cause, null, true);
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }

    public boolean permanent() {
        return permanent;
    }
}
