package dev.jitbot.core.app;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AzureLimiterTest {

    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");
    private final AzureLimiter limiter = new AzureLimiter(AzureLimiter.Limits.arm());
    private final String writes = AzureLimiter.Kind.WRITE.of("sub-1");
    private final String deletes = AzureLimiter.Kind.DELETE.of("sub-1");

    @Test
    void writes_goAtOnceUpTo200_thenTenASecond() {
        for (int i = 0; i < 200; i++) {
            assertThat(limiter.tryAcquire(writes, AzureLimiter.Kind.WRITE, T0)).isZero();
        }
        assertThat(limiter.tryAcquire(writes, AzureLimiter.Kind.WRITE, T0)).isEqualTo(Duration.ofMillis(100));
        assertThat(limiter.tryAcquire(writes, AzureLimiter.Kind.WRITE, T0.plusMillis(100))).isZero();
    }

    @Test
    void grantsThrottledBy429_doNotHoldUpRevocations() {
        for (int i = 0; i < 200; i++) {
            limiter.tryAcquire(writes, AzureLimiter.Kind.WRITE, T0);
        }
        limiter.pause(writes, T0.plusSeconds(30));

        assertThat(limiter.paused(T0)).containsExactly(writes);
        assertThat(limiter.tryAcquire(writes, AzureLimiter.Kind.WRITE, T0)).isEqualTo(Duration.ofSeconds(30));
        assertThat(limiter.tryAcquire(deletes, AzureLimiter.Kind.DELETE, T0)).isZero();
        assertThat(limiter.throttled()).containsEntry(writes, 1L);
    }

    @Test
    void aPause_endsAtItsRetryAfter_forEveryCaller() {
        limiter.pause(deletes, T0.plusSeconds(2));
        assertThat(limiter.tryAcquire(deletes, AzureLimiter.Kind.DELETE, T0.plusSeconds(1))).isEqualTo(Duration.ofSeconds(1));
        assertThat(limiter.tryAcquire(deletes, AzureLimiter.Kind.DELETE, T0.plusMillis(2100))).isZero();
        assertThat(limiter.paused(T0.plusSeconds(3))).isEmpty();
    }
}
