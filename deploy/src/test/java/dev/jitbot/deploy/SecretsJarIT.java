package dev.jitbot.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.http.HttpHeader;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.slack.api.app_backend.SlackSignature;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The jar started with known secrets (Slack bot token and signing secret, the Azure client secret, the Teams app
 * password, the database password) against fakes that fail: ARM answers 500 to the first grant and the first
 * revocation, Slack 429 to the first card. After a request, its retried grant and an early release, no secret
 * appears in any log line, any HTTP answer jitbot gave, or anything the fakes received, except where it must: the
 * bot token in Slack's {@code Authorization} header and the client secret in Entra's token request.
 */
class SecretsJarIT {

    static final String BOT_TOKEN = "xoxb-5EC12E7-70KEN-aaaa1111bbbb2222cccc";
    static final String SIGNING_SECRET = "5ec12e75161111195ec12e75161111aa";
    static final String CLIENT_SECRET = "AzureClientSecret~5EC12E7~Qq8ZzYy";
    static final String TEAMS_PASSWORD = "TeamsAppPassword~5EC12E7~Ww3Xx";
    static final String DB_PASSWORD = "DbPassword-5EC12E7-Vv4Uu";
    static final List<String> SECRETS = List.of(BOT_TOKEN, SIGNING_SECRET, CLIENT_SECRET, TEAMS_PASSWORD, DB_PASSWORD);
    static final String POLICY = """
            defaults: { max_duration: 1h, request_ttl: 30m, approvals: 1 }
            scopes:
              sub-prod: /subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6
            groups:
              engineers: { members: [alice@contoso.com] }
            channels:
              approvals: { slack: C0APPROVALS }
            rules:
              - name: read production
                role: Reader
                scopes: [sub-prod]
                requesters: [engineers]
                approvals: 0
                max_duration: 8h
            users:
              alice@contoso.com: { object_id: 9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d }
            """;
    private static final String ASSIGNMENT = "/+subscriptions/.*/providers/Microsoft\\.Authorization/roleAssignments/[0-9a-f-]{36}";

    @TempDir
    Path work;

    private final WireMockServer slack = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<String> answers = new ArrayList<>();
    private ArmFake arm;

    @AfterEach
    void stop() {
        slack.stop();
        if (arm != null) {
            arm.close();
        }
    }

    @Test
    void noSecretReachesALogAnAnswerOrAFake_throughFailingArmAndThrottledSlack() throws Exception {
        arm = new ArmFake(work);
        failOnce(() -> put(urlPathMatching(ASSIGNMENT)), "grant", 201);
        failOnce(() -> delete(urlPathMatching(ASSIGNMENT)), "revoke", 204);
        slack.start();
        slack.stubFor(post("/api/auth.test").willReturn(okJson("{\"ok\":true,\"team_id\":\"T0CONTOSO\","
                + "\"user_id\":\"U0JITBOT\",\"bot_id\":\"B0JITBOT\"}")));
        slack.stubFor(post("/api/users.info").willReturn(okJson("{\"ok\":true,\"user\":{\"id\":\"U0ALICE\","
                + "\"team_id\":\"T0CONTOSO\",\"name\":\"alice\",\"profile\":{\"email\":\"alice@contoso.com\"}}}")));
        slack.stubFor(post(urlPathMatching("/api/chat\\.(update|postEphemeral)")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"C0APPROVALS\",\"ts\":\"1764079200.000100\"}")));
        slack.stubFor(post("/api/chat.postMessage").inScenario("throttled").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")).willSetStateTo("recovered"));
        slack.stubFor(post("/api/chat.postMessage").inScenario("throttled").whenScenarioStateIs("recovered")
                .willReturn(okJson("{\"ok\":true,\"channel\":\"C0APPROVALS\",\"ts\":\"1764079200.000100\"}")));
        slack.stubFor(post(urlPathMatching("/api/conversations\\.open")).willReturn(okJson(
                "{\"ok\":true,\"channel\":{\"id\":\"D0ALICE\"}}")));
        slack.stubFor(post(urlPathMatching("/respond/.*")).willReturn(aResponse().withStatus(200).withBody("ok")));

        Files.writeString(work.resolve("policy.yaml"), POLICY);
        int port = ServeJarIT.freePort();
        Map<String, String> env = arm.env();
        env.put("AZURE_CLIENT_SECRET", CLIENT_SECRET);
        env.put("JITBOT_HTTP_PORT", Integer.toString(port));
        env.put("JITBOT_DB_URL", "jdbc:h2:file:" + work.resolve("data/jitbot").toAbsolutePath());
        env.put("JITBOT_DB_USER", "jitbot");
        env.put("JITBOT_DB_PASSWORD", DB_PASSWORD);
        env.put("SLACK_BOT_TOKEN", BOT_TOKEN);
        env.put("SLACK_SIGNING_SECRET", SIGNING_SECRET);
        env.put("JITBOT_SLACK_API_URL", slack.baseUrl() + "/api/");
        env.put("MicrosoftAppId", "5a1c2e3f-0b4d-4c6e-8f7a-9b0c1d2e3f4a");
        env.put("MicrosoftAppPassword", TEAMS_PASSWORD);
        env.put("JITBOT_TEAMS_OPENID_METADATA", slack.baseUrl() + "/teams/openid");
        env.put("JITBOT_TEAMS_AUTHORITY", slack.baseUrl() + "/teams/authority");
        env.put("JITBOT_LOG_FORMAT", "json");
        try (JarProcess jitbot = JarProcess.start(work, env, arm.trustOptions(), "serve")) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> get(port, "/readyz").statusCode() == 200);

            HttpResponse<String> ack = command(port, "request Reader on sub-prod for 1h because INC-1 secrets test");
            assertThat(ack.statusCode()).as(jitbot.all()).isEqualTo(200);
            Matcher id = Pattern.compile("JIT-[0-9A-Z]{4,10}").matcher(ack.body());
            assertThat(id.find()).as(ack.body()).isTrue();
            // The grant goes through after ARM's 500, the card after Slack's 429.
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
                assertThat(calls(arm.wm, RequestMethod.PUT, "roleAssignments")).as(jitbot.all()).hasSize(2);
                assertThat(calls(slack, RequestMethod.POST, "/api/chat.postMessage")).as(jitbot.all())
                        .hasSizeGreaterThanOrEqualTo(2);
            });
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                    assertThat(command(port, "show " + id.group()).body()).contains("Active"));
            assertThat(command(port, "release " + id.group()).statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(60)).untilAsserted(() ->
                    assertThat(calls(arm.wm, RequestMethod.DELETE, "roleAssignments")).as(jitbot.all()).hasSize(2));
            get(port, "/metrics");
            get(port, "/healthz");
            Thread.sleep(1500); // the last card update and DM go out

            for (String secret : SECRETS) {
                assertThat(jitbot.all()).as("the log").doesNotContain(secret);
                assertThat(answers).as("jitbot's HTTP answers").noneMatch(a -> a.contains(secret));
                for (LoggedRequest r : received(slack)) {
                    assertThat(r.getBodyAsString()).as("Slack received " + r.getUrl()).doesNotContain(secret);
                    assertThat(headersBut(r, "Authorization")).as("Slack's headers").doesNotContain(secret);
                }
                for (LoggedRequest r : received(arm.wm)) {
                    boolean tokenRequest = r.getUrl().contains("/oauth2/v2.0/token");
                    if (!(tokenRequest && secret.equals(CLIENT_SECRET))) {
                        assertThat(r.getBodyAsString()).as("Azure received " + r.getUrl()).doesNotContain(secret);
                    }
                    assertThat(headersBut(r, "")).as("Azure's headers").doesNotContain(secret);
                }
            }
            // Where a secret must go, it went: so the checks above looked at the traffic that carries them.
            assertThat(received(slack).stream().filter(r -> r.getUrl().startsWith("/api/chat."))
                    .map(r -> r.getHeader("Authorization"))).allMatch(("Bearer " + BOT_TOKEN)::equals);
            assertThat(received(arm.wm).stream().filter(r -> r.getUrl().contains("/oauth2/v2.0/token"))
                    .map(r -> java.net.URLDecoder.decode(r.getBodyAsString(), StandardCharsets.UTF_8)))
                    .isNotEmpty().allMatch(b -> b.contains("client_secret=" + CLIENT_SECRET));
        }
    }

    private void failOnce(java.util.function.Supplier<com.github.tomakehurst.wiremock.client.MappingBuilder> call,
                          String name, int then) {
        arm.wm.stubFor(call.get().inScenario(name).whenScenarioStateIs(Scenario.STARTED).atPriority(1)
                .willReturn(aResponse().withStatus(500).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"code\":\"InternalServerError\",\"message\":\"try again\"}}"))
                .willSetStateTo("recovered"));
        arm.wm.stubFor(call.get().inScenario(name).whenScenarioStateIs("recovered").atPriority(1)
                .willReturn(aResponse().withStatus(then).withHeader("Content-Type", "application/json")
                        .withBody("{\"properties\":{\"roleDefinitionId\":\"/providers/Microsoft.Authorization/"
                                + "roleDefinitions/" + ArmFake.READER + "\",\"principalId\":\"9b8a7c6d-5e4f-4a3b-9c2d-"
                                + "1e0f9a8b7c6d\",\"principalType\":\"User\"},\"type\":"
                                + "\"Microsoft.Authorization/roleAssignments\",\"name\":\"x\"}")));
    }

    private static List<LoggedRequest> received(WireMockServer wm) {
        return wm.getAllServeEvents().stream().map(ServeEvent::getRequest).toList();
    }

    private static List<LoggedRequest> calls(WireMockServer wm, RequestMethod method, String urlPart) {
        return received(wm).stream().filter(r -> r.getMethod().equals(method) && r.getUrl().contains(urlPart)).toList();
    }

    private static String headersBut(LoggedRequest r, String except) {
        StringBuilder sb = new StringBuilder();
        for (HttpHeader h : r.getHeaders().all()) {
            if (!h.key().equalsIgnoreCase(except)) {
                sb.append(h.key()).append(": ").append(h.values()).append('\n');
            }
        }
        return sb.toString();
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .build(), HttpResponse.BodyHandlers.ofString());
        answers.add(r.headers().map() + "\n" + r.body());
        return r;
    }

    private HttpResponse<String> command(int port, String text) throws Exception {
        String body = "token=t&team_id=T0CONTOSO&channel_id=C0GENERAL&user_id=U0ALICE&user_name=alice&command=%2Fjit"
                + "&text=" + URLEncoder.encode(text, StandardCharsets.UTF_8) + "&response_url="
                + URLEncoder.encode(slack.baseUrl() + "/respond/1", StandardCharsets.UTF_8) + "&trigger_id=1.2.3";
        long ts = System.currentTimeMillis() / 1000;
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/slack/events")).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Slack-Request-Timestamp", Long.toString(ts))
                .header("X-Slack-Signature", new SlackSignature.Generator(SIGNING_SECRET).generate(Long.toString(ts),
                        body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        answers.add(r.headers().map() + "\n" + r.body());
        return r;
    }
}
