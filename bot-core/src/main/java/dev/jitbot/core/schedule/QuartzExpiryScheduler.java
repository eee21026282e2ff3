package dev.jitbot.core.schedule;

import dev.jitbot.core.app.ExpiryScheduler;
import dev.jitbot.core.app.ExpiryService;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.store.Database;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.quartz.JobBuilder;
import org.quartz.JobDetail;
import org.quartz.JobKey;
import org.quartz.Scheduler;
import org.quartz.SchedulerException;
import org.quartz.SimpleScheduleBuilder;
import org.quartz.Trigger;
import org.quartz.TriggerBuilder;
import org.quartz.impl.SchedulerRepository;
import org.quartz.impl.StdSchedulerFactory;
import org.quartz.utils.ConnectionProvider;
import org.quartz.utils.DBConnectionManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production {@link ExpiryScheduler}: Quartz with its JDBC job store on jitbot's own database, so every
 * expiry and lapse survives a restart (and, clustered on PostgreSQL, runs on exactly one node);
 * plus a sweeper that calls {@link ExpiryService#sweep()} as a safety net.
 */
public final class QuartzExpiryScheduler implements ExpiryScheduler {

    private static final Logger log = LoggerFactory.getLogger(QuartzExpiryScheduler.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /**
     * How the scheduler runs.
     *
     * @param name             Quartz's scheduler name ({@code SCHED_NAME}); every node sharing a database uses the same
     * @param threads          revocations that may run at once (ARM calls are I/O-bound)
     * @param clustered        whether several processes share the job store (PostgreSQL only)
     * @param sweepEvery       how often the sweeper runs
     * @param misfireThreshold how late a job may be before Quartz treats it as misfired (and fires it at once)
     */
    public record Settings(String name, int threads, boolean clustered, Duration sweepEvery, Duration misfireThreshold) {

        public Settings {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(sweepEvery, "sweepEvery");
            Objects.requireNonNull(misfireThreshold, "misfireThreshold");
            if (threads < 1) {
                throw new IllegalArgumentException("threads must be at least 1, was " + threads);
            }
            if (sweepEvery.isNegative() || sweepEvery.isZero()) {
                throw new IllegalArgumentException("sweepEvery must be positive, was " + sweepEvery);
            }
        }

        /** 16 threads, a sweep every 30 s, clustered exactly when the database is PostgreSQL. */
        public static Settings defaults(Database database) {
            return new Settings("jitbot", 16, database.isPostgres(), Duration.ofSeconds(30), Duration.ofSeconds(10));
        }

        public Settings withThreads(int n) {
            return new Settings(name, n, clustered, sweepEvery, misfireThreshold);
        }

        public Settings withClustered(boolean c) {
            return new Settings(name, threads, c, sweepEvery, misfireThreshold);
        }

        public Settings withSweepEvery(Duration d) {
            return new Settings(name, threads, clustered, d, misfireThreshold);
        }
    }

    private final Scheduler scheduler;
    private final Settings settings;
    private final ExpiryJobs.Factory jobs = new ExpiryJobs.Factory();
    private volatile ExpiryService expiry;
    private volatile ScheduledExecutorService sweeper;
    private volatile boolean started;

    /**
     * Creates the scheduler in stand-by: jobs may be scheduled (they are stored) but none runs until {@link #start()}.
     */
    public QuartzExpiryScheduler(Database database, Settings settings) {
        this.settings = Objects.requireNonNull(settings, "settings");
        if (settings.clustered() && !database.isPostgres()) {
            throw new IllegalArgumentException("a clustered scheduler needs PostgreSQL; H2 serves one process only");
        }
        try {
            if (SchedulerRepository.getInstance().lookup(settings.name()) != null) {
                throw new IllegalStateException("a Quartz scheduler named " + settings.name()
                        + " is already running in this JVM; shut it down first");
            }
            String dataSourceName = "jitbot-db-" + INSTANCES.incrementAndGet();
            DBConnectionManager.getInstance().addConnectionProvider(dataSourceName,
                    new SharedPool(database.dataSource()));
            StdSchedulerFactory factory = new StdSchedulerFactory(properties(settings, database.isPostgres(),
                    dataSourceName));
            this.scheduler = factory.getScheduler();
            this.scheduler.setJobFactory(jobs);
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not create the Quartz scheduler: " + e.getMessage(), e);
        }
    }

    static Properties properties(Settings s, boolean postgres, String dataSourceName) {
        Properties p = new Properties();
        p.setProperty("org.quartz.scheduler.instanceName", s.name());
        p.setProperty("org.quartz.scheduler.instanceId", s.clustered() ? "AUTO" : "NON_CLUSTERED");
        p.setProperty("org.quartz.scheduler.skipUpdateCheck", "true");
        p.setProperty("org.quartz.scheduler.interruptJobsOnShutdown", "false");
        // A node only hears of triggers it scheduled itself; ones another replica scheduled are found when it next
        // polls. Quartz's default 30 s poll would add up to 30 s to those expiries.
        p.setProperty("org.quartz.scheduler.idleWaitTime", "5000");
        // Take as many due triggers per round as there are threads: a burst of expiries then fans out at once.
        p.setProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount", Integer.toString(s.threads()));
        p.setProperty("org.quartz.threadPool.class", "org.quartz.simpl.SimpleThreadPool");
        p.setProperty("org.quartz.threadPool.threadCount", Integer.toString(s.threads()));
        p.setProperty("org.quartz.threadPool.threadNamePrefix", s.name() + "-expiry");
        p.setProperty("org.quartz.jobStore.class", "org.quartz.impl.jdbcjobstore.JobStoreTX");
        p.setProperty("org.quartz.jobStore.driverDelegateClass", postgres
                ? "org.quartz.impl.jdbcjobstore.PostgreSQLDelegate" : "org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        p.setProperty("org.quartz.jobStore.dataSource", dataSourceName);
        p.setProperty("org.quartz.jobStore.tablePrefix", "QRTZ_");
        // Job data as string properties, not Java serialization.
        p.setProperty("org.quartz.jobStore.useProperties", "true");
        p.setProperty("org.quartz.jobStore.isClustered", Boolean.toString(s.clustered()));
        p.setProperty("org.quartz.jobStore.acquireTriggersWithinLock", "true");
        p.setProperty("org.quartz.jobStore.misfireThreshold", Long.toString(s.misfireThreshold().toMillis()));
        return p;
    }

    /** The service the jobs and the sweeper call (built after this scheduler, which it needs). */
    public void bind(ExpiryService expiry) {
        this.expiry = Objects.requireNonNull(expiry, "expiry");
        jobs.bind(expiry);
    }

    /**
     * Revokes everything already overdue ({@link ExpiryService#recover()}), then starts running jobs and the sweeper.
     */
    public synchronized void start() {
        ExpiryService service = expiry;
        if (service == null) {
            throw new IllegalStateException("bind(ExpiryService) before start()");
        }
        if (started) {
            return;
        }
        long t0 = System.nanoTime();
        int recovered = service.recover();
        log.info("start-up recovery acted on {} request(s) in {} ms", recovered,
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0));
        try {
            scheduler.start();
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not start the Quartz scheduler: " + e.getMessage(), e);
        }
        ScheduledExecutorService s = Executors.newSingleThreadScheduledExecutor(
                dev.jitbot.core.app.Threads.named(settings.name() + "-sweeper"));
        long every = settings.sweepEvery().toMillis();
        s.scheduleWithFixedDelay(this::sweep, every, every, TimeUnit.MILLISECONDS);
        sweeper = s;
        started = true;
    }

    private void sweep() {
        try {
            int n = expiry.sweep();
            if (n > 0) {
                log.info("sweeper acted on {} request(s)", n);
            }
        } catch (RuntimeException e) {
            // A failed sweep must not cancel the next one.
            log.error("sweep failed; trying again in {} s", settings.sweepEvery().toSeconds(), e);
        }
    }

    /** True once started and until shut down: what {@code /readyz} asks. */
    public boolean isStarted() {
        try {
            return started && scheduler.isStarted() && !scheduler.isShutdown() && !scheduler.isInStandbyMode();
        } catch (SchedulerException e) {
            return false;
        }
    }

    /** Stops the sweeper and the scheduler; with {@code waitForJobs}, running jobs finish first. Not restartable. */
    public synchronized void shutdown(boolean waitForJobs) {
        ScheduledExecutorService s = sweeper;
        if (s != null) {
            s.shutdownNow();
            if (waitForJobs) {
                try {
                    s.awaitTermination(30, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        started = false;
        try {
            scheduler.shutdown(waitForJobs);
        } catch (SchedulerException e) {
            log.warn("Quartz did not shut down cleanly: {}", e.getMessage());
        }
    }

    @Override
    public void scheduleExpiry(RequestId id, Instant at) {
        schedule(ExpiryJobs.Kind.EXPIRE, id, at);
    }

    @Override
    public void scheduleLapse(RequestId id, Instant at) {
        schedule(ExpiryJobs.Kind.LAPSE, id, at);
    }

    private void schedule(ExpiryJobs.Kind kind, RequestId id, Instant at) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(at, "at");
        JobDetail job = JobBuilder.newJob(kind.jobClass)
                .withIdentity(id.value(), kind.group)
                .usingJobData(ExpiryJobs.REQUEST_ID, id.value())
                .requestRecovery(true)
                .build();
        Trigger trigger = TriggerBuilder.newTrigger()
                .withIdentity(id.value(), kind.group)
                .forJob(job)
                .startAt(Date.from(at))
                .withSchedule(SimpleScheduleBuilder.simpleSchedule().withMisfireHandlingInstructionFireNow())
                .build();
        try {
            // replace = true: a new expiry (an extension) supersedes the old one.
            scheduler.scheduleJob(job, Set.of(trigger), true);
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not schedule " + kind.group + " of " + id + " at " + at
                    + " (the sweeper will still act on it): " + e.getMessage(), e);
        }
    }

    @Override
    public void cancel(RequestId id) {
        List<JobKey> keys = new ArrayList<>();
        for (ExpiryJobs.Kind kind : ExpiryJobs.Kind.values()) {
            keys.add(JobKey.jobKey(id.value(), kind.group));
        }
        try {
            scheduler.deleteJobs(keys);
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not cancel the jobs of " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code run} every {@code interval} on one node of the cluster, surviving restarts: the trigger lives in
     * the job store. A trigger already stored with the same interval is kept (so a restart does not push the next
     * run back); a new or changed one first fires one {@code interval} from now. A run missed while every node was
     * down fires once, soon after the next start. Call before {@link #start()} on every node, so whichever node
     * fires it has the task.
     */
    public void every(String task, Duration interval, Runnable run) {
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(interval, "interval");
        jobs.register(task, run);
        org.quartz.TriggerKey key = org.quartz.TriggerKey.triggerKey(task, ExpiryJobs.PERIODIC);
        try {
            Trigger existing = scheduler.getTrigger(key);
            if (existing instanceof org.quartz.SimpleTrigger st && st.getRepeatInterval() == interval.toMillis()
                    && st.getNextFireTime() != null) {
                log.info("periodic task {} every {} kept; next run at {}", task, interval,
                        st.getNextFireTime().toInstant());
                return;
            }
            JobDetail job = JobBuilder.newJob(ExpiryJobs.PeriodicJob.class)
                    .withIdentity(task, ExpiryJobs.PERIODIC)
                    .usingJobData(ExpiryJobs.TASK, task)
                    .build();
            Instant first = Instant.now().plus(interval);
            Trigger trigger = TriggerBuilder.newTrigger()
                    .withIdentity(key)
                    .forJob(job)
                    .startAt(Date.from(first))
                    .withSchedule(SimpleScheduleBuilder.simpleSchedule().withIntervalInMilliseconds(interval.toMillis())
                            .repeatForever().withMisfireHandlingInstructionNowWithExistingCount())
                    .build();
            scheduler.scheduleJob(job, Set.of(trigger), true);
            log.info("periodic task {} scheduled every {}; first run at {}", task, interval, first);
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not schedule the periodic task " + task + ": " + e.getMessage(), e);
        }
    }

    /** Removes a periodic task (its policy section is gone), on every node. */
    public void stopEvery(String task) {
        jobs.unregister(task);
        try {
            scheduler.deleteJob(JobKey.jobKey(task, ExpiryJobs.PERIODIC));
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not remove the periodic task " + task + ": " + e.getMessage(), e);
        }
    }

    /** When the periodic task next runs, if it is scheduled. */
    public java.util.Optional<Instant> nextRun(String task) {
        try {
            Trigger t = scheduler.getTrigger(org.quartz.TriggerKey.triggerKey(task, ExpiryJobs.PERIODIC));
            return t == null || t.getNextFireTime() == null ? java.util.Optional.empty()
                    : java.util.Optional.of(t.getNextFireTime().toInstant());
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not read the periodic task " + task + ": " + e.getMessage(), e);
        }
    }

    /** When each kind of job for {@code id} will next fire (for tests and {@code /jit show}); empty kinds left out. */
    public List<String> scheduled(RequestId id) {
        List<String> out = new ArrayList<>();
        try {
            for (ExpiryJobs.Kind kind : ExpiryJobs.Kind.values()) {
                Trigger t = scheduler.getTrigger(org.quartz.TriggerKey.triggerKey(id.value(), kind.group));
                if (t != null && t.getNextFireTime() != null) {
                    out.add(kind.group + "@" + t.getNextFireTime().toInstant());
                }
            }
        } catch (SchedulerException e) {
            throw new IllegalStateException("could not read the jobs of " + id + ": " + e.getMessage(), e);
        }
        return out;
    }

    /** Hands Quartz connections from jitbot's pool; the pool is closed by its owner, not by Quartz. */
    private static final class SharedPool implements ConnectionProvider {
        private final DataSource dataSource;

        SharedPool(DataSource dataSource) {
            this.dataSource = dataSource;
        }

        @Override
        public Connection getConnection() throws SQLException {
            return dataSource.getConnection();
        }

        @Override
        public void shutdown() {
            // The Database owns the pool.
        }

        @Override
        public void initialize() {
            // Nothing: the pool is already open.
        }
    }
}
