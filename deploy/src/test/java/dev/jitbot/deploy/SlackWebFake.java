package dev.jitbot.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;

import com.github.tomakehurst.wiremock.WireMockServer;

/**
 * The Slack Web API calls {@code jitbot serve} makes, stubbed on a WireMock server as Slack answers them: who the
 * bot is ({@code auth.test}), who people are ({@code users.info}, {@code users.lookupByEmail}; each person's email is
 * {@code <handle>@contoso.com}), posts and updates into {@code channel}, and response URLs.
 */
final class SlackWebFake {

    private SlackWebFake() {
    }

    /** @param people each {@code {slackId, handle, name}}, e.g. {@code {"U0ALICE", "alice", "Alice"}} */
    static void stub(WireMockServer slack, String channel, String[]... people) {
        slack.stubFor(post("/api/auth.test").willReturn(okJson("{\"ok\":true,\"url\":\"https://contoso.slack.com/\","
                + "\"team\":\"Contoso\",\"user\":\"jitbot\",\"team_id\":\"T0CONTOSO\",\"user_id\":\"U0JITBOT\","
                + "\"bot_id\":\"B0JITBOT\"}")));
        for (String[] u : people) {
            slack.stubFor(post("/api/users.info").withRequestBody(containing("user=" + u[0])).willReturn(okJson(
                    "{\"ok\":true,\"user\":{\"id\":\"" + u[0] + "\",\"team_id\":\"T0CONTOSO\",\"name\":\"" + u[1]
                            + "\",\"real_name\":\"" + u[2] + "\",\"profile\":{\"email\":\"" + u[1]
                            + "@contoso.com\",\"display_name\":\"" + u[2] + "\"}}}")));
            slack.stubFor(post("/api/users.lookupByEmail").withRequestBody(containing(u[1] + "%40contoso.com"))
                    .willReturn(okJson("{\"ok\":true,\"user\":{\"id\":\"" + u[0] + "\",\"team_id\":\"T0CONTOSO\","
                            + "\"name\":\"" + u[1] + "\",\"profile\":{\"email\":\"" + u[1] + "@contoso.com\"}}}")));
        }
        slack.stubFor(post(urlPathMatching("/api/chat\\.(postMessage|update|postEphemeral)")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"" + channel + "\",\"ts\":\"1764079200.000100\",\"message_ts\":\"1.2\"}")));
        slack.stubFor(post(urlPathMatching("/respond/.*")).willReturn(aResponse().withStatus(200).withBody("ok")));
    }
}
