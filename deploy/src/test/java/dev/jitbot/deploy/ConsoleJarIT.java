package dev.jitbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The README's first experience, through the built jar: a piped console session from request to revocation. */
class ConsoleJarIT {

    @TempDir
    Path work;

    @Test
    void pipedRequestApprovedForAMinute_showsGrantActiveThenRevokedWithConfirmation_andExitsZero() throws Exception {
        try (JarProcess jitbot = JarProcess.start(work, Map.of(), List.of(), "console")) {
            jitbot.stdin().write(String.join("\n",
                    "request Contributor on rg-demo for 1m because test",
                    "/as bob",
                    "approve last",
                    "").getBytes(StandardCharsets.UTF_8));
            jitbot.stdin().close();

            int exit = jitbot.waitFor(Duration.ofSeconds(180));
            List<String> out = jitbot.out();
            String text = String.join("\n", out);
            long seconds = jitbot.sinceStart().toSeconds();
            System.out.println("console scenario took " + seconds + " s through the jar");

            assertThat(exit).as(jitbot.all()).isZero();
            assertThat(text).contains("DEMO policy").contains("DRY RUN");
            int granted = indexOf(out, "is yours until");
            int put = indexOf(out, "[dry-run] would PUT");
            int revoked = indexOf(out, "revoked at");
            int delete = indexOf(out, "[dry-run] would DELETE");
            assertThat(put).as(text).isNotNegative();
            assertThat(granted).as(text).isGreaterThan(put);
            assertThat(delete).as(text).isGreaterThan(granted);
            assertThat(revoked).as(text).isGreaterThan(delete);
            assertThat(out.get(revoked)).contains("Contributor on rg-demo").contains("— expired");
            assertThat(out.get(out.size() - 1)).contains("Nothing is pending or active");
            assertThat(seconds).as("the grant lasts 1 min before it is revoked").isGreaterThanOrEqualTo(59);
        }
    }

    private static int indexOf(List<String> lines, String needle) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(needle)) {
                return i;
            }
        }
        return -1;
    }
}
