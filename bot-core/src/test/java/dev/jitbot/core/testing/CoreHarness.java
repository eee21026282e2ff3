package dev.jitbot.core.testing;

import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.AuditLog;
import dev.jitbot.core.app.AzureLimiter;
import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.app.ExpiryService;
import dev.jitbot.core.app.Notifications;
import dev.jitbot.core.app.Outbox;
import dev.jitbot.core.app.RequestStore;
import dev.jitbot.core.app.WorkHandlers;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The core wired with fakes: in-memory store, audit and outbox, a recording provider and notifier, a manual
 * scheduler and a mutable clock. The outbox's work runs on the calling thread right after each commit (turn it
 * off with {@link #autoDrain(boolean)} to look at a request mid-way); tests move time with
 * {@link #advance(Duration)}, which also runs the jobs and work that came due.
 */
public final class CoreHarness {

    public final MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
    public final AtomicReference<Policy> policy = new AtomicReference<>(TestPolicies.design());
    public final RequestStore store;
    public final AuditLog audit;
    public final InMemoryAuditLog memoryAudit;
    public final Outbox outbox;
    public final RecordingAccessProvider provider = new RecordingAccessProvider();
    public final FakeDirectory directory = new FakeDirectory();
    public final FakeOnCall oncall = new FakeOnCall();
    public final RecordingNotifier slack = new RecordingNotifier(Platform.SLACK);
    public final ManualScheduler scheduler = new ManualScheduler(clock);
    public final Notifications notifications;
    public final AzureLimiter limiter = new AzureLimiter(AzureLimiter.Limits.arm());
    public final WorkHandlers work;
    public final ExpiryService expiry;
    public final AccessService service;
    public final SyncWork sync;

    public CoreHarness() {
        this(new InMemoryRequestStore(), new InMemoryAuditLog());
    }

    /** The core asking {@code oncallSource} (a real HTTP client against a fake service) who is on call. */
    public CoreHarness(dev.jitbot.core.app.OnCallSource oncallSource) {
        this(new InMemoryRequestStore(), new InMemoryAuditLog(), null, oncallSource);
    }

    /** The core on the given store and audit log, with an in-memory outbox over them. */
    public CoreHarness(RequestStore store, AuditLog audit) {
        this(store, audit, null);
    }

    /** The core on the given store, audit log and outbox (the JDBC ones in contract tests). */
    public CoreHarness(RequestStore store, AuditLog audit, Outbox outbox) {
        this(store, audit, outbox, null);
    }

    private CoreHarness(RequestStore store, AuditLog audit, Outbox outbox, dev.jitbot.core.app.OnCallSource source) {
        this.store = store;
        this.audit = audit;
        this.memoryAudit = audit instanceof InMemoryAuditLog m ? m : null;
        this.outbox = outbox != null ? outbox : new InMemoryOutbox(store, audit, clock);
        this.notifications = new Notifications(store, List.<ChatNotifier>of(slack));
        this.work = new WorkHandlers(policy::get, store, this.outbox, provider, notifications, scheduler, limiter,
                clock);
        this.expiry = new ExpiryService(policy::get, store, this.outbox, notifications, scheduler, clock);
        this.scheduler.bind(expiry);
        this.service = new AccessService(policy::get, store, this.outbox, audit, provider, directory, notifications, scheduler,
                clock, new Random(42), source != null ? source : oncall);
        this.work.checkStartsWith(service::whyNotStartable);
        this.sync = new SyncWork(this.outbox, work, limiter, clock);
    }

    /** Whether work runs right after each commit (the default) or only on {@link #drain()}. */
    public CoreHarness autoDrain(boolean on) {
        sync.auto(on);
        return this;
    }

    /** Runs every outbox item due by the clock, and what running them queues; returns how many ran. */
    public int drain() {
        return sync.drain();
    }

    /** Moves time forward and runs every job and piece of work that came due. */
    public void advance(Duration d) {
        clock.advance(d);
        scheduler.runDue();
        drain();
    }
}
