package dev.jitbot.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.slack.api.app_backend.SlackSignature;
import dev.jitbot.core.testing.RawHttp;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 15 replayed as the attacker did: signed Slack requests to the built jar in rbac mode, ARM on HTTPS WireMock
 * spoken to by the real Azure SDK. Dot segments in every spelling, through the command and the request form's exact
 * scope field, are refused in the reply and never reach ARM; a workload is granted only under a rule whose
 * {@code principals} admits it; the core's input limits answer with the limit; and the HTTP door refuses what it
 * should before Bolt sees it. One jitbot process serves every case; each case uses a scope of its own.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputJarIT {

    private static final String TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx";
    private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    /** The subscription the auto-approved resource-group rule is for. */
    private static final String SUB2 = "0b7e4c1d-9a2f-4e3b-8c5d-6f1a2b3c4d5e";
    /** The subscription nobody may take Contributor on: the escalation's target. */
    private static final String SUB = "5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6";
    private static final String CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    private static final String ALICE_OID = "9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";
    private static final String PIPELINE_PAY = "3a7f5c1e-2b4d-4e6f-8a9b-0c1d2e3f4a5b";
    private static final String PIPELINE_BOB = "4b8f6d2e-3c5e-4f70-9bac-1d2e3f4a5b6c";
    private static final String ASSIGNMENT = "/providers/Microsoft\\.Authorization/roleAssignments/[0-9a-f-]{36}";
    private static final Pattern ID = Pattern.compile("JIT-[0-9A-Z]+");

    private final WireMockServer slack = new WireMockServer(WireMockConfiguration.options().dynamicPort());
    private final HttpClient http = HttpClient.newHttpClient();
    private Path work;
    private ArmFake arm;
    private JarProcess jitbot;
    private int port;

    @BeforeAll
    void start() throws Exception {
        work = Files.createTempDirectory("hostile-input");
        arm = new ArmFake(work);
        arm.role("Contributor", CONTRIBUTOR);
        slack.start();
        SlackWebFake.stub(slack, "C0APPROVALS", new String[] {"U0ALICE", "alice", "Alice"},
                new String[] {"U0BOB", "bob", "Bob"});
        slack.stubFor(post(urlPathMatching("/api/views\\.(open|update|publish)")).willReturn(okJson(
                "{\"ok\":true,\"view\":{\"id\":\"V0FORM\"}}")));
        Files.writeString(work.resolve("policy.yaml"), """
                defaults: { max_duration: 1h, request_ttl: 30m, approvals: 1 }
                scopes:
                  sub-prod: /subscriptions/%1$s
                  sub2: /subscriptions/%2$s
                groups:
                  engineers: { members: [alice@contoso.com, bob@contoso.com] }
                  leads: { members: [bob@contoso.com] }
                channels:
                  approvals: { slack: C0APPROVALS }
                rules:
                  - name: sub2 resource groups
                    role: Contributor
                    scopes: ["/subscriptions/%2$s/resourceGroups/*"]
                    requesters: [engineers]
                    approvals: 0
                  - name: operate production
                    role: Contributor
                    scopes: [sub-prod]
                    requesters: [engineers]
                    approvers: [leads]
                  - name: read production
                    role: Reader
                    scopes: [sub-prod]
                    requesters: [engineers]
                    approvals: 0
                  - name: workloads read sub2
                    role: Reader
                    scopes: [sub2]
                    requesters: [engineers]
                    approvals: 0
                    principals: ["*"]
                principals:
                  pipeline-pay: { object_id: %3$s, type: ServicePrincipal, owners: [alice@contoso.com] }
                  pipeline-bob: { object_id: %4$s, type: ServicePrincipal, owners: [bob@contoso.com] }
                users:
                  alice@contoso.com: { object_id: %5$s }
                  bob@contoso.com: { object_id: 1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f }
                """.formatted(SUB, SUB2, PIPELINE_PAY, PIPELINE_BOB, ALICE_OID));
        port = ServeJarIT.freePort();
        Map<String, String> env = new HashMap<>(arm.env());
        env.put("JITBOT_HTTP_PORT", Integer.toString(port));
        env.put("JITBOT_DB_URL", "jdbc:h2:file:" + work.resolve("data/jitbot").toAbsolutePath());
        env.put("JITBOT_POLICY", work.resolve("policy.yaml").toString());
        env.put("SLACK_BOT_TOKEN", TOKEN);
        env.put("SLACK_SIGNING_SECRET", SECRET);
        env.put("JITBOT_SLACK_API_URL", slack.baseUrl() + "/api/");
        jitbot = JarProcess.start(work, env, arm.trustOptions(), "serve");
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                .until(() -> status("/readyz") == 200);
    }

    @AfterAll
    void stop() {
        if (jitbot != null) {
            jitbot.close();
        }
        slack.stop();
        if (arm != null) {
            arm.close();
        }
    }

    // ---- finding 1: dot segments, through the command and through the form's exact-scope field ----

    private static final String MG_ROOT = "providers/Microsoft.Management/managementGroups/root";
    private static final String SA1 = "/subscriptions/" + SUB2 + "/resourceGroups/rg-a/providers/Microsoft.Storage/"
            + "storageAccounts/sa1";

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            SA1 + "/../../../../../../../../subscriptions/" + SUB,
            SA1 + "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/subscriptions/" + SUB,
            SA1 + "/%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/subscriptions/" + SUB,
            SA1 + "/.%2e/.%2e/.%2e/.%2e/.%2e/.%2e/.%2e/.%2e/subscriptions/" + SUB,
            SA1 + "/%252e%252e/%252e%252e/%252e%252e/%252e%252e/%252e%252e/%252e%252e/subscriptions/" + SUB,
            SA1 + "%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2fsubscriptions%2f" + SUB,
            "/subscriptions/" + SUB2 + "/resourceGroups/rg-a/./../../" + SUB,
            "/subscriptions/" + SUB2 + "/resourceGroups/rg-a/.",
            "/subscriptions/" + SUB2 + "/resourceGroups/rg-a/...",
            "/subscriptions/" + SUB2 + "/resourceGroups/rg-a/../../../" + MG_ROOT,
            "/subscriptions/" + SUB2 + "/resourceGroups/../../" + SUB,
            "/subscriptions/" + SUB2 + "/resourceGroups/rg-a/..\\..\\..\\" + SUB,
            "/subscriptions/" + SUB2 + "/resourceGroups/rg-a//../../" + SUB,
            "/subscriptions/" + SUB2 + "/resourceGroups/rg-a/\uFF0E\uFF0E/\uFF0E\uFF0E/" + SUB,
    })
    void dotSegmentScope_inTheCommand_isRefusedInTheAck_andArmIsNeverCalled(String scope) throws Exception {
        int putsBefore = puts().size();
        int cardsBefore = cards().size();

        HttpResponse<String> ack = slash("U0ALICE", "alice", "request Contributor on " + scope
                + " for 10m because INC-901");

        assertThat(ack.statusCode()).isEqualTo(200);
        String text = ackText(ack);
        System.out.println("scope " + scope + " -> " + ack.statusCode() + " " + text);
        assertThat(text).doesNotContain("JIT-").containsAnyOf("`..`", "`.`", "`...`", "`%`", "`\\`", "empty part",
                "plain ASCII");
        Thread.sleep(300);
        assertThat(puts()).as(jitbot.all()).hasSize(putsBefore);
        assertThat(cards()).hasSize(cardsBefore);
    }

    @Test
    void canonicalScopeUnderTheSameRule_isGrantedAndArmReceivesItAsWritten() throws Exception {
        int before = puts().size();

        HttpResponse<String> ack = slash("U0ALICE", "alice", "request Contributor on /SUBSCRIPTIONS/"
                + SUB2.toUpperCase() + "/resourcegroups/rg-control for 10m because INC-901");

        assertThat(ack.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> puts().size() > before);
        String url = puts().get(puts().size() - 1).getUrl();
        System.out.println("canonical scope PUT " + url);
        assertThat(url).startsWith("/subscriptions/" + SUB2 + "/resourceGroups/rg-control/providers/"
                + "Microsoft.Authorization/roleAssignments/");
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            SA1 + "/../../../../../../../../subscriptions/" + SUB,
            SA1 + "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/subscriptions/" + SUB,
            "/subscriptions/" + SUB2 + "/resourceGroups/rg-a/.",
            "/subscriptions/" + SUB2 + "/resourceGroups/rg-a/...",
            "/subscriptions/" + SUB2 + "/resourceGroups/rg-a/../../../" + MG_ROOT,
    })
    void dotSegmentScope_inTheFormsExactScopeField_isAnErrorUnderThatField_andArmIsNeverCalled(String scope)
            throws Exception {
        int putsBefore = puts().size();

        HttpResponse<String> r = submitForm("Contributor|/subscriptions/" + SUB2 + "/resourceGroups/*", scope,
                "10m", "INC-901");

        System.out.println("form scope " + scope + " -> " + r.statusCode() + " " + r.body());
        assertThat(r.statusCode()).isEqualTo(200);
        JsonObject body = JsonParser.parseString(r.body()).getAsJsonObject();
        assertThat(body.get("response_action").getAsString()).isEqualTo("errors");
        assertThat(body.getAsJsonObject("errors").get("scope").getAsString()).containsAnyOf("`..`", "`.`",
                "`...`", "`%`", "..", "%");
        Thread.sleep(300);
        assertThat(puts()).as(jitbot.all()).hasSize(putsBefore);
    }

    @Test
    void canonicalScopeInTheFormsExactScopeField_isGranted() throws Exception {
        int before = puts().size();

        HttpResponse<String> r = submitForm("Contributor|/subscriptions/" + SUB2 + "/resourceGroups/*",
                "/subscriptions/" + SUB2 + "/resourceGroups/rg-form", "10m", "INC-902");

        System.out.println("form canonical -> " + r.statusCode() + " " + r.body());
        assertThat(r.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> puts().size() > before);
        assertThat(puts().get(puts().size() - 1).getUrl())
                .startsWith("/subscriptions/" + SUB2 + "/resourceGroups/rg-form/providers/");
    }

    // ---- finding 4: workloads only through a rule whose principals admit them ----

    @Test
    void asWorkload_underARuleWithoutPrincipals_isRefused_andNothingIsPut() throws Exception {
        int before = puts().size();

        HttpResponse<String> ack = slash("U0ALICE", "alice",
                "request Reader on sub-prod for 10m because nightly export as pipeline-pay");

        String text = ackText(ack);
        System.out.println("as pipeline-pay on sub-prod (no principals) -> " + text);
        assertThat(text).doesNotContain("JIT-").contains("pipeline-pay");
        Thread.sleep(500);
        assertThat(puts()).hasSize(before);
    }

    @Test
    void asWorkload_underStarPrincipals_isGrantedForAWorkloadTheRequesterOwns_andToThatWorkload() throws Exception {
        int before = puts().size();

        HttpResponse<String> ack = slash("U0ALICE", "alice",
                "request Reader on sub2 for 10m because nightly export as pipeline-pay");

        System.out.println("as pipeline-pay on sub2 (*) -> " + ackText(ack));
        await().atMost(Duration.ofSeconds(30)).until(() -> puts().size() > before);
        LoggedRequest put = puts().get(puts().size() - 1);
        assertThat(put.getUrl()).startsWith("/subscriptions/" + SUB2 + "/providers/");
        assertThat(put.getBodyAsString()).contains(PIPELINE_PAY).doesNotContain(ALICE_OID);
    }

    @Test
    void asWorkload_underStarPrincipals_isRefusedForAWorkloadSomeoneElseOwns() throws Exception {
        int before = puts().size();

        HttpResponse<String> ack = slash("U0ALICE", "alice",
                "request Reader on sub2 for 10m because nightly export as pipeline-bob");

        String text = ackText(ack);
        System.out.println("as pipeline-bob on sub2 (*, owned by bob) -> " + text);
        assertThat(text).doesNotContain("JIT-");
        Thread.sleep(500);
        assertThat(puts()).hasSize(before);
    }

    // ---- finding 5: the core's limits, said with the limit ----

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"PT0.5S", "0s", "30s", "10m10m", "0m"})
    void durationBelowAMinuteOrSummed_isRefusedWithWhatToWrite(String duration) throws Exception {
        int before = puts().size();

        String text = ackText(slash("U0ALICE", "alice", "request Reader on sub-prod for " + duration
                + " because logs"));

        System.out.println("duration " + duration + " -> " + text);
        assertThat(text).doesNotContain("JIT-").doesNotContain("0 s").containsAnyOf("1m", "1 minute", "`");
        Thread.sleep(300);
        assertThat(puts()).hasSize(before);
    }

    @Test
    void inPimMode_aGrantShorterThanFiveMinutes_isRefusedSayingPimsMinimum() throws Exception {
        int rbacPort = port;
        Map<String, String> env = new HashMap<>(arm.env());
        env.put("JITBOT_AZURE_MODE", "pim");
        env.put("JITBOT_HTTP_PORT", Integer.toString(ServeJarIT.freePort()));
        env.put("JITBOT_DB_URL", "jdbc:h2:file:" + work.resolve("pim/jitbot").toAbsolutePath());
        env.put("JITBOT_POLICY", work.resolve("policy.yaml").toString());
        env.put("SLACK_BOT_TOKEN", TOKEN);
        env.put("SLACK_SIGNING_SECRET", SECRET);
        env.put("JITBOT_SLACK_API_URL", slack.baseUrl() + "/api/");
        try (JarProcess pim = JarProcess.start(work, env, arm.trustOptions(), "serve")) {
            port = Integer.parseInt(env.get("JITBOT_HTTP_PORT"));
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(100)).ignoreExceptions()
                    .until(() -> status("/readyz") == 200);
            int putsBefore = arm.wm.findAll(putRequestedFor(urlPathMatching(".*"))).size();

            String text = ackText(slash("U0ALICE", "alice", "request Reader on sub-prod for 4m because logs"));

            System.out.println("pim mode, 4m -> " + text);
            assertThat(text).as(pim.all()).contains("PIM").contains("at least 5 min").contains("`for 5m`");
            Thread.sleep(300);
            assertThat(arm.wm.findAll(putRequestedFor(urlPathMatching(".*")))).hasSize(putsBefore);
        } finally {
            port = rbacPort;
        }
    }

    @Test
    void justificationOverTheLimit_isRefusedWithTheLimit_notSomethingWentWrong() throws Exception {
        String text = ackText(slash("U0ALICE", "alice", "request Reader on sub-prod for 10m because "
                + "w".repeat(1_500)));

        System.out.println("justification 1,500 -> " + text);
        assertThat(text).contains("1,000").doesNotContain("Something went wrong").doesNotContain("w".repeat(300));
    }

    @Test
    void commandNearTheBodyCap_isRefusedInTheAck_andNoReplyOrDmQuotesItInFull() throws Exception {
        int dmsBefore = slack.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))).size();

        HttpResponse<String> ack = slash("U0ALICE", "alice", "request Reader on sub-prod for 10m because "
                + "z".repeat(900_000));

        System.out.println("900,000-character command -> " + ack.statusCode() + ", ack " + ack.body().length()
                + " characters: " + ackText(ack).substring(0, Math.min(200, ackText(ack).length())));
        assertThat(ack.statusCode()).isEqualTo(200);
        assertThat(ack.body()).hasSizeLessThan(1_000).doesNotContain("z".repeat(250));
        Thread.sleep(1_000);
        assertThat(slack.findAll(postRequestedFor(urlPathMatching("/api/.*|/respond/.*")))
                .stream().skip(0).map(LoggedRequest::getBodyAsString)).noneMatch(b -> b.contains("z".repeat(250)));
        assertThat(slack.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage")))).hasSize(dmsBefore);
        assertThat(jitbot.all()).doesNotContain("z".repeat(250));
    }

    @Test
    void controlCharactersInTheReason_neverReachTheCard() throws Exception {
        int before = cards().size();

        HttpResponse<String> ack = slash("U0ALICE", "alice", "request Contributor on sub-prod for 10m because "
                + "deploy\u0000 fix\u0007 \u001b[2Jnow");

        System.out.println("control characters -> " + ackText(ack));
        await().atMost(Duration.ofSeconds(30)).until(() -> cards().size() > before);
        String card = form(cards().get(cards().size() - 1)).toString();
        assertThat(card).contains("deploy fix [2Jnow").doesNotContain("\u0000").doesNotContain("\u0007")
                .doesNotContain("\u001b");
    }

    @Test
    void denyPressedByTheRequester_opensNoModal() throws Exception {
        int before = cards().size();
        slash("U0BOB", "bob", "request Contributor on sub-prod for 20m because INC-77 to deny");
        await().atMost(Duration.ofSeconds(30)).until(() -> cards().size() > before);
        Matcher m = ID.matcher(form(cards().get(cards().size() - 1)).get("text"));
        assertThat(m.find()).isTrue();
        int opens = slack.findAll(postRequestedFor(urlPathEqualTo("/api/views.open"))).size();

        HttpResponse<String> click = click("U0BOB", "bob", "jit-deny", m.group());

        assertThat(click.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !slack.findAll(postRequestedFor(urlPathEqualTo(
                "/respond/deny"))).isEmpty());
        String reply = slack.findAll(postRequestedFor(urlPathEqualTo("/respond/deny"))).get(0).getBodyAsString();
        System.out.println("Deny by the requester -> " + reply);
        assertThat(reply).contains("cannot deny your own request");
        assertThat(slack.findAll(postRequestedFor(urlPathEqualTo("/api/views.open")))).hasSize(opens);
    }

    // ---- findings 3 and 5: the HTTP door ----

    @Test
    void futureTimestamp_is401_evenWithAValidSignature() throws Exception {
        long future = System.currentTimeMillis() / 1000 + 6 * 60;
        String body = KillRig.form("command", "/jit", "text", "request Reader on sub-prod for 10m because replay",
                "user_id", "U0ALICE", "user_name", "alice", "team_id", "T0CONTOSO");
        HttpResponse<String> r = send(body, future);
        HttpResponse<String> near = send(KillRig.form("command", "/jit", "text", "help", "user_id", "U0ALICE",
                "user_name", "alice", "team_id", "T0CONTOSO", "response_url", slack.baseUrl() + "/respond/near"),
                System.currentTimeMillis() / 1000 + 4 * 60);

        System.out.println("timestamp +6 min -> " + r.statusCode() + "; +4 min -> " + near.statusCode());
        assertThat(r.statusCode()).isEqualTo(401);
        assertThat(near.statusCode()).isEqualTo(200);
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {
            "{\"type\":\"block_actions\",\"team\":{\"id\":\"T0CONTOSO\"},\"trigger_id\":\"1.2\","
                    + "\"actions\":[{\"action_id\":\"jit-approve\",\"value\":\"JIT-7K3F\",\"type\":\"button\"}]}",
            "{\"type\":\"view_submission\",\"team\":{\"id\":\"T0CONTOSO\"},\"view\":{\"id\":\"V0\",\"type\":"
                    + "\"modal\",\"callback_id\":\"jit-request\",\"state\":{\"values\":{}}}}",
            "not json",
    })
    void interactionWithoutUser_is400_withoutAStack(String payload) throws Exception {
        HttpResponse<String> r = send("payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8),
                System.currentTimeMillis() / 1000);

        System.out.println("payload " + payload.substring(0, Math.min(30, payload.length())) + "… -> "
                + r.statusCode() + " " + r.body());
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(jitbot.all()).doesNotContain("NullPointerException");
    }

    @Test
    void traceAndOversizedBodies_areRefusedAtTheDoor_andForgedLogLinesNeverAppear() throws Exception {
        String marker = "FORGED-LINE-15";
        RawHttp.Reply trace = RawHttp.exchange(port, RawHttp.head("TRACE", "/slack/events",
                RawHttp.headers("Authorization", "Bearer " + marker)));
        RawHttp.Reply announced = RawHttp.exchange(port, RawHttp.head("POST", "/slack/events", RawHttp.headers(
                "Content-Type", "application/x-www-form-urlencoded", "Content-Length", Integer.toString(50 << 20))),
                new byte[64 * 1024]);
        String chunked = streamChunked(200);
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                        + "/slack/events")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("a=1\r\n2026-12-01T00:00:00Z INFO " + marker
                        + " granted Owner")).build(), HttpResponse.BodyHandlers.ofString());

        System.out.println("TRACE -> " + trace.status() + "; Content-Length 50 MiB -> " + announced.status()
                + "; 200 MiB chunked -> " + chunked + "; unsigned CR/LF -> "
                + forged.statusCode());
        assertThat(trace.status()).isEqualTo(405);
        assertThat(trace.head() + trace.body()).doesNotContain(marker);
        assertThat(announced.status()).isEqualTo(413);
        assertThat(chunked).startsWith("HTTP/1.1 413");
        assertThat(status("/healthz")).as("the process lives on at -Xmx256m").isEqualTo(200);
        assertThat(forged.statusCode()).isEqualTo(401);
        Thread.sleep(500);
        assertThat(jitbot.all()).doesNotContain(marker).doesNotContain("aaaaaaaaaaaaaaaa");
    }

    @Test
    void signedUserTextWithCrLf_neverForgesALogLine_andWhatIsLoggedIsEscapedAndClipped() throws Exception {
        String marker = "FORGED-SIGNED-15";
        String forged = "x\r\n2026-12-01T00:00:00Z INFO " + marker + " granted Owner " + "q".repeat(5_000);
        slash("U0ALICE", "alice", "frobnicate " + forged);
        long now = System.currentTimeMillis() / 1000;
        // A slash command Bolt has no handler for, and an event it has none for: Bolt's own log lines.
        send(KillRig.form("command", "/other" + forged, "text", forged, "user_id", "U0ALICE", "team_id",
                "T0CONTOSO", "response_url", slack.baseUrl() + "/respond/other"), now);
        send("{\"type\":\"event_callback\",\"team_id\":\"T0CONTOSO\",\"event\":{\"type\":\"reaction_added"
                + forged.replace("\r\n", "\\r\\n") + "\",\"user\":\"U0ALICE\"}}", now, "application/json");
        Thread.sleep(1_000);
        List<String> lines = jitbot.all().lines().filter(l -> l.contains(marker)).toList();
        System.out.println("signed CR/LF text: " + lines.size() + " log lines hold the marker, each on one line, "
                + "longest " + lines.stream().mapToInt(String::length).max().orElse(0) + " characters");
        // Bolt's own warnings quote the command name and event type raw; the log's pattern keeps them on one line.
        assertThat(lines).isNotEmpty().allSatisfy(l -> assertThat(l).contains("x\\r\\n2026-12-01")
                .hasSizeLessThan(4_200));
        assertThat(jitbot.all().lines()).noneMatch(l -> l.startsWith("2026-12-01T00:00:00Z INFO " + marker));
    }

    @Test
    void aPolicyWithDotSegmentsInAPatternOrAnAlias_failsCheckNamingTheLine() throws Exception {
        Path bad = work.resolve("bad.yaml");
        Files.writeString(bad, """
                defaults: { max_duration: 1h, approvals: 0 }
                scopes:
                  sneaky: /subscriptions/%1$s/resourceGroups/rg-a/../../%2$s
                rules:
                  - name: climbing pattern
                    role: Reader
                    scopes: ["/subscriptions/%1$s/resourceGroups/%%2e%%2e/*"]
                    requesters: [alice@contoso.com]
                """.formatted(SUB2, SUB));
        try (JarProcess check = JarProcess.start(work, Map.of(), List.of(), "check", bad.toString())) {
            int code = check.waitFor(Duration.ofSeconds(60));
            System.out.println("check bad.yaml -> exit " + code + "\n" + check.all());
            assertThat(code).isEqualTo(2);
            assertThat(check.all()).contains("bad.yaml:3: scopes: alias `sneaky`").contains("has a `..` part")
                    .contains("bad.yaml:7: rule \"climbing pattern\"").contains("contains `%`");
        }
    }

    // ---- the wire ----

    /**
     * Streams up to {@code mib} MiB of unsigned form data in 64 KiB chunks, without holding it, until the server
     * stops reading; returns the status line it answered with and how much it had been sent by then.
     */
    private String streamChunked(int mib) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            java.io.OutputStream out = socket.getOutputStream();
            out.write(("POST /slack/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-"
                    + "urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] chunk = new byte[64 * 1024];
            java.util.Arrays.fill(chunk, (byte) 'a');
            byte[] head = (Integer.toHexString(chunk.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
            long sent = 0;
            try {
                while (sent < (long) mib << 20) {
                    out.write(head);
                    out.write(chunk);
                    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                    sent += chunk.length;
                }
                out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                out.flush();
            } catch (java.io.IOException closed) {
                // the server answered and closed while we were still sending: what a cap should do
            }
            java.io.BufferedReader in = new java.io.BufferedReader(new java.io.InputStreamReader(
                    socket.getInputStream(), StandardCharsets.US_ASCII));
            String line;
            try {
                line = in.readLine();
            } catch (java.io.IOException reset) {
                line = "(reset: " + reset.getMessage() + ")";
            }
            return line + " after " + (sent >> 10) + " KiB sent";
        }
    }

    private List<LoggedRequest> puts() {
        return arm.wm.findAll(putRequestedFor(urlPathMatching(".*" + ASSIGNMENT)));
    }

    private List<LoggedRequest> cards() {
        return slack.findAll(postRequestedFor(urlPathEqualTo("/api/chat.postMessage"))
                .withRequestBody(containing("channel=C0APPROVALS")));
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

    private static String ackText(HttpResponse<String> ack) {
        if (ack.body() == null || ack.body().isBlank()) {
            return "";
        }
        JsonObject o = JsonParser.parseString(ack.body()).getAsJsonObject();
        return o.has("text") ? o.get("text").getAsString() : ack.body();
    }

    private HttpResponse<String> slash(String userId, String userName, String text) throws Exception {
        return send(KillRig.form("token", "gIkuvaNzQIHg97ATvDxqgjtO", "team_id", "T0CONTOSO", "team_domain",
                "contoso", "channel_id", "C0GENERAL", "channel_name", "general", "user_id", userId, "user_name",
                userName, "command", "/jit", "text", text, "response_url", slack.baseUrl() + "/respond/1",
                "trigger_id", "13345224609.738474920.8088930838d8"), System.currentTimeMillis() / 1000);
    }

    private HttpResponse<String> submitForm(String offer, String exactScope, String duration, String reason)
            throws Exception {
        String values = "{\"offer\":{\"value\":{\"type\":\"static_select\",\"selected_option\":{\"value\":"
                + quote(offer) + "}}},\"scope\":{\"value\":{\"type\":\"plain_text_input\",\"value\":"
                + quote(exactScope) + "}},\"duration\":{\"value\":{\"type\":\"plain_text_input\",\"value\":"
                + quote(duration) + "}},\"justification\":{\"value\":{\"type\":\"plain_text_input\",\"value\":"
                + quote(reason) + "}}}";
        String json = "{\"type\":\"view_submission\",\"team\":{\"id\":\"T0CONTOSO\",\"domain\":\"contoso\"},"
                + "\"user\":{\"id\":\"U0ALICE\",\"username\":\"alice\",\"name\":\"alice\",\"team_id\":\"T0CONTOSO\"},"
                + "\"api_app_id\":\"A0JITBOT\",\"token\":\"gIkuvaNzQIHg97ATvDxqgjtO\",\"trigger_id\":\"1.2.3\","
                + "\"view\":{\"id\":\"V0FORM\",\"team_id\":\"T0CONTOSO\",\"type\":\"modal\",\"callback_id\":"
                + "\"jit-request\",\"private_metadata\":\"\",\"state\":{\"values\":" + values + "}},"
                + "\"response_urls\":[]}";
        return send("payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8), System.currentTimeMillis() / 1000);
    }

    private HttpResponse<String> click(String userId, String userName, String actionId, String requestId)
            throws Exception {
        String json = "{\"type\":\"block_actions\",\"team\":{\"id\":\"T0CONTOSO\",\"domain\":\"contoso\"},"
                + "\"user\":{\"id\":\"" + userId + "\",\"username\":\"" + userName + "\",\"name\":\"" + userName
                + "\",\"team_id\":\"T0CONTOSO\"},\"api_app_id\":\"A0JITBOT\",\"token\":\"gIkuvaNzQIHg97ATvDxqgjtO\","
                + "\"trigger_id\":\"13345224609.738474920.deny\",\"response_url\":\"" + slack.baseUrl()
                + "/respond/deny\",\"container\":{\"type\":\"message\",\"message_ts\":\"1764079200.000100\","
                + "\"channel_id\":\"C0APPROVALS\",\"is_ephemeral\":false},\"channel\":{\"id\":\"C0APPROVALS\","
                + "\"name\":\"approvals\"},\"message\":{\"type\":\"message\",\"ts\":\"1764079200.000100\"},"
                + "\"actions\":[{\"action_id\":\"" + actionId + "\",\"block_id\":\"jit-actions\",\"value\":\""
                + requestId + "\",\"type\":\"button\",\"action_ts\":\"1764079300.000001\"}]}";
        return send("payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8), System.currentTimeMillis() / 1000);
    }

    private static String quote(String s) {
        return new com.google.gson.JsonPrimitive(s).toString();
    }

    private HttpResponse<String> send(String body, long timestamp) throws Exception {
        return send(body, timestamp, "application/x-www-form-urlencoded");
    }

    private HttpResponse<String> send(String body, long timestamp, String contentType) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slack/events"))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", contentType)
                .header("X-Slack-Request-Timestamp", Long.toString(timestamp))
                .header("X-Slack-Signature", new SlackSignature.Generator(SECRET).generate(Long.toString(timestamp),
                        body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private int status(String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
