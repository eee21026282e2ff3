package dev.jitbot.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitbot.core.policy.PolicyLoader;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The burst scenario: {@code jitbot serve}, as deployed, in a JVM of its own with Slack over HTTP and Azure in
 * rbac mode against {@link BenchArm} and {@link BenchSlack}; then {@code requests} signed {@code /jit request
 * Reader ...} slash commands from {@code senders} people, as fast as {@code clientThreads} threads can send them,
 * on an auto-approved rule. Each sender asks for a different resource group each time, so the one-open-grant rule
 * refuses none. Some grants are short, so that they expire while the rest of the burst still waits for ARM's
 * throttle. Measures what the people and Azure see: the acks, the PUTs and the DELETEs.
 *
 * <p>A separate JVM rather than the serve wiring in this one: it is exactly what a deployment runs (its own heap,
 * GC and JIT, the shutdown hook, the start-up reconciliation), needs no second way to start and stop serve, and the
 * client's and fakes' allocations do not land in the server's pauses.
 */
final class BurstBench {

    /** What the scenario is asked to do. */
    record Settings(int requests, int senders, int clientThreads, BenchArm.Throttle throttle, Duration armLatency,
                    Duration shortGrant, int warmup) { }

    /** Where the numbers go: the table's rows and the JSON object's fields. */
    interface Report {
        void row(String what, String value);

        void number(String key, Object value);
    }

    static final String SUBSCRIPTION = "be000000-0000-4000-8000-00000000b001";
    private static final String WARMUP_SUBSCRIPTION = "be000000-0000-4000-8000-00000000b002";
    static final String SIGNING_SECRET = "8f742231b10e8888abcd99b0bench85a5";
    private static final String BOT_TOKEN = "xoxb-0000-0000-jitbot-bench";
    private static final Duration LONG_GRANT = Duration.ofHours(1);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Settings s;
    private final Map<String, String> env;
    private final Report report;
    private final java.io.PrintWriter err;

    /** @param env the bench's own environment: a configured database and worker counts pass through to serve */
    BurstBench(Settings settings, Map<String, String> env, Report report, java.io.PrintWriter err) {
        this.s = settings;
        this.env = env;
        this.report = report;
        this.err = err;
    }

    /** One slash command sent: who, where, for how long, and what the ack said. */
    private record Sent(int index, String user, String principal, String scope, Duration duration, int status,
                        long nanos, String text) {
        boolean accepted() {
            return status == 200 && text != null && text.contains("Azure is granting");
        }

        boolean busy() {
            return text != null && (text.toLowerCase(Locale.ROOT).contains("busy")
                    || text.contains("cannot reach its database"));
        }
    }

    /** Runs the scenario; 0 with the numbers, 1 when an invariant broke (a grant or a revocation never came). */
    int run(Path dir) throws Exception {
        List<String> users = new ArrayList<>();
        Map<String, String> emails = new LinkedHashMap<>();
        Map<String, String> objectIds = new LinkedHashMap<>();
        for (int k = 0; k < s.senders() + 1; k++) {
            String user = String.format(Locale.ROOT, "UBENCH%04d", k);
            String email = String.format(Locale.ROOT, "burst-sender-%02d@bench.example", k);
            users.add(user);
            emails.put(user, email);
            objectIds.put(email, UUID.nameUUIDFromBytes(("jitbot-bench-burst:" + email)
                    .getBytes(StandardCharsets.UTF_8)).toString());
        }
        Path policy = dir.resolve("burst-policy.yaml");
        Files.writeString(policy, policy(objectIds));
        PolicyLoader.Result checked = PolicyLoader.load(policy);
        if (!checked.isOk()) {
            throw new IllegalStateException("the burst bench's policy is invalid: " + checked.report());
        }
        try (BenchArm arm = new BenchArm(dir, s.throttle(), s.armLatency());
             BenchSlack slack = new BenchSlack(emails);
             Serve serve = Serve.start(dir, serveEnv(dir, arm, slack, policy), arm.trustOptions())) {
            HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(10)).build();
            URI endpoint = URI.create("http://127.0.0.1:" + serve.port + HttpServer.SLACK_PATH);
            Duration started = serve.awaitReady(http, Duration.ofMinutes(2));
            report.row("jitbot serve", "ready in " + BenchCommand.seconds(started) + " (its own JVM, -Xmx512m); "
                    + "Slack over HTTP, rbac against a fake ARM over HTTPS");
            String warmupUser = users.get(s.senders());
            for (int i = 0; i < s.warmup(); i++) {
                String scope = "/subscriptions/" + WARMUP_SUBSCRIPTION + "/resourceGroups/rg-warmup-" + i;
                send(http, endpoint, slack, new Sent(i, warmupUser, null, scope, LONG_GRANT, 0, 0, null));
            }
            if (s.warmup() > 0) {
                await(() -> arm.assignments(WARMUP_SUBSCRIPTION).size() >= s.warmup(), Duration.ofSeconds(60));
                Thread.sleep(1000);
            }

            List<Sent> plan = new ArrayList<>();
            for (int i = 0; i < s.requests(); i++) {
                int sender = i % s.senders();
                String user = users.get(sender);
                String scope = String.format(Locale.ROOT, "/subscriptions/%s/resourceGroups/rg-burst-%04d",
                        SUBSCRIPTION, i / s.senders());
                // Every fifth of those that fit in ARM's burst is short: granted at once, so they expire while the
                // rest still queue for the throttle, if the queue outlasts them.
                Duration d = isShort(i) ? s.shortGrant() : LONG_GRANT;
                plan.add(new Sent(i, user, objectIds.get(emails.get(user)), scope, d, 0, 0, null));
            }
            Instant burstStart = Instant.now();
            List<Sent> sent = burst(http, endpoint, slack, plan);
            Instant burstEnd = Instant.now();
            int exit = measure(arm, slack, sent, burstStart, burstEnd);
            if (exit != 0) {
                err.println("jitbot serve's last lines:\n" + serve.tail());
                err.flush();
            }
            return exit;
        }
    }

    private List<Sent> burst(HttpClient http, URI endpoint, BenchSlack slack, List<Sent> plan) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(s.clientThreads(), dev.jitbot.core.app.Threads.named("jitbot-bench-client"));
        AtomicInteger next = new AtomicInteger();
        Sent[] results = new Sent[plan.size()];
        try {
            List<Future<?>> threads = new ArrayList<>();
            for (int t = 0; t < s.clientThreads(); t++) {
                threads.add(pool.submit(() -> {
                    for (int i = next.getAndIncrement(); i < plan.size(); i = next.getAndIncrement()) {
                        results[i] = send(http, endpoint, slack, plan.get(i));
                    }
                    return null;
                }));
            }
            for (Future<?> f : threads) {
                f.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return Arrays.asList(results);
    }

    /** Sends one signed slash command as Slack does and times it until the whole ack has arrived. */
    private static Sent send(HttpClient http, URI endpoint, BenchSlack slack, Sent p) {
        String text = "request Reader on " + p.scope() + " for " + p.duration().toSeconds() + "s because bench "
                + "burst " + p.index();
        String body = form("token", "bench", "team_id", "TBENCH0001", "team_domain", "bench",
                "channel_id", "CBENCH0002", "channel_name", "bench", "user_id", p.user(), "user_name", p.user(),
                "command", "/jit", "text", text, "response_url", slack.responseUrl(),
                "trigger_id", "bench." + p.index());
        String ts = Long.toString(System.currentTimeMillis() / 1000);
        HttpRequest req = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Slack-Request-Timestamp", ts)
                .header("X-Slack-Signature", sign(ts, body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long t0 = System.nanoTime();
        int status;
        String answer;
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            status = r.statusCode();
            answer = r.body();
        } catch (IOException e) {
            status = 0;
            answer = e.toString();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            status = 0;
            answer = e.toString();
        }
        long took = System.nanoTime() - t0;
        String said = answer;
        if (status == 200 && answer != null && answer.startsWith("{")) {
            try {
                said = JSON.readTree(answer).path("text").asText(answer);
            } catch (IOException e) {
                said = answer;
            }
        }
        return new Sent(p.index(), p.user(), p.principal(), p.scope(), p.duration(), status, took, said);
    }

    private int measure(BenchArm arm, BenchSlack slack, List<Sent> sent, Instant burstStart, Instant burstEnd)
            throws InterruptedException {
        List<Sent> accepted = sent.stream().filter(Sent::accepted).toList();
        List<Sent> turned = sent.stream().filter(x -> !x.accepted()).toList();
        long busy = turned.stream().filter(Sent::busy).count();
        long httpErrors = turned.stream().filter(x -> x.status() != 200).count();
        report.row("turned away", turned.size() + " of " + sent.size() + (turned.isEmpty() ? "" : " (" + busy
                + " busy, " + httpErrors + " not a 200, " + (turned.size() - busy - httpErrors) + " refused; e.g. "
                + "\"" + clip(turned.get(0).status() + " " + turned.get(0).text()) + "\")") + "  (goal 0)");
        report.number("requests", sent.size());
        report.number("senders", s.senders());
        report.number("turned_away", turned.size());
        report.number("busy", busy);
        long[] acks = sent.stream().mapToLong(Sent::nanos).sorted().toArray();
        report.row("ack latency", BenchCommand.percentiles(acks, true) + "  (goal p99 < 50 ms; "
                + sent.size() + " sent in " + BenchCommand.seconds(Duration.between(burstStart, burstEnd)) + " by "
                + s.clientThreads() + (s.clientThreads() == 1 ? " thread)" : " threads)"));
        report.number("ack_p50_ms", ms(at(acks, 50)));
        report.number("ack_p99_ms", ms(at(acks, 99)));
        report.number("ack_max_ms", ms(acks[acks.length - 1]));

        // Grants: one ARM PUT per accepted request, counted where Azure sees it; then the short ones' DELETEs.
        Map<String, Sent> byPrincipalScope = accepted.stream().collect(Collectors.toMap(
                x -> key(x.principal(), x.scope()), x -> x, (a, b) -> a));
        long shortCount = accepted.stream().filter(x -> isShort(x.index())).count();
        int burst = s.throttle().burst();
        double rate = s.throttle().perSecond();
        Duration expected = Duration.ofMillis((long) (Math.max(0, accepted.size() - burst) / rate * 1000))
                .plus(s.shortGrant()).plusSeconds(60);
        boolean done = await(() -> granted(arm).size() >= accepted.size()
                && revokedShort(arm, byPrincipalScope) >= shortCount, expected.multipliedBy(2));
        List<BenchArm.Assignment> grants = granted(arm);
        long duplicates = grants.stream().collect(Collectors.groupingBy(a -> key(a.principalId, a.scope),
                Collectors.counting())).values().stream().filter(n -> n > 1).count();
        Instant[] times = grants.stream().map(a -> a.created).sorted().toArray(Instant[]::new);
        if (times.length == 0) {
            report.row("grant throughput", "no grant reached the fake ARM");
            return 1;
        }
        Instant lastGrant = times[times.length - 1];
        String all = times.length + " of " + accepted.size() + " granted in "
                + BenchCommand.seconds(Duration.between(burstStart, lastGrant)) + (accepted.size() <= burst ? ""
                : " (at the limit: " + BenchCommand.seconds(Duration.ofMillis((long) ((accepted.size() - burst)
                / rate * 1000))) + ")");
        if (times.length > burst + 1) {
            // Past its burst, ARM lets through its refill rate from the first write on: n grants in t seconds can
            // be at most burst + rate * t, so the grants beyond the burst per second is the share of the limit used.
            double span = Duration.between(times[0], lastGrant).toNanos() / 1e9;
            double perSecond = (times.length - burst) / Math.max(span, 1e-3);
            double percent = perSecond / rate * 100;
            report.row("grant throughput", String.format(Locale.ROOT, "%.1f %% of the limit: %.2f grants/s beyond "
                    + "the first %d (limit %s/s); %s  (goal >= 95 %%)", percent, perSecond, burst, trim(rate), all));
            report.number("grant_throughput_pct", round1(percent));
            report.number("grants_per_second_beyond_burst", Math.round(perSecond * 100) / 100.0);
        } else {
            report.row("grant throughput", "n/a: every grant fit in the first " + burst + "; " + all);
        }
        report.number("granted", times.length);
        report.number("grant_duplicates", duplicates);
        report.number("arm_429_writes", arm.throttled(SUBSCRIPTION, "write"));
        report.number("arm_429_deletes", arm.throttled(SUBSCRIPTION, "delete"));

        // Revocation lag: from the expiry (the fake's 201 plus the asked duration; jitbot starts its clock a few ms
        // later, so this errs long) to the DELETE arriving at the fake.
        List<long[]> lags = new ArrayList<>();
        int notRevoked = 0;
        for (BenchArm.Assignment a : grants) {
            Sent x = byPrincipalScope.get(key(a.principalId, a.scope));
            if (x == null || !isShort(x.index())) {
                continue;
            }
            if (a.deleted == null) {
                notRevoked++;
                continue;
            }
            Instant expiry = a.created.plus(x.duration());
            long lag = Math.max(0, Duration.between(expiry, a.deleted).toNanos());
            lags.add(new long[] {lag, expiry.isBefore(lastGrant) ? 1 : 0});
        }
        long[] queued = lags.stream().filter(l -> l[1] == 1).mapToLong(l -> l[0]).sorted().toArray();
        long[] every = lags.stream().mapToLong(l -> l[0]).sorted().toArray();
        if (queued.length > 0) {
            report.row("revocation lag while queued", BenchCommand.percentiles(queued, true) + "  (" + queued.length
                    + " grants of " + BenchCommand.seconds(s.shortGrant()) + " that expired while grants were still "
                    + "queued; expiry -> DELETE at ARM; goal p99 < 1 s)");
            report.number("revocation_lag_queued_p99_ms", ms(at(queued, 99)));
        } else if (s.shortGrant().isZero()) {
            report.row("revocation lag while queued", "not measured: --burst-short 0s asks for no short grants");
        } else {
            report.row("revocation lag while queued", "none of the " + every.length + " short grants expired while "
                    + "grants were still queued: the queue ends about " + trim(Math.max(0, s.requests() - burst)
                    / rate) + " s after the first grant; ask for more --burst-requests or a lower --arm-refill");
        }
        report.number("revocations_while_queued", queued.length);
        if (every.length > 0) {
            report.row("revocation lag, all short", BenchCommand.percentiles(every, true) + "  (" + every.length
                    + " grants of " + BenchCommand.seconds(s.shortGrant()) + ")");
            report.number("revocation_lag_all_p99_ms", ms(at(every, 99)));
        }
        report.row("ARM", arm.throttled(SUBSCRIPTION, "write") + " writes and " + arm.throttled(SUBSCRIPTION,
                "delete") + " deletes throttled (429); " + arm.puts() + " PUTs for " + (times.length + s.warmup())
                + " grants; " + trim(s.throttle().burst()) + " + " + trim(rate) + "/s per subscription, "
                + BenchCommand.millis(s.armLatency()) + " a call");
        report.row("Slack", slack.calls("chat.postMessage") + " posts, " + slack.calls("chat.update")
                + " card updates, " + slack.calls("users.info") + " users.info delivered by the end");
        boolean ok = done && grants.size() == accepted.size() && duplicates == 0 && notRevoked == 0;
        if (!ok) {
            report.row("NOT complete", (accepted.size() - grants.size()) + " accepted requests never granted, "
                    + notRevoked + " short grants never revoked, " + duplicates + " principals granted twice on "
                    + "one scope");
        }
        return ok ? 0 : 1;
    }

    private boolean isShort(int i) {
        return !s.shortGrant().isZero() && i % 5 == 0 && i < s.throttle().burst();
    }

    private static List<BenchArm.Assignment> granted(BenchArm arm) {
        return arm.assignments(SUBSCRIPTION);
    }

    private long revokedShort(BenchArm arm, Map<String, Sent> byPrincipalScope) {
        return granted(arm).stream().filter(a -> a.deleted != null).filter(a -> {
            Sent x = byPrincipalScope.get(key(a.principalId, a.scope));
            return x != null && isShort(x.index());
        }).count();
    }

    private static String key(String principal, String scope) {
        return principal + "|" + scope.toLowerCase(Locale.ROOT);
    }

    private String policy(Map<String, String> objectIds) {
        String members = String.join(", ", objectIds.keySet());
        String users = objectIds.entrySet().stream().map(e -> "  " + e.getKey() + ": { object_id: " + e.getValue()
                + " }").collect(Collectors.joining("\n"));
        return """
                # jitbot bench --only burst: generated for one run
                defaults: { max_duration: 8h, request_ttl: 30m, approvals: 1 }
                groups:
                  senders: { members: [%s] }
                channels:
                  approvals: { slack: CBENCH0001 }
                rules:
                  - name: burst reader
                    role: Reader
                    scopes: ["/subscriptions/%s/resourceGroups/*", "/subscriptions/%s/resourceGroups/*"]
                    requesters: [senders]
                    approvals: 0
                    max_duration: 8h
                users:
                %s
                """.formatted(members, SUBSCRIPTION, WARMUP_SUBSCRIPTION, users);
    }

    private Map<String, String> serveEnv(Path dir, BenchArm arm, BenchSlack slack, Path policy) throws IOException {
        Map<String, String> e = new HashMap<>(arm.env());
        e.put("JITBOT_HTTP_PORT", Integer.toString(freePort()));
        e.put("JITBOT_POLICY", policy.toString());
        e.put("SLACK_BOT_TOKEN", BOT_TOKEN);
        e.put("SLACK_SIGNING_SECRET", SIGNING_SECRET);
        e.put("JITBOT_SLACK_API_URL", slack.apiUrl());
        String url = env.get("JITBOT_DB_URL");
        if (url != null && !url.isBlank()) {
            for (String name : List.of("JITBOT_DB_URL", "JITBOT_DB_USER", "JITBOT_DB_PASSWORD")) {
                if (env.get(name) != null) {
                    e.put(name, env.get(name));
                }
            }
        } else {
            e.put("JITBOT_DB_URL", "jdbc:h2:file:" + dir.resolve("burst").toAbsolutePath());
        }
        for (String name : List.of("JITBOT_AZURE_WORKERS", "JITBOT_CHAT_WORKERS", "JITBOT_LOG_FORMAT")) {
            if (env.get(name) != null) {
                e.put(name, env.get(name));
            }
        }
        return e;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    static String sign(String timestamp, String body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SIGNING_SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            byte[] h = mac.doFinal(("v0:" + timestamp + ":" + body).getBytes(StandardCharsets.UTF_8));
            return "v0=" + HexFormat.of().formatHex(h);
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    /** A form body from name, value, name, value, ... */
    static String form(String... pairs) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            b.append(i == 0 ? "" : "&").append(URLEncoder.encode(pairs[i], StandardCharsets.UTF_8)).append('=')
                    .append(URLEncoder.encode(pairs[i + 1], StandardCharsets.UTF_8));
        }
        return b.toString();
    }

    private static boolean await(java.util.function.BooleanSupplier condition, Duration timeout)
            throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            Thread.sleep(100);
        }
        return condition.getAsBoolean();
    }

    private static long at(long[] sorted, int percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    static String trim(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    private static String clip(String s) {
        String one = s.replaceAll("\\s+", " ");
        return one.length() > 120 ? one.substring(0, 117) + "..." : one;
    }

    /** {@code jitbot serve} in a JVM of its own, its output in a file (shown when it fails), stopped with SIGTERM. */
    static final class Serve implements AutoCloseable {
        final Process process;
        final int port;
        final Path log;
        final long started = System.nanoTime();

        private Serve(Process process, int port, Path log) {
            this.process = process;
            this.port = port;
            this.log = log;
        }

        static Serve start(Path dir, Map<String, String> env, List<String> jvmOptions) throws IOException {
            return start(dir, env, jvmOptions, null);
        }

        /** @param classPath serve's class path (the built jar in the ITs); null for this JVM's own */
        static Serve start(Path dir, Map<String, String> env, List<String> jvmOptions, String classPath)
                throws IOException {
            List<String> cmd = new ArrayList<>();
            cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            cmd.add("-Xmx512m");
            cmd.addAll(jvmOptions);
            cmd.add("-cp");
            // This JVM's own class path: the jar when run as `java -jar jitbot.jar`, the build's classes otherwise.
            cmd.add(classPath != null ? classPath
                    : Stream.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator))
                    .map(p -> Path.of(p).toAbsolutePath().toString())
                    .collect(Collectors.joining(java.io.File.pathSeparator)));
            cmd.add(Main.class.getName());
            cmd.add("serve");
            Path log = dir.resolve("serve.log");
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            pb.environment().keySet().removeIf(k -> k.startsWith("JITBOT_") || k.startsWith("SLACK_")
                    || k.startsWith("AZURE_") || k.startsWith("Microsoft") || k.startsWith("IDENTITY_")
                    || k.startsWith("MSI_"));
            pb.environment().putAll(env);
            return new Serve(pb.start(), Integer.parseInt(env.get("JITBOT_HTTP_PORT")), log);
        }

        /** Waits for {@code /readyz} to answer 200; returns how long start-up took. */
        Duration awaitReady(HttpClient http, Duration timeout) throws Exception {
            URI readyz = URI.create("http://127.0.0.1:" + port + "/readyz");
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("jitbot serve exited with " + process.exitValue()
                            + " before it was ready; its output:\n" + tail());
                }
                try {
                    HttpResponse<String> r = http.send(HttpRequest.newBuilder(readyz).timeout(Duration.ofSeconds(2))
                            .build(), HttpResponse.BodyHandlers.ofString());
                    if (r.statusCode() == 200) {
                        return Duration.ofNanos(System.nanoTime() - started);
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(100);
            }
            throw new IllegalStateException("jitbot serve was not ready within " + timeout + "; its output:\n" + tail());
        }

        /** kill -9: no shutdown hook, no goodbye to the database. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            process.waitFor(30, TimeUnit.SECONDS);
        }

        /** The process's resident set in bytes, from /proc (Linux), or -1 where there is none. */
        long rss() {
            try {
                for (String line : Files.readAllLines(Path.of("/proc", Long.toString(process.pid()), "status"))) {
                    if (line.startsWith("VmRSS:")) {
                        return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                    }
                }
            } catch (IOException | RuntimeException e) {
                return -1;
            }
            return -1;
        }

        String tail() {
            try {
                List<String> lines = Files.readAllLines(log);
                return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
            } catch (IOException e) {
                return "(no output: " + e + ")";
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
