package dev.jitbot.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import com.slack.api.app_backend.SlackSignature;
import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.AzureLimiter;
import dev.jitbot.core.app.ExpiryService;
import dev.jitbot.core.app.Notifications;
import dev.jitbot.core.app.WorkHandlers;
import dev.jitbot.core.app.WorkRunner;
import dev.jitbot.core.azure.AzureAccess;
import dev.jitbot.core.azure.AzureSettings;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.policy.PolicyDirectory;
import dev.jitbot.core.policy.PolicyLoader;
import dev.jitbot.core.testing.InMemoryAuditLog;
import dev.jitbot.core.testing.InMemoryOutbox;
import dev.jitbot.core.testing.InMemoryRequestStore;
import dev.jitbot.core.testing.ManualScheduler;
import dev.jitbot.core.testing.MutableClock;
import dev.jitbot.slack.SlackModule;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Scheduled access at the wire: signed Slack requests against the real Slack servlet, the real ARM client against
 * the HTTPS ARM fake, and a mutable clock the outbox workers and the expiry scheduler run by. Alice's Slack profile
 * says Europe/Berlin, so her {@code from 16:00} is 15:00 UTC, an hour after the clock's 14:00 UTC.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScheduledAccessIT {

    private static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    private static final String BOT_TOKEN = "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx";
    private static final String SUB = "5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6";
    private static final String POLICY = """
            defaults: { max_duration: 1h, request_ttl: 30m, approvals: 1 }
            scopes:
              rg-payments: /subscriptions/%s/resourceGroups/rg-payments
            groups:
              engineers: { members: [alice@contoso.com] }
              leads: { members: [%s] }
            channels:
              approvals: { slack: C0APPROVALS }
            rules:
              - name: read payments
                role: Reader
                scopes: [rg-payments]
                requesters: [engineers]
                approvers: [leads]
                max_duration: 2h
            users:
              alice@contoso.com: { object_id: 9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d }
            """;

    private Path dir;
    private ArmFake arm;
    private AzureAccess azure;
    private final WireMockServer slack = new WireMockServer(options().dynamicPort());
    /** Made after the ARM fake set this JVM's trust store: the first TLS client fixes the default SSL context. */
    private HttpClient http;

    private MutableClock clock;
    private InMemoryRequestStore store;
    private ManualScheduler scheduler;
    private WorkRunner runner;
    private SlackModule module;
    private Server jetty;
    private final AtomicReference<Policy> policy = new AtomicReference<>();

    @BeforeAll
    void fakes() throws Exception {
        dir = Files.createTempDirectory("jitbot-scheduled");
        arm = new ArmFake(dir);
        http = HttpClient.newHttpClient();
        slack.start();
        slack.stubFor(post("/api/auth.test").willReturn(okJson("{\"ok\":true,\"url\":\"https://contoso.slack.com/\","
                + "\"team\":\"Contoso\",\"user\":\"jitbot\",\"team_id\":\"T0CONTOSO\",\"user_id\":\"U0JITBOT\","
                + "\"bot_id\":\"B0JITBOT\"}")));
        slack.stubFor(post("/api/chat.postMessage").willReturn(okJson("{\"ok\":true,\"channel\":\"C0APPROVALS\","
                + "\"ts\":\"1764079200.000100\"}")));
        slack.stubFor(post("/api/chat.update").willReturn(okJson("{\"ok\":true,\"channel\":\"C0APPROVALS\","
                + "\"ts\":\"1764079200.000100\"}")));
        slack.stubFor(post(urlPathMatching("/respond/.*")).willReturn(okJson("{\"ok\":true}")));
        user("U0ALICE", "Alice", "alice@contoso.com", "Europe/Berlin");
        user("U0BOB", "Bob", "bob@contoso.com", "America/New_York");
    }

    private void user(String id, String name, String email, String tz) {
        slack.stubFor(post("/api/users.info").withRequestBody(containing("user=" + id))
                .willReturn(okJson("{\"ok\":true,\"user\":{\"id\":\"" + id + "\",\"team_id\":\"T0CONTOSO\",\"name\":\""
                        + name.toLowerCase() + "\",\"real_name\":\"" + name + "\",\"tz\":\"" + tz + "\",\"tz_label\":"
                        + "\"Local\",\"tz_offset\":3600,\"profile\":{\"email\":\"" + email + "\",\"display_name\":\""
                        + name + "\"}}}")));
    }

    @AfterAll
    void stopFakes() {
        slack.stop();
        arm.close();
    }

    @BeforeEach
    void jitbot() throws Exception {
        slack.resetRequests();
        arm.wm.resetRequests();
        leads("bob@contoso.com, carol@contoso.com");
        clock = MutableClock.at("2026-11-25T14:00:00Z");
        store = new InMemoryRequestStore();
        InMemoryAuditLog audit = new InMemoryAuditLog();
        scheduler = new ManualScheduler(clock);
        InMemoryOutbox outbox = new InMemoryOutbox(store, audit, clock);
        Notifications notifications = new Notifications(store, List.of());
        azure = AzureAccess.create(AzureSettings.fromEnvironment(arm.env()), clock);
        WorkHandlers work = new WorkHandlers(policy::get, store, outbox, azure.provider(), notifications, scheduler,
                new AzureLimiter(AzureLimiter.Limits.arm()), clock);
        ExpiryService expiry = new ExpiryService(policy::get, store, outbox, notifications, scheduler, clock);
        scheduler.bind(expiry);
        AccessService service = new AccessService(policy::get, store, outbox, audit, azure.provider(),
                new PolicyDirectory(policy::get), notifications, scheduler, clock, new SecureRandom());
        work.checkStartsWith(service::whyNotStartable);
        module = SlackModule.create(new SlackModule.Settings(BOT_TOKEN, SECRET, null, slack.baseUrl() + "/api/"),
                service, audit, clock);
        notifications.register(module.notifier());
        module.start();
        runner = new WorkRunner(outbox, work, clock, new WorkRunner.Settings(2, 2, Duration.ofMillis(50),
                Duration.ofSeconds(5)));
        runner.start();
        jetty = new Server();
        ServerConnector connector = new ServerConnector(jetty);
        connector.setPort(0);
        jetty.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(module.servlet()), "/slack/events");
        jetty.setHandler(context);
        jetty.start();
    }

    @AfterEach
    void stopJitbot() throws Exception {
        jetty.stop();
        runner.close();
        module.close();
    }

    private void leads(String members) {
        PolicyLoader.Result r = PolicyLoader.parse(POLICY.formatted(SUB, members), "policy.yaml");
        assertThat(r.errors()).as(r.report()).isEmpty();
        policy.set(r.policy());
    }

    // ------------------------------------------------------------------------------------------ the wire

    private HttpResponse<String> signed(String body) throws Exception {
        String ts = Long.toString(System.currentTimeMillis() / 1000);
        return http.send(HttpRequest.newBuilder(URI.create("http://localhost:"
                        + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort() + "/slack/events"))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("X-Slack-Request-Timestamp", ts)
                .header("X-Slack-Signature", new SlackSignature.Generator(SECRET).generate(ts, body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private HttpResponse<String> command(String userId, String text) throws Exception {
        return signed("token=t&team_id=T0CONTOSO&team_domain=contoso&channel_id=C0GENERAL&channel_name=general"
                + "&user_id=" + userId + "&user_name=" + userId.toLowerCase() + "&command=%2Fjit&text=" + enc(text)
                + "&response_url=" + enc(slack.baseUrl() + "/respond/cmd") + "&trigger_id=1.2.3");
    }

    private HttpResponse<String> approveClick(String userId, String requestId, String messageTs) throws Exception {
        String payload = "{\"type\":\"block_actions\",\"team\":{\"id\":\"T0CONTOSO\",\"domain\":\"contoso\"},"
                + "\"user\":{\"id\":\"" + userId + "\",\"username\":\"bob\",\"name\":\"bob\",\"team_id\":\"T0CONTOSO\"},"
                + "\"api_app_id\":\"A0JITBOT\",\"token\":\"t\",\"trigger_id\":\"1.2.4\",\"response_url\":\""
                + slack.baseUrl() + "/respond/approve\",\"container\":{\"type\":\"message\",\"message_ts\":\""
                + messageTs + "\",\"channel_id\":\"C0APPROVALS\",\"is_ephemeral\":false},\"channel\":{\"id\":"
                + "\"C0APPROVALS\",\"name\":\"approvals\"},\"message\":{\"type\":\"message\",\"ts\":\"" + messageTs
                + "\"},\"actions\":[{\"action_id\":\"jit-approve\",\"block_id\":\"jit-actions\",\"value\":\""
                + requestId + "\",\"type\":\"button\",\"action_ts\":\"1764079300.000001\"}]}";
        return signed("payload=" + enc(payload));
    }

    private long armCalls(RequestMethod method) {
        return arm.wm.getAllServeEvents().stream().map(ServeEvent::getRequest)
                .filter(r -> r.getMethod().equals(method) && r.getUrl().contains("/roleAssignments/")).count();
    }

    private List<String> slackTexts(String method, String channel) {
        return slack.findAll(postRequestedFor(urlEqualTo("/api/" + method))).stream()
                .map(r -> r.getBodyAsString()).map(b -> URLDecoder.decode(b, StandardCharsets.UTF_8))
                .filter(b -> b.contains("channel=" + channel)).toList();
    }

    private AccessRequest only() {
        return store.findByState(List.of(State.values())).get(0);
    }

    private void advance(Duration d) {
        clock.advance(d);
        scheduler.runDue();
        runner.wake();
    }

    /** Alice asks from 16:00 her time; Bob approves on the card at 14:00 UTC, an hour before the start. */
    private AccessRequest approvedAnHourEarly() throws Exception {
        HttpResponse<String> ack = command("U0ALICE",
                "request Reader on rg-payments from 16:00 for 30m because INC-4411 migration window");
        assertThat(ack.statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> !store.findByState(List.of(State.PENDING)).isEmpty()
                && !store.messages(only().id()).isEmpty());
        AccessRequest pending = only();
        assertThat(pending.startsAt()).isEqualTo(Instant.parse("2026-11-25T15:00:00Z"));
        assertThat(pending.startZone()).isEqualTo("Europe/Berlin");
        MessageRef card = store.messages(pending.id()).stream().filter(m -> MessageRef.CARD.equals(m.kind()))
                .findFirst().orElseThrow();
        assertThat(slackTexts("chat.postMessage", "C0APPROVALS")).singleElement().asString()
                .contains("Starts").contains("Wed 25 Nov 16:00 Europe/Berlin (15:00 UTC)");

        assertThat(approveClick("U0BOB", pending.id().value(), card.messageId()).statusCode()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(10)).until(() -> only().state() == State.SCHEDULED);
        await().atMost(Duration.ofSeconds(10)).until(() -> slackTexts("chat.update", "C0APPROVALS").stream()
                .anyMatch(t -> t.contains("Starts at Wed 25 Nov 16:00 Europe/Berlin (15:00 UTC)")));
        return only();
    }

    @Test
    void approvedAnHourEarly_noPutBeforeTheStart_oneAtTheStart_deleteAtStartPlusDuration() throws Exception {
        AccessRequest scheduled = approvedAnHourEarly();

        advance(Duration.ofMinutes(59));
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(3)).until(() -> armCalls(RequestMethod.PUT) == 0);
        assertThat(only().state()).isEqualTo(State.SCHEDULED);

        advance(Duration.ofMinutes(1));
        await().atMost(Duration.ofSeconds(15)).until(() -> only().state() == State.ACTIVE);
        assertThat(armCalls(RequestMethod.PUT)).isEqualTo(1);
        AccessRequest active = only();
        assertThat(active.activatedAt()).isEqualTo(Instant.parse("2026-11-25T15:00:00Z"));
        assertThat(active.expiresAt()).isEqualTo(Instant.parse("2026-11-25T15:30:00Z"));
        assertThat(armCalls(RequestMethod.DELETE)).isZero();

        advance(Duration.ofMinutes(29));
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(3))
                .until(() -> armCalls(RequestMethod.DELETE) == 0);
        advance(Duration.ofMinutes(1));
        await().atMost(Duration.ofSeconds(15)).until(() -> only().state() == State.ENDED);
        assertThat(armCalls(RequestMethod.DELETE)).isEqualTo(1);
        assertThat(armCalls(RequestMethod.PUT)).isEqualTo(1);
        System.out.println("scheduled " + scheduled.id() + ": PUT at " + active.activatedAt() + ", DELETE at "
                + only().endedAt());
    }

    @Test
    void anApproverDroppedFromTheGroupBeforeTheStart_noGrant_andTheRequesterIsToldWhy() throws Exception {
        AccessRequest scheduled = approvedAnHourEarly();
        leads("carol@contoso.com");

        advance(Duration.ofHours(1));
        await().atMost(Duration.ofSeconds(15)).until(() -> only().state() == State.ENDED);

        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(3)).until(() -> armCalls(RequestMethod.PUT) == 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> slackTexts("chat.postMessage", "U0ALICE").stream()
                .anyMatch(t -> t.contains("did not grant it")));
        assertThat(slackTexts("chat.postMessage", "U0ALICE")).filteredOn(t -> t.contains("did not grant it"))
                .singleElement().asString()
                .contains("Reader on rg-payments (" + scheduled.id() + ") was due to start at Wed 25 Nov 16:00 "
                        + "Europe/Berlin (15:00 UTC), but jitbot did not grant it: it needs 1 approval from leads and "
                        + "none still count: Bob is no longer an approver of it.");
        await().atMost(Duration.ofSeconds(10)).until(() -> slackTexts("chat.update", "C0APPROVALS").stream()
                .anyMatch(t -> t.contains("was not started")));
        assertThat(armCalls(RequestMethod.DELETE)).isZero();
    }
}
