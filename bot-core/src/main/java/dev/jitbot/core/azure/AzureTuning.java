package dev.jitbot.core.azure;

import java.time.Duration;
import java.util.Objects;

/**
 * Retry and cache timings of the Azure adapters. Production uses {@link #defaults()}; tests shrink the waits so
 * a retry scenario takes milliseconds instead of minutes.
 *
 * @param maxRetries             retries of one HTTP call on 408, 429, 5xx and I/O errors (429 waits Retry-After)
 * @param baseDelay              first back-off when Azure gives no Retry-After; doubles each time
 * @param maxDelay               the longest back-off between two retries
 * @param responseTimeout        how long one HTTP call may wait for Azure's answer before it counts as a timeout
 * @param directoryTtl           how long a Graph answer is reused
 */
record AzureTuning(int maxRetries, Duration baseDelay, Duration maxDelay, Duration responseTimeout,
                   Duration directoryTtl) {

    AzureTuning {
        Objects.requireNonNull(baseDelay, "baseDelay");
        Objects.requireNonNull(maxDelay, "maxDelay");
        Objects.requireNonNull(responseTimeout, "responseTimeout");
        Objects.requireNonNull(directoryTtl, "directoryTtl");
        if (maxRetries < 0) {
            throw new IllegalArgumentException("maxRetries < 0");
        }
    }

    /** Five retries from 0.8 s up to 8 s, 30 s per call, a 10-minute cache. */
    static AzureTuning defaults() {
        return new AzureTuning(5, Duration.ofMillis(800), Duration.ofSeconds(8), Duration.ofSeconds(30),
                Duration.ofMinutes(10));
    }
}
