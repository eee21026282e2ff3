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
}
