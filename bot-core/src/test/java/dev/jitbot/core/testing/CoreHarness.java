package dev.jitbot.core.testing;

import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.AuditLog;
import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.app.Directory;
import dev.jitbot.core.app.ExpiryService;
import dev.jitbot.core.app.Notifications;
import dev.jitbot.core.app.RequestStore;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The core wired with fakes: in-memory store and audit, a recording provider and notifier, a manual scheduler
 * and a mutable clock. Tests move time with {@link #advance(Duration)}, which also runs what came due.
 */
public final class CoreHarness {

    public final MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
    public final AtomicReference<Policy> policy = new AtomicReference<>(TestPolicies.design());
    public final RequestStore store;
    public final AuditLog audit;
    public final InMemoryAuditLog memoryAudit;
    public final RecordingAccessProvider provider = new RecordingAccessProvider();
    public final FakeDirectory directory = new FakeDirectory();
    public final RecordingNotifier slack = new RecordingNotifier(Platform.SLACK);
    public final ManualScheduler scheduler = new ManualScheduler(clock);
    public final Notifications notifications;
    public final ExpiryService expiry;
    public final AccessService service;

    public CoreHarness() {
        this(new InMemoryRequestStore(), new InMemoryAuditLog());
    }

    /** The core on the given store and audit log (the JDBC ones in contract tests). */
    public CoreHarness(RequestStore store, AuditLog audit) {
        this(store, audit, null, null);
    }

    private CoreHarness(RequestStore store, AuditLog audit, AccessProvider provider, Directory directory) {
        this.store = store;
        this.audit = audit;
        this.memoryAudit = audit instanceof InMemoryAuditLog m ? m : null;
        this.notifications = new Notifications(store, List.<ChatNotifier>of(slack));
        this.expiry = new ExpiryService(policy::get, store, audit, this.provider, notifications, scheduler, clock,
                Runnable::run);
        this.scheduler.bind(expiry);
        this.service = new AccessService(policy::get, store, audit, this.provider, this.directory, notifications,
                scheduler, expiry, clock, new Random(42));
    }

    /** Moves time forward and runs every job that came due. */
    public void advance(Duration d) {
        clock.advance(d);
        scheduler.runDue();
    }
}
