package dev.jitbot.core.app;

import java.time.Duration;
import java.util.Optional;

/**
 * Azure could not be reached or did not confirm a call. The message is written for people (no Azure text); the
 * outbox retries the work with backoff, or after {@link #retryAfter()} when Azure throttled the call.
 */
public class AccessProviderException extends RuntimeException {

    private final Duration retryAfter;

    public AccessProviderException(String message) {
        this(message, null, null);
    }

    public AccessProviderException(String message, Throwable cause) {
        this(message, cause, null);
    }

    public AccessProviderException(String message, Throwable cause, Duration retryAfter) {
        super(message, cause);
        this.retryAfter = retryAfter;
    }

    /** Azure answered 429 and asked to wait this long before the next write on the subscription. */
    public static AccessProviderException throttled(String message, Duration retryAfter) {
        return new AccessProviderException(message, null, retryAfter);
    }

    /** Present when Azure throttled the call: the wait it asked for. */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
