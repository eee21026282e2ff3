package dev.jitbot.deploy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One jitbot.jar on its embedded H2 file database, killed with {@code destroyForcibly()} at random moments at least
 * 20 times while signed {@code /jit request}s file auto-approved half-hour grants and signed {@code /jit release}s
 * give them back seconds later (in RBAC mode ten more grants of one minute expire on their own), restarted each
 * time on the same database: afterwards every grant is ended with nothing left in Azure, none outlived its release
 * or expiry by more than 30 s of running jitbot, nobody got a second assignment, every requester got the last
 * message, and the audit trail verifies with a revoked event for every end. H2 may forget the last commits before
 * a kill (docs/architecture.md, "Crash safety"): the rig counts those and checks that they left nothing in Azure.
 */
class CrashIT {

    @TempDir
    Path work;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"rbac, 110, 10", "pim, 120, 0"})
    void randomKillsDuringGrantsAndReleases_leaveNothingInAzure(String mode, int released, int expiring)
            throws Exception {
        // -Djitbot.crash.modes=rbac runs one mode only (for a quick look); CI runs both.
        Assumptions.assumeTrue(System.getProperty("jitbot.crash.modes", mode).contains(mode), "mode not selected");
        String url = "jdbc:h2:file:" + work.resolve("data/jitbot").toAbsolutePath();
        KillRig.Plan plan = new KillRig.Plan(mode, released, expiring, Duration.ofSeconds(40), 20, 1,
                mode.hashCode());
        try (KillRig rig = new KillRig(plan, work, url, null, null)) {
            rig.killRounds();
            rig.settle();
            rig.verify();
        }
    }
}
