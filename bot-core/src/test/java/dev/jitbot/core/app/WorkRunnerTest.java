package dev.jitbot.core.app;

import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.CoreHarness;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The outbox's workers on the harness's in-memory outbox: what they do when a handler fails oddly or never returns. */
class WorkRunnerTest {

    private final CoreHarness h = new CoreHarness().autoDrain(false);
    private final WorkRunner runner = new WorkRunner(h.outbox, h.work, h.clock,
            new WorkRunner.Settings(1, 1, Duration.ofMillis(20), Duration.ofMillis(50)));
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger log = (Logger) LoggerFactory.getLogger(WorkRunner.class);

    @BeforeEach
    void capture() {
        logs.start();
        log.addAppender(logs);
    }

    @AfterEach
    void stop() {
        runner.close();
        log.detachAppender(logs);
    }

    @Test
    void aHandlerThatThrowsAnError_isRetriedLikeAnException_andTheLaneGoesOn() {
        AtomicInteger calls = new AtomicInteger();
        h.provider.duringGrant(() -> {
            if (calls.incrementAndGet() == 1) {
                throw new StackOverflowError("deep");
            }
        });
        AccessRequest r = filed();
        runner.start();

        await().atMost(10, TimeUnit.SECONDS).until(() -> h.outbox.pending(r.id()).stream()
                .anyMatch(i -> i.kind() == WorkKind.ACTIVATE && i.attempts() == 1 && i.dueAt().isAfter(h.clock.instant())));
        h.clock.advance(Duration.ofMinutes(5));
        runner.wake();

        await().atMost(10, TimeUnit.SECONDS).until(() -> h.store.find(r.id()).orElseThrow().state() == State.ACTIVE);
        assertThat(calls).hasValue(2);
        assertThat(logs.list).anySatisfy(e -> assertThat(e.getThrowableProxy().getClassName())
                .isEqualTo(StackOverflowError.class.getName()));
    }

    @Test
    void anItemRunningLongerThanAMinute_isLoggedWithItsWorkersStack_andKeepsItsLease() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch inside = new CountDownLatch(1);
        h.provider.duringGrant(() -> {
            inside.countDown();
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        AccessRequest r = filed();
        runner.start();
        assertThat(inside.await(10, TimeUnit.SECONDS)).isTrue();

        h.clock.advance(WorkRunner.SLOW.plusSeconds(1));

        await().atMost(10, TimeUnit.SECONDS).until(() -> logs.list.stream()
                .anyMatch(e -> e.getFormattedMessage().contains("may be stuck")));
        String said = logs.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains("may be stuck")).findFirst().orElseThrow();
        assertThat(said).contains("activate work", r.id().value(), "has run for 61 s", "RecordingAccessProvider.grant",
                "CountDownLatch.await");
        assertThat(runner.running()).hasSize(1);
        release.countDown();
        await().atMost(10, TimeUnit.SECONDS).until(() -> h.store.find(r.id()).orElseThrow().state() == State.ACTIVE);
        assertThat(logs.list.stream().filter(e -> e.getFormattedMessage().contains("may be stuck"))).hasSize(1);
    }

    /** An auto-approved grant whose activation waits in the outbox for the runner. */
    private AccessRequest filed() {
        Outcome o = h.service.handle(ALICE, "request Reader on sub-prod for 1h because INC-4411");
        assertThat(o).isInstanceOf(Outcome.Activating.class);
        return ((Outcome.Activating) o).request();
    }
}
