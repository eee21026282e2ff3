package dev.jitbot.core.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The outbox's workers: one dispatcher per lane claims due items (most urgent first) as worker threads free up,
 * and a heartbeat renews the leases of items still running, so only a dead replica's items are taken over. A
 * commit on this process wakes the dispatchers at once; otherwise they poll, which is how work written by another
 * replica is found.
 */
public final class WorkRunner implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkRunner.class);

    /**
     * @param azureWorkers threads calling Azure at once (grants, revocations, extensions)
     * @param chatWorkers  threads posting to chat platforms at once
     * @param poll         the longest a dispatcher sleeps when it found nothing (work of other replicas)
     * @param renewEvery   how often running items' leases are renewed (well under the lease)
     */
    public record Settings(int azureWorkers, int chatWorkers, Duration poll, Duration renewEvery) {
        public Settings {
            if (azureWorkers < 1 || chatWorkers < 1) {
                throw new IllegalArgumentException("worker counts must be at least 1");
            }
            Objects.requireNonNull(poll, "poll");
            Objects.requireNonNull(renewEvery, "renewEvery");
        }

        public static Settings defaults() {
            return new Settings(16, 8, Duration.ofMillis(500), Duration.ofSeconds(5));
        }
    }

    private final Outbox outbox;
    private final WorkHandlers handlers;
    private final Clock clock;
    private final Settings settings;
    private final Map<Long, WorkItem> running = new ConcurrentHashMap<>();
    private final Map<WorkKind.Lane, Lane> lanes = new EnumMap<>(WorkKind.Lane.class);
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private volatile boolean woken;
    private volatile boolean stopped;
    /** Opened by {@link #close()}: ends the heartbeat's wait without an interrupt. */
    private final java.util.concurrent.CountDownLatch closing = new java.util.concurrent.CountDownLatch(1);
    private final List<Thread> threads = new ArrayList<>();
    private volatile java.util.function.BiConsumer<WorkItem, Duration> finished = (i, d) -> { };

    public WorkRunner(Outbox outbox, WorkHandlers handlers, Clock clock, Settings settings) {
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.handlers = Objects.requireNonNull(handlers, "handlers");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.settings = Objects.requireNonNull(settings, "settings");
        lanes.put(WorkKind.Lane.AZURE, new Lane(WorkKind.Lane.AZURE, settings.azureWorkers()));
        lanes.put(WorkKind.Lane.CHAT, new Lane(WorkKind.Lane.CHAT, settings.chatWorkers()));
        outbox.onCommit(this::wake);
    }

    /** Starts the dispatchers and the lease heartbeat. */
    public synchronized void start() {
        if (!threads.isEmpty()) {
            return;
        }
        for (Lane lane : lanes.values()) {
            threads.add(daemon("jitbot-dispatch-" + lane.lane.name().toLowerCase(java.util.Locale.ROOT), lane::dispatch));
        }
        threads.add(daemon("jitbot-lease-heartbeat", this::heartbeat));
        threads.forEach(Thread::start);
    }

    /** Lets the runtime time each item from its creation to the end of this run (a metrics timer). */
    public void onFinished(java.util.function.BiConsumer<WorkItem, Duration> listener) {
        finished = Objects.requireNonNull(listener, "listener");
    }

    /** Items this process is running now (for {@code grants show} and tests). */
    public Set<Long> running() {
        return Set.copyOf(running.keySet());
    }

    /** Makes the dispatchers look for work now. */
    public void wake() {
        lock.lock();
        try {
            woken = true;
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void sleep(Duration d) throws InterruptedException {
        lock.lock();
        try {
            if (!woken && !stopped) {
                wake.await(d.toNanos(), TimeUnit.NANOSECONDS);
            }
            woken = false;
        } finally {
            lock.unlock();
        }
    }

    private void heartbeat() {
        while (!stopped) {
            try {
                if (closing.await(settings.renewEvery().toMillis(), TimeUnit.MILLISECONDS)) {
                    return;
                }
                outbox.renew(List.copyOf(running.values()), clock.instant());
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                log.warn("could not renew the leases of running work: {}", e.toString());
            }
        }
    }

    @Override
    public void close() {
        stopped = true;
        closing.countDown();
        wake();
        // Asked to stop, not interrupted: an interrupt inside an embedded H2 call closes H2's file under every
        // other user of the database (a restart in the same JVM then finds it closed). Interrupt only a thread that
        // does not finish its current call in time.
        for (Thread t : threads) {
            try {
                t.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (t.isAlive()) {
                t.interrupt();
            }
        }
        for (Lane lane : lanes.values()) {
            lane.pool.shutdown();
        }
        for (Lane lane : lanes.values()) {
            try {
                if (!lane.pool.awaitTermination(10, TimeUnit.SECONDS)) {
                    lane.pool.shutdownNow();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Thread daemon(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        return t;
    }

    /** One lane's dispatcher and worker pool. */
    private final class Lane {
        final WorkKind.Lane lane;
        final Semaphore free;
        final ExecutorService pool;

        Lane(WorkKind.Lane lane, int workers) {
            this.lane = lane;
            this.free = new Semaphore(workers);
            this.pool = Executors.newFixedThreadPool(workers, Threads.named("jitbot-" + lane.name().toLowerCase(
                    java.util.Locale.ROOT) + "-work"));
        }

        void dispatch() {
            while (!stopped) {
                try {
                    free.acquire();
                    free.release();
                    if (stopped) {
                        return;
                    }
                    int slots = free.availablePermits();
                    Instant now = clock.instant();
                    List<String> paused = lane == WorkKind.Lane.AZURE ? handlers.limiter().paused(now) : List.of();
                    List<WorkItem> items = outbox.claim(lane, slots, now, paused);
                    for (WorkItem item : items) {
                        free.acquire();
                        running.put(item.id(), item);
                        pool.execute(() -> runOne(item));
                    }
                    if (items.isEmpty()) {
                        sleep(settings.poll());
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    log.warn("could not claim {} work (database unreachable?); trying again: {}", lane, e.toString());
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }

        private void runOne(WorkItem item) {
            try {
                handlers.run(item);
                Duration age = Duration.between(item.createdAt(), clock.instant());
                finished.accept(item, age.isNegative() ? Duration.ZERO : age);
            } catch (RuntimeException e) {
                log.error("{} work {} on {} failed; it runs again when its lease ends", item.kind().wireName(),
                        item.id(), item.work().requestId(), e);
                try {
                    Instant now = clock.instant();
                    outbox.retry(item, now.plus(WorkHandlers.backoff(item.attempts() + 1)),
                            "unexpected error: " + e.getClass().getSimpleName(), null, now);
                } catch (RuntimeException again) {
                    log.warn("could not put work {} back; its lease runs out instead: {}", item.id(), again.toString());
                }
            } finally {
                running.remove(item.id());
                free.release();
                wake();
            }
        }
    }
}
