package dev.jitbot.slack;

import com.slack.api.methods.SlackApiException;
import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends Web API calls one channel at a time, in order. Slack allows about one message per second per channel
 * and answers 429 with {@code Retry-After}; a call that meets a 429 waits as long as Slack asks and tries again,
 * forever, so no message is dropped. Network failures are retried a few times with backoff, then logged.
 */
final class ChannelSender {

    private static final Logger log = LoggerFactory.getLogger(ChannelSender.class);
    private static final int NETWORK_ATTEMPTS = 5;

    /** One Web API call; may throw what the Slack client throws. */
    @FunctionalInterface
    interface SlackCall<T> {
        T call() throws IOException, SlackApiException;
    }

    /** Waits between attempts; tests may swap it, production sleeps. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private final Executor pool;
    private final Sleeper sleeper;
    private final Map<String, CompletableFuture<?>> tails = new ConcurrentHashMap<>();

    ChannelSender(Executor pool, Sleeper sleeper) {
        this.pool = Objects.requireNonNull(pool, "pool");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
    }

    ChannelSender(Executor pool) {
        this(pool, d -> Thread.sleep(d.toMillis()));
    }

    /** Queues {@code call} behind every earlier call for {@code channel}; completes with its result. */
    <T> CompletableFuture<T> send(String channel, String what, SlackCall<T> call) {
        Objects.requireNonNull(channel, "channel");
        CompletableFuture<T> result = new CompletableFuture<>();
        tails.compute(channel, (k, tail) -> {
            CompletableFuture<?> before = tail == null ? CompletableFuture.completedFuture(null) : tail;
            CompletableFuture<T> next = before.handle((r, e) -> null)
                    .thenApplyAsync(ignored -> attempt(channel, what, call), pool);
            next.whenComplete((r, e) -> {
                if (e != null) {
                    result.completeExceptionally(e.getCause() != null ? e.getCause() : e);
                } else {
                    result.complete(r);
                }
            });
            return next;
        });
        // Forget a channel whose queue ran dry, so the map does not grow with every DM ever sent.
        result.whenComplete((r, e) -> tails.computeIfPresent(channel, (k, tail) -> tail.isDone() ? null : tail));
        return result;
    }

    private <T> T attempt(String channel, String what, SlackCall<T> call) {
        int networkFailures = 0;
        while (true) {
            try {
                return call.call();
            } catch (SlackApiException e) {
                int status = e.getResponse() == null ? 0 : e.getResponse().code();
                if (status == 429) {
                    Duration wait = retryAfter(e);
                    log.info("Slack rate-limited {} in {}; waiting {} s as asked", what, channel, wait.toSeconds());
                    pause(wait);
                    continue;
                }
                if (status >= 500 && ++networkFailures < NETWORK_ATTEMPTS) {
                    pause(Duration.ofSeconds(1L << networkFailures));
                    continue;
                }
                throw new SlackDeliveryException(what + " in " + channel + " failed with HTTP " + status, e);
            } catch (IOException e) {
                if (++networkFailures < NETWORK_ATTEMPTS) {
                    pause(Duration.ofSeconds(1L << networkFailures));
                    continue;
                }
                throw new SlackDeliveryException(what + " in " + channel + " failed: " + e, e);
            }
        }
    }

    static Duration retryAfter(SlackApiException e) {
        String header = e.getResponse() == null ? null : e.getResponse().header("Retry-After");
        try {
            long seconds = header == null ? 1 : Long.parseLong(header.strip());
            return Duration.ofSeconds(Math.max(1, Math.min(seconds, 300)));
        } catch (NumberFormatException bad) {
            return Duration.ofSeconds(1);
        }
    }

    private void pause(Duration d) {
        try {
            sleeper.sleep(d);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            throw new SlackDeliveryException("interrupted while waiting to retry", ie);
        }
    }

    /** A Web API call that could not be delivered; logged by the caller, never shown to a person as is. */
    static final class SlackDeliveryException extends RuntimeException {
        SlackDeliveryException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
