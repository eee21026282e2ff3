package dev.jitbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code jitbot serve} through the built jar: refusing bad configuration, health, readiness and metrics. */
class ServeJarIT {

    private static final String SLACK_TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx";

    @TempDir
    Path work;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void serve_withSlackBotTokenButNoSigningSecret_refusesToStartNamingIt() throws Exception {
        Files.copy(Path.of("examples/policy.yaml").toAbsolutePath(), work.resolve("policy.yaml"));
        Map<String, String> env = Map.of("SLACK_BOT_TOKEN", SLACK_TOKEN, "JITBOT_HTTP_PORT", Integer.toString(freePort()));
        try (JarProcess jitbot = JarProcess.start(work, env, List.of(), "serve")) {
            int exit = jitbot.waitFor(Duration.ofSeconds(60));
            assertThat(exit).as(jitbot.all()).isEqualTo(2);
            assertThat(String.join("\n", jitbot.err())).contains("SLACK_SIGNING_SECRET is missing")
                    .contains("SLACK_SIGNING_SECRET=");
            assertThat(jitbot.all()).doesNotContain(SLACK_TOKEN).doesNotContain("Exception");
        }
    }

    @Test
    void serve_withBadPortAndUnknownModes_namesEveryVariable() throws Exception {
        Map<String, String> env = Map.of("JITBOT_HTTP_PORT", "http", "JITBOT_AZURE_MODE", "yolo",
                "JITBOT_LOG_FORMAT", "xml");
        try (JarProcess jitbot = JarProcess.start(work, env, List.of(), "serve")) {
            assertThat(jitbot.waitFor(Duration.ofSeconds(60))).isEqualTo(2);
            assertThat(String.join("\n", jitbot.err())).contains("JITBOT_HTTP_PORT").contains("JITBOT_AZURE_MODE")
                    .contains("JITBOT_LOG_FORMAT");
        }
    }

    @Test
    void readyz_answers503UntilDatabaseAndSchedulerAreUp_then200() throws Exception {
        Files.copy(Path.of("examples/policy.yaml").toAbsolutePath(), work.resolve("policy.yaml"));
        Path data = work.resolve("data");
        String url = "jdbc:h2:file:" + data.resolve("jitbot").toAbsolutePath();
        int port = freePort();
        Map<String, String> env = new HashMap<>(Map.of("JITBOT_HTTP_PORT", Integer.toString(port), "JITBOT_DB_URL", url,
                "JITBOT_LOG_FORMAT", "json"));
        // Another process holds the H2 file: jitbot cannot open its database until the test lets go.
        Connection holder = DriverManager.getConnection(url);
        try (JarProcess jitbot = JarProcess.start(work, env, List.of(), "serve")) {
            await().atMost(Duration.ofSeconds(60)).ignoreExceptions()
                    .until(() -> get(port, "/healthz").statusCode() == 200);
            HttpResponse<String> notReady = get(port, "/readyz");
            assertThat(notReady.statusCode()).isEqualTo(503);
            assertThat(notReady.body()).contains("database");
            Thread.sleep(2000);
            assertThat(get(port, "/readyz").statusCode()).as("still locked out of the database").isEqualTo(503);

            holder.close();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                    .until(() -> get(port, "/readyz").statusCode() == 200);

            String metrics = get(port, "/metrics").body();
            assertThat(metrics).contains("jitbot_grants_active").contains("jitbot_revocation_lag_seconds")
                    .contains("jitbot_azure_errors_total").contains("jitbot_chat_errors_total");
            assertThat(jitbot.err()).as("JSON log lines").anyMatch(l -> l.startsWith("{") && l.contains("\"level\""));
            assertThat(jitbot.err()).as("JSON log lines carry their arguments, not the bare pattern")
                    .anyMatch(l -> l.startsWith("{") && l.contains("listening on port " + port))
                    .noneMatch(l -> l.contains("port {}"));
        } finally {
            if (!holder.isClosed()) {
                holder.close();
            }
        }
    }

    @Test
    void startUpToReady_isMeasured() throws Exception {
        Files.copy(Path.of("examples/policy.yaml").toAbsolutePath(), work.resolve("policy.yaml"));
        int port = freePort();
        Map<String, String> env = Map.of("JITBOT_HTTP_PORT", Integer.toString(port),
                "JITBOT_DB_URL", "jdbc:h2:file:" + work.resolve("data/jitbot").toAbsolutePath());
        try (JarProcess jitbot = JarProcess.start(work, env, List.of(), "serve")) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50)).ignoreExceptions()
                    .until(() -> get(port, "/readyz").statusCode() == 200);
            long ms = jitbot.sinceStart().toMillis();
            long jarBytes = Files.size(JarProcess.jar());
            System.out.printf("jitbot.jar: %.1f MiB; serve start-up to /readyz 200: %d ms%n", jarBytes / 1048576.0, ms);
            assertThat(get(port, "/healthz").body()).contains("ok");
        }
    }

    @Test
    void serve_withSlackAndTeams_mountsBothEndpointsAndRefusesUnsignedRequests() throws Exception {
        Files.copy(Path.of("examples/policy.yaml").toAbsolutePath(), work.resolve("policy.yaml"));
        int port = freePort();
        Map<String, String> env = new HashMap<>();
        env.put("JITBOT_HTTP_PORT", Integer.toString(port));
        env.put("JITBOT_DB_URL", "jdbc:h2:file:" + work.resolve("data/jitbot").toAbsolutePath());
        env.put("SLACK_BOT_TOKEN", SLACK_TOKEN);
        env.put("SLACK_SIGNING_SECRET", "8f742231b10e8888abcd99yyyzzz85a5");
        // Bolt checks the token (auth.test) before it checks signatures: a fake Slack Web API answers that.
        com.github.tomakehurst.wiremock.WireMockServer slackApi = new com.github.tomakehurst.wiremock.WireMockServer(
                com.github.tomakehurst.wiremock.core.WireMockConfiguration.options().dynamicPort());
        slackApi.start();
        slackApi.stubFor(com.github.tomakehurst.wiremock.client.WireMock.post(
                com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo("/api/auth.test"))
                .willReturn(com.github.tomakehurst.wiremock.client.WireMock.okJson("{\"ok\":true,\"url\":"
                        + "\"https://contoso.slack.com/\",\"team\":\"Contoso\",\"user\":\"jitbot\",\"team_id\":"
                        + "\"T0CONTOSO\",\"user_id\":\"U0JITBOT\",\"bot_id\":\"B0JITBOT\"}")));
        env.put("JITBOT_SLACK_API_URL", "http://127.0.0.1:" + slackApi.port() + "/api/");
        env.put("MicrosoftAppId", "0c9e2a7d-4f51-4b8e-9d3a-6e2f1b7c8a90");
        env.put("MicrosoftAppPassword", "teams-app-password-value");
        env.put("MicrosoftAppTenantId", "72f988bf-86f1-41af-91ab-2d7cd011db47");
        try (JarProcess jitbot = JarProcess.start(work, env, List.of(), "serve")) {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> get(port, "/readyz").statusCode() == 200);
            HttpResponse<String> slack = post(port, "/slack/events", "application/x-www-form-urlencoded",
                    "command=%2Fjit&text=list&user_id=U0ALICE", Map.of("X-Slack-Signature", "v0=forged",
                            "X-Slack-Request-Timestamp", Long.toString(System.currentTimeMillis() / 1000)));
            assertThat(slack.statusCode()).isEqualTo(401);
            HttpResponse<String> teams = post(port, "/api/messages", "application/json",
                    "{\"type\":\"message\",\"text\":\"list\"}", Map.of());
            assertThat(teams.statusCode()).isEqualTo(401);
            assertThat(jitbot.all()).contains("Slack on (HTTP), Teams on").doesNotContain(SLACK_TOKEN)
                    .doesNotContain("8f742231b10e8888abcd99yyyzzz85a5").doesNotContain("teams-app-password-value");
        } finally {
            slackApi.stop();
        }
    }

    private HttpResponse<String> post(int port, String path, String type, String body, Map<String, String> headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", type)
                .POST(HttpRequest.BodyPublishers.ofString(body));
        headers.forEach(b::header);
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString());
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
