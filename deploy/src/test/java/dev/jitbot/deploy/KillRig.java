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
 * fake and a WireMock Slack; signed {@code /jit request} slash commands file auto-approved Reader grants of a few
 * seconds while the replicas are killed with {@code destroyForcibly()} at random moments and started again. After
 * the rounds it lets the survivors settle and checks what a security team would: every request ended with nothing
 * left in Azure (or is active and held), nothing outlived its expiry by more than 30 s of running jitbot, nobody got
 * a second assignment, everyone got their last message, and the audit trail is whole.
 */
final class KillRig implements AutoCloseable {

    static final String SUB = "5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6";
    static final String TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx";
    static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    /** How long an assignment may outlive its request's expiry while jitbot runs (the bound). */
    static final Duration BOUND = Duration.ofSeconds(30);
    private static final Pattern ID = Pattern.compile("JIT-[0-9A-Z]+");

    /** What the run does: how many grants, how long, how many kills, which replicas may die. */
    record Plan(String mode, int shortGrants, int longGrants, int minSeconds, int spreadSeconds, Duration sendOver,
                int minKills, int replicas, long seed) {
    }

    /** A Slack user the policy knows by email and Entra object id. */
    record User(String slackId, String email, String objectId) {
    }

    /** One request as filed: what the ack said, if anything came back. */
    record Filed(int n, User user, String scope, int seconds, String id, String ack) {
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
    private volatile boolean sending;

    KillRig(Plan plan, Path work, String dbUrl, String dbUser, String dbPassword) throws Exception {
        this.plan = plan;
        this.work = work;
        this.dbUrl = dbUrl;
        this.dbUser = dbUser;
        this.dbPassword = dbPassword;
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

    /** Files every grant from a sender thread while this thread kills and restarts replicas; returns at the end. */
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
        Instant sendDone = null;
        Instant tailUntil = null;
        while (true) {
            if (sendDone == null && !sender.isAlive()) {
                sendDone = Instant.now();
                // Keep killing while the last grants expire, so revocations are cut short too.
                tailUntil = sendDone.plusSeconds(plan.minSeconds() + plan.spreadSeconds() / 2);
            }
            if (sendDone != null && kills >= plan.minKills() && Instant.now().isAfter(tailUntil)) {
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
        sender.join();
        sending = false;
        for (int i = 0; i < plan.replicas(); i++) {
            awaitReady(i);
        }
        System.out.printf("kill rig (%s, %d replica(s)): %d kills (%d during start-up) over %d s; %d requests sent,"
                        + " %d acknowledged%n", plan.mode(), plan.replicas(), kills, killsBeforeReady,
                Duration.between(runs.get(0).started, Instant.now()).toSeconds(), filed.size(),
                filed.stream().filter(f -> f.id() != null).count());
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

    private void sendAll() {
        int total = plan.shortGrants() + plan.longGrants();
        long gapMillis = plan.sendOver().toMillis() / total;
        for (int n = 0; n < total; n++) {
            boolean isLong = n % (total / Math.max(plan.longGrants(), 1)) == 0 && n / Math.max(1,
                    total / Math.max(plan.longGrants(), 1)) < plan.longGrants();
            int seconds = isLong ? 1800 : plan.minSeconds() + random.nextInt(plan.spreadSeconds() + 1);
            User user = users.get(n % users.size());
            String scope = "/subscriptions/" + SUB + "/resourceGroups/rg-kill-" + n;
            filed.add(sendUntilAnswered(n, user, scope, seconds));
            sleep(gapMillis);
        }
    }

    private Filed sendUntilAnswered(int n, User user, String scope, int seconds) {
        String text = "request Reader on " + scope + " for " + seconds + "s because kill test " + n;
        int node = n % ports.size();
        while (true) {
            node = (node + 1) % ports.size();
            if (!ready(node)) {
                sleep(50);
                continue;
            }
            try {
                HttpResponse<String> r = slash(ports.get(node), user, text);
                if (r.statusCode() != 200) {
                    sleep(100);
                    continue;
                }
                Matcher m = ID.matcher(r.body());
                return new Filed(n, user, scope, seconds, m.find() ? m.group() : null, r.body());
            } catch (ConnectException e) {
                sleep(50);
            } catch (IOException e) {
                // The replica died with the request in flight: it may or may not be filed; the store says which.
                return new Filed(n, user, scope, seconds, null, "no answer: " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Filed(n, user, scope, seconds, null, "interrupted");
            }
        }
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

    /** Waits until Slack and Azure show every short grant ended and told, and every long one held and told. */
    void settle() {
        Instant from = Instant.now();
        Set<String> acked = filed.stream().map(Filed::id).filter(java.util.Objects::nonNull).collect(Collectors.toSet());
        Set<String> longOnes = filed.stream().filter(f -> f.id() != null && f.seconds() >= 1800).map(Filed::id)
                .collect(Collectors.toSet());
        java.util.concurrent.atomic.AtomicReference<String> missing = new java.util.concurrent.atomic.AtomicReference<>();
        try {
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> {
                Map<String, List<ServeEvent>> dms = dmsByRequest();
                Instant now = Instant.now();
                Set<String> held = azure.lives().stream().filter(l -> l.endedAt(now) == null && l.to == null)
                        .map(l -> l.requestId).collect(Collectors.toSet());
                List<String> untold = new ArrayList<>();
                for (String id : acked) {
                    List<ServeEvent> mine = dms.getOrDefault(id, List.of());
                    String want = longOnes.contains(id) ? "is yours until" : "revoked at";
                    if (mine.stream().noneMatch(e -> dmText(e).contains(want))) {
                        untold.add(id + " (DMs: " + mine.stream().map(KillRig::dmText).toList() + ")");
                    }
                }
                Set<String> extra = new java.util.TreeSet<>(held);
                extra.removeAll(longOnes);
                Set<String> gone = new java.util.TreeSet<>(longOnes);
                gone.removeAll(held);
                missing.set("not told yet: " + untold + "; held but should be gone: " + extra
                        + "; long grants not held: " + gone);
                return untold.isEmpty() && extra.isEmpty() && gone.isEmpty();
            });
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            throw new AssertionError("did not settle within 120 s: " + missing.get() + "\n" + diagnose(missing.get()), e);
        }
        System.out.printf("kill rig (%s, %d replica(s)): settled %d s after the last kill round%n", plan.mode(),
                plan.replicas(), Duration.between(from, Instant.now()).toSeconds());
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
        Set<String> longOnes = filed.stream().filter(f -> f.seconds() >= 1800).map(Filed::scope)
                .collect(Collectors.toSet());

        // Every acknowledged request is in the store: an ack is a promise.
        for (Filed f : filed) {
            if (f.id() != null) {
                assertThat(byId).as("acknowledged " + f.id() + " is in the store").containsKey(f.id());
                assertThat(f.ack()).as("ack of " + f.id()).contains("Azure is granting");
            }
        }
        long shortCount = requests.stream().filter(r -> !longOnes.contains(r.scope().id())).count();
        assertThat(shortCount).as("short grants filed").isGreaterThanOrEqualTo(plan.shortGrants() * 9L / 10);

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
        for (AccessRequest r : requests) {
            String id = r.id().value();
            List<ArmState.Life> mine = livesByRequest.getOrDefault(id, List.of());
            List<ArmState.Life> heldNow = mine.stream().filter(l -> l.endedAt(now) == null && l.to == null).toList();
            assertThat(r.state()).as(id + " settled").isIn(State.ACTIVE, State.ENDED);
            if (r.state() == State.ACTIVE) {
                assertThat(heldNow).as(id + " is ACTIVE with its assignment in Azure").hasSize(1);
                assertThat(dms.getOrDefault(id, List.of())).as(id + ": the requester was told it is granted")
                        .anyMatch(e -> dmText(e).contains("is yours until"));
                continue;
            }
            reasons.merge(String.valueOf(r.endReason()), 1, Integer::sum);
            assertThat(heldNow).as(id + " is ENDED and Azure holds nothing for it").isEmpty();
            // Not every ended request reached Azure (a grant refused, or ended before it ran); those that did:
            for (ArmState.Life l : mine) {
                Instant gone = l.endedAt(now);
                Duration wall = Duration.between(r.expiresAt() == null ? l.from : r.expiresAt(), gone);
                Duration running = runningBetween(r.expiresAt() == null ? l.from : r.expiresAt(), gone);
                if (wall.compareTo(worstWall) > 0) {
                    worstWall = wall;
                }
                if (running.compareTo(worstRunning) > 0) {
                    worstRunning = running;
                    worstId = id;
                }
                assertThat(running).as(id + ": its assignment outlived the expiry " + r.expiresAt() + " by "
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

        System.out.printf("kill rig (%s, %d replica(s)) result: %d requests in the store (%d acked, %d sends cut "
                        + "off by a kill), end reasons %s, %d still active and held; %d kills (%d during start-up); "
                        + "worst assignment life past expiry %d ms wall clock, %d ms of running jitbot (%s); "
                        + "%d grant PUTs repeated (idempotent, same name) over %d grants; 0 second assignments; %d "
                        + "final DMs queued at a kill and delivered after the restart, %d duplicate final DMs; %d "
                        + "requests with two revoked events; %d work items left; audit: %s%n",
                plan.mode(), plan.replicas(), requests.size(), filed.stream().filter(f -> f.id() != null).count(),
                filed.stream().filter(f -> f.id() == null).count(), reasons,
                requests.stream().filter(r -> r.state() == State.ACTIVE).count(), kills, killsBeforeReady,
                worstWall.toMillis(), worstRunning.toMillis(), worstId, repeatedPuts, grantsRepeated,
                deliveredAfterRestart, duplicateFinalDms, doubleRevokedEvents, pendingWork,
                verify.out().stream().filter(l -> l.contains("intact")).findFirst().orElse("?"));
        assertThat(kills).isGreaterThanOrEqualTo(plan.minKills());
    }

    /** The store's view of the requests {@code text} names: state, pending work, audit actions, Azure calls. */
    private String diagnose(String text) {
        StringBuilder out = new StringBuilder();
        try {
            stopAll();
            Set<String> ids = new java.util.TreeSet<>();
            Matcher m = ID.matcher(text);
            while (m.find()) {
                ids.add(m.group());
            }
            try (Database db = Database.open(dbUrl, dbUser, dbPassword)) {
                JdbcRequestStore store = new JdbcRequestStore(db);
                JdbcAuditLog audit = new JdbcAuditLog(db);
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
