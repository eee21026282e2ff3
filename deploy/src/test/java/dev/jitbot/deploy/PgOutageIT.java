package dev.jitbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.store.Database;
import dev.jitbot.core.store.JdbcRequestStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jitbot serve} (the built jar) on the PostgreSQL the HA test uses, through a TCP relay that makes the
 * database vanish for 15 s in the middle of a run, as a stopped server does from jitbot's side: open connections
 * dropped, new ones refused. The cluster itself is shared with the other ITs, so it is not stopped. While it is gone
 * {@code /readyz} must answer 503; nothing acknowledged before or during the outage may be lost, and every grant
 * and revocation must be done once it is back. Skipped without {@code JITBOT_TEST_PG_URL}, as {@link HaIT} is.
 */
class PgOutageIT {

    private static final Pattern HOST_PORT = Pattern.compile("^jdbc:postgresql://([^:/?]+)(?::(\\d+))?(/.*)$");
    private static final Duration OUTAGE = Duration.ofSeconds(15);

    @TempDir
    Path work;

    @Test
    void readyzAnswers503WhileThePostgresIsGone_andEverythingIsDoneAfterItReturns() throws Exception {
        String base = System.getenv("JITBOT_TEST_PG_URL");
        assumeTrue(base != null && !base.isBlank(), "JITBOT_TEST_PG_URL is unset: no PostgreSQL for the outage test");
        String user = System.getenv("JITBOT_TEST_PG_USER");
        String password = System.getenv("JITBOT_TEST_PG_PASSWORD");
        Matcher m = HOST_PORT.matcher(base);
        assertThat(m.matches()).as("JITBOT_TEST_PG_URL as jdbc:postgresql://host[:port]/db: " + base).isTrue();
        String schema = "outage_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(base, user, password)) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        String rest = m.group(3);
        String direct = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        try (TcpCut cut = new TcpCut(m.group(1), m.group(2) == null ? 5432 : Integer.parseInt(m.group(2)));
             FireBench.Rig rig = new FireBench.Rig(work, BenchArm.Throttle.NONE, BenchArm.Throttle.NONE,
                     Duration.ofMillis(20), BenchArm.Faults.NONE, JarProcess.jar().toAbsolutePath().toString())) {
            String relayed = "jdbc:postgresql://127.0.0.1:" + cut.port() + rest + (rest.contains("?") ? "&" : "?")
                    + "currentSchema=" + schema;
            if (user != null) {
                rig.extraEnv.put("JITBOT_DB_USER", user);
            }
            if (password != null) {
                rig.extraEnv.put("JITBOT_DB_PASSWORD", password);
            }
            BurstBench.Serve serve = rig.start("serve", relayed);
            URI readyz = URI.create("http://127.0.0.1:" + serve.port + "/readyz");

            List<FireBench.Sent> before = rig.file(List.of(serve), 40, 0, FireBench.SUB, "pg", Duration.ofMinutes(1),
                    8);
            assertThat(before).as("acked as granting before the outage").allMatch(FireBench.Sent::accepted);
            assertThat(rig.await(() -> rig.granted(before) >= before.size(), Duration.ofSeconds(60))).isTrue();

            cut.cut();
            long cutAt = System.nanoTime();
            List<FireBench.Sent> during = new CopyOnWriteArrayList<>();
            Thread sender = new Thread(() -> {
                for (int i = 0; i < 5; i++) {
                    during.add(rig.slash(serve, 200 + i, FireBench.SUB, "pg", Duration.ofMinutes(1)));
                }
            }, "during-the-outage");
            sender.start();
            Map<Long, Integer> statuses = new TreeMap<>();
            while (System.nanoTime() - cutAt < OUTAGE.toNanos()) {
                statuses.put((System.nanoTime() - cutAt) / 1_000_000, status(http, readyz));
                Thread.sleep(250);
            }
            cut.restore();
            long restoredAt = System.nanoTime();
            boolean back = rig.await(() -> status(http, readyz) == 200, Duration.ofSeconds(90));
            long readyAfter = (System.nanoTime() - restoredAt) / 1_000_000;
            sender.join(60_000);
            System.out.printf("pg outage: /readyz while gone (ms since the cut -> status) %s; 200 again %d ms after "
                    + "it returned%n", statuses, readyAfter);
            for (FireBench.Sent x : during) {
                System.out.printf("pg outage: a request sent while it was gone was answered %d in %d ms: %s%n",
                        x.status(), x.nanos() / 1_000_000, x.text());
            }
            assertThat(statuses.values()).as("/readyz answered 503 while the database was gone").contains(503);
            assertThat(statuses.entrySet().stream().filter(e -> e.getKey() > 5000).map(Map.Entry::getValue))
                    .as("and never 200 once it had noticed (5 s in)").doesNotContain(200);
            assertThat(back).as("/readyz 200 again once the database is back").isTrue();

            List<FireBench.Sent> after = rig.file(List.of(serve), 40, 100, FireBench.SUB, "pg", Duration.ofMinutes(1),
                    8);
            assertThat(after).as("acked as granting after the outage").allMatch(FireBench.Sent::accepted);
            List<FireBench.Sent> accepted = new ArrayList<>(before);
            accepted.addAll(after);
            during.stream().filter(FireBench.Sent::accepted).forEach(accepted::add);
            boolean done = rig.await(() -> rig.revoked(accepted) >= accepted.size(), Duration.ofMinutes(3));
            assertThat(done).as("every acknowledged grant made and revoked after the outage; serve's last lines:\n"
                    + serve.tail()).isTrue();
            // A PUT repeated because its confirmation could not be written is the same assignment (its name comes
            // from the request), not a second grant; a second assignment for one principal and scope would be.
            assertThat(rig.arm.all().stream().collect(java.util.stream.Collectors.groupingBy(
                    a -> FireBench.key(a.principalId, a.scope), java.util.stream.Collectors.counting())).values())
                    .as("nobody holds two assignments for one grant").allMatch(n -> n == 1);
            System.out.printf("pg outage: %d grants PUT again (the same assignment) after the outage%n",
                    accepted.stream().map(x -> rig.arm.find(FireBench.key(x.principal(), x.scope())))
                            .filter(a -> a.puts.get() > 1).count());
        }
        try (Database db = Database.open(direct, user, password)) {
            List<AccessRequest> all = new JdbcRequestStore(db).findByState(List.of(State.values()));
            assertThat(all).as("every request in the store ended").allMatch(r -> r.state() == State.ENDED);
            try (Connection c = db.dataSource().getConnection();
                 ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM work_items")) {
                rs.next();
                System.out.printf("pg outage: %d requests in the store, %d work items left%n", all.size(),
                        rs.getLong(1));
            }
        } finally {
            try (Connection c = DriverManager.getConnection(base, user, password)) {
                c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
            }
        }
    }

    private static int status(HttpClient http, URI uri) {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
        } catch (Exception e) {
            return 0;
        }
    }
}
