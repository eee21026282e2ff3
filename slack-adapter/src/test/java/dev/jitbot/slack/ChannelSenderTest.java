package dev.jitbot.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.slack.api.methods.SlackApiException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import okhttp3.Protocol;
import okhttp3.Request;
import okhttp3.Response;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ChannelSenderTest {

    final ExecutorService pool = Executors.newFixedThreadPool(4);
    final List<Duration> waits = new CopyOnWriteArrayList<>();
    final ChannelSender sender = new ChannelSender(pool, waits::add);

    @AfterEach
    void stop() {
        pool.shutdownNow();
    }

    static SlackApiException status(int code, String retryAfter) {
        Response.Builder b = new Response.Builder().request(new Request.Builder().url("http://slack.test/api/chat.postMessage")
                .build()).protocol(Protocol.HTTP_1_1).code(code).message("status " + code);
        if (retryAfter != null) {
            b.header("Retry-After", retryAfter);
        }
        return new SlackApiException(b.build(), "{\"ok\":false,\"error\":\"ratelimited\"}");
    }

    @Nested
    class RateLimits {

        @Test
        void send_when429_waitsRetryAfterAndDeliversInTheEnd() throws Exception {
            AtomicInteger calls = new AtomicInteger();
            String result = sender.send("C1", "card", () -> {
                if (calls.incrementAndGet() <= 3) {
                    throw status(429, "7");
                }
                return "posted";
            }).get(5, TimeUnit.SECONDS);

            assertThat(result).isEqualTo("posted");
            assertThat(calls).hasValue(4);
            assertThat(waits).containsExactly(Duration.ofSeconds(7), Duration.ofSeconds(7), Duration.ofSeconds(7));
        }

        @Test
        void send_when429WithoutRetryAfter_waitsOneSecond() throws Exception {
            AtomicInteger calls = new AtomicInteger();
            sender.send("C1", "card", () -> {
                if (calls.incrementAndGet() == 1) {
                    throw status(429, null);
                }
                return "ok";
            }).get(5, TimeUnit.SECONDS);
            assertThat(waits).containsExactly(Duration.ofSeconds(1));
        }

        @Test
        void send_whenSlackRefusesWith4xx_failsWithoutRetrying() {
            AtomicInteger calls = new AtomicInteger();
            var f = sender.send("C1", "card", () -> {
                calls.incrementAndGet();
                throw status(400, null);
            });
            assertThat(f).failsWithin(Duration.ofSeconds(5));
            assertThat(calls).hasValue(1);
        }
    }

    @Nested
    class Ordering {

        @Test
        void send_keepsTheOrderWithinAChannel_evenWhenTheFirstMessageIsRateLimited() throws Exception {
            List<String> delivered = new CopyOnWriteArrayList<>();
            AtomicInteger first = new AtomicInteger();
            var a = sender.send("C1", "a", () -> {
                if (first.incrementAndGet() == 1) {
                    java.util.concurrent.locks.LockSupport.parkNanos(50_000_000L);
                    throw status(429, "1");
                }
                delivered.add("a");
                return "a";
            });
            var b = sender.send("C1", "b", () -> {
                delivered.add("b");
                return "b";
            });
            b.get(5, TimeUnit.SECONDS);
            a.get(5, TimeUnit.SECONDS);
            assertThat(delivered).containsExactly("a", "b");
        }

        @Test
        void send_aSlowChannelDoesNotHoldUpAnother() throws Exception {
            var gate = new java.util.concurrent.CountDownLatch(1);
            var slow = sender.send("C1", "slow", () -> {
                while (gate.getCount() > 0) {
                    java.util.concurrent.locks.LockSupport.parkNanos(1_000_000L);
                }
                return "slow";
            });
            assertThat(sender.send("C2", "fast", () -> "fast").get(5, TimeUnit.SECONDS)).isEqualTo("fast");
            assertThat(slow).isNotDone();
            gate.countDown();
            assertThat(slow.get(5, TimeUnit.SECONDS)).isEqualTo("slow");
        }
    }
}
