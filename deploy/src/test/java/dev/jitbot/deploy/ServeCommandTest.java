package dev.jitbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.app.AuditLog;
import dev.jitbot.core.app.ConversationStore;
import dev.jitbot.core.app.ExpiryScheduler;
import dev.jitbot.core.app.ExpiryService;
import dev.jitbot.core.app.RequestStore;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ServeCommandTest {

    @Nested
    class Stop {
        private final List<String> order = new ArrayList<>();

        @Test
        void stop_stopsTheSchedulerBeforeChatAndCore_andClosesTheDatabaseLast() {
            RecordingBackend backend = new RecordingBackend(order);
            ServeCommand.Readiness readiness = new ServeCommand.Readiness(() -> backend);
            List<AutoCloseable> closing = List.of(() -> order.add("core pool"), () -> order.add("slack"),
                    () -> order.add("teams"));

            ServeCommand.stop(readiness, () -> order.add("http"), backend, closing);

            assertThat(order).containsExactly("http", "scheduler", "teams", "slack", "core pool", "scheduler",
                    "database");
            assertThat(readiness.ready()).isFalse();
            assertThat(readiness.describe()).isEqualTo("stopping");
        }

        @Test
        void stop_whenOnePieceFails_stillClosesTheRest() {
            RecordingBackend backend = new RecordingBackend(order);
            List<AutoCloseable> closing = List.of(() -> order.add("core pool"), () -> {
                throw new IllegalStateException("slack would not close");
            });

            ServeCommand.stop(new ServeCommand.Readiness(() -> backend), () -> order.add("http"), backend, closing);

            assertThat(order).containsExactly("http", "scheduler", "core pool", "scheduler", "database");
        }

        @Test
        void stop_beforeTheDatabaseOpened_closesWhatExists() {
            ServeCommand.stop(new ServeCommand.Readiness(() -> null), () -> order.add("http"), null, List.of());

            assertThat(order).containsExactly("http");
        }
    }

    /** Records the scheduler and database being stopped, as JdbcBackend does them. */
    private static final class RecordingBackend implements Backend {
        private final List<String> order;

        RecordingBackend(List<String> order) {
            this.order = order;
        }

        @Override
        public RequestStore requests() {
            return null;
        }

        @Override
        public AuditLog audit() {
            return null;
        }

        @Override
        public ConversationStore conversations() {
            return null;
        }

        @Override
        public ExpiryScheduler scheduler() {
            return null;
        }

        @Override
        public dev.jitbot.core.app.Outbox outbox() {
            return null;
        }

        @Override
        public void start(ExpiryService expiry) {
        }

        @Override
        public void stopScheduler() {
            order.add("scheduler");
        }

        @Override
        public boolean schedulerStarted() {
            return true;
        }

        @Override
        public boolean databaseUp() {
            return true;
        }

        @Override
        public void close() {
            stopScheduler();
            order.add("database");
        }
    }

    @org.junit.jupiter.api.Nested
    class DatabaseThatRefusesJitbot {

        @Test
        void authenticationFailed_isNamedInReadyz() {
            RuntimeException e = new IllegalStateException("pool failed",
                    new java.sql.SQLException("FATAL: password authentication failed for user \"jitbot\"", "28P01"));
            ServeCommand.Readiness readiness = new ServeCommand.Readiness(() -> null);

            readiness.databaseProblem(ServeCommand.incurable(e));

            assertThat(readiness.ready()).isFalse();
            assertThat(readiness.describe()).contains("refused jitbot's credentials (authentication failed)")
                    .contains("JITBOT_DB_PASSWORD");
        }

        @Test
        void h2WrongPasswordAndMissingDatabase_cannotHeal_whileARefusedConnectionMay() {
            assertThat(ServeCommand.incurable(new java.sql.SQLException("Wrong user name or password", "28000")))
                    .contains("authentication failed");
            assertThat(ServeCommand.incurable(new RuntimeException(new java.sql.SQLException("no db", "3D000"))))
                    .contains("does not exist");
            assertThat(ServeCommand.incurable(new RuntimeException(new java.sql.SQLException("refused", "08001"))))
                    .isNull();
            assertThat(new ServeCommand.Readiness(() -> null).describe())
                    .isEqualTo("not ready: database not connected yet");
        }

        @Test
        void sameIncurableFailure_isLoggedOnceAMinute_notPerRetry() {
            dev.jitbot.core.testing.MutableClock clock = dev.jitbot.core.testing.MutableClock.at("2026-11-25T14:00:00Z");
            ServeCommand.DatabaseWait wait = new ServeCommand.DatabaseWait(clock);
            int logged = 0;
            // Retries at 1, 2, 4, 8, 15, 15, … s: twelve of them in the first two minutes.
            for (int s : new int[] {1, 2, 4, 8, 15, 15, 15, 15, 15, 15, 15, 15}) {
                logged += wait.shouldLog("credentials refused") ? 1 : 0;
                clock.advance(java.time.Duration.ofSeconds(s));
            }
            assertThat(logged).isEqualTo(3); // at 0 s, 60 s and 120 s
            assertThat(wait.shouldLog("database missing")).as("a different problem is news").isTrue();
        }
    }
}
