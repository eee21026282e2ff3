package dev.jitbot.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.slack.api.app_backend.SlackSignature;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.store.Database;
import dev.jitbot.core.store.JdbcAuditLog;
import dev.jitbot.core.store.JdbcRequestStore;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The kill-and-restart acceptance rig: one or more jitbot.jar replicas on one database, a stateful HTTPS ARM/PIM
 * fake and a WireMock Slack; signed {@code /jit request} slash commands file auto-approved Reader grants and signed
 * {@code /jit release} commands give most of them back seconds later, while the replicas are killed with
 * {@code destroyForcibly()} at random moments and started again. After the rounds it lets the survivors settle and
 * checks what a security team would: every request ended with nothing left in Azure, nothing outlived its release or
 * expiry by more than 30 s of running jitbot, nobody got a second assignment, everyone got their last message, and
 * the audit trail is whole. On PostgreSQL every acknowledged command must also be kept; on H2 the ones it forgot are
 * counted, and their consequences checked: nothing of theirs is left in Azure.
 */
final class KillRig implements AutoCloseable {

    static final String SUB = "5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6";
    static final String TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx";
    static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    /** How long an assignment may outlive its request's expiry while jitbot runs (the bound). */
    static final Duration BOUND = Duration.ofSeconds(30);
    private static final Pattern ID = Pattern.compile("JIT-[0-9A-Z]+");

    /**
     * What the run does. {@code released} grants of {@value #HELD_MINUTES} minutes are each given back with a signed
     * {@code /jit release} a few seconds after their ack (while the kills go on); {@code expiring} grants of one
     * minute (RBAC's shortest; PIM's is five, too long for the CI budget) are left to expire. Each grant is one
     * activation and one revocation. Kills go on until every release is answered, the expiring grants are past
     * their expiry, and at least {@code minKills} happened.
     */
    record Plan(String mode, int released, int expiring, Duration sendOver, int minKills, int replicas, long seed) {
        int grants() {
            return released + expiring;
        }
    }

    static final int HELD_MINUTES = 30;
    /** The longest a release waits after its grant's ack. */
    static final int RELEASE_WITHIN_SECONDS = 12;

    /** A Slack user the policy knows by email and Entra object id. */
    record User(String slackId, String email, String objectId) {
    }

    /** One request as filed: what the ack said and when; {@code sends} counts the attempts a kill cut off. */
    record Filed(int n, User user, String scope, boolean expiring, String id, String ack, Instant ackedAt, int sends) {
    }

    /** One {@code /jit release} as answered. */
    record Release(String id, User user, String reply, Instant ackedAt, int sends) {
        boolean revoking() {
            return reply.contains("Revoking");
        }

        boolean unknown() {
            return reply.contains("I know no request");
        }
    }

    /** An acknowledged write the database did not keep through a kill (H2 only; see docs/architecture.md). */
    record Lost(String what, String id, Instant ackedAt, Duration beforeKill) {
    }

    /** One life of one replica. */
    static final class Run {
        final int node;
        final int number;
        final Instant started = Instant.now();
        volatile Instant ready;
        volatile Instant killed;
        volatile Instant stopped;

        Run(int node, int number) {
            this.node = node;
            this.number = number;
        }
    }

    final Plan plan;
    final Path work;
    final ArmState azure = new ArmState();
    final ArmFake arm;
    final WireMockServer slack = new WireMockServer(WireMockConfiguration.options().dynamicPort()
            .containerThreads(24));
    final List<User> users = new ArrayList<>();
    final List<Filed> filed = new CopyOnWriteArrayList<>();
    final List<Run> runs = new CopyOnWriteArrayList<>();
    final Map<Integer, JarProcess> live = new ConcurrentHashMap<>();
    final Map<Integer, Run> liveRun = new ConcurrentHashMap<>();
    final List<Integer> ports = new ArrayList<>();
    private final String dbUrl;
    private final String dbUser;
    private final String dbPassword;
    private final Path policyFile;
    private final Random random;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final Path logs;
    private int kills;
    private int killsBeforeReady;
    final List<Release> releases = new CopyOnWriteArrayList<>();
    /** Acknowledged requests and releases the store forgot, found when a later command about them was answered. */
    final Map<String, Lost> lost = new ConcurrentHashMap<>();
    private final boolean durable;
    private final java.util.concurrent.DelayQueue<Due> releaseQueue = new java.util.concurrent.DelayQueue<>();
    private volatile boolean sending;

    /** A release to send at {@code at}. */
    record Due(Filed filed, Instant at) implements java.util.concurrent.Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(Duration.between(Instant.now(), at).toNanos(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(java.util.concurrent.Delayed o) {
            return at.compareTo(((Due) o).at);
        }
    }

    KillRig(Plan plan, Path work, String dbUrl, String dbUser, String dbPassword) throws Exception {
        this.plan = plan;
        this.work = work;
        this.dbUrl = dbUrl;
        this.dbUser = dbUser;
        this.dbPassword = dbPassword;
        // H2's MVStore can forget the last commits before a kill -9 (docs/architecture.md, "Crash safety"):
        // there the rig counts what was forgotten and checks what still holds; PostgreSQL forgets nothing.
        this.durable = !dbUrl.startsWith("jdbc:h2:");
        this.random = new Random(plan.seed());
        this.arm = new ArmFake(work, azure);
        this.logs = Files.createDirectories(Path.of("target", "kill-logs", plan.mode() + "-" + plan.replicas()
                + "x-" + Long.toHexString(System.currentTimeMillis())));
        for (int i = 0; i < 6; i++) {
            users.add(new User("U0KILL" + i, "engineer" + i + "@contoso.com",
                    UUID.nameUUIDFromBytes(("kill-user-" + i).getBytes(StandardCharsets.UTF_8)).toString()));
        }
        startSlack();
        policyFile = work.resolve("policy.yaml");
        StringBuilder yaml = new StringBuilder()
                .append("defaults: { max_duration: 1h, request_ttl: 30m, approvals: 1 }\n")
                .append("groups:\n  engineers: { members: [")
                .append(users.stream().map(User::email).collect(Collectors.joining(", "))).append("] }\n")
                .append("channels:\n  approvals: { slack: C0APPROVALS }\n")
                .append("rules:\n  - name: read for the kill test\n    role: Reader\n")
                .append("    scopes: [\"/subscriptions/").append(SUB).append("/resourceGroups/*\"]\n")
                .append("    requesters: [engineers]\n    approvals: 0\n    max_duration: 1h\n")
                .append("users:\n");
        for (User u : users) {
            yaml.append("  ").append(u.email()).append(": { object_id: ").append(u.objectId()).append(" }\n");
        }
        Files.writeString(policyFile, yaml.toString());
        for (int i = 0; i < plan.replicas(); i++) {
            ports.add(ServeJarIT.freePort());
        }
    }

    private void startSlack() {
        slack.start();
        slack.stubFor(post("/api/auth.test").willReturn(okJson("{\"ok\":true,\"url\":\"https://contoso.slack.com/\","
                + "\"team\":\"Contoso\",\"user\":\"jitbot\",\"team_id\":\"T0CONTOSO\",\"user_id\":\"U0JITBOT\","
                + "\"bot_id\":\"B0JITBOT\"}")));
        for (int i = 0; i < 6; i++) {
            slack.stubFor(post("/api/users.info").withRequestBody(containing("user=U0KILL" + i)).willReturn(okJson(
                    "{\"ok\":true,\"user\":{\"id\":\"U0KILL" + i + "\",\"team_id\":\"T0CONTOSO\",\"name\":\"engineer"
                            + i + "\",\"real_name\":\"Engineer " + i + "\",\"profile\":{\"email\":\"engineer" + i
                            + "@contoso.com\",\"display_name\":\"Engineer " + i + "\"}}}")));
        }
        slack.stubFor(post(urlPathMatching("/api/chat\\.(postMessage|update|postEphemeral)")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"C0APPROVALS\",\"ts\":\"1764079200.000100\",\"message_ts\":\"1.2\"}")));
        slack.stubFor(post(urlPathMatching("/respond/.*")).willReturn(aResponse().withStatus(200).withBody("ok")));
    }

    // ------------------------------------------------------------------------------------------------ replicas

    Map<String, String> env(int node) {
        Map<String, String> env = new HashMap<>(arm.env());
        env.put("JITBOT_AZURE_MODE", plan.mode());
        env.put("JITBOT_HTTP_PORT", Integer.toString(ports.get(node)));
        env.put("JITBOT_DB_URL", dbUrl);
        if (dbUser != null) {
            env.put("JITBOT_DB_USER", dbUser);
            env.put("JITBOT_DB_PASSWORD", dbPassword == null ? "" : dbPassword);
        }
        env.put("JITBOT_POLICY", policyFile.toString());
        env.put("SLACK_BOT_TOKEN", TOKEN);
        env.put("SLACK_SIGNING_SECRET", SECRET);
        env.put("JITBOT_SLACK_API_URL", slack.baseUrl() + "/api/");
        return env;
    }

    void start(int node) throws IOException {
        Path dir = Files.createDirectories(work.resolve("node" + node));
        Run run = new Run(node, runs.size() + 1);
        runs.add(run);
        JarProcess p = JarProcess.start(dir, env(node), arm.trustOptions(), "serve");
        live.put(node, p);
        liveRun.put(node, run);
        Thread watcher = new Thread(() -> {
            while (run.killed == null && run.stopped == null && p.process.isAlive()) {
                try {
                    if (status(ports.get(node), "/readyz") == 200) {
                        run.ready = Instant.now();
                        return;
                    }
                } catch (Exception e) {
                    // not listening yet
                }
                sleep(100);
            }
        }, "ready-" + node);
        watcher.setDaemon(true);
        watcher.start();
    }

    boolean ready(int node) {
        Run r = liveRun.get(node);
        return r != null && r.ready != null && r.killed == null;
    }

    void awaitReady(int node) {
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(100)).until(() -> {
            JarProcess p = live.get(node);
            assertThat(p.process.isAlive()).as("jitbot node " + node + " died on its own:\n" + tail(p)).isTrue();
            return ready(node);
        });
    }

    void kill(int node) throws Exception {
        JarProcess p = live.remove(node);
        Run run = liveRun.remove(node);
        run.killed = Instant.now();
        p.process.destroyForcibly();
        p.process.waitFor(30, TimeUnit.SECONDS);
        kills++;
        if (run.ready == null) {
            killsBeforeReady++;
        }
        save(run, p);
    }

    void stopAll() throws Exception {
        for (Integer node : List.copyOf(live.keySet())) {
            JarProcess p = live.remove(node);
            Run run = liveRun.remove(node);
            run.stopped = Instant.now();
            p.close();
            save(run, p);
        }
    }

    private void save(Run run, JarProcess p) throws IOException {
        sleep(100);
        Files.writeString(logs.resolve("run-" + run.number + "-node" + run.node + ".log"), p.all());
    }

    // ------------------------------------------------------------------------------------------------ the rounds

    /**
     * Files every grant from a sender thread and releases them from another while this thread kills and restarts
     * replicas; returns when every command is answered, the expiring grants are past expiry and enough kills
     * happened.
     */
    void killRounds() throws Exception {
        for (int i = 0; i < plan.replicas(); i++) {
            start(i);
        }
        for (int i = 0; i < plan.replicas(); i++) {
            awaitReady(i);
        }
        System.out.printf("kill rig (%s, %d replica(s)): first start ready after %d ms%n", plan.mode(),
                plan.replicas(), Duration.between(runs.get(0).started, runs.get(0).ready).toMillis());
        sending = true;
        Thread sender = new Thread(this::sendAll, "sender");
        sender.setDaemon(true);
        sender.start();
        Thread releaser = new Thread(this::releaseAll, "releaser");
        releaser.setDaemon(true);
        releaser.start();
        Instant begun = Instant.now();
        while (true) {
            boolean answered = !sender.isAlive() && releaseQueue.isEmpty()
                    && releases.size() + lostBeforeRelease() >= plan.released();
            Instant lastExpiry = filed.stream().filter(Filed::expiring).map(Filed::ackedAt)
                    .filter(java.util.Objects::nonNull).max(Instant::compareTo).orElse(begun)
                    .plus(Duration.ofSeconds(70));
            if (answered && kills >= plan.minKills() && Instant.now().isAfter(lastExpiry)) {
                break;
            }
            int victim = victim();
            boolean early = random.nextInt(100) < 25;
            if (early) {
                // Mid start-up: recovery, migrations, the first claims.
                sleep(700 + random.nextInt(2500));
                if (plan.replicas() > 1 && !othersReady(victim)) {
                    continue;
                }
            } else {
                awaitReady(victim);
                sleep(300 + random.nextInt(3500));
                if (plan.replicas() > 1 && !othersReady(victim)) {
                    continue;
                }
            }
            kill(victim);
            start(victim);
        }
        sending = false;
        sender.join();
        releaser.interrupt();
        releaser.join();
        for (int i = 0; i < plan.replicas(); i++) {
            awaitReady(i);
        }
        System.out.printf("kill rig (%s, %d replica(s)): %d kills (%d during start-up) over %d s; %d requests and "
                        + "%d releases acknowledged (%d request and %d release sends cut off by a kill and sent "
                        + "again)%n", plan.mode(), plan.replicas(), kills, killsBeforeReady,
                Duration.between(runs.get(0).started, Instant.now()).toSeconds(),
                filed.stream().filter(f -> f.id() != null).count(), releases.size(),
                filed.stream().mapToInt(f -> f.sends() - 1).sum(), releases.stream().mapToInt(r -> r.sends() - 1).sum());
    }

    private long lostBeforeRelease() {
        return filed.stream().filter(f -> !f.expiring() && f.id() == null).count();
    }

    private int victim() {
        if (plan.replicas() == 1) {
            return 0;
        }
        List<Integer> up = live.keySet().stream().filter(this::ready).toList();
        return up.isEmpty() ? random.nextInt(plan.replicas()) : up.get(random.nextInt(up.size()));
    }

    private boolean othersReady(int victim) {
        for (int i = 0; i < plan.replicas(); i++) {
            if (i != victim && !ready(i)) {
                return false;
            }
        }
        return true;
    }

    /** The expiring grants go first, among the others, so that they expire while the kills go on. */
    private void sendAll() {
        int total = plan.grants();
        long gapMillis = plan.sendOver().toMillis() / Math.max(total, 1);
        int every = plan.expiring() == 0 ? Integer.MAX_VALUE : Math.max(1, total / 4 / plan.expiring());
        int expiringLeft = plan.expiring();
        for (int n = 0; n < total; n++) {
            boolean expiring = expiringLeft > 0 && (n % every == 0 || total - n <= expiringLeft);
            if (expiring) {
                expiringLeft--;
            }
            User user = users.get(n % users.size());
            String scope = "/subscriptions/" + SUB + "/resourceGroups/rg-kill-" + n;
            Filed f = sendUntilAnswered(n, user, scope, expiring);
            filed.add(f);
            if (!expiring && f.id() != null) {
                releaseQueue.add(new Due(f, Instant.now().plusMillis(random.nextInt(RELEASE_WITHIN_SECONDS * 1000))));
            }
            sleep(gapMillis);
        }
    }

    private Filed sendUntilAnswered(int n, User user, String scope, boolean expiring) {
        String text = "request Reader on " + scope + " for " + (expiring ? "1m" : HELD_MINUTES + "m")
                + " because kill test " + n;
        int[] sends = {0};
        HttpResponse<String> r = sendCounting(n, text, user, sends);
        // A send cut off by a kill may have been filed: sent again, it is refused as "already has … as JIT-…".
        Matcher m = ID.matcher(r.body());
        return new Filed(n, user, scope, expiring, m.find() ? m.group() : null, r.body(), Instant.now(), sends[0]);
    }

    private void releaseAll() {
        while (true) {
            Due due;
            try {
                due = releaseQueue.take();
            } catch (InterruptedException e) {
                return;
            }
            Filed f = due.filed();
            int[] sends = {0};
            HttpResponse<String> r = sendCounting(f.n(), "release " + f.id(), f.user(), sends);
            Release rel = new Release(f.id(), f.user(), r.body(), Instant.now(), sends[0]);
            releases.add(rel);
            if (rel.unknown()) {
                lost.putIfAbsent(f.id(), new Lost("request", f.id(), f.ackedAt(), beforeKill(f.ackedAt())));
            }
        }
    }

    /**
     * Sends one slash command to the next ready replica until one answers it: a send cut off by a kill (or refused
     * by a replica not listening yet) is sent again; {@code sends[0]} counts the attempts.
     */
    private HttpResponse<String> sendCounting(int n, String text, User user, int[] sends) {
        int node = n % ports.size();
        while (true) {
            node = (node + 1) % ports.size();
            if (!ready(node)) {
                sleep(50);
                continue;
            }
            try {
                sends[0]++;
                HttpResponse<String> r = slash(ports.get(node), user, text);
                if (r.statusCode() == 200) {
                    return r;
                }
                sleep(100);
            } catch (IOException e) {
                // Not listening, or the replica died with the command in flight: ask again once one is up.
                sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** How long after {@code at} the next kill came (null if none did). */
    private Duration beforeKill(Instant at) {
        return runs.stream().map(r -> r.killed).filter(k -> k != null && !k.isBefore(at)).min(Instant::compareTo)
                .map(k -> Duration.between(at, k)).orElse(null);
    }

    private HttpResponse<String> slash(int port, User user, String text) throws IOException, InterruptedException {
        String body = form("token", "gIkuvaNzQIHg97ATvDxqgjtO", "team_id", "T0CONTOSO", "team_domain", "contoso",
                "channel_id", "C0GENERAL", "channel_name", "general", "user_id", user.slackId(), "user_name",
                user.email().replace("@contoso.com", ""), "command", "/jit", "text", text,
                "response_url", slack.baseUrl() + "/respond/1", "trigger_id", "13345224609.738474920.8088930838d8");
        long ts = System.currentTimeMillis() / 1000;
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slack/events"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Slack-Request-Timestamp", Long.toString(ts))
                .header("X-Slack-Signature", new SlackSignature.Generator(SECRET).generate(Long.toString(ts), body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    // ------------------------------------------------------------------------------------------------ settling

    /** Direct messages Slack received, by the request id they name: text and when. */
    Map<String, List<ServeEvent>> dmsByRequest() {
        Set<String> userIds = users.stream().map(User::slackId).collect(Collectors.toSet());
        Map<String, List<ServeEvent>> out = new HashMap<>();
        for (ServeEvent e : slack.getAllServeEvents()) {
            if (!e.getRequest().getUrl().startsWith("/api/chat.postMessage")) {
                continue;
            }
            Map<String, String> f = parseForm(e.getRequest().getBodyAsString());
            if (!userIds.contains(f.get("channel"))) {
                continue;
            }
            Matcher m = ID.matcher(f.getOrDefault("text", ""));
            while (m.find()) {
                out.computeIfAbsent(m.group(), k -> new ArrayList<>()).add(e);
            }
        }
        return out;
    }

    static String dmText(ServeEvent e) {
        return parseForm(e.getRequest().getBodyAsString()).getOrDefault("text", "");
    }

    /**
     * Waits until Slack shows every acknowledged grant ended and told, and Azure holds nothing. A grant still untold
     * after a while is asked about with {@code release} again, as its requester would: "I know no request" means the
     * store forgot the request, "Revoking" that it forgot the release (or, for a grant left to expire, that nothing
     * ended it) — on PostgreSQL the checks then fail.
     */
    void settle() {
        Instant from = Instant.now();
        Map<String, Instant> probed = new HashMap<>();
        java.util.concurrent.atomic.AtomicReference<String> missing = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                Map<String, List<ServeEvent>> dms = dmsByRequest();
                Instant now = Instant.now();
                Set<String> held = azure.lives().stream().filter(l -> l.endedAt(now) == null && l.to == null)
                        .map(l -> String.valueOf(l.requestId)).collect(Collectors.toCollection(java.util.TreeSet::new));
                List<String> untold = new ArrayList<>();
                for (Filed f : filed) {
                    if (f.id() == null || lost.containsKey(f.id())) {
                        continue;
                    }
                    List<ServeEvent> mine = dms.getOrDefault(f.id(), List.of());
                    if (mine.stream().noneMatch(e -> dmText(e).contains("revoked at"))) {
                        untold.add(f.id() + " (DMs: " + mine.stream().map(KillRig::dmText).toList() + ")");
                        if (Duration.between(from, now).toSeconds() >= 20
                                && Duration.between(probed.getOrDefault(f.id(), from), now).toSeconds() >= 10) {
                            probed.put(f.id(), now);
                            probe(f);
                        }
                    }
                }
                missing.set("not told yet: " + untold + "; held in Azure: " + held);
                return untold.isEmpty() && held.isEmpty();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("did not settle within 120 s: " + missing.get() + "\n" + diagnose(missing.get()), e);
        }
        System.out.printf("kill rig (%s, %d replica(s)): settled %d s after the last kill round%n", plan.mode(),
                plan.replicas(), Duration.between(from, Instant.now()).toSeconds());
    }

    private void probe(Filed f) {
        int[] sends = {0};
        HttpResponse<String> r = sendCounting(f.n(), "release " + f.id(), f.user(), sends);
        Release again = new Release(f.id(), f.user(), r.body(), Instant.now(), sends[0]);
        Release first = releases.stream().filter(x -> x.id().equals(f.id())).findFirst().orElse(null);
        if (again.unknown()) {
            lost.putIfAbsent(f.id(), new Lost("request", f.id(), f.ackedAt(), beforeKill(f.ackedAt())));
        } else if (again.revoking()) {
            lost.putIfAbsent("release " + f.id(), first != null && first.revoking()
                    ? new Lost("release", f.id(), first.ackedAt(), beforeKill(first.ackedAt()))
                    : new Lost(f.expiring() ? "expiry (nothing ended it)" : "release never sent", f.id(),
                    f.ackedAt(), null));
        }
        System.out.printf("kill rig: %s untold after settling; `release` again answered: %s%n", f.id(),
                again.reply().replaceAll("\\s+", " "));
    }

    // ------------------------------------------------------------------------------------------------ checks

    /** Every invariant, on the store read after the replicas stopped, the ARM fake's record and Slack's journal. */
    void verify() throws Exception {
        stopAll();
        List<AccessRequest> requests;
        Map<RequestId, List<AuditEvent>> events = new HashMap<>();
        long pendingWork;
        try (Database db = Database.open(dbUrl, dbUser, dbPassword)) {
            JdbcRequestStore store = new JdbcRequestStore(db);
            JdbcAuditLog audit = new JdbcAuditLog(db);
            requests = store.findByState(List.of(State.values()));
            for (AccessRequest r : requests) {
                events.put(r.id(), audit.forRequest(r.id()));
            }
            try (Connection c = db.dataSource().getConnection();
                 ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM work_items")) {
                rs.next();
                pendingWork = rs.getLong(1);
            }
        }
        Map<String, AccessRequest> byId = requests.stream().collect(Collectors.toMap(r -> r.id().value(), r -> r));
        Map<String, Filed> filedById = filed.stream().filter(f -> f.id() != null)
                .collect(Collectors.toMap(Filed::id, f -> f, (a, b) -> a));

        // Every request was answered, and granted by the rule.
        assertThat(filed).as("grants filed").hasSize(plan.grants());
        for (Filed f : filed) {
            assertThat(f.id()).as("request " + f.n() + " was answered with its id: " + f.ack()).isNotNull();
        }
        // An ack is a promise: an acknowledged request is in the store (H2 may forget the last ones before a kill).
        for (Filed f : filedById.values()) {
            if (!byId.containsKey(f.id())) {
                lost.putIfAbsent(f.id(), new Lost("request", f.id(), f.ackedAt(), beforeKill(f.ackedAt())));
            } else {
                assertThat(f.ack()).as("ack of " + f.id()).containsAnyOf("Azure is granting", "already has");
            }
        }
        for (AccessRequest r : requests) {
            assertThat(filedById).as(r.id() + " in the store is one the rig filed").containsKey(r.id().value());
        }

        Instant now = Instant.now();
        List<ArmState.Life> lives = azure.lives();
        Map<String, List<ArmState.Life>> livesByRequest = lives.stream().filter(l -> l.requestId != null)
                .collect(Collectors.groupingBy(l -> l.requestId));
        Map<String, List<ServeEvent>> dms = dmsByRequest();
        Map<String, Integer> reasons = new java.util.TreeMap<>();
        Duration worstWall = Duration.ZERO;
        Duration worstRunning = Duration.ZERO;
        String worstId = null;
        int deliveredAfterRestart = 0;
        int duplicateFinalDms = 0;
        int doubleRevokedEvents = 0;
        int revocations = 0;
        for (AccessRequest r : requests) {
            String id = r.id().value();
            List<ArmState.Life> mine = livesByRequest.getOrDefault(id, List.of());
            List<ArmState.Life> heldNow = mine.stream().filter(l -> l.endedAt(now) == null && l.to == null).toList();
            if (!durable && r.state() != State.ENDED) {
                // H2 forgot the last commits of this one's end (release, revocation, DM) after Azure and Slack saw
                // them: the store is back at an earlier state. What must hold is that Azure holds nothing and the
                // requester heard that it ended; the grant's expiry (or reconciliation) closes the row later.
                assertThat(heldNow).as(id + " is " + r.state() + " in the store, its end forgotten by H2, and "
                        + "Azure holds nothing for it").isEmpty();
                assertThat(dms.getOrDefault(id, List.of())).as(id + ": the requester was told it ended")
                        .anyMatch(e -> dmText(e).contains("revoked at"));
                lost.putIfAbsent("end " + id, new Lost("end (store back at " + r.state() + ")", id,
                        mine.stream().map(l -> l.endedAt(now)).filter(java.util.Objects::nonNull)
                                .max(Instant::compareTo).orElse(now), null));
                continue;
            }
            assertThat(r.state()).as(id + " ended (every grant was released or expired)").isEqualTo(State.ENDED);
            reasons.merge(String.valueOf(r.endReason()), 1, Integer::sum);
            assertThat(heldNow).as(id + " is ENDED and Azure holds nothing for it").isEmpty();
            // The end the requester asked for (the store's "released" event) or the expiry, whichever came first.
            Instant released = events.get(r.id()).stream().filter(e -> e.action().equals("released"))
                    .map(AuditEvent::at).min(Instant::compareTo).orElse(null);
            Instant due = r.expiresAt() == null ? released : released == null ? r.expiresAt()
                    : java.util.Collections.min(List.of(released, r.expiresAt()));
            for (ArmState.Life l : mine) {
                Instant gone = l.endedAt(now);
                revocations++;
                Instant from = due == null || due.isBefore(l.from) ? l.from : due;
                Duration wall = Duration.between(from, gone);
                Duration running = runningBetween(from, gone);
                if (wall.compareTo(worstWall) > 0) {
                    worstWall = wall;
                }
                if (running.compareTo(worstRunning) > 0) {
                    worstRunning = running;
                    worstId = id;
                }
                assertThat(running).as(id + ": its assignment outlived its end (" + from + ") by "
                        + running.toMillis() + " ms of running jitbot (gone at " + gone + ")")
                        .isLessThanOrEqualTo(BOUND);
            }
            List<ServeEvent> finals = dms.getOrDefault(id, List.of()).stream()
                    .filter(e -> dmText(e).contains("revoked at")).toList();
            assertThat(finals).as(id + ": the requester got the final message").isNotEmpty();
            duplicateFinalDms += finals.size() - 1;
            Instant firstDm = finals.get(0).getRequest().getLoggedDate().toInstant();
            if (killedBetween(r.endedAt(), firstDm)) {
                deliveredAfterRestart++;
            }
            long revoked = events.get(r.id()).stream().filter(e -> e.action().equals("revoked")).count();
            assertThat(revoked).as(id + " has its revoked audit event").isGreaterThanOrEqualTo(1);
            doubleRevokedEvents += revoked > 1 ? 1 : 0;
        }

        // What a forgotten request left in Azure: start-up reconciliation removes it within the bound.
        Duration worstOrphan = Duration.ZERO;
        int orphans = 0;
        for (ArmState.Life l : lives) {
            if (l.requestId != null && byId.containsKey(l.requestId)) {
                continue;
            }
            orphans++;
            Instant gone = l.endedAt(now);
            assertThat(gone).as("assignment " + l.name + " of forgotten request " + l.requestId + " was removed")
                    .isNotNull();
            Instant killed = runs.stream().map(r -> r.killed).filter(k -> k != null && k.isAfter(l.from))
                    .min(Instant::compareTo).orElse(l.from);
            Duration running = runningBetween(killed, gone);
            worstOrphan = running.compareTo(worstOrphan) > 0 ? running : worstOrphan;
            assertThat(running).as("orphan " + l.name + " of " + l.requestId + " outlived the restart by "
                    + running.toMillis() + " ms of running jitbot").isLessThanOrEqualTo(BOUND);
        }

        // No principal got two assignments: one assignment name (or PIM AdminAssign) per principal, role and scope.
        List<ArmState.Call> calls = azure.calls();
        Map<String, Set<String>> namesByKey = new HashMap<>();
        Map<String, Integer> putsByName = new HashMap<>();
        for (ArmState.Call c : calls) {
            boolean grant = c.method().equals("PUT") && (c.api().equals("rbac") || "AdminAssign".equals(c.requestType()));
            if (grant) {
                putsByName.merge(c.name(), 1, Integer::sum);
                if (c.status() == 200 || c.status() == 201) {
                    namesByKey.computeIfAbsent(c.key(), k -> new java.util.HashSet<>()).add(c.name());
                }
            }
        }
        namesByKey.forEach((key, names) -> assertThat(names).as("assignments made for " + key).hasSize(1));
        long repeatedPuts = putsByName.values().stream().mapToLong(n -> n - 1).sum();
        long grantsRepeated = putsByName.values().stream().filter(n -> n > 1).count();
        for (List<ArmState.Life> mine : livesByRequest.values()) {
            assertThat(mine).as("assignments of " + mine.get(0).requestId).hasSize(1);
        }

        JarProcess verify = JarProcess.start(work, env(0), List.of(), "audit", "verify");
        int exit = verify.waitFor(Duration.ofSeconds(90));
        assertThat(exit).as(verify.all()).isZero();
        assertThat(verify.all()).contains("intact");

        List<Lost> forgotten = new ArrayList<>(lost.values());
        forgotten.sort(java.util.Comparator.comparing(Lost::ackedAt));
        System.out.printf("kill rig (%s, %d replica(s), %s) result: %d kills (%d during start-up); %d requests "
                        + "in the store of %d acknowledged, end reasons %s; %d activations and %d revocations in "
                        + "Azure; worst assignment life past its release or expiry %d ms wall clock, %d ms of "
                        + "running jitbot (%s); %d orphans of forgotten requests, removed at worst %d ms of running "
                        + "jitbot after the kill; %d grant PUTs repeated (idempotent, same name) over %d grants; 0 "
                        + "second assignments; %d final DMs queued at a kill and delivered after the restart, %d "
                        + "duplicate final DMs; %d requests with two revoked events; %d work items left; "
                        + "acknowledged but forgotten: %d %s; audit: %s%n",
                plan.mode(), plan.replicas(), durable ? "PostgreSQL" : "H2", kills, killsBeforeReady,
                requests.size(), filedById.size(), reasons, lives.size(), revocations, worstWall.toMillis(),
                worstRunning.toMillis(), worstId, orphans, worstOrphan.toMillis(), repeatedPuts, grantsRepeated,
                deliveredAfterRestart, duplicateFinalDms, doubleRevokedEvents, pendingWork, forgotten.size(),
                forgotten.stream().map(l -> l.what() + " " + l.id() + " (acked " + (l.beforeKill() == null ? "?"
                        : l.beforeKill().toMillis()) + " ms before a kill)").toList(),
                verify.out().stream().filter(l -> l.contains("intact")).findFirst().orElse("?"));
        assertThat(kills).isGreaterThanOrEqualTo(plan.minKills());
        assertThat(lives.size() + revocations).as("activations and revocations").isGreaterThanOrEqualTo(200);
        assertThat(forgotten.stream().filter(l -> l.what().startsWith("expiry") || l.what().startsWith("release never")))
                .as("grants nothing ended").isEmpty();
        if (durable) {
            assertThat(forgotten).as("acknowledged commands the database forgot").isEmpty();
            assertThat(orphans).as("assignments without a request").isZero();
        }
    }

    /** The store's view of the requests {@code text} names: state, pending work, audit actions, Azure calls. */
    private String diagnose(String text) {
        StringBuilder out = new StringBuilder();
        try {
            // What the live replicas' workers are doing, saved before they are stopped: a stuck item shows here.
            for (Map.Entry<Integer, JarProcess> e : Map.copyOf(live).entrySet()) {
                String dump = e.getValue().threadDump();
                Path file = logs.resolve("threads-node" + e.getKey() + ".txt");
                try {
                    Files.writeString(file, dump);
                } catch (IOException notSaved) {
                    file = null;
                }
                out.append("node ").append(e.getKey()).append(" busy workers (all threads in ")
                        .append(file == null ? "no file" : file).append("):\n").append(busyWorkers(dump));
            }
            stopAll();
            Set<String> ids = new java.util.TreeSet<>();
            Matcher m = ID.matcher(text);
            while (m.find()) {
                ids.add(m.group());
            }
            try (Database db = Database.open(dbUrl, dbUser, dbPassword)) {
                JdbcRequestStore store = new JdbcRequestStore(db);
                JdbcAuditLog audit = new JdbcAuditLog(db);
                try (Connection c = db.dataSource().getConnection(); ResultSet rs = c.createStatement().executeQuery(
                        "SELECT lane, kind, lease_owner IS NOT NULL, COUNT(*), MAX(attempts) FROM work_items "
                                + "GROUP BY lane, kind, lease_owner IS NOT NULL ORDER BY 1, 2, 3")) {
                    out.append("work left:");
                    while (rs.next()) {
                        out.append(' ').append(rs.getString(1)).append('/').append(rs.getString(2))
                                .append(rs.getBoolean(3) ? " claimed " : " queued ").append(rs.getLong(4))
                                .append(" (max attempts ").append(rs.getInt(5)).append(')');
                    }
                    out.append('\n');
                }
                for (String id : ids) {
                    RequestId rid = new RequestId(id);
                    AccessRequest r = store.find(rid).orElse(null);
                    out.append(id).append(": ").append(r == null ? "absent" : r.state() + " expires " + r.expiresAt()
                            + " ended " + r.endedAt() + " assignment " + r.assignmentId());
                    try (Connection c = db.dataSource().getConnection();
                         java.sql.PreparedStatement ps = c.prepareStatement("SELECT id, kind, chain, due_at, "
                                 + "lease_until, lease_owner, attempts, last_error FROM work_items WHERE request_id = ?")) {
                        ps.setString(1, id);
                        try (ResultSet rs = ps.executeQuery()) {
                            while (rs.next()) {
                                out.append("; work ").append(rs.getLong(1)).append(' ').append(rs.getString(2))
                                        .append(" due ").append(rs.getString(4)).append(" lease ")
                                        .append(rs.getString(5)).append(" by ").append(rs.getString(6))
                                        .append(" attempts ").append(rs.getInt(7)).append(" error ")
                                        .append(rs.getString(8));
                            }
                        }
                    }
                    out.append("; audit ").append(audit.forRequest(rid).stream().map(e -> e.at() + " " + e.action())
                            .toList());
                    out.append("; azure ").append(azure.calls().stream().filter(c -> id.equals(c.requestId())
                            || (r != null && c.name() != null && r.assignmentId() != null
                            && r.assignmentId().endsWith(c.name()))).map(c -> c.at() + " " + c.method() + " "
                            + c.status()).toList()).append('\n');
                }
            }
        } catch (Exception e) {
            out.append("diagnosis failed: ").append(e);
        }
        return out.toString();
    }

    /** The stacks of jitbot's work and dispatch threads in a thread dump, except workers idle in their pool. */
    static String busyWorkers(String dump) {
        StringBuilder out = new StringBuilder();
        for (String thread : dump.split("\n\n")) {
            String t = thread.strip();
            if (t.startsWith("\"jitbot-") && !t.contains("ThreadPoolExecutor.getTask")) {
                out.append(t).append("\n\n");
            }
        }
        return out.isEmpty() ? "(none)\n" : out.toString();
    }

    /** How long at least one replica was up and ready between {@code from} and {@code to}. */
    Duration runningBetween(Instant from, Instant to) {
        if (!to.isAfter(from)) {
            return Duration.ZERO;
        }
        List<Instant[]> up = new ArrayList<>();
        for (Run r : runs) {
            if (r.ready == null) {
                continue;
            }
            Instant end = r.killed != null ? r.killed : r.stopped != null ? r.stopped : Instant.now();
            up.add(new Instant[] {r.ready, end});
        }
        up.sort((a, b) -> a[0].compareTo(b[0]));
        long millis = 0;
        Instant cursor = from;
        for (Instant[] u : up) {
            Instant s = u[0].isAfter(cursor) ? u[0] : cursor;
            Instant e = u[1].isBefore(to) ? u[1] : to;
            if (e.isAfter(s)) {
                millis += Duration.between(s, e).toMillis();
                cursor = e;
            }
        }
        return Duration.ofMillis(millis);
    }

    private boolean killedBetween(Instant from, Instant to) {
        return from != null && runs.stream().anyMatch(r -> r.killed != null && r.killed.isAfter(from)
                && r.killed.isBefore(to));
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private int status(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String tail(JarProcess p) {
        List<String> lines = new ArrayList<>(p.out());
        lines.addAll(p.err());
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
    }

    static String form(String... namesAndValues) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            sb.append(i == 0 ? "" : "&").append(namesAndValues[i]).append('=')
                    .append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    static Map<String, String> parseForm(String body) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() throws Exception {
        stopAll();
        slack.stop();
        arm.close();
    }
}
