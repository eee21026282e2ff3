package dev.jitbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.ExpiryService;
import dev.jitbot.core.app.Notifications;
import dev.jitbot.core.azure.DryRunAccessProvider;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.policy.PolicyDirectory;
import dev.jitbot.core.policy.PolicyLoader;
import dev.jitbot.core.schedule.QuartzExpiryScheduler;
import dev.jitbot.core.store.Database;
import dev.jitbot.core.store.JdbcAuditLog;
import dev.jitbot.core.store.JdbcRequestStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The on-call commands through the built jar, against a database a running bot left behind: what someone can do
 * when chat is down.
 */
class AdminJarIT {

    private static final ChatUser ALICE = new ChatUser(Platform.SLACK, "U0ALICE", "Alice", "alice@contoso.com");

    @TempDir
    Path work;

    private String url;
    private Map<String, String> env;
    private RequestId grant;

    /** A bot on this H2 file granted alice Reader on sub-prod for an hour, then stopped. */
    @BeforeEach
    void aDatabaseWithOneActiveGrant() throws Exception {
        Path policyFile = work.resolve("policy.yaml");
        Files.copy(Path.of("examples/policy.yaml").toAbsolutePath(), policyFile);
        url = "jdbc:h2:file:" + work.resolve("data/jitbot").toAbsolutePath();
        env = Map.of("JITBOT_DB_URL", url, "JITBOT_POLICY", policyFile.toString());
        Policy policy = PolicyLoader.load(policyFile).policy();
        try (Database db = Database.open(url, null, null)) {
            QuartzExpiryScheduler scheduler = new QuartzExpiryScheduler(db, QuartzExpiryScheduler.Settings.defaults(db));
            try {
                JdbcRequestStore store = new JdbcRequestStore(db);
                JdbcAuditLog audit = new JdbcAuditLog(db);
                DryRunAccessProvider provider = new DryRunAccessProvider(null);
                Notifications notifications = new Notifications(store, List.of());
                var outbox = new dev.jitbot.core.store.JdbcOutbox(db.dataSource(), audit, "admin-it",
                        java.time.Duration.ofSeconds(20));
                var work = new dev.jitbot.core.app.WorkHandlers(() -> policy, store, outbox, provider, notifications,
                        scheduler, new dev.jitbot.core.app.AzureLimiter(dev.jitbot.core.app.AzureLimiter.Limits.arm()),
                        Clock.systemUTC());
                new dev.jitbot.core.testing.SyncWork(outbox, work, work.limiter(), Clock.systemUTC());
                AccessService service = new AccessService(() -> policy, store, outbox, audit, provider,
                        new PolicyDirectory(() -> policy), notifications, scheduler, Clock.systemUTC(),
                        new SecureRandom());
                Outcome o = service.handle(ALICE, "request Reader on sub-prod for 1h because admin test");
                assertThat(o).isInstanceOf(Outcome.Activating.class);
                grant = ((Outcome.Activating) o).request().id();
            } finally {
                scheduler.shutdown(false);
            }
        }
    }

    private JarProcess run(String... args) throws Exception {
        return JarProcess.start(work, env, List.of(), args);
    }

    @Test
    void grantsListAndShow_showTheActiveGrantWithItsTrail() throws Exception {
        try (JarProcess list = run("grants", "list")) {
            assertThat(list.waitFor(Duration.ofSeconds(60))).as(list.all()).isZero();
            assertThat(String.join("\n", list.out())).contains(grant.value()).contains("Reader on sub-prod")
                    .contains("active until");
        }
        try (JarProcess show = run("grants", "show", grant.value())) {
            assertThat(show.waitFor(Duration.ofSeconds(60))).as(show.all()).isZero();
            assertThat(String.join("\n", show.out())).contains("requested").contains("approved")
                    .contains("alice@contoso.com");
        }
    }

    @Test
    void grantsRevoke_byOncall_endsTheGrantAndAuditsIt_butRefusesSomeoneElse() throws Exception {
        try (JarProcess erin = run("grants", "revoke", grant.value(), "--as", "erin@contoso.com", "--reason", "x")) {
            assertThat(erin.waitFor(Duration.ofSeconds(60))).as(erin.all()).isEqualTo(1);
        }
        try (JarProcess carol = run("grants", "revoke", grant.value(), "--as", "carol@contoso.com", "--reason",
                "chat is down")) {
            assertThat(carol.waitFor(Duration.ofSeconds(60))).as(carol.all()).isZero();
            assertThat(String.join("\n", carol.out())).contains("revoked at").contains("chat is down")
                    .contains("[dry-run] would DELETE");
        }
        try (JarProcess list = run("grants", "list")) {
            assertThat(list.waitFor(Duration.ofSeconds(60))).isZero();
            assertThat(String.join("\n", list.out())).contains("No active grants or pending requests right now.");
        }
    }

    @Test
    void auditVerifyAndExport_proveTheChainAndWriteJsonLines_andVerifyCatchesAnEdit() throws Exception {
        try (JarProcess verify = run("audit", "verify")) {
            assertThat(verify.waitFor(Duration.ofSeconds(60))).as(verify.all()).isZero();
            assertThat(String.join("\n", verify.out())).contains("intact");
        }
        Path export = work.resolve("audit.jsonl");
        try (JarProcess exp = run("audit", "export", "--format", "jsonl", "-o", export.toString())) {
            assertThat(exp.waitFor(Duration.ofSeconds(60))).as(exp.all()).isZero();
        }
        List<String> lines = Files.readAllLines(export);
        assertThat(lines).hasSizeGreaterThanOrEqualTo(2);
        ObjectMapper json = new ObjectMapper();
        for (String line : lines) {
            JsonNode event = json.readTree(line);
            assertThat(event.isObject()).isTrue();
        }
        assertThat(String.join("\n", lines)).contains(grant.value());

        try (Connection c = DriverManager.getConnection(url)) {
            c.createStatement().executeUpdate("UPDATE audit_events SET details = 'nothing to see' WHERE seq = 1");
        }
        try (JarProcess verify = run("audit", "verify")) {
            assertThat(verify.waitFor(Duration.ofSeconds(60))).as(verify.all()).isEqualTo(1);
            assertThat(String.join("\n", verify.err())).contains("BROKEN at event 1");
        }
    }
}
