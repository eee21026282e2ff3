package dev.jitbot.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.slack.api.app_backend.SlackSignature;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Break-glass through the built jar: a signed {@code /jit breakglass} and a workload's {@code POST /api/v1/breakglass}
 * (minted Entra token) are granted without approval (ARM on the HTTPS fake receives the PUTs); WireMock Slack sees the
 * {@code <!here>} card in the security channel and the on-call DM; the requester's review is refused and on-call's
 * accepted; {@code jitbot audit breakglass} lists both and exits 1 while one is unreviewed (checked at a clock a day
 * later is not possible across processes: see BreakGlassIT in slack-adapter for the 24 h reminder).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class BreakGlassJarIT {

    private static final String TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx";
    private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String POLICY = """
            scopes:
              sub-prod: /subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6
              rg-payments: /subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6/resourceGroups/rg-payments
            groups:
              engineers: { members: [alice@contoso.com] }
              oncall:    { members: [carol@contoso.com] }
            channels:
              approvals: { slack: C0APPROVALS }
              security:  { slack: C0SECURITY }
            oncall: oncall
            rules:
              - name: operate payments
                role: Contributor
                scopes: [rg-payments]
                requesters: [engineers]
                approvers: [oncall]
            break_glass:
              requesters: [engineers, principal:deploy-pipeline]
              roles: [Reader, Owner]
              scopes: [sub-prod, rg-payments]
              max_duration: 1h
              for: 30m
              channel: security
            principals:
              deploy-pipeline: { object_id: 3a7f5c1e-2b4d-4e6f-8a9b-0c1d2e3f4a5b, type: ServicePrincipal, owners: [alice@contoso.com] }
            users:
              alice@contoso.com: { object_id: 9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d }
              carol@contoso.com: { object_id: 3d5f7b9c-1e2a-4b4d-9f6c-8e0a2c4d6f8b }
            """;

    @TempDir
    static Path work;

    private ArmFake arm;
    private EntraFake entra;
    private final WireMockServer slack = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();
    private JarProcess jitbot;
    private int port;
    private Map<String, String> env;
    private String humanId;
    private String workloadId;

    @BeforeAll
    void start() throws Exception {
        arm = new ArmFake(work);
        entra = new EntraFake(arm.wm, arm.baseUrl());
        slack.start();
        SlackWebFake.stub(slack, "C0SECURITY", new String[] {"U0ALICE", "alice", "Alice"},
                new String[] {"U0CAROL", "carol", "Carol"});

        Files.writeString(work.resolve("policy.yaml"), POLICY);
        port = ServeJarIT.freePort();
        env = new HashMap<>(arm.env());
        env.put("JITBOT_HTTP_PORT", Integer.toString(port));
        env.put("JITBOT_DB_URL", "jdbc:h2:file:" + work.resolve("data/jitbot").toAbsolutePath());
        env.put("SLACK_BOT_TOKEN", TOKEN);
        env.put("SLACK_SIGNING_SECRET", SECRET);
        env.put("JITBOT_SLACK_API_URL", slack.baseUrl() + "/api/");
        env.put("JITBOT_API_AUDIENCE", EntraFake.AUDIENCE);
        jitbot = JarProcess.start(work, env, arm.trustOptions(), "serve");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> get("/readyz", null).statusCode() == 200);
    }

    @AfterAll
    void stop() throws Exception {
        if (jitbot != null) {
            jitbot.close();
        }
        slack.stop();
        if (arm != null) {
            arm.close();
        }
    }

    @Test
    @Order(1)
    void slashBreakglass_isGrantedInArmWithoutApproval_announcedWithHere_andDmsOnCall() throws Exception {
        int putsBefore = puts("5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6").size();
        long t0 = System.nanoTime();
        HttpResponse<String> ack = slash("U0ALICE", "breakglass Reader on sub-prod because INC-4711 payments down");
        long ackMillis = (System.nanoTime() - t0) / 1_000_000;
        assertThat(ack.statusCode()).isEqualTo(200);
        assertThat(ack.body()).contains("Break-glass").contains("without approval");
        Matcher m = Pattern.compile("JIT-[0-9A-Z]+").matcher(ack.body());
        assertThat(m.find()).as(ack.body()).isTrue();
        humanId = m.group();

        await().atMost(Duration.ofSeconds(30)).until(() -> puts("5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6").size()
                == putsBefore + 1);
        long grantMillis = (System.nanoTime() - t0) / 1_000_000;
        LoggedRequest put = puts("5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6").get(putsBefore);
        assertThat(put.getBodyAsString()).contains("9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d")
                .contains("jitbot:" + humanId);
        System.out.println("break-glass over Slack: ack " + ackMillis + " ms, ARM PUT seen " + grantMillis
                + " ms after the slash command (ARM fake over HTTPS)");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            List<String> cards = bodies("/api/chat.postMessage", "channel=C0SECURITY", humanId);
            assertThat(cards).as(() -> "Slack saw: " + bodies("/api/chat.postMessage")).isNotEmpty();
            assertThat(cards.get(0)).contains("<!here>").contains("Break-glass").contains("jit-review");
            List<String> dms = bodies("/api/chat.postMessage", "channel=U0CAROL", humanId);
            assertThat(dms).as("on-call's DM").isNotEmpty();
            assertThat(dms.get(0)).as("the requester mentioned, the command as typed in Slack")
                    .contains("Break-glass: <@U0ALICE> granted Reader on sub-prod")
                    .contains("`/jit review " + humanId + " ");
        });
        assertThat(bodies("/api/chat.postMessage", "channel=C0APPROVALS")).as("not in the approvals channel")
                .isEmpty();
    }

    @Test
    @Order(2)
    void workloadBreakglass_throughTheApi_is202Unreviewed_andGrantsTheServicePrincipal() throws Exception {
        String token = entra.token(EntraFake.PIPELINE_OID, c -> c);
        HttpResponse<String> r = postApi("/api/v1/breakglass", token, "{\"role\":\"Reader\",\"scope\":"
                + "\"rg-payments\",\"duration\":\"15m\",\"reason\":\"INC-4712 rollback\"}");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        JsonNode v = JSON.readTree(r.body());
        workloadId = v.get("id").asText();
        assertThat(v.get("state").asText()).isEqualTo("activating");
        assertThat(v.at("/breakGlass/reviewed").asBoolean(true)).isFalse();
        assertThat(v.at("/approvals/need").asInt()).isZero();
        await().atMost(Duration.ofSeconds(30)).until(() -> puts("rg-payments").stream()
                .anyMatch(p -> p.getBodyAsString().contains(EntraFake.PIPELINE_OID)
                        && p.getBodyAsString().contains("\"principalType\":\"ServicePrincipal\"")));

        HttpResponse<String> over = postApi("/api/v1/breakglass", token, "{\"role\":\"Owner\",\"scope\":"
                + "\"sub-prod\",\"duration\":\"2h\",\"reason\":\"too long\"}");
        assertThat(over.statusCode()).as(over.body()).isEqualTo(400);
        assertThat(over.body()).contains("at most 1 h");
        HttpResponse<String> noReason = postApi("/api/v1/breakglass", token, "{\"role\":\"Owner\",\"scope\":"
                + "\"sub-prod\"}");
        assertThat(noReason.statusCode()).isEqualTo(400);
        assertThat(noReason.body()).contains("`reason` is missing");
    }

    @Test
    @Order(3)
    void review_byTheRequesterIsRefused_byOnCallAccepted() throws Exception {
        HttpResponse<String> self = slash("U0ALICE", "review " + humanId + " all good");
        assertThat(self.body()).contains("You cannot review your own break-glass grant " + humanId);

        HttpResponse<String> click = click("U0ALICE", "jit-review", humanId);
        assertThat(click.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> bodies("/respond/click").stream()
                .anyMatch(b -> b.contains("You cannot review your own break-glass grant")));
        assertThat(bodies("/api/views.open")).isEmpty();

        HttpResponse<String> carol = slash("U0CAROL", "review " + humanId + " confirmed with Alice on the bridge");
        assertThat(carol.body()).contains("Reviewed break-glass Reader on sub-prod");
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(bodies("/api/chat.update", humanId))
                .anyMatch(b -> b.contains("Reviewed by <@U0CAROL>")));
    }

    @Test
    @Order(4)
    void auditBreakglass_listsBoth_andExits1WhileOneIsUnreviewed() throws Exception {
        jitbot.close();
        jitbot = null;
        try (JarProcess audit = JarProcess.start(work, env, List.of(), "audit", "breakglass")) {
            assertThat(audit.waitFor(Duration.ofSeconds(60))).as(audit.all()).isZero();
            String out = String.join("\n", audit.out());
            System.out.println(out);
            assertThat(out).contains(humanId).contains("reviewed by carol@contoso.com")
                    .contains("confirmed with Alice on the bridge").contains(workloadId).contains("UNREVIEWED")
                    .contains("2 break-glass grants");
        }
        try (JarProcess json = JarProcess.start(work, env, List.of(), "audit", "breakglass", "--format", "json")) {
            assertThat(json.waitFor(Duration.ofSeconds(60))).as(json.all()).isZero();
            JsonNode rows = JSON.readTree(String.join("\n", json.out()));
            assertThat(rows).hasSize(2);
            assertThat(rows.findValuesAsText("id")).contains(humanId, workloadId);
        }
    }

    private List<LoggedRequest> puts(String scopePart) {
        return arm.wm.findAll(putRequestedFor(urlPathMatching(".*" + scopePart + ".*roleAssignments/.*")));
    }

    private List<String> bodies(String path, String... containing) {
        return slack.findAll(postRequestedFor(urlPathEqualTo(path))).stream()
                .map(r -> URLDecoder.decode(r.getBodyAsString(), StandardCharsets.UTF_8).replace("\\u003c", "<")
                        .replace("\\u003e", ">"))
                .filter(b -> Arrays.stream(containing).allMatch(b::contains)).toList();
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(90));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> postApi(String path, String token, String json) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token)
                .POST(HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> click(String user, String action, String requestId) throws Exception {
        String payload = "{\"type\":\"block_actions\",\"team\":{\"id\":\"T0CONTOSO\",\"domain\":\"contoso\"},"
                + "\"user\":{\"id\":\"" + user + "\",\"username\":\"u\",\"name\":\"u\",\"team_id\":\"T0CONTOSO\"},"
                + "\"api_app_id\":\"A0JITBOT\",\"token\":\"gIkuvaNzQIHg97ATvDxqgjtO\",\"trigger_id\":\"1.2.3\","
                + "\"response_url\":\"" + slack.baseUrl() + "/respond/click\",\"container\":{\"type\":\"message\","
                + "\"message_ts\":\"1764079200.000100\",\"channel_id\":\"C0SECURITY\",\"is_ephemeral\":false},"
                + "\"channel\":{\"id\":\"C0SECURITY\",\"name\":\"security\"},\"message\":{\"type\":\"message\","
                + "\"ts\":\"1764079200.000100\"},\"actions\":[{\"action_id\":\"" + action + "\",\"block_id\":"
                + "\"jit-actions\",\"value\":\"" + requestId + "\",\"type\":\"button\",\"action_ts\":\"1764079300.000001\"}]}";
        return signedSlack("payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8));
    }

    private HttpResponse<String> slash(String user, String text) throws Exception {
        String body = "token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T0CONTOSO&team_domain=contoso&channel_id=C0GENERAL"
                + "&channel_name=general&user_id=" + user + "&user_name=u&command=%2Fjit&text="
                + URLEncoder.encode(text, StandardCharsets.UTF_8) + "&response_url="
                + URLEncoder.encode(slack.baseUrl() + "/respond/slash", StandardCharsets.UTF_8)
                + "&trigger_id=13345224609.738474920.8088930838d8";
        return signedSlack(body);
    }

    private HttpResponse<String> signedSlack(String body) throws Exception {
        long ts = System.currentTimeMillis() / 1000;
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slack/events"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Slack-Request-Timestamp", Long.toString(ts))
                .header("X-Slack-Signature", new SlackSignature.Generator(SECRET).generate(Long.toString(ts), body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
