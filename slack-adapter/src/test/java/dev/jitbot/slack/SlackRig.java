package dev.jitbot.slack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.slack.api.app_backend.SlackSignature;
import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.AzureLimiter;
import dev.jitbot.core.app.Change;
import dev.jitbot.core.app.ExpiryService;
import dev.jitbot.core.app.Notifications;
import dev.jitbot.core.app.Outbox;
import dev.jitbot.core.app.WorkHandlers;
import dev.jitbot.core.app.WorkItem;
import dev.jitbot.core.app.WorkKind;
import dev.jitbot.core.app.WorkRunner;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.app.StoreException;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.FakeDirectory;
import dev.jitbot.core.testing.InMemoryAuditLog;
import dev.jitbot.core.testing.InMemoryOutbox;
import dev.jitbot.core.testing.InMemoryRequestStore;
import dev.jitbot.core.testing.ManualScheduler;
import dev.jitbot.core.testing.MutableClock;
import dev.jitbot.core.testing.RecordingAccessProvider;
import dev.jitbot.core.testing.TestPolicies;
import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * One running jitbot Slack face for acceptance tests: the core on in-memory fakes with a real ExpiryService
 * (driven by a manual scheduler and a mutable clock), the outbox's {@link WorkRunner} on its own threads as in
 * production (so cards and DMs arrive after the ack, and tests wait for them), SlackModule's servlet on a real
 * Jetty, and WireMock as the Slack Web API and every response_url. Requests are signed exactly as Slack signs them.
 * Retries come due by the mutable clock: a test moves it past a Retry-After and the workers pick the item up.
 */
final class SlackRig implements AutoCloseable {

    static final String SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
    static final String BOT_TOKEN = "xoxb-1234567890-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx";
    /** Ack latencies seen by every rig in this JVM, in milliseconds, for the report. */
    static final List<Long> ACK_MILLIS = Collections.synchronizedList(new ArrayList<>());

    final WireMockServer slack = new WireMockServer(options().dynamicPort());
    final MutableClock clock = MutableClock.at("2026-11-25T14:00:00Z");
    final InMemoryRequestStore store = new InMemoryRequestStore();
    final InMemoryAuditLog audit = new InMemoryAuditLog();
    final RecordingAccessProvider provider = new RecordingAccessProvider();
    final FakeDirectory directory = new FakeDirectory();
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final AtomicReference<Policy> policy = new AtomicReference<>(TestPolicies.design());
    final Notifications notifications = new Notifications(store, List.of());
    /** The outbox; {@code databaseDown} makes every write fail as the JDBC one does when its database is away. */
    final AtomicBoolean databaseDown = new AtomicBoolean();
    final Outbox outbox = new Unreachable(new InMemoryOutbox(store, audit, clock), databaseDown);
    final AzureLimiter limiter = new AzureLimiter(AzureLimiter.Limits.arm());
    final WorkHandlers work;
    final WorkRunner runner;
    final ExpiryService expiry;
    final AccessService service;
    final SlackModule module;
    final Server jetty;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final AtomicInteger ts = new AtomicInteger(100);

    SlackRig() throws Exception {
        this(null, null);
    }

    /** With an app token, jitbot runs over Socket Mode and apps.connections.open points it at {@code socketUrl}. */
    SlackRig(String appToken, String socketUrl) throws Exception {
        this(appToken, socketUrl, false);
    }

    /** With {@code slackDown}, the Web API answers 503 from the start, so Bolt never learns who it is. */
    SlackRig(String appToken, String socketUrl, boolean slackDown) throws Exception {
        slack.start();
        stubSlack();
        if (slackDown) {
            slack.stubFor(post("/api/auth.test").willReturn(aResponse().withStatus(503)).atPriority(0));
        }
        if (socketUrl != null) {
            slack.stubFor(post("/api/apps.connections.open").willReturn(okJson("{\"ok\":true,\"url\":\"" + socketUrl
                    + "\"}")));
        }
        work = new WorkHandlers(policy::get, store, outbox, provider, notifications, scheduler, limiter, clock);
        expiry = new ExpiryService(policy::get, store, outbox, notifications, scheduler, clock);
        scheduler.bind(expiry);
        service = new AccessService(policy::get, store, outbox, audit, provider, directory, notifications, scheduler,
                clock, new Random(7));
        work.checkStartsWith(service::whyNotStartable);
        module = SlackModule.create(new SlackModule.Settings(BOT_TOKEN, SECRET, appToken, slack.baseUrl() + "/api/"),
                service, audit, clock);
        notifications.register(module.notifier());
        module.start();
        runner = new WorkRunner(outbox, work, clock, new WorkRunner.Settings(4, 4, Duration.ofMillis(100),
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

    private void stubSlack() {
        slack.stubFor(post("/api/auth.test").willReturn(okJson("{\"ok\":true,\"url\":\"https://contoso.slack.com/\","
                + "\"team\":\"Contoso\",\"user\":\"jitbot\",\"team_id\":\"T0CONTOSO\",\"user_id\":\"U0JITBOT\","
                + "\"bot_id\":\"B0JITBOT\"}")).atPriority(1));
        slack.stubFor(post("/api/chat.postMessage").willReturn(aResponse().withTransformers("response-template")
                .withHeader("Content-Type", "application/json")
                .withBody("{\"ok\":true,\"channel\":\"{{formData request.body 'form' urlDecode=true}}{{form.channel}}\","
                        + "\"ts\":\"1764079200.{{randomValue length=6 type='NUMERIC'}}\"}")).atPriority(5));
        slack.stubFor(post("/api/chat.update").willReturn(okJson("{\"ok\":true,\"channel\":\"C0APPROVALS\","
                + "\"ts\":\"1764079200.000100\"}")).atPriority(5));
        slack.stubFor(post("/api/chat.postEphemeral").willReturn(okJson("{\"ok\":true,\"message_ts\":\"1.2\"}")));
        slack.stubFor(post("/api/views.open").willReturn(okJson("{\"ok\":true,\"view\":{\"id\":\"V0FORM\"}}")));
        slack.stubFor(post("/api/views.publish").willReturn(okJson("{\"ok\":true,\"view\":{\"id\":\"V0HOME\"}}")));
        slack.stubFor(post(urlPathMatching("/respond/.*")).willReturn(okJson("{\"ok\":true}")));
        for (ChatUser u : List.of(TestPolicies.ALICE, TestPolicies.BOB, TestPolicies.CAROL, TestPolicies.DAVE,
                TestPolicies.ERIN)) {
            slack.stubFor(post("/api/users.info").withRequestBody(containing("user=" + u.id()))
                    .willReturn(okJson("{\"ok\":true,\"user\":{\"id\":\"" + u.id() + "\",\"team_id\":\"T0CONTOSO\","
                            + "\"name\":\"" + u.displayName().toLowerCase() + "\",\"real_name\":\"" + u.displayName()
                            + "\",\"profile\":{\"email\":\"" + u.email() + "\",\"display_name\":\"" + u.displayName()
                            + "\"}}}")));
        }
    }

    int port() {
        return ((ServerConnector) jetty.getConnectors()[0]).getLocalPort();
    }

    String responseUrl(String name) {
        return slack.baseUrl() + "/respond/" + name;
    }

    // ------------------------------------------------------------------------------------------ sending

    /** A signed slash command from {@code user}; returns the HTTP answer and records the ack latency. */
    HttpResponse<String> command(ChatUser user, String text, String responsePath) throws Exception {
        String body = form("token", "gIkuvaNzQIHg97ATvDxqgjtO", "team_id", "T0CONTOSO", "team_domain", "contoso",
                "channel_id", "C0GENERAL", "channel_name", "general", "user_id", user.id(), "user_name",
                user.displayName().toLowerCase(), "command", "/jit", "text", text, "response_url", responseUrl(responsePath),
                "trigger_id", "13345224609.738474920.8088930838d88f008e0");
        return timed(body, nowSeconds());
    }

    /** A signed block_actions click on the card (or in App Home when {@code responsePath} is null). */
    HttpResponse<String> click(ChatUser user, String actionId, String requestId, String responsePath, String messageTs)
            throws Exception {
        JsonObject p = new JsonObject();
        p.addProperty("type", "block_actions");
        p.add("team", JsonParser.parseString("{\"id\":\"T0CONTOSO\",\"domain\":\"contoso\"}"));
        p.add("user", JsonParser.parseString("{\"id\":\"" + user.id() + "\",\"username\":\"" + user.displayName()
                .toLowerCase() + "\",\"name\":\"" + user.displayName().toLowerCase() + "\",\"team_id\":\"T0CONTOSO\"}"));
        p.addProperty("api_app_id", "A0JITBOT");
        p.addProperty("token", "gIkuvaNzQIHg97ATvDxqgjtO");
        p.addProperty("trigger_id", "13345224609.738474920.trigger" + ts.incrementAndGet());
        if (responsePath != null) {
            p.addProperty("response_url", responseUrl(responsePath));
            p.add("container", JsonParser.parseString("{\"type\":\"message\",\"message_ts\":\"" + messageTs
                    + "\",\"channel_id\":\"C0APPROVALS\",\"is_ephemeral\":false}"));
            p.add("channel", JsonParser.parseString("{\"id\":\"C0APPROVALS\",\"name\":\"approvals\"}"));
            p.add("message", JsonParser.parseString("{\"type\":\"message\",\"ts\":\"" + messageTs + "\"}"));
        } else {
            p.add("container", JsonParser.parseString("{\"type\":\"view\",\"view_id\":\"V0HOME\"}"));
        }
        p.add("actions", JsonParser.parseString("[{\"action_id\":\"" + actionId + "\",\"block_id\":\"jit-actions\","
                + "\"value\":\"" + requestId + "\",\"type\":\"button\",\"action_ts\":\"1764079300.000001\"}]"));
        return timed("payload=" + URLEncoder.encode(p.toString(), StandardCharsets.UTF_8), nowSeconds());
    }

    /** A signed view_submission of {@code callbackId} with {@code values} as Slack sends them in view.state. */
    HttpResponse<String> submit(ChatUser user, String callbackId, String privateMetadata, String valuesJson)
            throws Exception {
        String json = "{\"type\":\"view_submission\",\"team\":{\"id\":\"T0CONTOSO\",\"domain\":\"contoso\"},"
                + "\"user\":{\"id\":\"" + user.id() + "\",\"username\":\"" + user.displayName().toLowerCase()
                + "\",\"name\":\"" + user.displayName().toLowerCase() + "\",\"team_id\":\"T0CONTOSO\"},"
                + "\"api_app_id\":\"A0JITBOT\",\"token\":\"gIkuvaNzQIHg97ATvDxqgjtO\",\"trigger_id\":\"1.2.3\","
                + "\"view\":{\"id\":\"V0FORM\",\"team_id\":\"T0CONTOSO\",\"type\":\"modal\",\"callback_id\":\""
                + callbackId + "\",\"private_metadata\":\"" + (privateMetadata == null ? "" : privateMetadata)
                + "\",\"state\":{\"values\":" + valuesJson + "}},\"response_urls\":[]}";
        return timed("payload=" + URLEncoder.encode(json, StandardCharsets.UTF_8), nowSeconds());
    }

    /** An app_home_opened event as the Events API delivers it. */
    HttpResponse<String> homeOpened(ChatUser user) throws Exception {
        String json = "{\"token\":\"gIkuvaNzQIHg97ATvDxqgjtO\",\"team_id\":\"T0CONTOSO\",\"api_app_id\":\"A0JITBOT\","
                + "\"type\":\"event_callback\",\"event_id\":\"Ev0HOME" + ts.incrementAndGet() + "\",\"event_time\":"
                + nowSeconds() + ",\"event\":{\"type\":\"app_home_opened\",\"user\":\"" + user.id() + "\",\"channel\":"
                + "\"D0HOME\",\"tab\":\"home\",\"event_ts\":\"1764079300.000002\"}}";
        return send(json, nowSeconds(), SlackRig::sign, "application/json");
    }

    HttpResponse<String> timed(String body, long timestamp) throws Exception {
        long start = System.nanoTime();
        HttpResponse<String> r = send(body, timestamp, SlackRig::sign, "application/x-www-form-urlencoded");
        ACK_MILLIS.add((System.nanoTime() - start) / 1_000_000);
        return r;
    }

    interface Signer {
        String sign(long timestamp, String body);
    }

    static String sign(long timestamp, String body) {
        return new SlackSignature.Generator(SECRET).generate(Long.toString(timestamp), body);
    }

    HttpResponse<String> send(String body, long timestamp, Signer signer, String contentType) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:" + port() + "/slack/events"))
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType)
                .header("X-Slack-Request-Timestamp", Long.toString(timestamp))
                .header("X-Slack-Signature", signer.sign(timestamp, body))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    static long nowSeconds() {
        return System.currentTimeMillis() / 1000;
    }

    /** A form body from alternating names and values, in order, as Slack sends it. */
    static String form(String... namesAndValues) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < namesAndValues.length; i += 2) {
            sb.append(i == 0 ? "" : "&").append(namesAndValues[i]).append('=')
                    .append(URLEncoder.encode(namesAndValues[i + 1], StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    // ------------------------------------------------------------------------------------------ reading

    /** Form fields of a Web API call WireMock received. */
    static Map<String, String> fields(LoggedRequest r) {
        Map<String, String> out = new LinkedHashMap<>();
        for (String pair : r.getBodyAsString().split("&")) {
            int eq = pair.indexOf('=');
            if (eq > 0) {
                // Gson writes <, > and & as \\u escapes; Slack reads both forms, assertions read better unescaped.
                out.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                        URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8).replace("\\u003c", "<")
                                .replace("\\u003e", ">").replace("\\u0026", "&").replace("\\u003d", "=")
                                .replace("\\u0027", "'"));
            }
        }
        return out;
    }

    /** Every call to a Web API method, oldest first, as form fields. */
    List<Map<String, String>> calls(String method) {
        return slack.findAll(postRequestedFor(urlEqualTo("/api/" + method))).stream().map(SlackRig::fields).toList();
    }

    /** The text of an ack's body (a slash command's ephemeral answer); empty for an empty ack. */
    static String ackText(HttpResponse<String> ack) {
        if (ack.body() == null || ack.body().isBlank()) {
            return "";
        }
        JsonObject body = JsonParser.parseString(ack.body()).getAsJsonObject();
        return body.has("text") ? body.get("text").getAsString() : "";
    }

    /** What jitbot posted to a response_url, as JSON objects. */
    List<JsonObject> responses(String name) {
        return slack.findAll(postRequestedFor(urlEqualTo("/respond/" + name))).stream()
                .map(r -> JsonParser.parseString(r.getBodyAsString()).getAsJsonObject()).toList();
    }

    List<AccessRequest> inState(State s) {
        return store.findByState(List.of(s));
    }

    /** Moves the clock and lets the workers look for what came due at once. */
    void advance(Duration d) {
        clock.advance(d);
        runner.wake();
    }

    @Override
    public void close() throws Exception {
        jetty.stop();
        runner.close();
        module.close();
        slack.stop();
    }

    /** An outbox whose writes throw {@link StoreException} while {@code down} is set, as JDBC's do. */
    private record Unreachable(Outbox outbox, AtomicBoolean down) implements Outbox {
        private void check() {
            if (down.get()) {
                throw new StoreException("commit failed: Connection is not available (SQLState 08001)", null);
            }
        }

        @Override
        public Commit commit(Change change) {
            check();
            return outbox.commit(change);
        }

        @Override
        public List<WorkItem> claim(WorkKind.Lane lane, int max, Instant now, Collection<String> skipBuckets) {
            return outbox.claim(lane, max, now, skipBuckets);
        }

        @Override
        public Commit complete(WorkItem item, Change change, MessageRef posted, Instant now) {
            return outbox.complete(item, change, posted, now);
        }

        @Override
        public Commit retry(WorkItem item, Instant due, String error, Change change, Instant now) {
            return outbox.retry(item, due, error, change, now);
        }

        @Override
        public void renew(Collection<WorkItem> items, Instant now) {
            outbox.renew(items, now);
        }

        @Override
        public int collapseUpdates(WorkItem item) {
            return outbox.collapseUpdates(item);
        }

        @Override
        public List<WorkItem> pending(RequestId id) {
            return outbox.pending(id);
        }

        @Override
        public Map<WorkKind, Depth> depth(Instant now) {
            return outbox.depth(now);
        }

        @Override
        public void onCommit(Runnable listener) {
            outbox.onCommit(listener);
        }
    }
}
