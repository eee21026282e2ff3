package dev.jitbot.slack;

import dev.jitbot.core.testing.RawHttp;
import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.ERIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.State;
import java.net.ServerSocket;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code /slack/events} as an attacker meets it: bodies past the cap with and without Content-Length, unsigned
 * bodies built to forge log lines, timestamps from the future, signed payloads Bolt cannot read, methods nobody
 * needs, and a requester pressing Deny on their own request.
 */
class HostileRequestsIT {

    private static final String MARKER = "FORGED-LINE-7Q";
    private static final int MIB = 1024 * 1024;

    @RegisterExtension
    final LogCapture logs = new LogCapture();
    SlackRig rig;

    @BeforeEach
    void start() throws Exception {
        rig = new SlackRig();
    }

    @AfterEach
    void stop() throws Exception {
        rig.close();
    }

    private List<AccessRequest> everything() {
        return rig.store.findByState(List.of(State.values()));
    }

    private List<AuditEvent> rejections() {
        return rig.audit.all().stream().filter(e -> e.action().equals("rejected-request")).toList();
    }

    @Nested
    class BodyCap {

        @Test
        void contentLengthOverOneMiB_is413_withoutWaitingForTheBody() throws Exception {
            // 50 MiB announced and only the first 64 KiB sent: an answer at all shows nothing waited for the rest.
            RawHttp.Reply r = RawHttp.exchange(rig.port(), RawHttp.head("POST", "/slack/events", RawHttp.headers(
                    "Content-Type", "application/x-www-form-urlencoded", "Content-Length", Integer.toString(50 * MIB),
                    "X-Slack-Request-Timestamp", Long.toString(SlackRig.nowSeconds()),
                    "X-Slack-Signature", "v0=" + "0".repeat(64))),
                    "a".repeat(64 * 1024).getBytes(StandardCharsets.US_ASCII));

            assertThat(r.status()).isEqualTo(413);
            assertThat(r.body()).contains("1 MiB").hasSizeLessThan(200);
            assertThat(rejections()).isEmpty();
        }

        @Test
        void chunkedBodyOverOneMiB_is413_evenSigned_whileOneJustUnderIsServed() throws Exception {
            String under = SlackRig.form("command", "/jit", "user_id", ALICE.id(), "response_url",
                    rig.responseUrl("under"), "trigger_id", "1.2.3", "text", "list");
            under += "&pad=" + "x".repeat(MIB - under.length() - 5);
            assertThat(signedChunked(under).status()).isEqualTo(200);

            String over = SlackRig.form("command", "/jit", "user_id", ALICE.id(), "response_url",
                    rig.responseUrl("over"), "trigger_id", "1.2.3", "text",
                    "request Contributor on rg-payments for 45m because " + "x".repeat(MIB));
            RawHttp.Reply r = signedChunked(over);

            assertThat(r.status()).isEqualTo(413);
            assertThat(r.body()).contains("1 MiB");
            assertThat(rig.responses("over")).isEmpty();
            assertThat(everything()).isEmpty();
        }

        private RawHttp.Reply signedChunked(String body) throws Exception {
            long ts = SlackRig.nowSeconds();
            return RawHttp.exchange(rig.port(), RawHttp.head("POST", "/slack/events", RawHttp.headers(
                            "Content-Type", "application/x-www-form-urlencoded", "Transfer-Encoding", "chunked",
                            "X-Slack-Request-Timestamp", Long.toString(ts),
                            "X-Slack-Signature", SlackRig.sign(ts, body))),
                    RawHttp.chunked(body.getBytes(StandardCharsets.UTF_8), 64 * 1024));
        }
    }

    @Nested
    class Logging {

        @Test
        void unsignedBody_is401_andNoPartOfItReachesAnyLog() throws Exception {
            String body = "hello=1\r\n2026-11-25T14:00:00.000Z INFO  [main] dev.jitbot.core - " + MARKER
                    + " granted Owner on /subscriptions/x to mallory";
            HttpResponse<String> r = rig.send(body, SlackRig.nowSeconds(), (ts, b) -> "v0=" + "0".repeat(64),
                    "application/x-www-form-urlencoded");

            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(rejections()).singleElement();
            assertThat(logs.lines()).isNotEmpty().noneMatch(l -> l.contains(MARKER));
        }

        @Test
        void signedCommandWhoseAnswerFails_isLoggedEscapedAndClipped() throws Exception {
            // The database is away, so the command fails and is logged with what was typed.
            rig.databaseDown.set(true);
            String text = "request Reader on sub-prod for 1h because x\r\n2026-11-25T14:00:00.000Z INFO  [main] "
                    + "dev.jitbot - " + MARKER + "\u0007" + "y".repeat(900);
            String body = SlackRig.form("command", "/jit", "text", text, "user_id", ALICE.id(), "user_name", "alice",
                    "response_url", "http://127.0.0.1:" + deadPort() + "/respond/nowhere", "trigger_id", "1.2.3");
            HttpResponse<String> ack = rig.timed(body, SlackRig.nowSeconds());
            assertThat(ack.statusCode()).isEqualTo(200);

            await().atMost(Duration.ofSeconds(20)).until(() -> logs.jitbotLines().stream()
                    .anyMatch(l -> l.contains("[event")));
            String line = logs.jitbotLines().stream().filter(l -> l.contains("[event")).findFirst()
                    .orElseThrow();
            assertThat(line).contains("because x\\r\\n2026-11-25").contains(MARKER + "\\u0007")
                    .contains("more characters)").doesNotContain("\r").doesNotContain("\n")
                    .doesNotContain("y".repeat(300));
            assertThat(logs.lines()).allMatch(l -> !l.contains(MARKER) || !l.contains("\n"));
        }

        private static int deadPort() throws Exception {
            try (ServerSocket s = new ServerSocket(0)) {
                return s.getLocalPort();
            }
        }
    }

    @Nested
    class Timestamps {

        @Test
        void signedSixMinutesInTheFuture_is401_andAuditedAsSuch() throws Exception {
            String body = SlackRig.form("command", "/jit", "text",
                    "request Contributor on rg-payments for 45m because INC-1 prepared replay", "user_id", ALICE.id(),
                    "response_url", rig.responseUrl("future"), "trigger_id", "1.2.3");
            HttpResponse<String> r = rig.send(body, SlackRig.nowSeconds() + 6 * 60, SlackRig::sign,
                    "application/x-www-form-urlencoded");

            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(rejections()).singleElement()
                    .satisfies(e -> assertThat(e.details()).contains("in the future (limit 300 s)"));
            Thread.sleep(300);
            assertThat(everything()).isEmpty();
            assertThat(rig.responses("future")).isEmpty();
        }
    }

    @Nested
    class MalformedInteractivity {

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {
                "{\"type\":\"block_actions\",\"team\":{\"id\":\"T0CONTOSO\"},\"trigger_id\":\"1.2\","
                        + "\"actions\":[{\"action_id\":\"jit-approve\",\"value\":\"JIT-7K3F\",\"type\":\"button\"}]}",
                "{\"type\":\"view_submission\",\"team\":{\"id\":\"T0CONTOSO\"},\"view\":{\"id\":\"V0\",\"type\":"
                        + "\"modal\",\"callback_id\":\"jit-request\",\"state\":{\"values\":{}}}}",
                "{\"type\":\"view_submission\",\"team\":{\"id\":\"T0CONTOSO\"},\"user\":{\"id\":\"U0ALICE\"}}",
                "{\"type\":\"block_actions\",\"user\":\"U0ALICE\",\"actions\":[]}",
                "this is not JSON at all",
                "[\"block_actions\"]",
        })
        void signedPayloadBoltCannotRead_is400_withoutAStackOrA500(String payload) throws Exception {
            HttpResponse<String> r = rig.timed("payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8),
                    SlackRig.nowSeconds());

            assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain(payload)
                    .hasSizeLessThan(200);
            assertThat(logs.lines()).noneMatch(l -> l.contains("Exception"));
            assertThat(everything()).isEmpty();
        }
    }

    @Nested
    class Methods {

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {"TRACE", "TRACK", "OPTIONS"})
        void unusedMethod_is405_andEchoesNoHeader(String method) throws Exception {
            RawHttp.Reply r = RawHttp.exchange(rig.port(), RawHttp.head(method, "/slack/events", RawHttp.headers(
                    "Authorization", "Bearer xoxb-stolen-" + MARKER, "Cookie", "session=" + MARKER)));

            assertThat(r.status()).isEqualTo(405);
            assertThat(r.head() + r.body()).doesNotContain(MARKER);
            assertThat(r.head()).containsIgnoringCase("Allow: POST");
        }
    }

    @Nested
    class Echo {

        @Test
        void longCommand_isRefusedInTheAck_withoutQuotingItBack() throws Exception {
            HttpResponse<String> ack = rig.command(ALICE, "request " + "z".repeat(100_000), "long");

            assertThat(ack.statusCode()).isEqualTo(200);
            String text = JsonParser.parseString(ack.body()).getAsJsonObject().get("text").getAsString();
            assertThat(text).contains("the limit is 4,000").hasSizeLessThan(dev.jitbot.core.domain.UserText.MAX_LOGGED + 300)
                    .doesNotContain("z".repeat(50));
        }
    }

    @Nested
    class DenyButton {

        @Test
        void pressedByTheRequester_opensNoForm_andSaysToCancelInstead() throws Exception {
            AccessRequest pending = requestContributor();
            MessageRef card = rig.store.messages(pending.id()).stream().filter(m -> MessageRef.CARD.equals(m.kind()))
                    .findFirst().orElseThrow();

            HttpResponse<String> click = rig.click(ALICE, Cards.DENY, pending.id().value(), "own-deny",
                    card.messageId());

            assertThat(click.statusCode()).isEqualTo(200);
            await().until(() -> !rig.responses("own-deny").isEmpty());
            JsonObject reply = rig.responses("own-deny").get(0);
            assertThat(reply.get("response_type").getAsString()).isEqualTo("ephemeral");
            assertThat(reply.get("text").getAsString()).contains("You cannot deny your own request")
                    .contains("/jit cancel " + pending.id());
            assertThat(rig.calls("views.open")).isEmpty();
            assertThat(rig.store.find(pending.id()).orElseThrow().state()).isEqualTo(State.PENDING);
        }

        @Test
        void pressedBySomeoneWhoMayNotSeeTheRequest_opensNoForm_andRevealsNothing() throws Exception {
            AccessRequest pending = requestContributor();
            MessageRef card = rig.store.messages(pending.id()).stream().filter(m -> MessageRef.CARD.equals(m.kind()))
                    .findFirst().orElseThrow();

            rig.click(ERIN, Cards.DENY, pending.id().value(), "bystander-deny", card.messageId());

            await().until(() -> !rig.responses("bystander-deny").isEmpty());
            assertThat(rig.responses("bystander-deny").get(0).get("text").getAsString())
                    .contains("I know no request " + pending.id() + " that you can see").doesNotContain("Contributor");
            assertThat(rig.calls("views.open")).isEmpty();
        }

        private AccessRequest requestContributor() throws Exception {
            rig.command(ALICE, "request Contributor on rg-payments for 45m because INC-4411 hotfix", "filed");
            await().atMost(Duration.ofSeconds(10)).until(() -> !rig.inState(State.PENDING).isEmpty()
                    && !rig.store.messages(rig.inState(State.PENDING).get(0).id()).isEmpty());
            return rig.inState(State.PENDING).get(0);
        }
    }
}
