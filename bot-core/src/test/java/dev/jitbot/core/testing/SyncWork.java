package dev.jitbot.core.testing;

import dev.jitbot.core.app.AzureLimiter;
import dev.jitbot.core.app.Outbox;
import dev.jitbot.core.app.WorkHandlers;
import dev.jitbot.core.app.WorkItem;
import dev.jitbot.core.app.WorkKind;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs an outbox's due work on the calling thread, for tests on a fake clock: after each commit (while auto-drain
 * is on) and on demand. A commit made while draining (by a handler) only asks for one more round.
 */
public final class SyncWork {

    private final Outbox outbox;
    private final WorkHandlers handlers;
    private final AzureLimiter limiter;
    private final Clock clock;
    private final AtomicBoolean auto = new AtomicBoolean(true);
    private final AtomicBoolean draining = new AtomicBoolean();
    private final AtomicBoolean more = new AtomicBoolean();

    public SyncWork(Outbox outbox, WorkHandlers handlers, AzureLimiter limiter, Clock clock) {
        this.outbox = outbox;
        this.handlers = handlers;
        this.limiter = limiter;
        this.clock = clock;
        outbox.onCommit(() -> {
            if (auto.get()) {
                drain();
            }
        });
    }

    /** Whether work runs right after each commit (the default) or only on {@link #drain()}. */
    public void auto(boolean on) {
        auto.set(on);
    }

    /** Runs every item due by the clock, and what running them queues; returns how many ran. */
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
                    List<WorkItem> items = new ArrayList<>(outbox.claim(WorkKind.Lane.AZURE, 100, now,
                            limiter.paused(now)));
                    items.addAll(outbox.claim(WorkKind.Lane.CHAT, 100, now, List.of()));
                    if (items.isEmpty()) {
                        break;
                    }
                    for (WorkItem item : items) {
                        handlers.run(item);
                        ran++;
                    }
                }
            }
        } finally {
            draining.set(false);
        }
        return ran;
    }
}
