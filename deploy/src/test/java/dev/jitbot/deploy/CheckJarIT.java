package dev.jitbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jitbot check} through the built jar: what a platform owner sees before deploying a policy. */
class CheckJarIT {

    @TempDir
    Path work;

    @Test
    void check_onBrokenPolicy_printsLineNumberedErrorsAndExits2() throws Exception {
        Path policy = work.resolve("policy.yaml");
        Files.writeString(policy, String.join("\n",
                "defaults: { max_duration: 1h, request_ttl: 30m, approvals: 1 }",
                "scopes:",
                "  rg-payments: /subscriptions/not-a-guid/resourceGroups/rg-payments",
                "groups:",
                "  engineers: { members: [alice@contoso.com] }",
                "rules:",
                "  - name: operate payments",
                "    role: Contributor",
                "    scopes: [rg-nowhere]",
                "    requesters: [engineers]",
                "    approvers: [leads]",
                "    max_duration: forever",
                ""));
        try (JarProcess jitbot = JarProcess.start(work, Map.of(), List.of(), "check", "policy.yaml")) {
            int exit = jitbot.waitFor(Duration.ofSeconds(60));
            assertThat(exit).as(jitbot.all()).isEqualTo(2);
            assertThat(jitbot.err()).as(jitbot.all()).anyMatch(l -> l.matches("policy\\.yaml:\\d+: .*"));
            assertThat(jitbot.all()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void check_onTheExamplePolicy_exitsZeroAndPrintsItsWarnings() throws Exception {
        Path example = Path.of("examples/policy.yaml").toAbsolutePath();
        Files.copy(example, work.resolve("policy.yaml"));
        try (JarProcess jitbot = JarProcess.start(work, Map.of(), List.of(), "check", "policy.yaml")) {
            int exit = jitbot.waitFor(Duration.ofSeconds(60));
            assertThat(exit).as(jitbot.all()).isZero();
            assertThat(jitbot.out()).as(jitbot.all()).anyMatch(l -> l.contains("valid"));
        }
    }
}
