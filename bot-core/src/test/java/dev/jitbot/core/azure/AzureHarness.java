package dev.jitbot.core.azure;

import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.AzureLimiter;
import dev.jitbot.core.app.WorkHandlers;
import dev.jitbot.core.testing.InMemoryOutbox;
import dev.jitbot.core.testing.SyncWork;
import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.app.Directory;
import dev.jitbot.core.app.ExpiryService;
import dev.jitbot.core.app.Notifications;
import dev.jitbot.core.app.Reconciler;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.testing.InMemoryAuditLog;
import dev.jitbot.core.testing.InMemoryRequestStore;
import dev.jitbot.core.testing.ManualScheduler;
import dev.jitbot.core.testing.MutableClock;
import dev.jitbot.core.testing.RecordingNotifier;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/** The core as CoreHarness wires it, but with a real Azure provider and directory under test. */
final class AzureHarness {

    final MutableClock clock;
    final AtomicReference<Policy> policy = new AtomicReference<>(TestPolicies.design());
    final InMemoryRequestStore store = new InMemoryRequestStore();
    final InMemoryAuditLog audit = new InMemoryAuditLog();
    final RecordingNotifier slack = new RecordingNotifier(Platform.SLACK);
    final ManualScheduler scheduler;
    final Notifications notifications;
    final InMemoryOutbox outbox;
    final WorkHandlers work;
    final SyncWork sync;
    final ExpiryService expiry;
    final AccessService service;
    final Reconciler reconciler;

    AzureHarness(MutableClock clock, AccessProvider provider, Directory directory) {
        this.clock = clock;
        this.scheduler = new ManualScheduler(clock);
        this.notifications = new Notifications(store, List.<ChatNotifier>of(slack));
        this.outbox = new InMemoryOutbox(store, audit, clock);
        this.work = new WorkHandlers(policy::get, store, outbox, provider, notifications, scheduler,
                new AzureLimiter(AzureLimiter.Limits.arm()), clock);
        this.sync = new SyncWork(outbox, work, work.limiter(), clock);
        this.expiry = new ExpiryService(policy::get, store, outbox, notifications, scheduler, clock);
        scheduler.bind(expiry);
        this.service = new AccessService(policy::get, store, outbox, audit, provider, directory, notifications, scheduler,
                clock, new Random(42));
        this.work.checkStartsWith(service::whyNotStartable);
        this.reconciler = new Reconciler(policy::get, store, outbox, audit, provider, notifications, clock);
    }

    void advance(Duration d) {
        clock.advance(d);
        scheduler.runDue();
        sync.drain();
    }
}
