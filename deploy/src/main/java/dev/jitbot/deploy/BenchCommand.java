package dev.jitbot.deploy;

import dev.jitbot.deploy.console.ConsoleSession;
import dev.jitbot.core.app.AuditLog;
import dev.jitbot.core.app.Directory;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Command;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.PrincipalType;
import dev.jitbot.core.domain.Refusal;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.policy.PolicyLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import picocli.CommandLine;
import picocli.CommandLine.Option;

/**
 * Measures the real core (AccessService, ExpiryService, the Quartz scheduler, the JDBC stores) on the configured
 * database, or a temporary H2 file, with a stand-in for Azure that takes a fixed time per call, and prints the
 * numbers: how late expired grants are revoked, how long an approval takes to become a grant, what concurrent
 * approvals of one request cost, and how fast the audit log appends and verifies. The burst section instead drives
 * {@code jitbot serve} itself through signed Slack requests against fake Slack and ARM servers ({@link BurstBench}).
 * Nothing here is a pass/fail target except the invariants (every grant revoked, one grant call per request, an
 * intact chain, every accepted request granted once).
 */
@CommandLine.Command(name = "bench", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = {
        "Measure expiry, approval and audit performance on the configured database (default: a temporary H2 file, "
                + "deleted at the end) with a simulated Azure that takes --provider-latency per call. Prints a table.",
        "burst: starts `jitbot serve` in a JVM of its own (Slack over HTTP, rbac mode) against in-process fake Slack "
                + "and ARM servers, ARM throttling writes at --arm-burst + --arm-refill/s with 429 and Retry-After, "
                + "and sends --burst-requests signed `/jit request` slash commands from --burst-senders people: "
                + "turned away, ack latency, grant throughput against the throttle, revocation lag while grants "
                + "are queued.",
        "Exit 0 with the numbers; 1 when an invariant broke (a grant not revoked, a second grant call, a broken "
                + "chain, an accepted request never granted)."})
final class BenchCommand extends Main.Env implements Callable<Integer> {

    private static final List<String> SECTIONS = List.of("expiry", "approvals", "audit", "burst", "scan", "ack",
            "approve", "revocation", "throttle", "kill", "startup", "ha");
    /** The sections that drive {@code jitbot serve} through its HTTP endpoints ({@link FireBench}). */
    private static final List<String> SERVE_SECTIONS = List.of("ack", "approve", "revocation", "throttle", "kill",
            "startup", "ha");
    private static final List<String> CORE_SECTIONS = List.of("expiry", "approvals", "audit");
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
            new com.fasterxml.jackson.databind.ObjectMapper();
    /** Threads filing the expiry section's requests; the grant call's latency dominates, not the CPU. */
    private static final int REQUEST_THREADS = 16;

    @Option(names = "--grants", defaultValue = "1000", paramLabel = "N",
            description = "expiry: auto-approved grants, each for its own principal (default: ${DEFAULT-VALUE})")
    int grants;

    @Option(names = "--window", defaultValue = "60s", paramLabel = "DURATION", converter = Span.class,
            description = "expiry: their expiries are spread evenly over this long, e.g. 60s, 0s for a burst "
                    + "(default: ${DEFAULT-VALUE})")
    Duration window;

    @Option(names = "--provider-latency", defaultValue = "50ms", paramLabel = "DURATION", converter = Span.class,
            description = "how long each simulated Azure call (grant, revoke) takes; in burst, each call to the fake "
                    + "ARM (default: ${DEFAULT-VALUE})")
    Duration latency;

    @Option(names = "--threads", defaultValue = "0", paramLabel = "N",
            description = "expiry: scheduler threads, revocations at once (default: the scheduler's own)")
    int threads;

    @Option(names = "--requests", defaultValue = "200", paramLabel = "M",
            description = "approvals: requests filed and approved one after another (default: ${DEFAULT-VALUE})")
    int requests;

    @Option(names = "--approvers", defaultValue = "50", paramLabel = "T",
            description = "approvals: people approving one request at the same moment (default: ${DEFAULT-VALUE})")
    int approvers;

    @Option(names = "--audit-rows", defaultValue = "10000", paramLabel = "K",
            description = "audit: events appended before verify() (default: ${DEFAULT-VALUE})")
    int auditRows;

    @Option(names = "--burst-requests", defaultValue = "1000", paramLabel = "N",
            description = "burst: signed /jit request slash commands sent (default: ${DEFAULT-VALUE})")
    int burstRequests;

    @Option(names = "--burst-senders", defaultValue = "50", paramLabel = "S",
            description = "burst: Slack users sending them, each a person the policy lists (default: ${DEFAULT-VALUE})")
    int burstSenders;

    @Option(names = "--burst-threads", defaultValue = "50", paramLabel = "T",
            description = "burst: client threads sending as fast as they can (default: ${DEFAULT-VALUE})")
    int burstThreads;

    @Option(names = "--arm-burst", defaultValue = "200", paramLabel = "B",
            description = "burst: the fake ARM's write bucket, and its delete bucket, per subscription "
                    + "(default: ${DEFAULT-VALUE})")
    int armBurst;

    @Option(names = "--arm-refill", defaultValue = "10", paramLabel = "R",
            description = "burst: their refill per second; past it ARM answers 429 with Retry-After "
                    + "(default: ${DEFAULT-VALUE})")
    double armRefill;

    @Option(names = "--burst-short", defaultValue = "1m", paramLabel = "DURATION", converter = Span.class,
            description = "burst: the duration of every fifth grant among the first --arm-burst, which expire while "
                    + "the rest still queue when the queue outlasts them; at least 1m (jitbot's shortest grant), or "
                    + "0s for none (default: ${DEFAULT-VALUE})")
    Duration burstShort;

    @Option(names = "--burst-warmup", defaultValue = "20", paramLabel = "W",
            description = "burst: requests sent first on another subscription and not counted: the server's JIT "
                    + "warm-up; 0 for none (default: ${DEFAULT-VALUE})")
    int burstWarmup;

    @Option(names = "--ack-requests", defaultValue = "1000", paramLabel = "N",
            description = "ack: signed slash commands sent (default: ${DEFAULT-VALUE})")
    int ackRequests;

    @Option(names = "--ack-threads", defaultValue = "50", paramLabel = "T",
            description = "ack: requesters sending at once (default: ${DEFAULT-VALUE})")
    int ackThreads;

    @Option(names = "--approve-requests", defaultValue = "200", paramLabel = "N",
            description = "approve: requests approved by a click, one after another (default: ${DEFAULT-VALUE})")
    int approveRequests;

    @Option(names = "--expiring", defaultValue = "1000", paramLabel = "N",
            description = "revocation: one-minute grants filed as fast as serve takes them (default: ${DEFAULT-VALUE})")
    int expiring;

    @Option(names = "--throttle-grants", defaultValue = "1000", paramLabel = "N",
            description = "throttle: one-minute grants whose revocations meet ARM's delete bucket of --arm-burst + "
                    + "--arm-refill/s (default: ${DEFAULT-VALUE})")
    int throttleGrants;

    @Option(names = "--kill-grants", defaultValue = "1000", paramLabel = "N",
            description = "kill: one-minute grants held when serve is killed with -9 (default: ${DEFAULT-VALUE})")
    int killGrants;

    @Option(names = "--active-grants", defaultValue = "10000", paramLabel = "N",
            description = "startup: one-hour grants active when serve starts again (default: ${DEFAULT-VALUE})")
    int activeGrants;

    @Option(names = "--ha-grants", defaultValue = "10000", paramLabel = "N",
            description = "ha: one-minute grants revoked by two replicas (default: ${DEFAULT-VALUE})")
    int haGrants;

    @Option(names = "--db", paramLabel = "URL",
            description = "ha: the PostgreSQL the two replicas share, e.g. jdbc:postgresql://localhost:5432/jitbot; "
                    + "user and password from JITBOT_DB_USER and JITBOT_DB_PASSWORD. The run makes a schema of its "
                    + "own there and drops it at the end. Without it, ha is skipped")
    String db;

    @Option(names = "--only", split = ",", paramLabel = "SECTION",
            description = "run these sections only, e.g. --only burst or --only ack,approve: expiry, approvals, "
                    + "audit, burst, scan, ack, approve, revocation, throttle, kill, startup, ha")
    List<String> only;

    @Option(names = "--scan-assignments", defaultValue = "5000", paramLabel = "N",
            description = "role assignments under the fake subscription that `--only scan` lists and rates (default 5000)")
    int scanAssignments;

    @Option(names = "--json", description = "print one JSON object per section (one line each) instead of the table")
    boolean json;

    private final Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws Exception {
        String usage = checkOptions();
        if (usage != null) {
            err.println(usage);
            return Main.REFUSED;
        }
        Config config = config();
        String configuredUrl = env.get("JITBOT_DB_URL");
        boolean configured = configuredUrl != null && !configuredUrl.isBlank();
        int exit = 0;
        if (CORE_SECTIONS.stream().anyMatch(this::runs)) {
            Path temp = configured ? null : Files.createTempDirectory("jitbot-bench-");
            Config.Database database = configured ? config.database()
                    : new Config.Database("jdbc:h2:file:" + temp.resolve("bench").toAbsolutePath(), null, null);
            try {
                exit = run(database, configured);
            } finally {
                if (temp != null) {
                    deleteTree(temp);
                }
            }
        }
        if (exit != Main.REFUSED && runs("burst")) {
            exit = Math.max(exit, burst(config.database(), configured));
        }
        if (exit != Main.REFUSED && runs("scan")) {
            exit = Math.max(exit, scan());
        }
        for (String section : SERVE_SECTIONS) {
            if (exit != Main.REFUSED && runs(section)) {
                exit = Math.max(exit, fire(section));
            }
        }
        return exit;
    }

    // ------------------------------------------------------------------------------------------------ scan

    /**
     * {@code jitbot scan}'s work, in this process, against the fake ARM over HTTPS with the real SDK clients: list
     * {@code --scan-assignments} role assignments (pages of 1,000) and the PIM instances under one subscription, read
     * the role definitions, and rate every assignment. Run twice: the first pays for the token, TLS and definitions.
     */
    private int scan() throws Exception {
        section("scan", scanAssignments + " role assignments under one subscription, listed in pages of "
                + BenchArm.PAGE + " over HTTPS from the fake ARM (" + millis(latency) + " a call) by the real ARM "
                + "SDK clients, classified and rated as `jitbot scan` does");
        Path temp = Files.createTempDirectory("jitbot-bench-scan-");
        try (BenchArm arm = new BenchArm(temp, new BenchArm.Throttle(armBurst, armRefill), latency)) {
            arm.seedStanding(BurstBench.SUBSCRIPTION, scanAssignments);
            // This JVM calls the fake itself: trust its certificate (nothing here has used TLS yet).
            System.setProperty("javax.net.ssl.trustStore", arm.keystore.toString());
            System.setProperty("javax.net.ssl.trustStorePassword", BenchArm.PASSWORD);
            System.setProperty("javax.net.ssl.trustStoreType", "PKCS12");
            java.util.Map<String, String> azureEnv = new java.util.HashMap<>(arm.env());
            dev.jitbot.core.azure.AzureAccess access = dev.jitbot.core.azure.AzureAccess.create(
                    dev.jitbot.core.azure.AzureSettings.fromEnvironment(azureEnv), clock);
            Policy policy = dev.jitbot.core.policy.PolicyLoader.parse(String.join("\n",
                    "groups:", "  engineers: { members: [alice@contoso.com] }",
                    "rules:", "  - name: read the bench subscription", "    role: Reader",
                    "    scopes: [/subscriptions/" + BurstBench.SUBSCRIPTION + "]", "    requesters: [engineers]",
                    "    approvals: 0", ""), "bench-policy.yaml").orThrow().policy();
            dev.jitbot.core.app.StandingAccessScan scan = new dev.jitbot.core.app.StandingAccessScan(() -> policy,
                    access.inventory().orElseThrow(), new dev.jitbot.core.policy.PolicyDirectory(() -> policy), clock);
            long t0 = System.nanoTime();
            dev.jitbot.core.app.StandingAccessScan.Report cold = scan.run();
            Duration first = Duration.ofNanos(System.nanoTime() - t0);
            long t1 = System.nanoTime();
            dev.jitbot.core.app.StandingAccessScan.Report report = scan.run();
            Duration warm = Duration.ofNanos(System.nanoTime() - t1);
            long tl = System.nanoTime();
            access.inventory().orElseThrow().list(policy.managedScopes());
            Duration listing = Duration.ofNanos(System.nanoTime() - tl);
            // Printing is part of a scan too: the JSON of every finding, as `--format json` writes it.
            long t2 = System.nanoTime();
            int chars = ScanCommand.json(report).length();
            Duration printing = Duration.ofNanos(System.nanoTime() - t2);
            if (report.findings().size() != scanAssignments || cold.findings().size() != scanAssignments) {
                row("NOT all listed", report.findings().size() + " of " + scanAssignments + " assignments; not "
                        + "readable: " + report.notReadable());
                return 1;
            }
            var kinds = report.byKind();
            var risks = report.standingByRisk();
            row("first scan", seconds(first) + "  (token, TLS, role definitions, " + scanAssignments
                    + " assignments)");
            row("scan of " + scanAssignments + " assignments", seconds(warm) + String.format(Locale.ROOT,
                    "  (%.0f assignments/s, definitions cached)", scanAssignments / Math.max(warm.toNanos() / 1e9,
                            1e-9)));
            row("of which listing", seconds(listing) + "  (" + ((scanAssignments + BenchArm.PAGE - 1) / BenchArm.PAGE)
                    + " pages of role assignments, 2 PIM listings)");
            row("JSON of the findings", millis(printing) + " for " + chars + " characters");
            row("found", kinds.get(dev.jitbot.core.app.StandingAccessScan.Kind.STANDING) + " standing ("
                    + risks.get(dev.jitbot.core.app.StandingAccessScan.Risk.CRITICAL) + " critical, "
                    + risks.get(dev.jitbot.core.app.StandingAccessScan.Risk.HIGH) + " high), "
                    + kinds.get(dev.jitbot.core.app.StandingAccessScan.Kind.JITBOT) + " jitbot");
            number("assignments", scanAssignments);
            number("first_scan_ms", first.toMillis());
            number("scan_ms", warm.toMillis());
            number("listing_ms", listing.toMillis());
            number("json_ms", printing.toMillis());
            return 0;
        } finally {
            endSection();
            deleteTree(temp);
        }
    }

    // ------------------------------------------------------------------------------------------------ serve rows

    private static final java.util.Map<String, String> ABOUT = java.util.Map.of(
            "ack", "ack latency of signed `/jit request` slash commands from many requesters at once",
            "approve", "an approver's signed click on a card until ARM receives the grant's PUT",
            "revocation", "one-minute grants expiring within a minute: expiry until ARM receives the DELETE",
            "throttle", "revocations against ARM's delete throttle (429 with Retry-After once its bucket is empty)",
            "kill", "serve killed with -9 while its grants run, started again once all of them are overdue",
            "startup", "start-up to /readyz 200, and the resident memory, with many active grants",
            "ha", "two replicas on PostgreSQL revoking many grants, one killed with -9 among them");

    private int fire(String section) throws Exception {
        section(section, ABOUT.get(section) + " (`jitbot serve` in its own JVM, Slack over HTTP, rbac against "
                + "in-process fake Slack and ARM)");
        Path temp = Files.createTempDirectory("jitbot-bench-" + section + "-");
        try {
            FireBench.Settings settings = new FireBench.Settings(ackRequests, ackThreads, approveRequests, expiring,
                    latency, throttleGrants, new BenchArm.Throttle(armBurst, armRefill), killGrants, activeGrants,
                    haGrants, db == null || db.isBlank() ? null
                    : new FireBench.Db(db.strip(), env.get("JITBOT_DB_USER"), env.get("JITBOT_DB_PASSWORD")));
            FireBench bench = new FireBench(settings, new BurstBench.Report() {
                @Override
                public void row(String what, String value) {
                    BenchCommand.this.row(what, value);
                }

                @Override
                public void number(String key, Object value) {
                    BenchCommand.this.number(key, value);
                }
            }, err);
            return switch (section) {
                case "ack" -> bench.ack(temp);
                case "approve" -> bench.approve(temp);
                case "revocation" -> bench.revocation(temp);
                case "throttle" -> bench.throttle(temp);
                case "kill" -> bench.kill(temp);
                case "startup" -> bench.startup(temp);
                default -> bench.ha(temp);
            };
        } catch (RuntimeException e) {
            row("FAILED", String.valueOf(e.getMessage()));
            return 1;
        } finally {
            endSection();
            deleteTree(temp);
        }
    }

    // ------------------------------------------------------------------------------------------------ burst

    private int burst(Config.Database database, boolean configured) throws Exception {
        if (configured) {
            try (JdbcBackend backend = JdbcBackend.open(database)) {
                if (!backend.requests().findByState(ConsoleSession.OPEN).isEmpty()) {
                    err.println("jitbot bench refuses to run the burst on " + Config.redactUrl(database.url())
                            + ": it holds open requests, and serve would act on them against a fake Azure. Point "
                            + "JITBOT_DB_URL at an empty database of its own, or unset it to use a temporary H2 file.");
                    return Main.REFUSED;
                }
            }
        }
        section("burst", burstRequests + " signed `/jit request Reader` slash commands from " + burstSenders
                + " senders, " + burstThreads + " client thread" + (burstThreads == 1 ? "" : "s") + ", through POST " + HttpServer.SLACK_PATH
                + " of `jitbot serve` on " + (configured ? Config.redactUrl(database.url()) : "a temporary H2 file")
                + "; fake ARM throttles writes at " + armBurst + " + " + BurstBench.trim(armRefill)
                + "/s per subscription, " + millis(latency) + " a call");
        Path temp = Files.createTempDirectory("jitbot-bench-burst-");
        try {
            BurstBench.Settings settings = new BurstBench.Settings(burstRequests, burstSenders, burstThreads,
                    new BenchArm.Throttle(armBurst, armRefill), latency, burstShort, burstWarmup);
            return new BurstBench(settings, env, new BurstBench.Report() {
                @Override
                public void row(String what, String value) {
                    BenchCommand.this.row(what, value);
                }

                @Override
                public void number(String key, Object value) {
                    BenchCommand.this.number(key, value);
                }
            }, err).run(temp);
        } finally {
            endSection();
            deleteTree(temp);
        }
    }

    private String checkOptions() {
        for (String section : only == null ? List.<String>of() : only) {
            if (!SECTIONS.contains(section.strip().toLowerCase(Locale.ROOT))) {
                return "--only " + section + " is not a section; use one of " + String.join(", ", SECTIONS)
                        + ", e.g. --only expiry, or several: --only ack,approve.";
            }
        }
        if (ackRequests < 1 || ackThreads < 1 || approveRequests < 1 || expiring < 1 || throttleGrants < 1
                || killGrants < 1 || activeGrants < 1 || haGrants < 1) {
            return "--ack-requests, --ack-threads, --approve-requests, --expiring, --throttle-grants, --kill-grants, "
                    + "--active-grants and --ha-grants must each be at least 1.";
        }
        if (db != null && !db.isBlank() && !db.strip().startsWith("jdbc:postgresql:")) {
            return "--db " + Config.redactUrl(db) + " is not a PostgreSQL URL; write e.g. "
                    + "--db jdbc:postgresql://localhost:5432/jitbot (two replicas need a database both reach).";
        }
        if (burstRequests < 1 || burstSenders < 1 || burstThreads < 1 || armBurst < 1 || armRefill <= 0
                || burstWarmup < 0 || (!burstShort.isZero() && burstShort.compareTo(Duration.ofMinutes(1)) < 0)) {
            return "--burst-requests, --burst-senders, --burst-threads, --arm-burst and --arm-refill must be positive, "
                    + "--burst-short 0s (none) or at least 1m (jitbot grants nothing shorter), and --burst-warmup at "
                    + "least 0.";
        }
        if (grants < 1 || requests < 1 || auditRows < 1 || scanAssignments < 1) {
            return "--grants, --requests, --audit-rows and --scan-assignments must each be at least 1.";
        }
        if (approvers < 2) {
            return "--approvers must be at least 2: it is how many people approve one request at once.";
        }
        if (threads < 0) {
            return "--threads must be at least 1 (or leave it out for the scheduler's default).";
        }
        return null;
    }

    private boolean runs(String section) {
        return only == null || only.stream().anyMatch(o -> o.strip().equalsIgnoreCase(section));
    }

    private int run(Config.Database database, boolean configured) throws Exception {
        try (JdbcBackend backend = JdbcBackend.open(database, threads)) {
            if (configured && !backend.requests().findByState(ConsoleSession.OPEN).isEmpty()) {
                err.println("jitbot bench refuses to run on " + Config.redactUrl(database.url()) + ": it holds open "
                        + "requests, and the bench's scheduler would act on them with a simulated Azure. Point "
                        + "JITBOT_DB_URL at an empty database of its own, or unset it to use a temporary H2 file.");
                return Main.REFUSED;
            }
            SlowProvider provider = new SlowProvider(latency);
            Policy policy = benchPolicy();
            try (Core core = new Core(backend, () -> policy, provider, new BenchDirectory(), clock, List.of())) {
                core.start();
                say("jitbot bench on " + (configured ? (backend.isPostgres() ? "PostgreSQL " : "H2 ")
                        + Config.redactUrl(database.url()) : "a temporary H2 file (deleted at the end)")
                        + "; simulated Azure takes " + millis(latency) + " per call; " + backend.schedulerThreads()
                        + " scheduler threads");
                if (configured) {
                    say("(the requests and audit events it makes stay in that database)");
                }
                int exit = 0;
                if (runs("expiry")) {
                    exit = Math.max(exit, expiry(core, backend));
                    endSection();
                }
                if (runs("approvals")) {
                    exit = Math.max(exit, approvals(core, provider));
                    endSection();
                }
                if (runs("audit")) {
                    exit = Math.max(exit, audit(core.audit));
                    endSection();
                }
                return exit;
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ expiry

    /**
     * Files the grants ahead of their expiries, {@code lead} before each, so filing keeps pace with expiring; each
     * grant's duration is chosen when it is filed so that its expiry lands on its place in the window.
     */
    private int expiry(Core core, JdbcBackend backend) throws InterruptedException {
        section("expiry", grants + " auto-approved grants expiring " + (window.isZero() ? "at the same instant"
                : "over " + seconds(window)) + ", "
                + backend.schedulerThreads() + " scheduler threads");
        Semaphore revoked = new Semaphore(0);
        core.work.onRevocationLag(lag -> revoked.release());
        // Filing must stay ahead of expiring. When the window is too short to file at its pace, start early by a
        // generous multiple of the shortfall: filing slows as open grants pile up (each request checks them all
        // for a duplicate), and the rows below say how many still fell behind.
        Duration burst = latency.plusMillis(10).multipliedBy(grants).dividedBy(REQUEST_THREADS);
        Duration shortfall = burst.compareTo(window) > 0 ? burst.minus(window) : Duration.ZERO;
        Duration lead = Duration.ofSeconds(2).plus(shortfall.multipliedBy(4));
        Instant first = clock.instant().plus(lead);
        Instant filingStarted = clock.instant();
        ExecutorService pool = Executors.newFixedThreadPool(REQUEST_THREADS, dev.jitbot.core.app.Threads.named("jitbot-bench-request"));
        AtomicInteger behind = new AtomicInteger();
        List<Future<Outcome>> filed = new ArrayList<>();
        try {
            for (int i = 0; i < grants; i++) {
                Instant target = grants == 1 ? first : first.plus(window.multipliedBy(i).dividedBy(grants - 1));
                sleepUntil(target.minus(lead));
                ChatUser user = user("bench-expiry-" + i);
                filed.add(pool.submit(() -> {
                    Duration d = Duration.between(clock.instant(), target).minus(latency);
                    if (d.compareTo(Duration.ofMillis(100)) < 0) {
                        behind.incrementAndGet();
                        d = Duration.ofMillis(100);
                    }
                    return core.service.request(user, new Command.Request("Reader", "bench", d,
                            "bench: expiry", null, null));
                }));
            }
            List<RequestId> ids = new ArrayList<>();
            List<String> refused = new ArrayList<>();
            for (Future<Outcome> f : filed) {
                Outcome o = result(f);
                if (o instanceof Outcome.Activating g) {
                    ids.add(g.request().id());
                } else {
                    refused.add(describe(o));
                }
            }
            Duration filing = Duration.between(filingStarted, clock.instant());
            row("grants filed", ids.size() + " in " + seconds(filing) + ", each " + seconds(lead)
                    + " before its expiry" + (behind.get() > 0 ? " (" + behind.get()
                    + " filed behind schedule: their expiries bunch up)" : ""));
            if (!refused.isEmpty()) {
                row("NOT granted", refused.size() + ", e.g. " + refused.get(0));
            }
            Instant lastTarget = first.plus(window);
            Duration wait = Duration.between(clock.instant(), lastTarget).plusSeconds(120)
                    .plus(latency.multipliedBy(ids.size()).dividedBy(Math.max(1, backend.schedulerThreads())));
            boolean all = revoked.tryAcquire(ids.size(), Math.max(1, wait.toMillis()), TimeUnit.MILLISECONDS);
            List<AccessRequest> ended = ids.stream().map(id -> backend.requests().find(id).orElseThrow())
                    .filter(r -> r.endedAt() != null && r.expiresAt() != null && r.state() == State.ENDED)
                    .toList();
            if (!all || ended.size() < ids.size()) {
                row("NOT revoked", (ids.size() - ended.size()) + " of " + ids.size() + " grants still held "
                        + seconds(Duration.between(lastTarget, clock.instant())) + " after the last expiry");
            }
            if (!ended.isEmpty()) {
                long[] lags = ended.stream().mapToLong(r -> Math.max(0,
                        Duration.between(r.expiresAt(), r.endedAt()).toNanos())).sorted().toArray();
                row("revocation lag after expiry", percentiles(lags, true) + "  (includes the revoke call)");
                Instant firstExpiry = ended.stream().map(AccessRequest::expiresAt).min(Instant::compareTo)
                        .orElseThrow();
                Instant lastExpiry = ended.stream().map(AccessRequest::expiresAt).max(Instant::compareTo).orElseThrow();
                Instant lastEnded = ended.stream().map(AccessRequest::endedAt).max(Instant::compareTo).orElseThrow();
                row("last revoked after last expiry", millis(Duration.between(lastExpiry, lastEnded)));
                Duration span = Duration.between(firstExpiry, lastEnded);
                row("throughput", String.format(Locale.ROOT, "%.1f revocations/s over %s (first expiry to last "
                        + "revoked; offered %s)", ended.size() / Math.max(span.toNanos() / 1e9, 1e-3), seconds(span),
                        window.isZero() ? "all at once" : String.format(Locale.ROOT, "%.1f/s",
                                ended.size() / (window.toNanos() / 1e9))));
            }
            return all && refused.isEmpty() && ended.size() == ids.size() ? 0 : 1;
        } finally {
            core.work.onRevocationLag(lag -> { });
            pool.shutdownNow();
        }
    }

    // ------------------------------------------------------------------------------------------------ approvals

    private int approvals(Core core, SlowProvider provider) throws InterruptedException {
        section("approvals", requests + " requests filed and approved one after another; then " + approvers
                + " approvers at once on one request");
        ChatUser approver = user("bench-approver-0");
        List<Owned> held = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        long[] took = new long[requests];
        int done = 0;
        for (int i = 0; i < requests; i++) {
            ChatUser requester = user("bench-approval-" + i);
            long t0 = System.nanoTime();
            Outcome filed = core.service.request(requester, contributor());
            if (!(filed instanceof Outcome.Requested r)) {
                problems.add(describe(filed));
                continue;
            }
            Outcome approved = core.service.approve(approver, r.request().id());
            if (!(approved instanceof Outcome.Activating) || !awaitActive(core, r.request().id())) {
                problems.add(describe(approved));
                continue;
            }
            long t = System.nanoTime() - t0;
            took[done++] = t;
            held.add(new Owned(requester, r.request().id()));
        }
        long[] sorted = Arrays.copyOf(took, done);
        Arrays.sort(sorted);
        if (done > 0) {
            row("request -> approve -> ACTIVE", percentiles(sorted, false) + "  (includes the grant call)");
        }
        if (!problems.isEmpty()) {
            row("NOT granted", problems.size() + ", e.g. " + problems.get(0));
        }

        ChatUser requester = user("bench-contended");
        Outcome filed = core.service.request(requester, contributor());
        int exit = problems.isEmpty() ? 0 : 1;
        if (filed instanceof Outcome.Requested r) {
            RequestId id = r.request().id();
            held.add(new Owned(requester, id));
            exit = Math.max(exit, contention(core, provider, id));
        } else {
            row("contention", "could not file the request: " + describe(filed));
            exit = 1;
        }
        release(core, held);
        return exit;
    }

    /** {@code approvers} people approve one request at the same instant; the store's compare-and-set lets one win. */
    private int contention(Core core, SlowProvider provider, RequestId id) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(approvers, dev.jitbot.core.app.Threads.named("jitbot-bench-approver"));
        try {
            CountDownLatch ready = new CountDownLatch(approvers);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Outcome>> votes = new ArrayList<>();
            for (int k = 1; k <= approvers; k++) {
                ChatUser approver = user("bench-approver-" + k);
                votes.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    return core.service.approve(approver, id);
                }));
            }
            ready.await();
            long t0 = System.nanoTime();
            go.countDown();
            int granted = 0;
            int refused = 0;
            int failed = 0;
            for (Future<Outcome> f : votes) {
                try {
                    Outcome o = f.get();
                    if (o instanceof Outcome.Activating) {
                        granted++;
                    } else if (o instanceof Outcome.Refused) {
                        refused++;
                    } else {
                        failed++;
                    }
                } catch (ExecutionException e) {
                    failed++;
                }
            }
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            awaitActive(core, id);
            int calls = provider.grantCalls(id.value());
            row(approvers + " approvers at once", calls + " grant call" + (calls == 1 ? "" : "s")
                    + (calls == 1 ? "" : " (MUST be 1)") + "; " + granted + " granted, " + refused
                    + " told it was already approved" + (failed > 0 ? ", " + failed + " failed" : "")
                    + "; all answered in " + millis(took));
            return calls == 1 && granted == 1 && failed == 0 ? 0 : 1;
        } finally {
            pool.shutdownNow();
        }
    }

    /** Waits (at most 30 s) for the outbox's worker to have the grant confirmed by the simulated Azure. */
    private static boolean awaitActive(Core core, RequestId id) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            State s = core.backend.requests().find(id).map(AccessRequest::state).orElse(null);
            if (s == State.ACTIVE) {
                return true;
            }
            if (s != State.ACTIVATING) {
                return false;
            }
            Thread.sleep(1);
        }
        return false;
    }

    /** Gives the approvals section's grants back, so the database is left with nothing open. Not measured. */
    private void release(Core core, List<Owned> held) throws InterruptedException {
        ExecutorService pool = Executors.newFixedThreadPool(REQUEST_THREADS, dev.jitbot.core.app.Threads.named("jitbot-bench-release"));
        try {
            List<Future<Outcome>> released = new ArrayList<>();
            for (Owned o : held) {
                released.add(pool.submit(() -> core.service.release(o.requester(), o.id())));
            }
            for (Future<Outcome> f : released) {
                result(f);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private record Owned(ChatUser requester, RequestId id) { }

    private static Command.Request contributor() {
        return new Command.Request("Contributor", "bench", Duration.ofHours(1), "bench: approval", null, null);
    }

    // ------------------------------------------------------------------------------------------------ audit

    private int audit(AuditLog audit) {
        section("audit", auditRows + " events appended one after another, then verify()");
        long t0 = System.nanoTime();
        for (int i = 0; i < auditRows; i++) {
            audit.append(AuditEvent.of(clock.instant(), "jitbot-bench", Platform.SYSTEM, "bench", null,
                    "bench event " + i));
        }
        Duration appending = Duration.ofNanos(System.nanoTime() - t0);
        row("append", seconds(appending) + String.format(Locale.ROOT, "  (%.0f events/s, %s each)",
                auditRows / Math.max(appending.toNanos() / 1e9, 1e-9), millis(appending.dividedBy(auditRows))));
        long t1 = System.nanoTime();
        AuditLog.Verification v = audit.verify();
        Duration verifying = Duration.ofNanos(System.nanoTime() - t1);
        row("verify()", seconds(verifying) + " for " + v.rows() + " events in the log"
                + (v.intact() ? ", chain intact" : ", BROKEN at event " + v.firstBadSeq() + ": " + v.problem()));
        return v.intact() ? 0 : 1;
    }

    // ------------------------------------------------------------------------------------------------ wiring

    /** One scope, an auto-approved rule for the expiry section and a one-approval rule for the approvals section. */
    static Policy benchPolicy() {
        PolicyLoader.Result result = PolicyLoader.parse(BENCH_POLICY, "bench-policy.yaml");
        if (!result.isOk()) {
            throw new IllegalStateException("the built-in bench policy is invalid: " + result.report());
        }
        return result.policy();
    }

    private static final String REQUESTERS_GROUP = "be000000-0000-4000-8000-0000000000a1";
    private static final String APPROVERS_GROUP = "be000000-0000-4000-8000-0000000000a2";
    private static final String BENCH_POLICY = """
            defaults: { max_duration: 24h, request_ttl: 1h, approvals: 1 }
            scopes:
              bench: /subscriptions/be000000-0000-4000-8000-000000000000/resourceGroups/rg-jitbot-bench
            groups:
              requesters: { entra_group: %s }
              approvers:  { entra_group: %s }
            oncall: approvers
            rules:
              - name: bench auto-approved
                role: Reader
                scopes: [bench]
                requesters: [requesters]
                approvals: 0
              - name: bench one approval
                role: Contributor
                scopes: [bench]
                requesters: [requesters]
                approvers: [approvers]
                approvals: 1
            """.formatted(REQUESTERS_GROUP, APPROVERS_GROUP);

    private static ChatUser user(String name) {
        return new ChatUser(Platform.CLI, name, name, name + "@bench.invalid");
    }

    /**
     * Everyone is a requester, each with an Entra object id of their own (one open grant per principal, role and
     * scope); people named {@code bench-approver-*} also approve.
     */
    private static final class BenchDirectory implements Directory {
        @Override
        public Parsed<Principal> user(ChatUser user) {
            byte[] name = ("jitbot-bench:" + user.id()).getBytes(StandardCharsets.UTF_8);
            String oid = UUID.nameUUIDFromBytes(name).toString();
            return Parsed.ok(new Principal(oid, PrincipalType.USER, user.id()));
        }

        @Override
        public Parsed<Principal> servicePrincipal(String objectOrAppId) {
            return Parsed.invalid("the bench has no service principals");
        }

        @Override
        public boolean isMember(Principal principal, String groupObjectId) {
            return groupObjectId.equals(REQUESTERS_GROUP)
                    || (groupObjectId.equals(APPROVERS_GROUP) && principal.displayName().startsWith("bench-approver-"));
        }
    }

    // ------------------------------------------------------------------------------------------------ output

    /** The section being printed as one JSON object with --json: its name, what it did, its rows and numbers. */
    private java.util.Map<String, Object> current;

    /** A line about the run; with --json it goes to standard error, so standard output is only JSON. */
    private void say(String line) {
        PrintWriter to = json ? err : out;
        to.println(line);
        to.flush();
    }

    private void section(String name, String what) {
        if (json) {
            current = new java.util.LinkedHashMap<>();
            current.put("section", name);
            current.put("about", what);
            current.put("rows", new java.util.LinkedHashMap<String, String>());
            return;
        }
        say("");
        say("== " + name + ": " + what);
    }

    @SuppressWarnings("unchecked")
    private void row(String what, String value) {
        if (json && current != null) {
            ((java.util.Map<String, String>) current.get("rows")).put(what, value);
            return;
        }
        say(String.format(Locale.ROOT, "  %-32s %s", what, value));
    }

    /** A number for the section's JSON object (the table shows it in a row already). */
    private void number(String key, Object value) {
        if (json && current != null) {
            current.put(key, value);
        }
    }

    /** With --json, prints the section's object on one line. */
    private void endSection() {
        if (json && current != null) {
            try {
                out.println(JSON.writeValueAsString(current));
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new IllegalStateException("could not write the section as JSON", e);
            }
            out.flush();
            current = null;
        }
    }

    /** p50, p95, p99 (nearest rank) and the maximum of sorted nanosecond samples. */
    static String percentiles(long[] sortedNanos, boolean withP99) {
        StringBuilder s = new StringBuilder();
        s.append("p50 ").append(millis(at(sortedNanos, 50))).append("  p95 ").append(millis(at(sortedNanos, 95)));
        if (withP99) {
            s.append("  p99 ").append(millis(at(sortedNanos, 99)));
        }
        return s.append("  max ").append(millis(Duration.ofNanos(sortedNanos[sortedNanos.length - 1]))).toString();
    }

    private static Duration at(long[] sorted, int percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return Duration.ofNanos(sorted[Math.max(0, Math.min(sorted.length, rank) - 1)]);
    }

    static String millis(Duration d) {
        double ms = d.toNanos() / 1e6;
        String format = ms < 1 ? "%.3f ms" : ms < 10 ? "%.1f ms" : "%.0f ms";
        return String.format(Locale.ROOT, format, ms);
    }

    /** Milliseconds under a second, else seconds. */
    static String seconds(Duration d) {
        return d.compareTo(Duration.ofSeconds(1)) < 0 ? millis(d)
                : String.format(Locale.ROOT, "%.1f s", d.toNanos() / 1e9);
    }

    private static String describe(Outcome o) {
        return o instanceof Outcome.Refused r ? r.message() : o.getClass().getSimpleName();
    }

    private static Outcome result(Future<Outcome> f) throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            return new Outcome.Refused(Refusal.Reason.INVALID_INPUT,
                    "failed: " + (cause == null ? e : cause));
        }
    }

    private void sleepUntil(Instant at) throws InterruptedException {
        long ms = Duration.between(clock.instant(), at).toMillis();
        if (ms > 0) {
            Thread.sleep(ms);
        }
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is untidy, not wrong.
        }
    }

    /** Reads {@code 500ms}, {@code 3s}, {@code 2m}, {@code 1h}, or an ISO-8601 duration such as {@code PT3S}. */
    static final class Span implements CommandLine.ITypeConverter<Duration> {
        private static final Pattern SIMPLE = Pattern.compile("(\\d+)\\s*(ms|s|m|h)");

        @Override
        public Duration convert(String value) {
            String v = value.strip().toLowerCase(Locale.ROOT);
            Matcher m = SIMPLE.matcher(v);
            if (m.matches()) {
                long n = Long.parseLong(m.group(1));
                return switch (m.group(2)) {
                    case "ms" -> Duration.ofMillis(n);
                    case "s" -> Duration.ofSeconds(n);
                    case "m" -> Duration.ofMinutes(n);
                    default -> Duration.ofHours(n);
                };
            }
            try {
                Duration d = Duration.parse(value.strip().toUpperCase(Locale.ROOT));
                if (!d.isNegative()) {
                    return d;
                }
            } catch (java.time.format.DateTimeParseException e) {
                // reported below
            }
            throw new CommandLine.TypeConversionException("'" + value + "' is not a duration; write e.g. 500ms, 3s, "
                    + "2m");
        }
    }
}
