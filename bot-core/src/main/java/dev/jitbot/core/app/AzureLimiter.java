package dev.jitbot.core.app;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * ARM's throttling model, shared by every worker of this process: per subscription and operation type, a token
 * bucket (writes 200 and deletes 200, each refilled at 10 a second; reads 250 at 25 a second). A bucket is named
 * {@code <subscription>/writes}, {@code …/deletes} or {@code …/reads}. A 429's Retry-After pauses that bucket for
 * every worker, not one call, so throttled grants never hold up revocations. Nothing here blocks: a caller that
 * gets a wait puts its work back until then.
 */
public final class AzureLimiter {

    /** Which bucket a call spends from. */
    public enum Kind {
        WRITE("writes"), DELETE("deletes"), READ("reads");

        private final String suffix;

        Kind(String suffix) {
            this.suffix = suffix;
        }

        /** The bucket's name for a subscription (or {@code tenant}). */
        public String of(String subscription) {
            return subscription + "/" + suffix;
        }
    }

    /** Bucket sizes and refill rates. */
    public record Limits(int writes, double writesPerSecond, int reads, double readsPerSecond) {
        /** ARM's documented per-subscription limits for a service principal. */
        public static Limits arm() {
            return new Limits(200, 10, 250, 25);
        }
    }

    private final Limits limits;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
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
        return bucket(bucket, kind).take(now);
    }

    /** Azure said 429: nothing more goes to {@code bucket} until {@code until}. */
    public void pause(String bucket, Instant until) {
        bucket(bucket, kindOf(bucket)).pause(until);
        throttled.merge(bucket, 1L, Long::sum);
        pauseListener.accept(bucket);
    }

    /** Lets the runtime count 429s per subscription (a metrics counter). */
    public void onPause(java.util.function.Consumer<String> listener) {
        pauseListener = Objects.requireNonNull(listener, "listener");
    }

    /** Buckets paused at {@code now}: workers leave their items queued. */
    public List<String> paused(Instant now) {
        return buckets.entrySet().stream().filter(e -> e.getValue().pausedAt(now)).map(Map.Entry::getKey).toList();
    }

    /** 429s seen per bucket since start. */
    public Map<String, Long> throttled() {
        return Map.copyOf(throttled);
    }

    private static Kind kindOf(String bucket) {
        return bucket.endsWith("/reads") ? Kind.READ : bucket.endsWith("/deletes") ? Kind.DELETE : Kind.WRITE;
    }

    private Bucket bucket(String name, Kind kind) {
        return buckets.computeIfAbsent(name == null ? "" : name, b -> kind == Kind.READ
                ? new Bucket(limits.reads(), limits.readsPerSecond())
                : new Bucket(limits.writes(), limits.writesPerSecond()));
    }

    private static final class Bucket {
        private final double capacity;
        private final double perNano;
        private double tokens;
        private Instant last;
        private Instant pausedUntil = Instant.MIN;

        Bucket(int capacity, double perSecond) {
            this.capacity = capacity;
            this.perNano = perSecond / 1e9;
            this.tokens = capacity;
        }

        synchronized Duration take(Instant now) {
            if (now.isBefore(pausedUntil)) {
                return Duration.between(now, pausedUntil);
            }
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return Duration.ZERO;
            }
            long nanos = (long) Math.ceil((1 - tokens) / perNano);
            return Duration.ofNanos(Math.max(nanos, 1_000_000));
        }

        synchronized void pause(Instant until) {
            if (until.isAfter(pausedUntil)) {
                pausedUntil = until;
            }
            tokens = 0;
            last = until;
        }

        synchronized boolean pausedAt(Instant now) {
            return now.isBefore(pausedUntil);
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
