package dev.jitbot.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.State;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Slack's rate limit on chat.postMessage: jitbot waits as long as Retry-After says and the card still arrives. */
class RateLimitIT {

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
    void postMessageAnswering429_isRetriedAfterRetryAfter_andTheCardStillArrives() throws Exception {
        rig.slack.stubFor(post("/api/chat.postMessage").withRequestBody(containing("channel=C0APPROVALS"))
                .inScenario("rate limit").whenScenarioStateIs(STARTED).willSetStateTo("limited once")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withHeader("Content-Type", "application/json").withBody("{\"ok\":false,\"error\":\"ratelimited\"}"))
                .atPriority(1));
        rig.slack.stubFor(post("/api/chat.postMessage").withRequestBody(containing("channel=C0APPROVALS"))
                .inScenario("rate limit").whenScenarioStateIs("limited once")
                .willReturn(okJson("{\"ok\":true,\"channel\":\"C0APPROVALS\",\"ts\":\"1764079200.000777\"}"))
                .atPriority(1));

        long started = System.nanoTime();
        var ack = rig.command(ALICE, "request Contributor on rg-payments for 45m because INC-4411 hotfix", "limited");
        long ackMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(ack.statusCode()).isEqualTo(200);

        await().atMost(Duration.ofSeconds(15)).until(() -> !rig.inState(State.PENDING).isEmpty()
                && !rig.store.messages(rig.inState(State.PENDING).get(0).id()).isEmpty());
        AccessRequest pending = rig.inState(State.PENDING).get(0);
        assertThat(rig.store.messages(pending.id())).singleElement()
                .satisfies(m -> assertThat(m.messageId()).isEqualTo("1764079200.000777"));

        List<LoggedRequest> attempts = rig.slack.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                .withRequestBody(containing("channel=C0APPROVALS")));
        assertThat(attempts).hasSize(2);
        assertThat(SlackRig.fields(attempts.get(1)).get("blocks")).contains(pending.id().value());
        long gap = attempts.get(1).getLoggedDate().getTime() - attempts.get(0).getLoggedDate().getTime();
        assertThat(gap).isGreaterThanOrEqualTo(1000);
        System.out.printf("RATE LIMIT: retry %d ms after the 429 (Retry-After: 1); ack took %d ms%n", gap, ackMillis);
    }
}
