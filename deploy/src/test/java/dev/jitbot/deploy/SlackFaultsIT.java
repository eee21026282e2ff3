package dev.jitbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jitbot serve} (the built jar) while Slack's Web API answers half of jitbot's chat calls with a 429
 * ({@code Retry-After: 1}) or a 500, then recovers: every request card reaches the approvals channel and every
 * requester hears of the grant, each exactly once among the calls Slack said ok to.
 */
class SlackFaultsIT {

    @TempDir
    Path work;

    @Test
    void everyCardAndDirectMessageIsDeliveredOnce_afterSlackFailsHalfItsCallsAndRecovers() throws Exception {
        int requests = 30;
        try (FireBench.Rig rig = new FireBench.Rig(work, BenchArm.Throttle.NONE, BenchArm.Throttle.NONE,
                Duration.ZERO, BenchArm.Faults.NONE, JarProcess.jar().toAbsolutePath().toString())) {
            BurstBench.Serve serve = rig.start("serve", null);
            rig.slack.failing(0.5);
            List<FireBench.Sent> filed = new ArrayList<>();
            for (int i = 0; i < requests; i++) {
                filed.add(rig.slash(serve, i, FireBench.APPROVAL_SUB, "slackfault", Duration.ofHours(1)));
            }
            assertThat(filed).as("each request acked with its id").allMatch(x -> x.status() == 200 && x.id() != null);
            for (FireBench.Sent x : filed) {
                FireBench.Sent click = rig.click(serve, FireBench.APPROVER, "jit-approve", x.id());
                assertThat(click.status()).as("the approval click on " + x.id()).isEqualTo(200);
            }
            boolean granted = rig.await(() -> rig.granted(filed) >= requests, Duration.ofSeconds(60));
            assertThat(granted).as("every approved request granted while Slack fails").isTrue();
            Thread.sleep(15_000);
            long failedWhileDown = rig.slack.failed();
            rig.slack.failing(0);

            boolean delivered = rig.await(() -> filed.stream().allMatch(x -> cards(rig, x.id()) >= 1
                    && dms(rig, x) >= 1), Duration.ofMinutes(2));
            List<Map<String, String>> all = rig.slack.delivered();
            System.out.printf("slack faults: %d calls failed on purpose (429 or 500) while down; %d chat calls said "
                    + "ok; delivered=%s%n", failedWhileDown, all.size(), delivered);
            assertThat(failedWhileDown).as("Slack failed calls while it was down").isGreaterThan(10);
            assertThat(delivered).as("every card and every requester's message delivered after Slack recovered; "
                    + "serve's last lines:\n" + serve.tail()).isTrue();
            for (FireBench.Sent x : filed) {
                assertThat(cards(rig, x.id())).as("the card of " + x.id() + " posted once").isEqualTo(1);
            }
            // Exactly once where Slack said ok: no message posted twice to the same place with the same text.
            Map<String, Long> posts = all.stream().filter(m -> m.get("method").equals("chat.postMessage"))
                    .collect(Collectors.groupingBy(m -> m.get("channel") + "|" + m.get("thread_ts") + "|"
                            + m.get("text"), Collectors.counting()));
            assertThat(posts.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList())
                    .as("messages Slack accepted more than once").isEmpty();
        }
    }

    /** Cards of the request posted to the approvals channel (not thread replies). */
    private static long cards(FireBench.Rig rig, String id) {
        return rig.slack.delivered().stream().filter(m -> m.get("method").equals("chat.postMessage"))
                .filter(m -> FireBench.APPROVALS_CHANNEL.equals(m.get("channel")) && m.get("thread_ts") == null)
                .filter(m -> String.valueOf(m.get("text")).contains(id)).count();
    }

    /** Direct messages to the requester that name the request. */
    private static long dms(FireBench.Rig rig, FireBench.Sent x) {
        return rig.slack.delivered().stream().filter(m -> m.get("method").equals("chat.postMessage"))
                .filter(m -> x.user().equals(m.get("channel")))
                .filter(m -> String.valueOf(m.get("text")).contains(x.id())).count();
    }
}
