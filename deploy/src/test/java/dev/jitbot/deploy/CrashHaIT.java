package dev.jitbot.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two jitbot.jar replicas on PostgreSQL, one of them killed with {@code destroyForcibly()} at random moments (the
 * other always up) at least 20 times while signed {@code /jit request}s file 110 grants, 100 of them given back by
 * signed {@code /jit release}s and 10 left to expire after a minute: the same invariants as {@link CrashIT}, one
 * assignment per principal, role and scope however the replicas raced, and — PostgreSQL being durable — not one
 * acknowledged command forgotten. Skipped when JITBOT_TEST_PG_URL is unset.
 */
class CrashHaIT {

    @TempDir
    Path work;

    @Test
    void twoReplicas_oneKilledAtRandom_loseNothingLeaveNothingAndNeverGrantTwice() throws Exception {
        String base = System.getenv("JITBOT_TEST_PG_URL");
        assumeTrue(base != null && !base.isBlank(), "JITBOT_TEST_PG_URL is unset: no PostgreSQL for the HA test");
        String user = System.getenv("JITBOT_TEST_PG_USER");
        String password = System.getenv("JITBOT_TEST_PG_PASSWORD");
        String schema = "kill_" + Long.toHexString(System.nanoTime());
        try (Connection c = DriverManager.getConnection(base, user, password)) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        KillRig.Plan plan = new KillRig.Plan("rbac", 110, 10, Duration.ofSeconds(40), 20, 2, 4242);
        try (KillRig rig = new KillRig(plan, work, url, user, password)) {
            rig.killRounds();
            rig.settle();
            rig.verify();
        }
    }
}
