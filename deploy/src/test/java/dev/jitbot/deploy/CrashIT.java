package dev.jitbot.deploy;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * One jitbot.jar on an H2 file database, killed with {@code destroyForcibly()} at random moments at least 20 times
 * while signed {@code /jit request}s file 200 auto-approved grants of 10-20 s (and 10 of half an hour), restarted
 * each time on the same database: afterwards every grant is ended with nothing left in Azure (or active and held),
 * none outlived its expiry by more than 30 s of running jitbot, nobody got a second assignment, every requester got
 * the last message, and the audit trail verifies with a revoked event for every end. In RBAC and PIM mode.
 */
class CrashIT {

    @TempDir
    Path work;

    @ParameterizedTest(name = "{0}")
    @CsvSource({"rbac, 200, 20", "pim, 200, 20"})
    void randomKillsDuringGrantsAndRevocations_loseNothingAndLeaveNothing(String mode, int grants, int kills)
            throws Exception {
        // -Djitbot.crash.modes=rbac runs one mode only (for a quick look); CI runs both.
        Assumptions.assumeTrue(System.getProperty("jitbot.crash.modes", mode).contains(mode), "mode not selected");
        String url = "jdbc:h2:file:" + work.resolve("data/jitbot").toAbsolutePath();
        KillRig.Plan plan = new KillRig.Plan(mode, grants, 10, 10, 10, Duration.ofSeconds(30), kills, 1,
                mode.hashCode());
        try (KillRig rig = new KillRig(plan, work, url, null, null)) {
            rig.killRounds();
            rig.settle();
            rig.verify();
        }
    }
}
