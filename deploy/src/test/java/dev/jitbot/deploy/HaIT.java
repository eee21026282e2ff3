package dev.jitbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.ExpiryService;
import dev.jitbot.core.app.Notifications;
import dev.jitbot.core.azure.ArmNames;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.policy.PolicyDirectory;
import dev.jitbot.core.policy.PolicyLoader;
import dev.jitbot.core.schedule.QuartzExpiryScheduler;
import dev.jitbot.core.store.Database;
import dev.jitbot.core.store.JdbcAuditLog;
import dev.jitbot.core.store.JdbcRequestStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Two jitbot processes ({@code java -jar jitbot.jar serve}) on one real PostgreSQL with Quartz clustered, ARM
 * faked at the wire over HTTPS. This JVM files the grants (auto-approved Reader, short expiries) through the same
 * core and store; the two nodes revoke them. Counts the DELETEs ARM receives per assignment.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class HaIT {

    private static final String SUB = "5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6";
    private static final ChatUser ALICE = new ChatUser(Platform.CLI, "alice", "Alice", "alice@contoso.com");
    /** Quartz's default cluster check-in interval: how soon a node notices another has died. */
    private static final Duration CHECKIN = Duration.ofMillis(7500);

    private Path work;

    private String pgUrl;
    private ArmFake arm;
    private Database db;
    private QuartzExpiryScheduler scheduler;
    private JdbcRequestStore store;
    private JdbcAuditLog audit;
    private AccessService service;
    private final List<JarProcess> nodes = new ArrayList<>();
    private final List<Integer> ports = new ArrayList<>();
    private HttpClient http;

    @BeforeAll
    void twoNodesOnPostgres() throws Exception {
        String base = System.getenv("JITBOT_TEST_PG_URL");
        assumeTrue(base != null && !base.isBlank(), "JITBOT_TEST_PG_URL is unset: no PostgreSQL for the HA test");
        String user = System.getenv("JITBOT_TEST_PG_USER");
        String password = System.getenv("JITBOT_TEST_PG_PASSWORD");
        work = Files.createTempDirectory("jitbot-ha");
        // First: it sets this JVM's trust store, which must happen before anything (the JDBC driver) sets up TLS.
        arm = new ArmFake(work);
        http = HttpClient.newHttpClient();
        String schema = "ha_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(base, user, password)) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        pgUrl = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;

        Path policyFile = work.resolve("policy.yaml");
        Files.writeString(policyFile, String.join("\n",
                "defaults: { max_duration: 1h, request_ttl: 30m, approvals: 1 }",
                "scopes:",
                "  sub-ha: /subscriptions/" + SUB,
                "groups:",
                "  engineers: { members: [alice@contoso.com] }",
                "rules:",
                "  - name: read for the HA test",
                "    role: Reader",
                "    scopes: [\"/subscriptions/" + SUB + "/resourceGroups/*\"]",
                "    requesters: [engineers]",
                "    approvals: 0",
                "    max_duration: 1h",
                "users:",
                "  alice@contoso.com: { object_id: 9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d }",
                ""));

        // This JVM migrates the schema first, then only files grants: its scheduler stays in stand-by.
        db = Database.open(pgUrl, user, password, 8);
        scheduler = new QuartzExpiryScheduler(db, QuartzExpiryScheduler.Settings.defaults(db));
        store = new JdbcRequestStore(db);
        audit = new JdbcAuditLog(db);
        Policy policy = PolicyLoader.load(policyFile).policy();
        Clock clock = Clock.systemUTC();
        // This JVM only files requests (the serve nodes make every Azure call), so the provider here only says what
        // may be asked for: grants shorter than a production minimum keep the test inside its time budget.
        var provider = new dev.jitbot.core.testing.RecordingAccessProvider().actAs("rbac", Duration.ZERO);
        Notifications notifications = new Notifications(store, List.of());
        // No workers here: the two serve nodes run the outbox's work.
        var outbox = new dev.jitbot.core.store.JdbcOutbox(db.dataSource(), audit, "ha-it-filer",
                java.time.Duration.ofSeconds(20));
        ExpiryService expiry = new ExpiryService(() -> policy, store, outbox, notifications, scheduler, clock);
        scheduler.bind(expiry);
        service = new AccessService(() -> policy, store, outbox, audit, provider, new PolicyDirectory(() -> policy),
                notifications, scheduler, clock, new SecureRandom());

        for (int i = 0; i < 2; i++) {
            int port = ServeJarIT.freePort();
            Map<String, String> env = new HashMap<>(arm.env());
            env.put("JITBOT_HTTP_PORT", Integer.toString(port));
            env.put("JITBOT_DB_URL", pgUrl);
            env.put("JITBOT_DB_USER", user);
            env.put("JITBOT_DB_PASSWORD", password);
            env.put("JITBOT_POLICY", policyFile.toString());
            Path dir = Files.createDirectories(work.resolve("node" + i));
            nodes.add(JarProcess.start(dir, env, arm.trustOptions(), "serve"));
            ports.add(port);
        }
        for (int i = 0; i < 2; i++) {
            int port = ports.get(i);
            JarProcess node = nodes.get(i);
            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(250)).ignoreExceptions()
                    .until(() -> {
                        assertThat(node.process.isAlive()).as(node.all()).isTrue();
                        return readyz(port) == 200;
                    });
            System.out.println("HA node " + i + " ready after " + node.sinceStart().toMillis() + " ms");
        }
    }

    @AfterAll
    void stop() {
        nodes.forEach(JarProcess::close);
        if (scheduler != null) {
            scheduler.shutdown(false);
        }
        if (db != null) {
            db.close();
        }
        if (arm != null) {
            arm.close();
        }
    }

    @Test
    @Order(1)
    void hundredGrantsOnTwoLiveNodes_eachRevokedExactlyOnce() {
        List<RequestId> ids = file("a", 100, 10, 10);
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofSeconds(1)).until(() -> allEnded(ids));
        Map<String, Long> deletes = arm.deletesByAssignment();
        for (RequestId id : ids) {
            assertThat(deletes.getOrDefault(ArmNames.assignmentName(id), 0L)).as("DELETEs of " + id).isEqualTo(1L);
            assertThat(revokedEvents(id)).as("revoked events of " + id).isEqualTo(1);
        }
        report("two live nodes", ids);
    }

    @Test
    @Order(2)
    void hundredGrants_nodeKilledMidway_survivorFinishesWithin30sOfTheCheckIn() {
        List<RequestId> ids = file("b", 100, 15, 20);
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> ended(ids) >= ids.size() / 4);
        Instant killedAt = Instant.now();
        nodes.get(0).process.destroyForcibly();
        System.out.println("HA: killed node 0 with " + ended(ids) + " of " + ids.size() + " grants revoked");

        await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1)).until(() -> allEnded(ids));

        Map<String, Long> deletes = arm.deletesByAssignment();
        int duplicates = 0;
        Duration worst = Duration.ZERO;
        for (RequestId id : ids) {
            AccessRequest r = store.find(id).orElseThrow();
            long n = deletes.getOrDefault(ArmNames.assignmentName(id), 0L);
            assertThat(n).as("DELETEs of " + id).isGreaterThanOrEqualTo(1L);
            duplicates += n > 1 ? 1 : 0;
            // The ENDED write and its "revoked" event are one transaction: exactly one each, whenever the kill fell.
            long events = revokedEvents(id);
            assertThat(events).as("revoked events of " + id).isEqualTo(1);
            Instant due = r.expiresAt().isAfter(killedAt.plus(CHECKIN)) ? r.expiresAt() : killedAt.plus(CHECKIN);
            Duration late = Duration.between(due, r.endedAt());
            worst = late.compareTo(worst) > 0 ? late : worst;
            assertThat(late).as(id + " ended after its expiry or the cluster check-in").isLessThanOrEqualTo(Duration.ofSeconds(30));
        }
        System.out.println("HA: after the kill, the latest revocation came " + worst.toMillis() + " ms after "
                + "max(expiry, kill + check-in); " + duplicates + " grant(s) got a second (idempotent) DELETE because "
                + "the killed node had sent it before recording the end");
        assertThat(nodes.get(1).process.isAlive()).isTrue();
        report("one node killed", ids);
    }

    /** Files {@code n} auto-approved grants, each on its own resource group (one open grant per scope and role). */
    private List<RequestId> file(String batch, int n, int minSeconds, int spreadSeconds) {
        List<RequestId> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            Outcome o = service.handle(ALICE, "request Reader on /subscriptions/" + SUB + "/resourceGroups/rg-" + batch
                    + i + " for " + (minSeconds + i % spreadSeconds) + "s because HA test " + i);
            assertThat(o).as(o.toString()).isInstanceOf(Outcome.Activating.class);
            ids.add(((Outcome.Activating) o).request().id());
        }
        return ids;
    }

    private void report(String phase, List<RequestId> ids) {
        List<Duration> lags = ids.stream().map(id -> store.find(id).orElseThrow())
                .map(r -> Duration.between(r.expiresAt(), r.endedAt())).sorted().toList();
        System.out.printf("HA (%s): %d grants; revocation lag after expiry median %d ms, max %d ms%n", phase,
                ids.size(), lags.get(lags.size() / 2).toMillis(), lags.get(lags.size() - 1).toMillis());
    }

    private long revokedEvents(RequestId id) {
        return audit.forRequest(id).stream().filter(e -> e.action().equals("revoked")).count();
    }

    private int ended(List<RequestId> ids) {
        return (int) ids.stream().filter(id -> store.find(id).map(r -> r.state() == State.ENDED).orElse(false)).count();
    }

    private boolean allEnded(List<RequestId> ids) {
        return ended(ids) == ids.size();
    }

    private int readyz(int port) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/readyz"))
                .timeout(Duration.ofSeconds(3)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
