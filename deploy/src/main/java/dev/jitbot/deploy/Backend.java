package dev.jitbot.deploy;

import dev.jitbot.core.app.AuditLog;
import dev.jitbot.core.app.ConversationStore;
import dev.jitbot.core.app.ExpiryScheduler;
import dev.jitbot.core.app.ExpiryService;
import dev.jitbot.core.app.RequestStore;

/**
 * What the runtime needs from persistence and scheduling: the JDBC stores and the Quartz scheduler on one
 * database (H2 or PostgreSQL, chosen by JITBOT_DB_URL).
 */
interface Backend extends AutoCloseable {

    RequestStore requests();

    AuditLog audit();

    ConversationStore conversations();

    ExpiryScheduler scheduler();

    /** The transactional outbox on the same database: transitions, their audit events and their work. */
    dev.jitbot.core.app.Outbox outbox();

    /** Hands the scheduler the service its jobs call, then runs recovery and starts firing jobs. */
    void start(ExpiryService expiry);

    /** Stops firing jobs and waits for running ones; the database stays open for them. Closing stops it too. */
    void stopScheduler();

    /** True once the scheduler fires jobs. */
    boolean schedulerStarted();

    /** True when the database answers now. */
    boolean databaseUp();

    @Override
    void close();
}
