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
    /** How long an item may run before the heartbeat logs its worker's stack (and again each such span after). */
    static final Duration SLOW = Duration.ofSeconds(60);

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
    private final Map<Long, Running> running = new ConcurrentHashMap<>();
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

    /** An item on a worker: which thread runs it since when, and when the watchdog last spoke of it. */
    private static final class Running {
        final WorkItem item;
        final Thread thread;
        final Instant since;
        Instant reported;

        Running(WorkItem item, Thread thread, Instant since) {
            this.item = item;
            this.thread = thread;
            this.since = since;
            this.reported = since;
        }
    }

    /** Items this process is running now (for tests). */
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
                outbox.renew(running.values().stream().map(r -> r.item).toList(), clock.instant());
                watch(clock.instant());
            } catch (InterruptedException e) {
                return;
            } catch (Throwable t) {
                // The one thread every lease depends on: it stops only with the runner (or the JVM).
                fatal(t);
                log.warn("could not renew the leases of running work; trying again", t);
            }
        }
    }

    /**
     * Rethrows {@code t} when the JVM itself is failing (out of memory, an internal error), where carrying on helps
     * no one; anything else (a bug's exception, a {@code StackOverflowError}, a class that would not load) is for
     * the caller to log and survive, since a worker, dispatcher or heartbeat that died would stop work in silence.
     */
    static void fatal(Throwable t) {
        if (t instanceof VirtualMachineError vm && !(t instanceof StackOverflowError)) {
            throw vm;
        }
    }

    /**
     * Logs, once per {@link #SLOW} span, every item that has run longer than that, with its worker's stack: a call
     * that never returns (no timeout somewhere) would otherwise hold its worker, and its card's later items, in
     * silence. The item keeps its lease; nothing is interrupted (an interrupt inside embedded H2 closes its file).
     */
    void watch(Instant now) {
        for (Running r : running.values()) {
            if (Duration.between(r.reported, now).compareTo(SLOW) < 0) {
                continue;
            }
            r.reported = now;
            StackTraceElement[] frames = r.thread.getStackTrace();
            if (running.get(r.item.id()) != r) {
                continue; // it finished while the stack was taken: the stack may be of the thread's next item
            }
            StringBuilder stack = new StringBuilder();
            for (StackTraceElement e : frames) {
                stack.append("\n\tat ").append(e);
            }
            log.warn("{} work {} on {} has run for {} s on {} ({}) after {} earlier attempt(s); it may be stuck in:{}",
                    r.item.kind().wireName(), r.item.id(), r.item.work().requestId(),
                    Duration.between(r.since, now).toSeconds(), r.thread.getName(), r.thread.getState(),
                    r.item.attempts(), stack);
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
                        pool.execute(() -> runOne(item));
                    }
                    if (items.isEmpty()) {
                        sleep(settings.poll());
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (Throwable t) {
                    // Anything short of the JVM itself failing: a dispatcher that died would stop its whole lane.
                    fatal(t);
                    if (t instanceof RuntimeException) {
                        log.warn("could not claim {} work (database unreachable?); trying again: {}", lane, t.toString());
                    } else {
                        log.error("claiming {} work failed; trying again", lane, t);
                    }
                    try {
                        Thread.sleep(1000);
                    } catch (InterruptedException ie) {
                        return;
                    }
                }
            }
        }

        private void runOne(WorkItem item) {
            // In the map before anything can fail, so the heartbeat renews its lease and the watchdog sees it.
            running.put(item.id(), new Running(item, Thread.currentThread(), clock.instant()));
            try {
                handlers.run(item);
                Duration age = Duration.between(item.createdAt(), clock.instant());
                finished.accept(item, age.isNegative() ? Duration.ZERO : age);
            } catch (Throwable e) {
                // Errors short of the JVM failing are retried like exceptions: thrown past the pool, they would
                // leave the item claimed until its lease ran out, with nothing in the log but stderr.
                fatal(e);
                log.error("{} work {} on {} failed; it runs again after a back-off", item.kind().wireName(),
                        item.id(), item.work().requestId(), e);
                try {
                    Instant now = clock.instant();
                    outbox.retry(item, now.plus(WorkHandlers.backoff(item.attempts() + 1)),
                            "unexpected error: " + e.getClass().getSimpleName(), null, now);
                } catch (Throwable again) {
                    fatal(again);
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
