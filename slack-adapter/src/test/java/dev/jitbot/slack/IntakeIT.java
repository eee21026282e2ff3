package dev.jitbot.slack;

import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.BOB;
import static dev.jitbot.core.testing.TestPolicies.CAROL;
import static dev.jitbot.core.testing.TestPolicies.DAVE;
import static dev.jitbot.core.testing.TestPolicies.SUB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.State;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A slash command only parses, authorizes, writes and acks: its answer is the ack itself, a burst is queued in the
 * outbox rather than turned away, and the only "try again" left is a database that cannot be reached.
 */
class IntakeIT {

    SlackRig rig;

    @BeforeEach
    void start() throws Exception {
        rig = new SlackRig();
    }

    @AfterEach
    void stop() throws Exception {
        rig.close();
    }

    @Test
    void slashCommand_isAckedWithTheOutcome_andNothingGoesToTheResponseUrl() throws Exception {
        HttpResponse<String> ack = rig.command(ALICE, "request Reader on sub-prod for 1h because read the queue metrics",
                "intake");

        assertThat(ack.statusCode()).isEqualTo(200);
        assertThat(ack.body()).contains("\"response_type\":\"ephemeral\"");
        AccessRequest filed = rig.store.findByState(List.of(State.values())).get(0);
        assertThat(SlackRig.ackText(ack)).isEqualTo(":white_check_mark: Approved by the rule: Azure is granting "
                + "Reader on sub-prod (`" + filed.id() + "`) now; I'll message you when it's yours; the 1 h run from "
                + "then.");
        await().atMost(Duration.ofSeconds(10)).until(() -> rig.calls("chat.postMessage").stream()
                .anyMatch(c -> "U0ALICE".equals(c.get("channel")) && c.get("text").contains("is yours until")));
        assertThat(rig.store.find(filed.id()).orElseThrow().state()).isEqualTo(State.ACTIVE);
        assertThat(rig.responses("intake")).isEmpty();
    }

    @Test
    void burstOf200SignedCommands_isAllAnswered_noneTurnedAway_andAllGranted() throws Exception {
        List<ChatUser> senders = List.of(ALICE, BOB, CAROL, DAVE);
        ExecutorService clients = Executors.newFixedThreadPool(20);
        List<Future<HttpResponse<String>>> acks = new ArrayList<>();
        long started = System.nanoTime();
        try {
            for (int i = 0; i < 200; i++) {
                ChatUser who = senders.get(i % senders.size());
                String text = "request Reader on /subscriptions/" + SUB + "/resourceGroups/rg-burst-" + (i / 4)
                        + " for 1h because burst " + i;
                acks.add(clients.submit(() -> rig.command(who, text, "burst")));
            }
            List<String> answers = new ArrayList<>();
            for (Future<HttpResponse<String>> f : acks) {
                HttpResponse<String> r = f.get();
                assertThat(r.statusCode()).isEqualTo(200);
                answers.add(SlackRig.ackText(r));
            }
            long wall = (System.nanoTime() - started) / 1_000_000;

            assertThat(answers).hasSize(200).allSatisfy(a -> assertThat(a)
                    .contains("Approved by the rule: Azure is granting Reader on").doesNotContain("busy"));
            assertThat(rig.store.findByState(List.of(State.values()))).hasSize(200);
            await().atMost(Duration.ofSeconds(60)).until(() -> rig.inState(State.ACTIVE).size() == 200);
            assertThat(rig.provider.grants).hasSize(200).doesNotHaveDuplicates();
            List<Long> ms = new ArrayList<>(SlackRig.ACK_MILLIS.subList(SlackRig.ACK_MILLIS.size() - 200,
                    SlackRig.ACK_MILLIS.size()));
            ms.sort(Long::compare);
            System.out.printf("BURST: 200 signed slash commands from 4 senders on 20 connections in %d ms; 0 turned "
                    + "away; ack p50 %d ms, p99 %d ms, max %d ms%n", wall, ms.get(100), ms.get(197), ms.get(199));
        } finally {
            clients.shutdownNow();
        }
    }

    @Test
    void databaseUnreachable_isTheOnlyTryAgain_andNothingIsWritten() throws Exception {
        rig.databaseDown.set(true);

        HttpResponse<String> ack = rig.command(ALICE, "request Reader on sub-prod for 1h because read the metrics",
                "down");

        assertThat(ack.statusCode()).isEqualTo(200);
        assertThat(SlackRig.ackText(ack)).contains("jitbot cannot reach its database right now; nothing was changed "
                + "— try again in a minute").containsPattern("event id `E[0-9A-F]{8}`")
                .doesNotContain("SQLState").doesNotContain("busy");
        assertThat(rig.store.findByState(List.of(State.values()))).isEmpty();
        assertThat(rig.provider.grants).isEmpty();
    }
}
