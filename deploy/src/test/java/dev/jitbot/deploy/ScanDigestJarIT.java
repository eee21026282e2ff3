package dev.jitbot.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.jitbot.core.domain.Platform;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduled scan and eligibility review through the built jar: {@code scan:} and {@code review:} in policy.yaml
 * schedule them on the Quartz job store, the scan reads the fake subscription over HTTPS with the real ARM SDK
 * clients, and each report goes through the outbox as a {@code digest} card to the security channel on the fake
 * Slack Web API and the fake Teams connector.
 */
class ScanDigestJarIT {

    static final String APP_ID = "5a1c2e3f-0b4d-4c6e-8f7a-9b0c1d2e3f4a";
    static final String SECURITY_TEAMS = "19:security@thread.tacv2";

    @TempDir
    Path work;

    private final WireMockServer slack = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final WireMockServer teams = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private ArmFake arm;

    @AfterEach
    void stop() {
        slack.stop();
        teams.stop();
        if (arm != null) {
            arm.close();
        }
    }

    @Test
    void scheduledScanAndReview_postDigestCards_toTheSecurityChannelOnSlackAndTeams() throws Exception {
        arm = new ArmFake(work);
        ScanJarIT.stubMixedSubscription(arm);
        slack.start();
        slack.stubFor(post("/api/auth.test").willReturn(okJson("{\"ok\":true,\"team_id\":\"T0CONTOSO\","
                + "\"user_id\":\"U0JITBOT\",\"bot_id\":\"B0JITBOT\"}")));
        slack.stubFor(post(urlPathMatching("/api/chat\\.postMessage")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"C0SECURITY\",\"ts\":\"1764079200.000100\"}")));
        teams.start();
        teams.stubFor(post(urlPathMatching("/.*/oauth2/v2\\.0/token")).willReturn(okJson("{\"token_type\":\"Bearer\","
                + "\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\"eyJ0eXAiOiJKV1QifQ.fake.sig\"}")));
        teams.stubFor(post(urlPathMatching("/v3/conversations/[^/]+/activities")).willReturn(okJson(
                "{\"id\":\"1700000000999\"}")));

        String sub = "/subscriptions/" + ScanJarIT.SUB;
        Path policy = work.resolve("policy.yaml");
        Files.writeString(policy, String.join("\n",
                "defaults: { max_duration: 1h, request_ttl: 30m, approvals: 1 }",
                "scopes:",
                "  sub-prod: " + sub,
                "groups:",
                "  engineers: { members: [alice@contoso.com, bob@contoso.com] }",
                "channels:",
                "  security: { slack: C0SECURITY, teams: \"" + SECURITY_TEAMS + "\" }",
                "scan: { every: 1m, channel: security }",
                "review: { every: 1m, channel: security, since: 90d }",
                "rules:",
                "  - name: read production",
                "    role: Reader",
                "    scopes: [sub-prod]",
                "    requesters: [engineers]",
                "    approvals: 0",
                "  - name: operate the other subscription",
                "    role: Contributor",
                "    scopes: [/subscriptions/" + ScanJarIT.SUB2 + "/resourceGroups/rg-other]",
                "    requesters: [engineers]",
                "    approvals: 0",
                ""));
        String dbUrl = "jdbc:h2:file:" + work.resolve("data/jitbot").toAbsolutePath();
        // Teams had told jitbot about the security channel before (as when it is added to the team): its
        // conversation reference is in the store, pointing at the fake connector.
        try (Backend b = Pieces.openBackend(new Config.Database(dbUrl, "jitbot", ""))) {
            b.conversations().save(Platform.TEAMS, SECURITY_TEAMS, "{\"serviceUrl\":\"" + teams.baseUrl() + "/\","
                    + "\"channelId\":\"msteams\",\"conversation\":{\"id\":\"" + SECURITY_TEAMS + "\","
                    + "\"conversationType\":\"channel\",\"isGroup\":true,\"tenantId\":\"" + ArmFake.TENANT + "\"},"
                    + "\"bot\":{\"id\":\"28:" + APP_ID + "\",\"name\":\"jitbot\"}}");
        }
        int port = ServeJarIT.freePort();
        Map<String, String> env = arm.env();
        env.put("JITBOT_POLICY", policy.toString());
        env.put("JITBOT_HTTP_PORT", Integer.toString(port));
        env.put("JITBOT_DB_URL", dbUrl);
        env.put("JITBOT_DB_USER", "jitbot");
        env.put("SLACK_BOT_TOKEN", "xoxb-test-token");
        env.put("SLACK_SIGNING_SECRET", "5ec12e75161111195ec12e75161111aa");
        env.put("JITBOT_SLACK_API_URL", slack.baseUrl() + "/api/");
        env.put("MicrosoftAppId", APP_ID);
        env.put("MicrosoftAppPassword", "test-app-password-not-a-secret");
        env.put("JITBOT_TEAMS_OPENID_METADATA", teams.baseUrl() + "/v1/.well-known/openidconfiguration");
        env.put("JITBOT_TEAMS_AUTHORITY", teams.baseUrl());
        try (JarProcess jitbot = JarProcess.start(work, env, arm.trustOptions(), "serve")) {
            HttpClient http = HttpClient.newHttpClient();
            try {
                await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                        .until(() -> http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                                + "/readyz")).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                throw new AssertionError("not ready:\n" + jitbot.all(), e);
            }
            assertThat(jitbot.all()).contains("periodic task scan-digest scheduled every PT1M",
                    "periodic task review-digest scheduled every PT1M");

            // Both run one minute after they were scheduled (plus Quartz's poll), on this one node.
            await().atMost(Duration.ofSeconds(150)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
                assertThat(slackPosts()).as(jitbot.all()).anyMatch(b -> b.contains("Standing access scan"))
                        .anyMatch(b -> b.contains("Eligibility review"));
                assertThat(teamsPosts()).as(jitbot.all()).anyMatch(b -> b.contains("Standing access scan"))
                        .anyMatch(b -> b.contains("Eligibility review"));
            });

            String scanSlack = slackPosts().stream().filter(b -> b.contains("Standing access scan")).findFirst()
                    .orElseThrow();
            assertThat(scanSlack).contains("channel=C0SECURITY", "blocks=",
                    // the counts per kind and risk: 4 standing (2 critical), 1 PIM, 1 jitbot
                    "4 standing (2 critical, 1 high)", "PIM", "jitbot",
                    // the riskiest finding first, with its reasons, and the scope jitbot cannot read
                    "CRITICAL", "Owner", "can change who has access", "1 scope",
                    "role assignments", "(needs Reader at /subscriptions/" + ScanJarIT.SUB2);
            String scanTeams = teamsPosts().stream().filter(b -> b.contains("Standing access scan")).findFirst()
                    .orElseThrow();
            assertThat(scanTeams).contains("AdaptiveCard", "FactSet", "4 standing (2 critical, 1 high)",
                    "can change who has access", "needs Reader at /subscriptions/" + ScanJarIT.SUB2);
            String reviewTeams = teamsPosts().stream().filter(b -> b.contains("Eligibility review")).findFirst()
                    .orElseThrow();
            // Nobody requested anything: both rules are unused, and each engineer never asked.
            assertThat(reviewTeams).contains("2 rules unused", "never requested: alice@contoso.com",
                    "policy.yaml:11");
            assertThat(jitbot.all()).contains("scan-digest queued for channel security on 2 platform(s)");
        }
    }

    private List<String> slackPosts() {
        return slack.getAllServeEvents().stream().map(e -> e.getRequest())
                .filter(r -> r.getUrl().startsWith("/api/chat.postMessage"))
                .map(r -> URLDecoder.decode(r.getBodyAsString(), StandardCharsets.UTF_8)).toList();
    }

    private List<String> teamsPosts() {
        return teams.getAllServeEvents().stream().map(e -> e.getRequest())
                .filter(r -> r.getUrl().contains("/activities") && r.getUrl().contains("security"))
                .map(LoggedRequest::getBodyAsString).toList();
    }
}
