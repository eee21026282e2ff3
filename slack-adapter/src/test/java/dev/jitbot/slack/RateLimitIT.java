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
import dev.jitbot.core.app.WorkItem;
import dev.jitbot.core.app.WorkKind;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.State;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What Slack refuses is retried by the outbox, not by the notifier: a 429's Retry-After sets when the card is tried
 * again (by the rig's clock, which only the test moves), and an error no retry can fix is not tried again.
 */
class RateLimitIT {

    static final String CARD_POSTS = "channel=C0APPROVALS";

    SlackRig rig;

    @BeforeEach
    void start() throws Exception {
        rig = new SlackRig();
    }

    @AfterEach
    void stop() throws Exception {
        rig.close();
    }

    private List<LoggedRequest> cardPosts() {
        return rig.slack.findAll(postRequestedFor(urlEqualTo("/api/chat.postMessage"))
                .withRequestBody(containing(CARD_POSTS)));
    }

    private AccessRequest request() throws Exception {
        var ack = rig.command(ALICE, "request Contributor on rg-payments for 45m because INC-4411 hotfix", "limited");
        assertThat(ack.statusCode()).isEqualTo(200);
        assertThat(SlackRig.ackText(ack)).contains("Requested Contributor on rg-payments");
        return rig.inState(State.PENDING).get(0);
    }

    @Test
    void postMessageAnswering429_isPostedExactlyOnceMore_whenTheOutboxRetriesAfterRetryAfter() throws Exception {
        rig.slack.stubFor(post("/api/chat.postMessage").withRequestBody(containing(CARD_POSTS))
                .inScenario("rate limit").whenScenarioStateIs(STARTED).willSetStateTo("limited once")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "7")
                        .withHeader("Content-Type", "application/json").withBody("{\"ok\":false,\"error\":\"ratelimited\"}"))
                .atPriority(1));
        rig.slack.stubFor(post("/api/chat.postMessage").withRequestBody(containing(CARD_POSTS))
                .inScenario("rate limit").whenScenarioStateIs("limited once")
                .willReturn(okJson("{\"ok\":true,\"channel\":\"C0APPROVALS\",\"ts\":\"1764079200.000777\"}"))
                .atPriority(1));
        Instant throttledAt = rig.clock.instant();

        AccessRequest pending = request();

        await().atMost(Duration.ofSeconds(10)).until(() -> cardPosts().size() == 1);
        // Real time passes, the rig's clock does not: a notifier that slept and retried would post again now.
        await().during(Duration.ofMillis(1500)).atMost(Duration.ofSeconds(3)).until(() -> cardPosts().size() == 1);
        WorkItem waiting = rig.outbox.pending(pending.id()).stream().filter(i -> i.kind() == WorkKind.POST_CARD)
                .findFirst().orElseThrow();
        assertThat(waiting.dueAt()).isEqualTo(throttledAt.plusSeconds(7));
        assertThat(rig.store.messages(pending.id())).isEmpty();

        rig.advance(Duration.ofSeconds(6));
        await().during(Duration.ofMillis(700)).atMost(Duration.ofSeconds(3)).until(() -> cardPosts().size() == 1);

        rig.advance(Duration.ofSeconds(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> !rig.store.messages(pending.id()).isEmpty());
        assertThat(rig.store.messages(pending.id())).singleElement()
                .satisfies(m -> assertThat(m.messageId()).isEqualTo("1764079200.000777"));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> cardPosts().size() == 2);
        assertThat(SlackRig.fields(cardPosts().get(1)).get("blocks")).contains(pending.id().value());
        assertThat(rig.outbox.pending(pending.id())).noneMatch(i -> i.kind() == WorkKind.POST_CARD);
    }

    @Test
    void channelNotFound_isNotRetried_andTheRestOfTheRequestCarriesOn() throws Exception {
        rig.slack.stubFor(post("/api/chat.postMessage").withRequestBody(containing(CARD_POSTS))
                .willReturn(okJson("{\"ok\":false,\"error\":\"channel_not_found\"}")).atPriority(1));

        AccessRequest pending = request();

        await().atMost(Duration.ofSeconds(10)).until(() -> cardPosts().size() == 1);
        await().atMost(Duration.ofSeconds(10)).until(() -> rig.outbox.pending(pending.id()).isEmpty());
        rig.advance(Duration.ofHours(1));
        await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(3)).until(() -> cardPosts().size() == 1);
        assertThat(rig.store.messages(pending.id())).isEmpty();
        assertThat(rig.store.find(pending.id()).orElseThrow().state()).isEqualTo(State.PENDING);
        // The requester's receipt went to their DM all the same.
        assertThat(rig.calls("chat.postMessage")).anyMatch(c -> "U0ALICE".equals(c.get("channel"))
                && c.get("text").contains(pending.id().value()));
    }

    @Test
    void serverError_isRetriedWithBackoff_untilSlackTakesIt() throws Exception {
        rig.slack.stubFor(post("/api/chat.postMessage").withRequestBody(containing(CARD_POSTS))
                .inScenario("outage").whenScenarioStateIs(STARTED).willSetStateTo("back")
                .willReturn(aResponse().withStatus(503)).atPriority(1));
        rig.slack.stubFor(post("/api/chat.postMessage").withRequestBody(containing(CARD_POSTS))
                .inScenario("outage").whenScenarioStateIs("back")
                .willReturn(okJson("{\"ok\":true,\"channel\":\"C0APPROVALS\",\"ts\":\"1764079200.000888\"}"))
                .atPriority(1));

        AccessRequest pending = request();

        await().atMost(Duration.ofSeconds(10)).until(() -> cardPosts().size() == 1);
        assertThat(rig.outbox.pending(pending.id())).anyMatch(i -> i.kind() == WorkKind.POST_CARD);
        rig.advance(Duration.ofMinutes(2));
        await().atMost(Duration.ofSeconds(10)).until(() -> !rig.store.messages(pending.id()).isEmpty());
        assertThat(cardPosts()).hasSize(2);
    }
}
