package dev.jitbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jitbot bench} through the built jar with tiny numbers: it runs every section and prints its numbers.
 * The numbers themselves are not asserted (a shared machine makes any time limit flaky); the invariants are.
 */
class BenchJarIT {

    private static final String NUMBER = ".*\\d+(\\.\\d+)? ms.*";

    @TempDir
    Path work;

    @Test
    void bench_withTinyNumbers_printsEverySectionWithNumbersAndExitsZero() throws Exception {
        try (JarProcess jitbot = JarProcess.start(work, Map.of(), List.of(), "bench", "--grants", "20",
                "--window", "3s", "--requests", "10", "--approvers", "8", "--audit-rows", "200")) {
            int exit = jitbot.waitFor(Duration.ofMinutes(3));

            assertThat(exit).as(jitbot.all()).isZero();
            List<String> out = jitbot.out();
            assertThat(section(out, "== expiry")).as(jitbot.all())
                    .anyMatch(l -> l.contains("revocation lag after expiry") && l.matches(NUMBER))
                    .anyMatch(l -> l.contains("last revoked after last expiry") && l.matches(NUMBER))
                    .anyMatch(l -> l.contains("throughput") && l.matches(".*\\d+\\.\\d revocations/s.*"));
            assertThat(section(out, "== approvals")).as(jitbot.all())
                    .anyMatch(l -> l.contains("request -> approve -> ACTIVE") && l.matches(NUMBER))
                    .anyMatch(l -> l.contains("8 approvers at once") && l.contains("1 grant call;")
                            && l.matches(NUMBER));
            assertThat(section(out, "== audit")).as(jitbot.all())
                    .anyMatch(l -> l.contains("append") && l.matches(".*\\d+ events/s.*"))
                    .anyMatch(l -> l.contains("verify()") && l.contains("chain intact"));
            assertThat(jitbot.all()).doesNotContain("Exception").doesNotContain("\tat ");
        }
        // Its temporary database is gone, and it never touched ./data.
        assertThat(work.resolve("data")).doesNotExist();
    }

    @Test
    void bench_withUnknownSection_refusesWithExit2() throws Exception {
        try (JarProcess jitbot = JarProcess.start(work, Map.of(), List.of(), "bench", "--only", "everything")) {
            int exit = jitbot.waitFor(Duration.ofSeconds(60));

            assertThat(exit).as(jitbot.all()).isEqualTo(2);
            assertThat(jitbot.err()).as(jitbot.all()).anyMatch(l -> l.contains("--only expiry"));
        }
    }

    /** The lines from the one starting with {@code header} up to the next section. */
    private static List<String> section(List<String> out, String header) {
        int start = -1;
        for (int i = 0; i < out.size(); i++) {
            if (out.get(i).startsWith(header)) {
                start = i;
                break;
            }
        }
        assertThat(start).as("a line starting %s in%n%s", header, String.join("\n", out)).isNotNegative();
        int end = start + 1;
        while (end < out.size() && !out.get(end).startsWith("==")) {
            end++;
        }
        return out.subList(start, end);
    }
}
