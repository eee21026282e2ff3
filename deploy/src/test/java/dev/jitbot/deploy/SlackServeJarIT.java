package dev.jitbot.deploy;

import dev.jitbot.core.testing.RawHttp;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code serve} through the built jar with Slack on, against a fake Slack Web API: a signed {@code /jit request}
 * reaches the core, lands in the store, and the request card goes to the policy's approvals channel.
 */
class SlackServeJarIT {

    private static final String TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx";
    private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";

    @TempDir
    Path work;

    private final WireMockServer slack = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();

    @AfterEach
    void stop() {
        slack.stop();
    }

    @Test
    void signedSlashCommand_filesTheRequestAndPostsItsCardToTheApprovalsChannel() throws Exception {
        slack.start();
        slack.stubFor(post("/api/auth.test").willReturn(okJson("{\"ok\":true,\"url\":\"https://contoso.slack.com/\","
                + "\"team\":\"Contoso\",\"user\":\"jitbot\",\"team_id\":\"T0CONTOSO\",\"user_id\":\"U0JITBOT\","
                + "\"bot_id\":\"B0JITBOT\"}")));
        slack.stubFor(post("/api/users.info").withRequestBody(containing("user=U0ALICE")).willReturn(okJson(
                "{\"ok\":true,\"user\":{\"id\":\"U0ALICE\",\"team_id\":\"T0CONTOSO\",\"name\":\"alice\",\"real_name\":"
                        + "\"Alice\",\"profile\":{\"email\":\"alice@contoso.com\",\"display_name\":\"Alice\"}}}")));
        slack.stubFor(post(urlPathMatching("/api/chat\\.(postMessage|update|postEphemeral)")).willReturn(okJson(
                "{\"ok\":true,\"channel\":\"C0APPROVALS\",\"ts\":\"1764079200.000100\",\"message_ts\":\"1.2\"}")));
        slack.stubFor(post(urlPathMatching("/respond/.*")).willReturn(aResponse().withStatus(200).withBody("ok")));

        Files.copy(Path.of("examples/policy.yaml").toAbsolutePath(), work.resolve("policy.yaml"));
        int port = ServeJarIT.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("JITBOT_HTTP_PORT", Integer.toString(port));
        env.put("JITBOT_DB_URL", "jdbc:h2:file:" + work.resolve("data/jitbot").toAbsolutePath());
        env.put("SLACK_BOT_TOKEN", TOKEN);
        env.put("SLACK_SIGNING_SECRET", SECRET);
        env.put("JITBOT_SLACK_API_URL", slack.baseUrl() + "/api/");
        try (JarProcess jitbot = JarProcess.start(work, env, List.of(), "serve")) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> status(port, "/readyz") == 200);

            String body = form("token", "gIkuvaNzQIHg97ATvDxqgjtO", "team_id", "T0CONTOSO", "team_domain", "contoso",
                    "channel_id", "C0GENERAL", "channel_name", "general", "user_id", "U0ALICE", "user_name", "alice",
                    "command", "/jit", "text", "request Contributor on rg-payments for 45m because INC-4411 hotfix",
                    "response_url", slack.baseUrl() + "/respond/1", "trigger_id", "13345224609.738474920.8088930838d8");
            long ts = System.currentTimeMillis() / 1000;
            HttpResponse<String> ack = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/slack/events"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("X-Slack-Request-Timestamp", Long.toString(ts))
                    .header("X-Slack-Signature", new SlackSignature.Generator(SECRET).generate(Long.toString(ts), body))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ack.statusCode()).as(jitbot.all()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<LoggedRequest> cards = slack.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                        .withRequestBody(containing("C0APPROVALS")));
                assertThat(cards).as(jitbot.all()).isNotEmpty();
                assertThat(cards.get(0).getBodyAsString()).contains("JIT-").contains("rg-payments");
            });
            assertThat(slack.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage")))
                    .stream().map(LoggedRequest::getHeaders).map(h -> h.getHeader("Authorization").firstValue()))
                    .allMatch(a -> a.equals("Bearer " + TOKEN));
            String metrics = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).contains("jitbot_requests_total{outcome=\"requested\",platform=\"slack\"} 1.0");
            assertThat(jitbot.all()).doesNotContain(TOKEN).doesNotContain(SECRET);
        }
    }

    @Test
    void hostileRequests_areRefusedAtTheDoor_andNothingOfTheirBodiesReachesTheLog() throws Exception {
        slack.start();
        slack.stubFor(post("/api/auth.test").willReturn(okJson("{\"ok\":true,\"team_id\":\"T0CONTOSO\","
                + "\"user_id\":\"U0JITBOT\",\"bot_id\":\"B0JITBOT\"}")));
        Files.copy(Path.of("examples/policy.yaml").toAbsolutePath(), work.resolve("policy.yaml"));
        int port = ServeJarIT.freePort();
        Map<String, String> env = new HashMap<>();
        env.put("JITBOT_HTTP_PORT", Integer.toString(port));
        env.put("JITBOT_DB_URL", "jdbc:h2:file:" + work.resolve("data/jitbot").toAbsolutePath());
        env.put("SLACK_BOT_TOKEN", TOKEN);
        env.put("SLACK_SIGNING_SECRET", SECRET);
        env.put("JITBOT_SLACK_API_URL", slack.baseUrl() + "/api/");
        String marker = "FORGED-IN-THE-LOG-3K";
        try (JarProcess jitbot = JarProcess.start(work, env, List.of(), "serve")) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> status(port, "/readyz") == 200);

            RawHttp.Reply trace = RawHttp.exchange(port, RawHttp.head("TRACE", "/slack/events",
                    RawHttp.headers("Authorization", "Bearer " + marker)));
            assertThat(trace.status()).isEqualTo(405);
            assertThat(trace.head() + trace.body()).doesNotContain(marker);

            byte[] big = ("x=" + "a".repeat(2 * 1024 * 1024)).getBytes(StandardCharsets.US_ASCII);
            RawHttp.Reply chunked = RawHttp.exchange(port, RawHttp.head("POST", "/slack/events", RawHttp.headers(
                    "Content-Type", "application/x-www-form-urlencoded", "Transfer-Encoding", "chunked",
                    "X-Slack-Request-Timestamp", Long.toString(System.currentTimeMillis() / 1000),
                    "X-Slack-Signature", "v0=" + "0".repeat(64))), RawHttp.chunked(big, 1 << 20));
            assertThat(chunked.status()).isEqualTo(413);

            String forged = "a=1\r\n2026-11-25T14:00:00.000Z INFO [main] dev.jitbot - " + marker + " granted Owner";
            HttpResponse<String> unsigned = http.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + port + "/slack/events"))
                    .timeout(Duration.ofSeconds(10))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("X-Slack-Request-Timestamp", Long.toString(System.currentTimeMillis() / 1000))
                    .header("X-Slack-Signature", "v0=" + "0".repeat(64))
                    .POST(HttpRequest.BodyPublishers.ofString(forged)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(unsigned.statusCode()).isEqualTo(401);

            await().atMost(Duration.ofSeconds(10)).until(() -> jitbot.all().contains("rejected a Slack request"));
            assertThat(jitbot.all()).doesNotContain(marker).doesNotContain("aaaaaaaaaaaaaaaa");
        }
    }

    private int status(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String form(String... namesAndValues) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            sb.append(i == 0 ? "" : "&").append(namesAndValues[i]).append('=')
                    .append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
        }
        return sb.toString();
    }
}
