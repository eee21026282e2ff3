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
import dev.jitbot.core.app.WorkItem;
import dev.jitbot.core.app.WorkKind;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
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
    public final RecordingNotifier slack = new RecordingNotifier(Platform.SLACK);
    public final ManualScheduler scheduler = new ManualScheduler(clock);
    public final Notifications notifications;
    public final AzureLimiter limiter = new AzureLimiter(AzureLimiter.Limits.arm());
    public final WorkHandlers work;
    public final ExpiryService expiry;
    public final AccessService service;
    private final AtomicBoolean autoDrain = new AtomicBoolean(true);
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean more = new AtomicBoolean();

    public CoreHarness() {
        this(new InMemoryRequestStore(), new InMemoryAuditLog());
    }

    /** The core on the given store and audit log, with an in-memory outbox over them. */
    public CoreHarness(RequestStore store, AuditLog audit) {
        this(store, audit, null);
    }

    /** The core on the given store, audit log and outbox (the JDBC ones in contract tests). */
    public CoreHarness(RequestStore store, AuditLog audit, Outbox outbox) {
        this.store = store;
        this.audit = audit;
        this.memoryAudit = audit instanceof InMemoryAuditLog m ? m : null;
        this.outbox = outbox != null ? outbox : new InMemoryOutbox(store, audit, clock);
        this.notifications = new Notifications(store, List.<ChatNotifier>of(slack));
        this.work = new WorkHandlers(policy::get, store, this.outbox, provider, notifications, scheduler, limiter,
                clock);
        this.expiry = new ExpiryService(policy::get, store, this.outbox, notifications, scheduler, clock);
        this.scheduler.bind(expiry);
        this.service = new AccessService(policy::get, store, this.outbox, audit, directory, notifications, scheduler,
                clock, new Random(42));
        this.outbox.onCommit(() -> {
            if (autoDrain.get()) {
                drain();
            }
        });
    }

    /** Whether work runs right after each commit (the default) or only on {@link #drain()}. */
    public CoreHarness autoDrain(boolean on) {
        autoDrain.set(on);
        return this;
    }

    /**
     * Runs every outbox item that is due by the clock, and what running them queues, on this thread; a call made
     * while draining (a commit inside a handler) only asks for one more round.
     *
     * @return how many items ran
     */
    public int drain() {
        more.set(true);
        if (!draining.compareAndSet(false, true)) {
            return 0;
        }
        int ran = 0;
        try {
            while (more.getAndSet(false)) {
                for (int round = 0; round < 1000; round++) {
                    Instant now = clock.instant();
                    List<WorkItem> items = new java.util.ArrayList<>(outbox.claim(WorkKind.Lane.AZURE, 100, now,
                            limiter.paused(now)));
                    items.addAll(outbox.claim(WorkKind.Lane.CHAT, 100, now, List.of()));
                    if (items.isEmpty()) {
                        break;
                    }
                    for (WorkItem item : items) {
                        work.run(item);
                        ran++;
                    }
                }
            }
        } finally {
            draining.set(false);
        }
        return ran;
    }

    /** Moves time forward and runs every job and piece of work that came due. */
    public void advance(Duration d) {
        clock.advance(d);
        scheduler.runDue();
        drain();
    }
}
