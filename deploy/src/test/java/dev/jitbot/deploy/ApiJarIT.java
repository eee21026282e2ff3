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
import com.github.tomakehurst.wiremock.http.RequestMethod;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Date;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The automation API through the built jar: a pipeline's service principal asks with its own Entra token (Entra's
 * metadata and JWKS played by WireMock over HTTPS, tokens minted with a test RSA key), its owner approves in Slack
 * (signed block_actions), ARM receives the grant for the SP, and the pipeline releases it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ApiJarIT {

    private static final String TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx";
    private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    private static final String STRANGER_OID = "0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b";
    private static final ObjectMapper JSON = new ObjectMapper();
    static final String POLICY = """
            defaults: { max_duration: 1h, request_ttl: 30m, approvals: 1 }
            scopes:
              rg-payments: /subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6/resourceGroups/rg-payments
            groups:
              engineers: { members: [alice@contoso.com, bob@contoso.com] }
              oncall:    { members: [carol@contoso.com] }
            channels:
              approvals: { slack: C0APPROVALS }
            oncall: oncall
            rules:
              - name: pipeline deploys payments
                role: Reader
                scopes: [rg-payments]
                requesters: [principal:deploy-pipeline, engineers]
                principals: [deploy-pipeline]
                approvers: [owners]
                max_duration: 1h
              - name: pipeline reads its sandboxes
                role: Reader
                scopes: ["/subscriptions/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e/resourceGroups/*"]
                requesters: [principal:deploy-pipeline]
                approvals: 0
                max_duration: 1h
            principals:
              deploy-pipeline: { object_id: 3a7f5c1e-2b4d-4e6f-8a9b-0c1d2e3f4a5b, type: ServicePrincipal, owners: [alice@contoso.com] }
            users:
              alice@contoso.com: { object_id: 9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d }
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

    @BeforeAll
    void start() throws Exception {
        arm = new ArmFake(work);
        entra = new EntraFake(arm.wm, arm.baseUrl());
        slack.start();
        SlackWebFake.stub(slack, "C0APPROVALS", new String[] {"U0ALICE", "alice", "Alice"});

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

    private int rejectedExpected;

    /** Stops serve, then proves each refused token left an audit event. */
    @AfterAll
    void stop() throws Exception {
        if (jitbot != null) {
            jitbot.close();
        }
        if (rejectedExpected > 0) {
            try (JarProcess export = JarProcess.start(work, env, List.of(), "audit", "export")) {
                assertThat(export.waitFor(Duration.ofSeconds(60))).as(export.all()).isZero();
                long rejected = export.out().stream().filter(l -> l.contains("rejected-request")
                        && l.contains("/api/v1/requests")).count();
                System.out.println("audited API rejections: " + rejected);
                assertThat(rejected).as(export.all()).isGreaterThanOrEqualTo(rejectedExpected);
            }
        }
        slack.stop();
        if (arm != null) {
            arm.close();
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class AWorkloadAskingForItself {

        @Test
        @Order(1)
        void ownerApprovesInSlack_armGrantsTheServicePrincipal_andReleaseDeletesIt() throws Exception {
            String token = entra.token(EntraFake.PIPELINE_OID, c -> c);
            HttpResponse<String> filed = postApi("/api/v1/requests", token, "{\"role\":\"Reader\",\"scope\":"
                    + "\"rg-payments\",\"duration\":\"30m\",\"justification\":\"deploy run 4411\"}");
            assertThat(filed.statusCode()).as(filed.body() + jitbot.all()).isEqualTo(202);
            JsonNode v = JSON.readTree(filed.body());
            String id = v.get("id").asText();
            assertThat(v.get("state").asText()).isEqualTo("pending");
            assertThat(v.at("/approvals/have").asInt()).isZero();
            assertThat(v.at("/approvals/need").asInt()).isEqualTo(1);
            assertThat(v.at("/principal/objectId").asText()).isEqualTo(EntraFake.PIPELINE_OID);

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                List<String> cards = bodies("/api/chat.postMessage", "C0APPROVALS", id);
                assertThat(cards).as(jitbot.all()).isNotEmpty();
                assertThat(cards.get(0)).contains("deploy-pipeline").contains("alice@contoso.com");
                List<String> dms = bodies("/api/chat.postMessage", "U0ALICE", id);
                assertThat(dms).as("the owner's DM").isNotEmpty();
                assertThat(dms.get(0)).contains("deploy-pipeline").contains("alice@contoso.com");
            });

            int putsBefore = puts("rg-payments").size();
            long deletesBefore = deletes();
            assertThat(click("U0ALICE", "jit-approve", id).statusCode()).isEqualTo(200);
            JsonNode active = waitFor(id, token, "active");
            assertThat(active.hasNonNull("expiresAt")).isTrue();
            List<LoggedRequest> puts = puts("rg-payments");
            assertThat(puts).hasSize(putsBefore + 1);
            assertThat(puts.get(puts.size() - 1).getBodyAsString()).contains(EntraFake.PIPELINE_OID)
                    .contains("\"principalType\":\"ServicePrincipal\"");

            HttpResponse<String> released = postApi("/api/v1/requests/" + id + "/release", token, null);
            assertThat(released.statusCode()).as(released.body()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(30)).until(() -> deletes() == deletesBefore + 1);
            assertThat(waitFor(id, token, "ended").get("state").asText()).isEqualTo("ended");
            HttpResponse<String> mine = get("/api/v1/requests?mine", token);
            assertThat(mine.statusCode()).isEqualTo(200);
            assertThat(mine.body()).doesNotContain(id);
        }

        @Test
        @Order(2)
        void autoApprovedRule_grantsAtOnce_andTheLatencyIsMeasured() throws Exception {
            String token = entra.token(EntraFake.PIPELINE_OID, c -> c);
            List<Long> millis = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                long t0 = System.nanoTime();
                HttpResponse<String> filed = postApi("/api/v1/requests", token, "{\"role\":\"Reader\",\"scope\":"
                        + "\"/subscriptions/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e/resourceGroups/rg-sandbox-" + i
                        + "\",\"duration\":\"15m\",\"justification\":\"integration run " + i + "\"}");
                assertThat(filed.statusCode()).as(filed.body()).isEqualTo(202);
                String id = JSON.readTree(filed.body()).get("id").asText();
                waitFor(id, token, "active");
                millis.add((System.nanoTime() - t0) / 1_000_000);
                postApi("/api/v1/requests/" + id + "/release", token, null);
            }
            Collections.sort(millis);
            System.out.println("API request->grant latency over " + millis.size() + " auto-approved requests: median "
                    + millis.get(millis.size() / 2) + " ms, p99 " + millis.get((int) Math.ceil(millis.size() * 0.99) - 1)
                    + " ms, max " + millis.get(millis.size() - 1) + " ms (long-poll ?wait, ARM fake over HTTPS)");
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class BadTokens {

        @Test
        void everyBadToken_is401WithTheBearerChallenge_auditedAndGrantsNothing() throws Exception {
            String oid = EntraFake.PIPELINE_OID;
            Map<String, String> bad = new LinkedHashMap<>();
            // First, so the refresh it causes is the one that finds the kid missing.
            bad.put("unknown kid", entra.unknownKid(oid));
            bad.put("wrong signature", entra.wrongSignature(oid));
            bad.put("alg none", entra.algNone(oid));
            bad.put("HS256 with the public key", entra.hs256WithPublicKey(oid));
            bad.put("wrong aud", entra.token(oid, c -> c.audience("api://someone-else")));
            bad.put("wrong iss", entra.token(oid, c -> c.issuer("https://sts.windows.net/11111111-2222-4333-8444-555555555555/")));
            bad.put("expired", entra.token(oid, c -> c.expirationTime(Date.from(Instant.now().minusSeconds(3600)))
                    .notBeforeTime(Date.from(Instant.now().minusSeconds(7200)))));
            bad.put("missing role", entra.token(oid, c -> c.claim("roles", List.of("Something.Else"))));
            int putsBefore = arm.wm.findAll(putRequestedFor(urlPathMatching(".*roleAssignments/.*"))).size();
            for (Map.Entry<String, String> e : bad.entrySet()) {
                HttpResponse<String> r = postApi("/api/v1/requests", e.getValue(), "{\"role\":\"Reader\",\"scope\":"
                        + "\"/subscriptions/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e/resourceGroups/rg-bad\",\"duration\":"
                        + "\"15m\",\"justification\":\"" + e.getKey() + "\"}");
                assertThat(r.statusCode()).as(e.getKey() + ": " + r.body()).isEqualTo(401);
                assertThat(r.headers().firstValue("WWW-Authenticate").orElse("")).as(e.getKey())
                        .startsWith("Bearer").contains("error=\"invalid_token\"");
                assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
                JsonNode p = JSON.readTree(r.body());
                assertThat(p.get("status").asInt()).isEqualTo(401);
                assertThat(p.get("detail").asText()).as(e.getKey()).isNotBlank().doesNotContain("Exception");
                System.out.println("401 for " + e.getKey() + ": " + p.get("detail").asText());
            }
            HttpResponse<String> none = postApi("/api/v1/requests", null, "{}");
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.headers().firstValue("WWW-Authenticate").orElse("")).isEqualTo("Bearer realm=\"jitbot\"");

            await().atMost(Duration.ofSeconds(10)).until(() -> jitbot.all().split("rejected an API call", -1).length
                    > bad.size());
            assertThat(arm.wm.findAll(putRequestedFor(urlPathMatching(".*roleAssignments/.*")))).hasSize(putsBefore);
            // The audit trail is read once serve has stopped (H2 holds its file): see stop().
            rejectedExpected = bad.size() + 1;
        }

        @Test
        void aPrincipalNotInPolicy_is403NamingWhatToAdd() throws Exception {
            HttpResponse<String> r = postApi("/api/v1/requests", entra.token(STRANGER_OID, c -> c), "{\"role\":\"Reader\","
                    + "\"scope\":\"rg-payments\",\"duration\":\"30m\",\"justification\":\"nightly job\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(403);
            assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/problem+json");
            JsonNode p = JSON.readTree(r.body());
            assertThat(p.get("detail").asText()).contains("principals:").contains(STRANGER_OID)
                    .contains("policy.yaml").contains("requesters:");
        }

        @Test
        void theOpenApiDocument_isServedWithoutAToken_andNamesTheAudience() throws Exception {
            HttpResponse<String> r = get("/api/v1/openapi.json", null);
            assertThat(r.statusCode()).isEqualTo(200);
            JsonNode doc = JSON.readTree(r.body());
            assertThat(doc.get("openapi").asText()).isEqualTo("3.1.0");
            assertThat(doc.at("/components/securitySchemes/entra/flows/clientCredentials/scopes")
                    .has(EntraFake.AUDIENCE + "/.default")).isTrue();
        }
    }

    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class TheCliClient {

        @Test
        void requestWait_exits0AfterTheOwnerApproves_andReleaseExits0() throws Exception {
            CompletableFuture<Integer> cli = runClient("request", "--api", "http://127.0.0.1:" + port, "--role",
                    "Reader", "--scope", "rg-payments", "--for", "20m", "--because", "cli deploy 77", "--wait");
            String id = awaitCard("cli deploy 77");
            assertThat(click("U0ALICE", "jit-approve", id).statusCode()).isEqualTo(200);
            assertThat(cli.get(90, java.util.concurrent.TimeUnit.SECONDS)).as(lastOutput).isZero();
            assertThat(runClient("release", "--api", "http://127.0.0.1:" + port, id)
                    .get(60, java.util.concurrent.TimeUnit.SECONDS)).as(lastOutput).isZero();
        }

        @Test
        void requestWait_exits2AfterTheOwnerDenies() throws Exception {
            CompletableFuture<Integer> cli = runClient("request", "--api", "http://127.0.0.1:" + port, "--role",
                    "Reader", "--scope", "rg-payments", "--for", "20m", "--because", "cli deploy 78", "--wait");
            String id = awaitCard("cli deploy 78");
            assertThat(slash("U0ALICE", "deny " + id + " not during the freeze").statusCode()).isEqualTo(200);
            assertThat(cli.get(90, java.util.concurrent.TimeUnit.SECONDS)).as(lastOutput).isEqualTo(2);
        }
    }

    // ---------------------------------------------------------------------------------------------- helpers

    private volatile String lastOutput = "";

    private CompletableFuture<Integer> runClient(String... args) {
        Map<String, String> clientEnv = new HashMap<>();
        clientEnv.put("AZURE_TENANT_ID", ArmFake.TENANT);
        clientEnv.put("AZURE_CLIENT_ID", EntraFake.PIPELINE_APP);
        clientEnv.put("AZURE_CLIENT_SECRET", "pipeline-secret-from-the-ci-vault");
        clientEnv.put("AZURE_AUTHORITY_HOST", arm.baseUrl());
        return CompletableFuture.supplyAsync(() -> {
            try (JarProcess p = JarProcess.start(work, clientEnv, arm.trustOptions(), args)) {
                int code = p.waitFor(Duration.ofSeconds(120));
                lastOutput = p.all();
                System.out.println("jitbot " + args[0] + " exited " + code + ":\n" + lastOutput);
                return code;
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    private String awaitCard(String reason) {
        String[] id = new String[1];
        await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> {
            List<String> cards = bodies("/api/chat.postMessage", "C0APPROVALS", reason);
            assertThat(cards).as(() -> "Slack saw: " + bodies("/api/chat.postMessage")).isNotEmpty();
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("JIT-[0-9A-Z]+").matcher(cards.get(0));
            assertThat(m.find()).isTrue();
            id[0] = m.group();
        });
        return id[0];
    }

    private JsonNode waitFor(String id, String token, String state) throws Exception {
        long until = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < until) {
            HttpResponse<String> r = get("/api/v1/requests/" + id + "?wait=20s", token);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            JsonNode v = JSON.readTree(r.body());
            if (v.get("state").asText().equals(state)) {
                return v;
            }
        }
        throw new AssertionError(id + " never reached " + state + "\n" + jitbot.all());
    }

    private List<LoggedRequest> puts(String scopePart) {
        return arm.wm.findAll(putRequestedFor(urlPathMatching(".*" + scopePart + ".*roleAssignments/.*")));
    }

    private long deletes() {
        return arm.deletesByAssignment().values().stream().mapToLong(Long::longValue).sum();
    }

    private List<String> bodies(String path, String... containing) {
        return slack.findAll(postRequestedFor(urlPathEqualTo(path))).stream()
                .map(r -> java.net.URLDecoder.decode(r.getBodyAsString(), StandardCharsets.UTF_8))
                .filter(b -> java.util.Arrays.stream(containing).allMatch(b::contains)).toList();
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
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json");
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.POST(json == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(json)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> click(String user, String action, String requestId) throws Exception {
        String payload = "{\"type\":\"block_actions\",\"team\":{\"id\":\"T0CONTOSO\",\"domain\":\"contoso\"},"
                + "\"user\":{\"id\":\"" + user + "\",\"username\":\"alice\",\"name\":\"alice\",\"team_id\":\"T0CONTOSO\"},"
                + "\"api_app_id\":\"A0JITBOT\",\"token\":\"gIkuvaNzQIHg97ATvDxqgjtO\",\"trigger_id\":\"1.2.3\","
                + "\"response_url\":\"" + slack.baseUrl() + "/respond/click\",\"container\":{\"type\":\"message\","
                + "\"message_ts\":\"1764079200.000100\",\"channel_id\":\"C0APPROVALS\",\"is_ephemeral\":false},"
                + "\"channel\":{\"id\":\"C0APPROVALS\",\"name\":\"approvals\"},\"message\":{\"type\":\"message\","
                + "\"ts\":\"1764079200.000100\"},\"actions\":[{\"action_id\":\"" + action + "\",\"block_id\":"
                + "\"jit-actions\",\"value\":\"" + requestId + "\",\"type\":\"button\",\"action_ts\":\"1764079300.000001\"}]}";
        return signedSlack("payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8));
    }

    private HttpResponse<String> slash(String user, String text) throws Exception {
        String body = "token=gIkuvaNzQIHg97ATvDxqgjtO&team_id=T0CONTOSO&team_domain=contoso&channel_id=C0GENERAL"
                + "&channel_name=general&user_id=" + user + "&user_name=alice&command=%2Fjit&text="
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

    static boolean isDelete(LoggedRequest r) {
        return r.getMethod().equals(RequestMethod.DELETE);
    }
}
