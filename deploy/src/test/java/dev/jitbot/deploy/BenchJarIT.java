package dev.jitbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * {@code jitbot bench} through the built jar with tiny numbers: it runs every section and prints its numbers.
 * The numbers themselves are not asserted (a shared machine makes any time limit flaky); the invariants are.
 * Its tests run at once: most of their time is spent waiting out one-minute grants, not computing.
 */
@Execution(ExecutionMode.CONCURRENT)
class BenchJarIT {

    private static final String NUMBER = ".*\\d+(\\.\\d+)? ms.*";

    @TempDir
    Path work;

    @Test
    void bench_withTinyNumbers_printsEverySectionWithNumbersAndExitsZero() throws Exception {
        try (JarProcess jitbot = JarProcess.start(work, Map.of(), List.of(), "bench", "--only",
                "expiry,approvals,audit", "--grants", "20",
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
    void burst_withSmallNumbers_servesEverySignedRequestThroughSlackAndPrintsEachRow() throws Exception {
        // 60 requests from 5 senders against ARM's throttle shrunk to 20 + 0.5/s: the 80 s queue outlasts the
        // 1-minute grants (jitbot's shortest) that went through in the burst.
        try (JarProcess jitbot = JarProcess.start(work, Map.of(), List.of(), "bench", "--only", "burst",
                "--burst-requests", "60", "--burst-senders", "5", "--arm-burst", "20", "--arm-refill", "0.5",
                "--burst-short", "1m", "--burst-warmup", "5")) {
            int exit = jitbot.waitFor(Duration.ofMinutes(4));

            assertThat(exit).as(jitbot.all()).isZero();
            assertThat(section(jitbot.out(), "== burst")).as(jitbot.all())
                    .anyMatch(l -> l.contains("jitbot serve") && l.contains("ready in"))
                    .anyMatch(l -> l.contains("turned away") && l.matches(".*\\d+ of 60.*"))
                    .anyMatch(l -> l.contains("ack latency") && l.contains("p99") && l.matches(NUMBER))
                    .anyMatch(l -> l.contains("grant throughput") && l.matches(".*\\d+\\.\\d % of the limit.*")
                            && l.contains("60 of 60 granted"))
                    .anyMatch(l -> l.contains("revocation lag while queued"))
                    .anyMatch(l -> l.contains("ARM") && l.contains("throttled (429)"))
                    .noneMatch(l -> l.contains("NOT complete"));
            assertThat(jitbot.all()).doesNotContain("Exception").doesNotContain("\tat ");
        }
    }

    @Test
    void burst_withJson_printsOneObjectWithItsNumbers() throws Exception {
        try (JarProcess jitbot = JarProcess.start(work, Map.of(), List.of(), "bench", "--only", "burst", "--json",
                "--burst-requests", "12", "--burst-senders", "3", "--arm-burst", "5", "--arm-refill", "10",
                "--burst-short", "0s", "--burst-warmup", "0")) {
            int exit = jitbot.waitFor(Duration.ofMinutes(4));

            assertThat(exit).as(jitbot.all()).isZero();
            assertThat(jitbot.out()).as(jitbot.all()).hasSize(1);
            var burst = new com.fasterxml.jackson.databind.ObjectMapper().readTree(jitbot.out().get(0));
            assertThat(burst.path("section").asText()).isEqualTo("burst");
            assertThat(burst.path("requests").asInt()).isEqualTo(12);
            assertThat(burst.path("granted").asInt()).isEqualTo(12);
            assertThat(burst.has("ack_p99_ms")).as(burst.toString()).isTrue();
            assertThat(burst.has("turned_away")).as(burst.toString()).isTrue();
            assertThat(burst.path("rows").has("grant throughput")).as(burst.toString()).isTrue();
        }
    }

    @Test
    void scan_withJson_printsOneObjectWithItsTime_andTheTableOneRowPerNumber() throws Exception {
        try (JarProcess jitbot = JarProcess.start(work, Map.of(), List.of(), "bench", "--only", "scan", "--json",
                "--scan-assignments", "1200")) {
            assertThat(jitbot.waitFor(Duration.ofMinutes(3))).as(jitbot.all()).isZero();
            assertThat(jitbot.out()).as(jitbot.all()).hasSize(1);
            var scan = new com.fasterxml.jackson.databind.ObjectMapper().readTree(jitbot.out().get(0));
            assertThat(scan.path("section").asText()).isEqualTo("scan");
            assertThat(scan.path("assignments").asInt()).isEqualTo(1200);
            assertThat(scan.has("scan_ms")).as(scan.toString()).isTrue();
            // Two pages of 1,000: every assignment was listed and rated.
            assertThat(scan.path("rows").path("found").asText()).isEqualTo("1080 standing (120 critical, 360 high), "
                    + "120 jitbot");
        }
        try (JarProcess jitbot = JarProcess.start(work, Map.of(), List.of(), "bench", "--only", "scan",
                "--scan-assignments", "10")) {
            assertThat(jitbot.waitFor(Duration.ofMinutes(3))).as(jitbot.all()).isZero();
            assertThat(jitbot.out()).as(jitbot.all()).anyMatch(l -> l.matches("\\s+scan of 10 assignments\\s+.*"));
        }
    }

    @Test
    void serveRows_withSmallNumbers_printOneRowEachThroughTheRealEndpoints() throws Exception {
        // Issue 14's quick rows with small numbers; ha is skipped here (no --db): HaIT covers two replicas. The rows
        // that wait out one-minute grants (jitbot's shortest) run in their own tests, beside this one.
        Bench out = serveRows("ack,approve,startup,ha", "--ack-requests", "20", "--ack-threads", "5",
                "--approve-requests", "3", "--active-grants", "30");
        assertThat(section(out.lines(), "== ack")).as(out.all())
                .anyMatch(l -> l.contains("ack latency") && l.contains("p99") && l.matches(NUMBER))
                .anyMatch(l -> l.contains("turned away") && l.contains("0 of 20"));
        assertThat(section(out.lines(), "== approve")).as(out.all())
                .anyMatch(l -> l.contains("approve click -> ARM PUT") && l.contains("3 requests approved")
                        && l.matches(NUMBER));
        assertThat(section(out.lines(), "== startup")).as(out.all())
                .anyMatch(l -> l.contains("start-up to /readyz 200") && l.contains("with 30 active grants"))
                .anyMatch(l -> l.contains("RSS") && l.matches(".*\\d+ MB.*"));
        assertThat(section(out.lines(), "== ha")).as(out.all())
                .anyMatch(l -> l.contains("skipped: needs --db"));
    }

    @Test
    void revocationRow_withSmallNumbers_printsTheLagAfterExpiry() throws Exception {
        Bench out = serveRows("revocation", "--expiring", "10");
        assertThat(section(out.lines(), "== revocation")).as(out.all())
                .anyMatch(l -> l.contains("revocation lag") && l.contains("10 grants of 1 min") && l.matches(NUMBER));
    }

    @Test
    void throttleRow_withSmallNumbers_revokesEveryGrantThroughArmsDeleteThrottle() throws Exception {
        Bench out = serveRows("throttle", "--throttle-grants", "12", "--arm-burst", "4", "--arm-refill", "2");
        assertThat(section(out.lines(), "== throttle")).as(out.all())
                .anyMatch(l -> l.contains("revocations under throttle") && l.contains("12 of 12 revoked")
                        && l.contains("0 failed") && l.matches(".*\\d+\\.\\d % of the limit.*"));
    }

    @Test
    void killRow_withSmallNumbers_revokesEveryOverdueGrantAfterTheRestart() throws Exception {
        Bench out = serveRows("kill", "--kill-grants", "10");
        assertThat(section(out.lines(), "== kill")).as(out.all())
                .anyMatch(l -> l.contains("kill -9, restart: all revoked") && l.contains("10 grants of 1 min "
                        + "overdue") && !l.contains("NOT all"));
    }

    /** What a bench printed: its standard output's lines, and everything it wrote, for failure messages. */
    private record Bench(List<String> lines, String all) { }

    /** Runs {@code bench --only rows} with {@code options}; it must exit 0 and report nothing incomplete. */
    private Bench serveRows(String rows, String... options) throws Exception {
        List<String> args = new java.util.ArrayList<>(List.of("bench", "--only", rows));
        args.addAll(List.of(options));
        try (JarProcess jitbot = JarProcess.start(work, Map.of(), List.of(), args.toArray(String[]::new))) {
            int exit = jitbot.waitFor(Duration.ofMinutes(6));

            assertThat(exit).as(jitbot.all()).isZero();
            List<String> out = jitbot.out();
            assertThat(out).as(jitbot.all()).noneMatch(l -> l.contains("NOT complete") || l.contains("FAILED"));
            return new Bench(out, jitbot.all());
        }
    }

    @Test
    void serveRow_withJson_printsOneObjectWithItsNumbers() throws Exception {
        try (JarProcess jitbot = JarProcess.start(work, Map.of(), List.of(), "bench", "--only", "ack,ha", "--json",
                "--ack-requests", "10", "--ack-threads", "2")) {
            int exit = jitbot.waitFor(Duration.ofMinutes(3));

            assertThat(exit).as(jitbot.all()).isZero();
            assertThat(jitbot.out()).as(jitbot.all()).hasSize(2);
            var json = new com.fasterxml.jackson.databind.ObjectMapper();
            var ack = json.readTree(jitbot.out().get(0));
            assertThat(ack.path("section").asText()).isEqualTo("ack");
            assertThat(ack.path("requests").asInt()).isEqualTo(10);
            assertThat(ack.has("ack_p99_ms")).as(ack.toString()).isTrue();
            var ha = json.readTree(jitbot.out().get(1));
            assertThat(ha.path("section").asText()).isEqualTo("ha");
            assertThat(ha.path("skipped").asBoolean()).as(ha.toString()).isTrue();
        }
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
