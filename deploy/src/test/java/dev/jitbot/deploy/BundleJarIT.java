package dev.jitbot.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.slack.api.app_backend.SlackSignature;
import java.net.URI;
import java.net.URLDecoder;
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
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bundles through the built jar in rbac mode (and once in pim mode): signed Slack slash commands against the real servlet, ARM on HTTPS
 * WireMock spoken to by the real Azure SDK. A bundle of three is one card and three PUTs; when Azure answers the
 * second PUT with 403, the other two are DELETEd and the card says which member failed and why.
 */
class BundleJarIT {

    private static final String TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx";
    private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    private static final String SUB = "5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6";
    private static final String CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    private static final String KV_SECRETS_USER = "4633458b-17de-408a-b874-0445c86b69e6";
    private static final String ASSIGNMENT = "/providers/Microsoft\\.Authorization/roleAssignments/[0-9a-f-]{36}";
    private static final Pattern ID = Pattern.compile("JIT-[0-9A-Z]+");

    @TempDir
    Path work;

    private final WireMockServer slack = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();
    private ArmFake arm;
    private int port;

    @BeforeEach
    void fakes() throws Exception {
        arm = new ArmFake(work);
        arm.role("Contributor", CONTRIBUTOR);
        arm.role("Key Vault Secrets User", KV_SECRETS_USER);
        slack.start();
        SlackWebFake.stub(slack, "C0APPROVALS", new String[] {"U0ALICE", "alice", "Alice"},
                new String[] {"U0BOB", "bob", "Bob"});
        Files.writeString(work.resolve("policy.yaml"), """
                defaults: { max_duration: 1h, request_ttl: 30m, approvals: 1 }
                scopes:
                  rg-payments: /subscriptions/%1$s/resourceGroups/rg-payments
                  sub-prod: /subscriptions/%1$s
                  kv-payments: /subscriptions/%1$s/resourceGroups/rg-payments/providers/Microsoft.KeyVault/vaults/kv-payments
                groups:
                  engineers: { members: [alice@contoso.com, bob@contoso.com] }
                  leads: { members: [bob@contoso.com] }
                channels:
                  approvals: { slack: C0APPROVALS }
                rules:
                  - name: operate payments
                    role: Contributor
                    scopes: [rg-payments]
                    requesters: [engineers]
                    approvers: [leads]
                    max_duration: 2h
                  - name: read production
                    role: Reader
                    scopes: [sub-prod]
                    requesters: [engineers]
                    approvals: 0
                    max_duration: 8h
                  - name: payments secrets
                    role: Key Vault Secrets User
                    scopes: [kv-payments]
                    requesters: [engineers]
                    approvers: [leads]
                    max_duration: 1h
                bundles:
                  incident-payments: [Contributor on rg-payments, Reader on sub-prod, Key Vault Secrets User on kv-payments]
                users:
                  alice@contoso.com: { object_id: 9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d }
                  bob@contoso.com: { object_id: 1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f }
                """.formatted(SUB));
        port = ServeJarIT.freePort();
    }

    @AfterEach
    void stop() {
        slack.stop();
        if (arm != null) {
            arm.close();
        }
    }

    private JarProcess start() throws Exception {
        return start("rbac");
    }

    private JarProcess start(String mode) throws Exception {
        Map<String, String> env = new HashMap<>(arm.env());
        env.put("JITBOT_AZURE_MODE", mode);
        env.put("JITBOT_HTTP_PORT", Integer.toString(port));
        env.put("JITBOT_DB_URL", "jdbc:h2:file:" + work.resolve("data/jitbot").toAbsolutePath());
        env.put("JITBOT_POLICY", work.resolve("policy.yaml").toString());
        env.put("SLACK_BOT_TOKEN", TOKEN);
        env.put("SLACK_SIGNING_SECRET", SECRET);
        env.put("JITBOT_SLACK_API_URL", slack.baseUrl() + "/api/");
        JarProcess jitbot = JarProcess.start(work, env, arm.trustOptions(), "serve");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> status("/readyz") == 200);
        return jitbot;
    }

    /** Files the bundle as Alice, approves it as Bob, and returns its id (read off its one card). */
    private String fileAndApprove(JarProcess jitbot) throws Exception {
        assertThat(slash("U0ALICE", "alice", "request bundle incident-payments for 1h because INC-4411 payments down")
                .statusCode()).as(jitbot.all()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> !cards().isEmpty());
        Matcher m = ID.matcher(form(cards().get(0)).get("text"));
        assertThat(m.find()).isTrue();
        String id = m.group();
        assertThat(slash("U0BOB", "bob", "approve " + id).statusCode()).isEqualTo(200);
        return id;
    }

    @Test
    void bundleOfThree_isOneCardAndThreePuts_andReleaseDeletesAllThree() throws Exception {
        try (JarProcess jitbot = start()) {
            String id = fileAndApprove(jitbot);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(updates())
                    .as(jitbot.all()).anySatisfy(u -> assertThat(u).contains("Active until")));
            List<LoggedRequest> puts = arm.wm.findAll(putRequestedFor(urlPathMatching(".*" + ASSIGNMENT)));
            assertThat(puts).hasSize(3);
            assertThat(puts).extracting(p -> p.getUrl().replaceAll("\\?.*", "")).doesNotHaveDuplicates()
                    .anySatisfy(u -> assertThat(u).contains("/resourceGroups/rg-payments/providers/Microsoft"
                            + ".Authorization/"))
                    .anySatisfy(u -> assertThat(u).startsWith("/subscriptions/" + SUB + "/providers/"))
                    .anySatisfy(u -> assertThat(u).contains("/vaults/kv-payments/providers/"));
            assertThat(puts).allSatisfy(p -> assertThat(p.getBodyAsString()).contains("jitbot:" + id));
            assertThat(cards()).hasSize(1);
            assertThat(form(cards().get(0)).get("blocks")).contains("Contributor on rg-payments")
                    .contains("Reader on sub-prod").contains("Key Vault Secrets User on kv-payments");

            assertThat(slash("U0ALICE", "alice", "release " + id).statusCode()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(arm.wm.findAll(
                    deleteRequestedFor(urlPathMatching(".*" + ASSIGNMENT)))).as(jitbot.all()).hasSize(3));
            assertThat(arm.wm.findAll(deleteRequestedFor(urlPathMatching(".*" + ASSIGNMENT)))
                    .stream().map(d -> d.getUrl().replaceAll("\\?.*", "")).sorted().toList())
                    .isEqualTo(puts.stream().map(p -> p.getUrl().replaceAll("\\?.*", "")).sorted().toList());
        }
    }

    @Test
    void secondPutAnswering403_deletesTheOtherTwo_andTheCardSaysWhichFailed() throws Exception {
        arm.wm.stubFor(put(urlPathMatching("/+subscriptions/" + SUB + ASSIGNMENT)).willReturn(aResponse()
                .withStatus(403).withHeader("Content-Type", "application/json").withBody("{\"error\":{\"code\":"
                        + "\"AuthorizationFailed\",\"message\":\"The client '0f4a7c1e-7d2b-4e3a-9c8d-1b2a3c4d5e6f' "
                        + "does not have authorization to perform action 'Microsoft.Authorization/roleAssignments/"
                        + "write' over scope '/subscriptions/" + SUB + "' or the scope is invalid.\"}}")));
        try (JarProcess jitbot = start()) {
            String id = fileAndApprove(jitbot);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(updates()).as(jitbot.all())
                    .anySatisfy(u -> assertThat(u).contains("Azure did not grant it")));
            List<LoggedRequest> puts = arm.wm.findAll(putRequestedFor(urlPathMatching(".*" + ASSIGNMENT)));
            List<String> putUrls = puts.stream().map(p -> p.getUrl().replaceAll("\\?.*", "")).toList();
            assertThat(putUrls).hasSize(3);
            assertThat(putUrls.get(1)).startsWith("/subscriptions/" + SUB + "/providers/");
            List<String> deleted = arm.wm.findAll(deleteRequestedFor(urlPathMatching(".*" + ASSIGNMENT))).stream()
                    .map(d -> d.getUrl().replaceAll("\\?.*", "")).toList();
            assertThat(deleted).containsExactlyInAnyOrder(putUrls.get(0), putUrls.get(2));

            String card = updates().stream().filter(u -> u.contains("Azure did not grant it")).findFirst().orElseThrow();
            assertThat(card).contains("Reader on sub-prod failed")
                    .contains("Microsoft.Authorization/roleAssignments/write")
                    .contains("removed the other members again (Contributor on rg-payments, Key Vault Secrets User "
                            + "on kv-payments)")
                    .contains(":x: Reader on sub-prod");
            assertThat(cards()).hasSize(1);
            assertThat(dms("U0ALICE")).anySatisfy(t -> assertThat(t).contains("Azure did not grant bundle "
                    + "incident-payments").contains(id).contains("Reader on sub-prod failed"));
            System.out.println("bundle rollback: " + putUrls.size() + " PUTs, " + deleted.size() + " DELETEs");
        }
    }

    @Test
    void pimMode_assignsEveryMemberWithItsOwnScheduleRequest_andReleaseRemovesThemAll() throws Exception {
        arm.close();
        ArmState pim = new ArmState();
        arm = new ArmFake(Files.createDirectories(work.resolve("pim")), pim);
        arm.role("Contributor", CONTRIBUTOR);
        arm.role("Key Vault Secrets User", KV_SECRETS_USER);
        try (JarProcess jitbot = start("pim")) {
            String id = fileAndApprove(jitbot);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(updates()).as(jitbot.all())
                    .anySatisfy(u -> assertThat(u).contains("Active until")));
            List<ArmState.Call> assigns = pim.calls().stream().filter(c -> "AdminAssign".equals(c.requestType()))
                    .toList();
            assertThat(assigns).hasSize(3).allSatisfy(c -> assertThat(c.status()).isEqualTo(201))
                    .allSatisfy(c -> assertThat(c.requestId()).isEqualTo(id));
            assertThat(assigns).extracting(ArmState.Call::name).doesNotHaveDuplicates();
            assertThat(pim.lives()).hasSize(3).allSatisfy(l -> assertThat(l.to).isNull());

            assertThat(slash("U0ALICE", "alice", "release " + id).statusCode()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(pim.calls().stream()
                    .filter(c -> "AdminRemove".equals(c.requestType()) && c.status() == 201)).as(jitbot.all())
                    .hasSize(3));
            assertThat(pim.lives()).allSatisfy(l -> assertThat(l.to).isNotNull());
        }
    }

    private List<LoggedRequest> cards() {
        return slack.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withRequestBody(containing("channel=C0APPROVALS")));
    }

    private List<String> updates() {
        return slack.findAll(postRequestedFor(urlPathEqualTo("/api/chat.update"))).stream()
                .map(r -> form(r).getOrDefault("blocks", "")).toList();
    }

    private List<String> dms(String user) {
        return slack.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))).stream().map(BundleJarIT::form)
                .filter(f -> user.equals(f.get("channel"))).map(f -> f.getOrDefault("text", "")).toList();
    }

    private static Map<String, String> form(LoggedRequest r) {
        Map<String, String> out = new HashMap<>();
        for (String pair : r.getBodyAsString().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
            }
        }
        return out;
    }

    private HttpResponse<String> slash(String userId, String userName, String text) throws Exception {
        String body = KillRig.form("token", "gIkuvaNzQIHg97ATvDxqgjtO", "team_id", "T0CONTOSO", "team_domain",
                "contoso", "channel_id", "C0GENERAL", "channel_name", "general", "user_id", userId, "user_name",
                userName, "command", "/jit", "text", text, "response_url", slack.baseUrl() + "/respond/1",
                "trigger_id", "13345224609.738474920.8088930838d8");
        long ts = System.currentTimeMillis() / 1000;
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slack/events"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Slack-Request-Timestamp", Long.toString(ts))
                .header("X-Slack-Signature", new SlackSignature.Generator(SECRET).generate(Long.toString(ts), body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private int status(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
