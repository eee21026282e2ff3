package dev.jitbot.core.app;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ARM's throttling model, shared by every worker of this process: per subscription, a token bucket for writes
 * and deletes (200, refilled at 10 a second) and one for reads (250, 25 a second). A 429's Retry-After pauses the
 * whole subscription, not one call. Nothing here blocks: a caller that gets a wait puts its work back until then.
 */
public final class AzureLimiter {

    /** Which bucket a call spends from. */
    public enum Kind { WRITE, READ }

    /** Bucket sizes and refill rates. */
    public record Limits(int writes, double writesPerSecond, int reads, double readsPerSecond) {
        /** ARM's documented per-subscription limits for a service principal. */
        public static Limits arm() {
            return new Limits(200, 10, 250, 25);
        }
    }

    private final Limits limits;
    private final Map<String, Subscription> subscriptions = new ConcurrentHashMap<>();
    private final Map<String, Long> throttled = new ConcurrentHashMap<>();
    private volatile java.util.function.Consumer<String> pauseListener = b -> { };

    public AzureLimiter(Limits limits) {
        this.limits = Objects.requireNonNull(limits, "limits");
    }

    /**
     * Takes one token for a call on {@code bucket}.
     *
     * @return zero when the call may go now, else how long to wait before trying again
     */
    public Duration tryAcquire(String bucket, Kind kind, Instant now) {
        return subscription(bucket).take(kind, now);
    }

    /** Azure said 429: nothing more goes to {@code bucket} until {@code until}. */
    public void pause(String bucket, Instant until) {
        subscription(bucket).pause(until);
        throttled.merge(bucket, 1L, Long::sum);
        pauseListener.accept(bucket);
    }

    /** Lets the runtime count 429s per subscription (a metrics counter). */
    public void onPause(java.util.function.Consumer<String> listener) {
        pauseListener = Objects.requireNonNull(listener, "listener");
    }

    /** Buckets paused at {@code now}: workers leave their items queued. */
    public List<String> paused(Instant now) {
        return subscriptions.entrySet().stream().filter(e -> e.getValue().pausedAt(now)).map(Map.Entry::getKey).toList();
    }

    /** 429s seen per bucket since start. */
    public Map<String, Long> throttled() {
        return Map.copyOf(throttled);
    }

    private Subscription subscription(String bucket) {
        return subscriptions.computeIfAbsent(bucket == null ? "" : bucket, b -> new Subscription(limits));
    }

    private static final class Subscription {
        private final Bucket writes;
        private final Bucket reads;
        private Instant pausedUntil = Instant.MIN;

        Subscription(Limits l) {
            this.writes = new Bucket(l.writes(), l.writesPerSecond());
            this.reads = new Bucket(l.reads(), l.readsPerSecond());
        }

        synchronized Duration take(Kind kind, Instant now) {
            if (now.isBefore(pausedUntil)) {
                return Duration.between(now, pausedUntil);
            }
            return (kind == Kind.WRITE ? writes : reads).take(now);
        }

        synchronized void pause(Instant until) {
            if (until.isAfter(pausedUntil)) {
                pausedUntil = until;
            }
            writes.drain();
        }

        synchronized boolean pausedAt(Instant now) {
            return now.isBefore(pausedUntil);
        }
    }

    private static final class Bucket {
        private final double capacity;
        private final double perNano;
        private double tokens;
        private Instant last;

        Bucket(int capacity, double perSecond) {
            this.capacity = capacity;
            this.perNano = perSecond / 1e9;
            this.tokens = capacity;
        }

        Duration take(Instant now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return Duration.ZERO;
            }
            long nanos = (long) Math.ceil((1 - tokens) / perNano);
            return Duration.ofNanos(Math.max(nanos, 1_000_000));
        }

        void drain() {
            tokens = 0;
        }

        private void refill(Instant now) {
            if (last != null && now.isAfter(last)) {
                long nanos = Duration.between(last, now).toNanos();
                tokens = Math.min(capacity, tokens + nanos * perNano);
            }
            if (last == null || now.isAfter(last)) {
                last = now;
            }
        }
    }
}
