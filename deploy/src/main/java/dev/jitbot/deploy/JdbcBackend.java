package dev.jitbot.deploy;

import dev.jitbot.core.app.ExpiryService;
import dev.jitbot.core.schedule.QuartzExpiryScheduler;
import dev.jitbot.core.store.Database;
import dev.jitbot.core.store.JdbcAuditLog;
import dev.jitbot.core.store.JdbcConversationStore;
import dev.jitbot.core.store.JdbcOutbox;
import dev.jitbot.core.store.JdbcRequestStore;
import java.sql.Connection;

/** The stores and the scheduler on one database. */
final class JdbcBackend implements Backend {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(JdbcBackend.class);
    private final Database db;
    private final QuartzExpiryScheduler scheduler;
    private final JdbcRequestStore requests;
    private final JdbcAuditLog audit;
    private final JdbcConversationStore conversations;
    private final JdbcOutbox outbox;
    private final int schedulerThreads;

    /** Opens the database (migrating it) with the stores and a stand-by Quartz scheduler, clustered on PostgreSQL. */
    static JdbcBackend open(Config.Database database) {
        return open(database, 0);
    }

    /** As {@link #open(Config.Database)} with {@code threads} scheduler threads (0: the scheduler's default). */
    static JdbcBackend open(Config.Database database, int threads) {
        Database db = Database.open(database.url(), database.user(), database.password());
        try {
            QuartzExpiryScheduler.Settings settings = QuartzExpiryScheduler.Settings.defaults(db);
            if (threads > 0) {
                settings = settings.withThreads(threads);
            }
            return new JdbcBackend(db, new QuartzExpiryScheduler(db, settings), settings.threads());
        } catch (RuntimeException e) {
            db.close();
            throw e;
        }
    }

    private JdbcBackend(Database db, QuartzExpiryScheduler scheduler, int schedulerThreads) {
        this.db = db;
        this.scheduler = scheduler;
        this.schedulerThreads = schedulerThreads;
        this.requests = new JdbcRequestStore(db);
        this.audit = new JdbcAuditLog(db);
        this.conversations = new JdbcConversationStore(db);
        this.outbox = new JdbcOutbox(db.dataSource(), audit, workerName(), LEASE);
    }

    /** How long a claimed work item is this process's without renewal: a dead replica's work waits at most this. */
    static final java.time.Duration LEASE = java.time.Duration.ofSeconds(20);

    private static String workerName() {
        String host = System.getenv().getOrDefault("HOSTNAME", "jitbot");
        return (host.length() > 30 ? host.substring(0, 30) : host) + "-" + ProcessHandle.current().pid() + "-"
                + Long.toHexString(new java.security.SecureRandom().nextLong() & 0xffffffffL);
    }

    @Override
    public JdbcOutbox outbox() {
        return outbox;
    }

    @Override
    public JdbcRequestStore requests() {
        return requests;
    }

    @Override
    public JdbcAuditLog audit() {
        return audit;
    }

    @Override
    public JdbcConversationStore conversations() {
        return conversations;
    }

    @Override
    public QuartzExpiryScheduler scheduler() {
        return scheduler;
    }

    /** How many expiries the scheduler runs at once. */
    int schedulerThreads() {
        return schedulerThreads;
    }

    /** Whether this is the embedded H2 database or PostgreSQL. */
    boolean isPostgres() {
        return db.isPostgres();
    }

    @Override
    public void start(ExpiryService expiry) {
        if (db.isSingleProcess()) {
            int freed = outbox.releaseAllLeases();
            if (freed > 0) {
                LOG.info("freed {} work item(s) the previous process had claimed (no other process can open this "
                        + "database), so they run now instead of after their {} s lease", freed, LEASE.toSeconds());
            }
        }
        scheduler.bind(expiry);
        scheduler.start();
    }

    @Override
    public void stopScheduler() {
        scheduler.shutdown(true);
    }

    @Override
    public boolean schedulerStarted() {
        return scheduler.isStarted();
    }

    /** How long {@link #databaseUp()} waits for its answer: a readiness probe must not hang on a gone database. */
    static final java.time.Duration PROBE_WAIT = java.time.Duration.ofSeconds(2);

    /** One thread asks the database; at most one question is outstanding, however many probes come. */
    private final java.util.concurrent.ExecutorService prober = java.util.concurrent.Executors
            .newSingleThreadExecutor(dev.jitbot.core.app.Threads.named("jitbot-db-probe"));
    private java.util.concurrent.Future<Boolean> probing;

    /**
     * Whether the database answers within {@link #PROBE_WAIT}. Taking a connection from the pool waits for the
     * pool's 30 s connection timeout while the database is gone, so the question runs on a thread of its own and
     * an unanswered one counts as down: {@code /readyz} then says 503 at once instead of hanging for 30 s.
     */
    @Override
    public boolean databaseUp() {
        java.util.concurrent.Future<Boolean> f;
        synchronized (this) {
            if (probing == null || probing.isDone()) {
                try {
                    probing = prober.submit(this::askDatabase);
                } catch (java.util.concurrent.RejectedExecutionException closed) {
                    return false;
                }
            }
            f = probing;
        }
        try {
            return f.get(PROBE_WAIT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean askDatabase() {
        try (Connection c = db.dataSource().getConnection()) {
            return c.isValid(2);
        } catch (java.sql.SQLException | RuntimeException e) {
            return false;
        }
    }

    @Override
    public void close() {
        prober.shutdownNow();
        try {
            stopScheduler();
        } finally {
            db.close();
        }
    }
}
