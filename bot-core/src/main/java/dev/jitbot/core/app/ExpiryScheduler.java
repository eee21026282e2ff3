package dev.jitbot.core.app;

import dev.jitbot.core.domain.RequestId;
import java.time.Instant;

/**
 * Runs {@link ExpiryService} at the right moments, surviving restarts: the grant's expiry, the pending request's
 * deadline. Revocation retries are outbox work, not jobs.
 */
public interface ExpiryScheduler {

    /** Calls {@link ExpiryService#expire} for {@code id} at {@code at} (replacing any earlier schedule for it). */
    void scheduleExpiry(RequestId id, Instant at);

    /** Calls {@link ExpiryService#lapse} for {@code id} at {@code at}. */
    void scheduleLapse(RequestId id, Instant at);

    /** Forgets every schedule for {@code id}. */
    void cancel(RequestId id);
}
