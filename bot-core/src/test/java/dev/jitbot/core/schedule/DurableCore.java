package dev.jitbot.core.schedule;

import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.AzureLimiter;
import dev.jitbot.core.app.WorkHandlers;
import dev.jitbot.core.app.WorkRunner;
import dev.jitbot.core.store.JdbcOutbox;
import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.app.ExpiryService;
import dev.jitbot.core.app.Notifications;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.store.Database;
import dev.jitbot.core.store.JdbcAuditLog;
import dev.jitbot.core.store.JdbcRequestStore;
import dev.jitbot.core.testing.FakeDirectory;
import dev.jitbot.core.testing.RecordingNotifier;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Clock;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The core wired as production wires it, on a real database, Quartz and the wall clock; only Azure and chat are
 * fakes. One instance is one process: close it and build another on the same database to "restart".
 */
final class DurableCore implements AutoCloseable {

    final Database db;
    final JdbcRequestStore store;
    final JdbcAuditLog audit;
    final AccessProvider provider;
    final RecordingNotifier slack = new RecordingNotifier(Platform.SLACK);
    final FakeDirectory directory = new FakeDirectory();
    final Policy policy = TestPolicies.design();
    final Clock clock = Clock.systemUTC();
    final ExecutorService pool = Executors.newFixedThreadPool(16);
    final Notifications notifications;
    final QuartzExpiryScheduler scheduler;
    final JdbcOutbox outbox;
    final WorkHandlers work;
    final WorkRunner runner;
    final ExpiryService expiry;
    final AccessService service;

    DurableCore(Database db, AccessProvider provider, QuartzExpiryScheduler.Settings settings) {
        this.db = db;
        this.provider = provider;
        this.store = new JdbcRequestStore(db);
        this.audit = new JdbcAuditLog(db);
        this.notifications = new Notifications(store, List.<ChatNotifier>of(slack));
        this.scheduler = new QuartzExpiryScheduler(db, settings);
        this.outbox = new JdbcOutbox(db.dataSource(), audit, "test-" + java.util.UUID.randomUUID(),
                java.time.Duration.ofSeconds(20));
        // Not ARM's limits: these tests measure the scheduler and the workers, and the fake provider is not ARM.
        this.work = new WorkHandlers(() -> policy, store, outbox, provider, notifications, scheduler,
                new AzureLimiter(new AzureLimiter.Limits(100_000, 100_000, 100_000, 100_000)), clock);
        this.runner = new WorkRunner(outbox, work, clock, new WorkRunner.Settings(16, 4,
                java.time.Duration.ofMillis(100), java.time.Duration.ofSeconds(5)));
        this.expiry = new ExpiryService(() -> policy, store, outbox, notifications, scheduler, clock);
        this.scheduler.bind(expiry);
        this.service = new AccessService(() -> policy, store, outbox, audit, provider, directory, notifications, scheduler,
                clock, new Random());
        this.work.checkStartsWith(service::whyNotStartable);
        this.runner.start();
    }

    /** Stops this "process": Quartz (letting running jobs finish) and the sweeper's pool. The database stays open. */
    @Override
    public void close() {
        scheduler.shutdown(true);
        runner.close();
        pool.shutdownNow();
    }
}
