package dev.jitbot.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.CAROL;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.TestPolicies;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Break-glass over real HTTP: a signed {@code /jit breakglass} grants at once without approval; WireMock Slack sees the
 * {@code @here} card in the security channel and the on-call DM; the requester's Review click is refused, on-call's
 * opens the note modal and its submission reviews the grant; unreviewed for 24 h on the mutable clock, the security
 * channel is reminded.
 */
class BreakGlassIT {

    SlackRig rig;

    @BeforeEach
    void start() throws Exception {
        rig = new SlackRig();
        rig.policy.set(TestPolicies.withBreakGlass(TestPolicies.design()));
        rig.slack.stubFor(post("/api/users.lookupByEmail").withRequestBody(containing("carol%40contoso.com"))
                .willReturn(okJson("{\"ok\":true,\"user\":{\"id\":\"U0CAROL\",\"team_id\":\"T0CONTOSO\","
                        + "\"name\":\"carol\",\"profile\":{\"email\":\"carol@contoso.com\"}}}")));
    }

    @AfterEach
    void stop() throws Exception {
        rig.close();
    }

    private AccessRequest breakGlass() throws Exception {
        HttpResponse<String> ack = rig.command(ALICE, "breakglass Owner on sub-prod because INC-4711 payments down",
                "bg-command");
        assertThat(ack.statusCode()).isEqualTo(200);
        assertThat(SlackRig.ackText(ack)).contains("Break-glass").contains("without approval").contains("30 min");
        await().atMost(Duration.ofSeconds(10)).until(() -> !rig.inState(State.ACTIVE).isEmpty());
        return rig.inState(State.ACTIVE).get(0);
    }

    private List<Map<String, String>> securityPosts() {
        return rig.calls("chat.postMessage").stream().filter(c -> "C0SECURITY".equals(c.get("channel"))).toList();
    }

    @Test
    void breakglass_grantsWithNoApproval_postsHereInTheSecurityChannel_andDmsOnCall() throws Exception {
        AccessRequest r = breakGlass();

        assertThat(r.votes()).isEmpty();
        assertThat(r.isBreakGlass()).isTrue();
        assertThat(rig.provider.grants).containsExactly(r.id());
        assertThat(rig.audit.forRequest(r.id())).extracting(AuditEvent::action)
                .contains("requested", "breakglass-granted").doesNotContain("approved");

        await().atMost(Duration.ofSeconds(10)).until(() -> securityPosts().size() == 1);
        Map<String, String> card = securityPosts().get(0);
        assertThat(card.get("blocks")).contains("<!here>").contains("*Break-glass*: <@U0ALICE> granted Owner on "
                + "sub-prod").contains("*without approval*").contains("\"action_id\":\"jit-review\"")
                .contains("Unreviewed");
        assertThat(rig.calls("chat.postMessage")).filteredOn(c -> "C0APPROVALS".equals(c.get("channel"))).isEmpty();

        await().atMost(Duration.ofSeconds(10)).until(() -> rig.calls("chat.postMessage").stream()
                .anyMatch(c -> "U0CAROL".equals(c.get("channel"))));
        assertThat(rig.calls("chat.postMessage")).filteredOn(c -> "U0CAROL".equals(c.get("channel")))
                .singleElement().satisfies(dm -> assertThat(dm.get("text"))
                        .contains("Break-glass: <@U0ALICE> granted Owner on sub-prod").contains("`/jit review " + r.id()));
    }

    @Test
    void review_byTheRequesterIsRefused_byOnCallAcceptedWithANote() throws Exception {
        AccessRequest r = breakGlass();
        await().atMost(Duration.ofSeconds(10)).until(() -> !rig.store.messages(r.id()).isEmpty());
        MessageRef card = rig.store.messages(r.id()).stream().filter(m -> MessageRef.CARD.equals(m.kind()))
                .findFirst().orElseThrow();

        rig.click(ALICE, Cards.REVIEW, r.id().value(), "bg-self", card.messageId());
        await().atMost(Duration.ofSeconds(10)).until(() -> !rig.responses("bg-self").isEmpty());
        assertThat(rig.responses("bg-self").get(0).get("text").getAsString())
                .contains("You cannot review your own break-glass grant " + r.id());
        assertThat(rig.calls("views.open")).isEmpty();
        assertThat(rig.store.find(r.id()).orElseThrow().breakGlass().reviewed()).isFalse();

        rig.click(CAROL, Cards.REVIEW, r.id().value(), "bg-carol", card.messageId());
        await().atMost(Duration.ofSeconds(10)).until(() -> !rig.calls("views.open").isEmpty());
        assertThat(rig.calls("views.open").get(0).get("view")).contains("jit-review-note").contains(r.id().value());

        HttpResponse<String> empty = rig.submit(CAROL, RequestForm.REVIEW_CALLBACK, r.id().value(),
                "{\"note\":{\"value\":{\"type\":\"plain_text_input\",\"value\":\"  \"}}}");
        assertThat(empty.body()).contains("errors").contains("Say what you checked");

        HttpResponse<String> submitted = rig.submit(CAROL, RequestForm.REVIEW_CALLBACK, r.id().value(),
                "{\"note\":{\"value\":{\"type\":\"plain_text_input\",\"value\":\"confirmed with Alice on the bridge\"}}}");
        assertThat(submitted.statusCode()).isEqualTo(200);
        assertThat(submitted.body()).doesNotContain("errors");

        AccessRequest reviewed = rig.store.find(r.id()).orElseThrow();
        assertThat(reviewed.breakGlass().reviewer().samePerson(CAROL)).isTrue();
        assertThat(reviewed.breakGlass().note()).isEqualTo("confirmed with Alice on the bridge");
        assertThat(rig.audit.forRequest(r.id())).extracting(AuditEvent::action).contains("breakglass-reviewed");
        await().atMost(Duration.ofSeconds(10)).until(() -> rig.calls("chat.update").stream()
                .anyMatch(u -> u.get("blocks").contains("Reviewed by <@U0CAROL>")
                        && u.get("blocks").contains("confirmed with Alice on the bridge")
                        && !u.get("blocks").contains("jit-review\"")));

        HttpResponse<String> again = rig.command(CAROL, "review " + r.id() + " once more", "bg-again");
        assertThat(SlackRig.ackText(again)).contains("already reviewed by Carol");
    }

    @Test
    void unreviewedAfter24h_remindsTheSecurityChannel() throws Exception {
        AccessRequest r = breakGlass();
        await().atMost(Duration.ofSeconds(10)).until(() -> securityPosts().size() == 1);

        rig.advance(Duration.ofHours(23).plusMinutes(58));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> securityPosts().size() == 1);
        rig.advance(Duration.ofMinutes(3));
        await().atMost(Duration.ofSeconds(10)).until(() -> securityPosts().size() == 2);

        assertThat(securityPosts().get(1).get("text")).startsWith("<!here> Break-glass " + r.id())
                .contains("still unreviewed after 24 h").contains("review " + r.id());
    }
}
