package dev.jitbot.deploy;

import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.app.Directory;
import dev.jitbot.core.domain.Policy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;

/**
 * Runs the bot: one Jetty server with the Slack and Teams endpoints, health, readiness and metrics. The server
 * answers {@code /healthz} at once and {@code /readyz} with 503 until the database and scheduler are up.
 */
@Command(name = "serve", description = "Run the bot: Slack and Teams endpoints, /healthz, /readyz, /metrics.")
final class ServeCommand extends Main.Env implements java.util.concurrent.Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(ServeCommand.class);
    /** A request waits for the on-call answer before it is filed, inside Slack's 3-second ack. */
    private static final Duration ONCALL_TIMEOUT = Duration.ofMillis(1500);

    @Override
    public Integer call() throws Exception {
        long t0 = System.nanoTime();
        Config config = config();
        config.requirePolicyFile();
        Policy loaded = Pieces.loadPolicy(config.policyFile(), err);
        if (loaded == null) {
            return Main.REFUSED;
        }
        AtomicReference<Policy> policy = new AtomicReference<>(loaded);
        log.info("starting jitbot: port {}, database {}, policy {} ({} rules), Azure mode {}, Slack {}, Teams {}",
                config.httpPort(), Config.redactUrl(config.database().url()), config.policyFile(),
                loaded.rules().size(), config.azure().mode().word(),
                config.slack().enabled() ? (config.slack().socketMode() ? "on (Socket Mode)" : "on (HTTP)") : "off",
                config.teams().enabled() ? "on" : "off");

        Metrics metrics = new Metrics();
        AtomicReference<Backend> backend = new AtomicReference<>();
        Readiness readiness = new Readiness(backend::get);
        HttpServer http = new HttpServer(config.httpPort(), config.metricsPort() == 0 ? -1 : config.metricsPort(),
                readiness::ready, readiness::describe, metrics::scrape);
        LateServlet slackEndpoint = new LateServlet("Slack");
        LateServlet teamsEndpoint = new LateServlet("Teams");
        if (config.slack().enabled() && !config.slack().socketMode()) {
            http.mount(HttpServer.SLACK_PATH, slackEndpoint);
        }
        if (config.teams().enabled()) {
            http.mount(HttpServer.TEAMS_PATH, teamsEndpoint);
        }
        java.util.Optional<dev.jitbot.deploy.api.EntraTokens.Settings> api = ApiConfig.from(env);
        LateServlet apiEndpoint = new LateServlet("The jitbot API");
        if (api.isPresent()) {
            http.mount(HttpServer.API_PATH, apiEndpoint);
        }
        http.start();
        log.info("listening on port {}; /readyz answers 503 until the database and scheduler are up", http.port());

        List<AutoCloseable> closing = new CopyOnWriteArrayList<>();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            log.info("stopping");
            stop(readiness, http, backend.get(), closing);
            stopped.countDown();
        }, "jitbot-shutdown"));

        Backend b = openWithRetry(config, new DatabaseWait(Clock.systemUTC()), readiness);
        backend.set(b);
        metrics.watch(b.requests());
        Clock clock = Clock.systemUTC();
        Pieces.Azure azure = Pieces.azure(config, policy::get, null);
        AccessProvider provider = metrics.provider(azure.provider());
        Directory directory = azure.directory();
        Core core = new Core(new MeteredBackend(b, metrics), policy::get, provider, directory, clock,
                List.<ChatNotifier>of(), config.workers(),
                new dev.jitbot.core.oncall.HttpOnCallSource(env, ONCALL_TIMEOUT));
        core.useInventory(azure.inventory());
        core.work.onRevocationLag(metrics::revocationLag);
        metrics.watch(core.outbox, core.work, core.runner);
        for (Pieces.Chat chat : Pieces.chats(config, core, clock)) {
            closing.add(chat);
            core.notifications.register(metrics.notifier(chat.notifier()));
            if (chat.servlet() != null) {
                (chat.slack() ? slackEndpoint : teamsEndpoint).become(chat.servlet());
            }
            chat.start();
        }
        if (api.isPresent()) {
            apiEndpoint.become(Pieces.api(api.get(), core, clock));
            log.info("API on at {} for audience {} (tenant {})", HttpServer.API_PATH, api.get().audience(),
                    api.get().tenant());
        }
        scheduleReports(config, core, policy.get(), azure, b, clock);
        // Closed before the chat modules: the workers stop delivering before the notifiers go away.
        closing.add(core);
        core.start();
        readiness.schedulerStarted();
        log.info("ready after {} ms", Duration.ofNanos(System.nanoTime() - t0).toMillis());
        Pieces.reconcileInBackground(config, core, policy::get);
        stopped.await();
        return 0;
    }

    /** Quartz task names of the reports policy.yaml schedules. */
    static final String SCAN_TASK = "scan-digest";
    static final String REVIEW_TASK = "review-digest";

    /**
     * Schedules (or unschedules) the weekly scan digest and the monthly eligibility review as {@code scan:} and
     * {@code review:} say, on the clustered job store, before the scheduler starts: so they run on one replica and
     * a restart keeps their next time.
     */
    static void scheduleReports(Config config, Core core, Policy p, Pieces.Azure azure, Backend b, Clock clock) {
        if (!(b.scheduler() instanceof dev.jitbot.core.schedule.QuartzExpiryScheduler quartz)) {
            return;
        }
        dev.jitbot.core.app.StandingAccessScan scan = azure.inventory() == null ? null
                : new dev.jitbot.core.app.StandingAccessScan(core.policy, azure.inventory(), azure.directory(), clock);
        dev.jitbot.core.app.SecurityReports reports = new dev.jitbot.core.app.SecurityReports(core.policy, scan,
                new dev.jitbot.core.app.EligibilityReview(core.policy, b.requests(), clock), core.outbox,
                core.notifications, clock, config.policyFile().getFileName().toString());
        Policy.Reports r = p.reports();
        if (r.scan() != null) {
            quartz.every(SCAN_TASK, r.scan().every(), reports::postScan);
        } else {
            quartz.stopEvery(SCAN_TASK);
        }
        if (r.review() != null) {
            quartz.every(REVIEW_TASK, r.review().every(), reports::postReview);
        } else {
            quartz.stopEvery(REVIEW_TASK);
        }
    }

    /**
     * Stops in the order that lets work in flight finish: readiness and HTTP first (no new requests), then the
     * scheduler (no new expiries; a running one still has chat, core and database), then {@code closing} newest
     * first (chat modules, the core's pool), and the database last.
     */
    static void stop(Readiness readiness, AutoCloseable http, Backend backend, List<AutoCloseable> closing) {
        readiness.stopping();
        closeQuietly(http);
        if (backend != null) {
            closeQuietly(backend::stopScheduler);
        }
        for (int i = closing.size() - 1; i >= 0; i--) {
            closeQuietly(closing.get(i));
        }
        if (backend != null) {
            closeQuietly(backend);
        }
    }

    private static Backend openWithRetry(Config config, DatabaseWait waiting, Readiness readiness)
            throws InterruptedException {
        Duration wait = Duration.ofSeconds(1);
        String url = Config.redactUrl(config.database().url());
        while (true) {
            try {
                Backend b = Pieces.openBackend(config.database());
                readiness.databaseProblem(null);
                return b;
            } catch (RuntimeException e) {
                String incurable = incurable(e);
                readiness.databaseProblem(incurable);
                if (incurable == null) {
                    log.warn("database {} not usable yet ({}); retrying in {} s", url, rootMessage(e), wait.toSeconds());
                } else if (waiting.shouldLog(incurable)) {
                    // Retrying cannot cure this until someone fixes it, so the log says it once a minute, not per try.
                    log.error("database {} refuses jitbot: {} ({}); still retrying every {} s, logged once a minute",
                            url, incurable, rootMessage(e), Math.min(15, wait.multipliedBy(2).toSeconds()));
                }
                Thread.sleep(wait.toMillis());
                wait = wait.multipliedBy(2).compareTo(Duration.ofSeconds(15)) > 0 ? Duration.ofSeconds(15)
                        : wait.multipliedBy(2);
            }
        }
    }

    /**
     * What a database failure that no retry can cure means to an operator (credentials refused, no such database),
     * or null for one that may pass (the server not up yet, the network).
     */
    static String incurable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                if (state.startsWith("28")) {
                    return "the database refused jitbot's credentials (authentication failed); fix JITBOT_DB_USER "
                            + "and JITBOT_DB_PASSWORD, or the database user's password";
                }
                if (state.equals("3D000")) {
                    return "the database named in JITBOT_DB_URL does not exist; create it or fix JITBOT_DB_URL";
                }
            }
        }
        return null;
    }

    /** Start-up's wait for a database that refuses jitbot: when it last said so in the log. */
    static final class DatabaseWait {
        static final Duration LOG_EVERY = Duration.ofMinutes(1);
        private final Clock clock;
        private Instant logged;
        private String problem;

        DatabaseWait(Clock clock) {
            this.clock = clock;
        }

        /** Whether to log {@code incurable} now: the first time, when it changed, and then once a minute. */
        boolean shouldLog(String incurable) {
            Instant now = clock.instant();
            if (logged == null || !incurable.equals(problem) || !now.isBefore(logged.plus(LOG_EVERY))) {
                logged = now;
                problem = incurable;
                return true;
            }
            return false;
        }
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getClass().getSimpleName() + (t.getMessage() != null ? ": " + t.getMessage() : "");
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            log.warn("while stopping: {}", e.toString());
        }
    }

    /** What {@code /readyz} reports: the database answers and the scheduler fires jobs. */
    static final class Readiness {
        private final java.util.function.Supplier<Backend> backend;
        private volatile boolean schedulerStarted;
        private volatile boolean stopping;
        private volatile String databaseProblem;

        Readiness(java.util.function.Supplier<Backend> backend) {
            this.backend = backend;
        }

        void schedulerStarted() {
            schedulerStarted = true;
        }

        void stopping() {
            stopping = true;
        }

        /** Why the database cannot be opened while no retry will help (null: none, or it may pass). */
        void databaseProblem(String problem) {
            databaseProblem = problem;
        }

        boolean ready() {
            Backend b = backend.get();
            return !stopping && schedulerStarted && b != null && b.schedulerStarted() && b.databaseUp();
        }

        String describe() {
            Backend b = backend.get();
            if (stopping) {
                return "stopping";
            }
            if (b == null) {
                String problem = databaseProblem;
                return problem == null ? "not ready: database not connected yet" : "not ready: " + problem;
            }
            if (!schedulerStarted || !b.schedulerStarted()) {
                return "not ready: scheduler not started yet";
            }
            return b.databaseUp() ? "ready" : "not ready: database not answering";
        }
    }

    /** The backend with its audit log counted by the metrics. */
    private record MeteredBackend(Backend b, Metrics metrics, dev.jitbot.core.app.AuditLog audit,
                                  dev.jitbot.core.app.Outbox outbox) implements Backend {
        MeteredBackend(Backend b, Metrics metrics) {
            this(b, metrics, metrics.audited(b.audit()), metrics.counted(b.outbox()));
        }

        @Override
        public dev.jitbot.core.app.RequestStore requests() {
            return b.requests();
        }

        @Override
        public dev.jitbot.core.app.ConversationStore conversations() {
            return b.conversations();
        }

        @Override
        public dev.jitbot.core.app.ExpiryScheduler scheduler() {
            return b.scheduler();
        }



        @Override
        public void start(dev.jitbot.core.app.ExpiryService expiry) {
            b.start(expiry);
        }

        @Override
        public void stopScheduler() {
            b.stopScheduler();
        }

        @Override
        public boolean schedulerStarted() {
            return b.schedulerStarted();
        }

        @Override
        public boolean databaseUp() {
            return b.databaseUp();
        }

        @Override
        public void close() {
            b.close();
        }
    }
}
