package dev.jitbot.slack;

import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.BOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.socket_mode.request.SocketModeRequestParser;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.State;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.java_websocket.WebSocket;
import org.java_websocket.handshake.ClientHandshake;
import org.java_websocket.server.WebSocketServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * Socket Mode: the same listeners serve envelopes that arrive over a WebSocket instead of signed HTTP. First at
 * the App level (an envelope parsed as Bolt's Socket Mode client parses it), then end to end against a local fake
 * of Slack's Socket Mode server (apps.connections.open on WireMock hands out its ws:// URL).
 */
class SocketModeIT {

    static final String APP_TOKEN = "xapp-1-A0JITBOT-1234567890123-0123456789abcdef0123456789abcdef";

    static String slashEnvelope(String envelopeId, String user, String text, String responseUrl) {
        return "{\"envelope_id\":\"" + envelopeId + "\",\"type\":\"slash_commands\",\"accepts_response_payload\":true,"
                + "\"payload\":{\"token\":\"gIkuvaNzQIHg97ATvDxqgjtO\",\"team_id\":\"T0CONTOSO\",\"team_domain\":"
                + "\"contoso\",\"channel_id\":\"C0GENERAL\",\"channel_name\":\"general\",\"user_id\":\"" + user + "\","
                + "\"user_name\":\"someone\",\"command\":\"/jit\",\"text\":\"" + text + "\",\"api_app_id\":\"A0JITBOT\","
                + "\"response_url\":\"" + responseUrl + "\",\"trigger_id\":\"13345224609.738474920.sm\"}}";
    }

    static String approveEnvelope(String envelopeId, String user, String requestId, String responseUrl) {
        return "{\"envelope_id\":\"" + envelopeId + "\",\"type\":\"interactive\",\"accepts_response_payload\":false,"
                + "\"payload\":{\"type\":\"block_actions\",\"team\":{\"id\":\"T0CONTOSO\",\"domain\":\"contoso\"},"
                + "\"user\":{\"id\":\"" + user + "\",\"username\":\"bob\",\"name\":\"bob\",\"team_id\":\"T0CONTOSO\"},"
                + "\"api_app_id\":\"A0JITBOT\",\"token\":\"gIkuvaNzQIHg97ATvDxqgjtO\",\"trigger_id\":\"1.2.3\","
                + "\"response_url\":\"" + responseUrl + "\",\"container\":{\"type\":\"message\",\"message_ts\":"
                + "\"1764079200.000001\",\"channel_id\":\"C0APPROVALS\"},\"channel\":{\"id\":\"C0APPROVALS\"},"
                + "\"actions\":[{\"action_id\":\"jit-approve\",\"block_id\":\"jit-actions\",\"value\":\"" + requestId
                + "\",\"type\":\"button\",\"action_ts\":\"1764079300.1\"}]}}";
    }

    @Nested
    class AtTheAppLevel {

        SlackRig rig;

        @BeforeEach
        void start() throws Exception {
            rig = new SlackRig();
        }

        @AfterEach
        void stop() throws Exception {
            rig.close();
        }

        @Test
        void aSlashCommandEnvelope_isAckedWithTheOutcome_andFilesTheRequest() throws Exception {
            String envelope = slashEnvelope("env-1", ALICE.id(),
                    "request Contributor on rg-payments for 45m because INC-4411 hotfix", rig.responseUrl("sm-app"));
            var parsed = new SocketModeRequestParser(rig.module.app().config()).parse(envelope);

            Response ack = rig.module.app().run(parsed.getBoltRequest());

            assertThat(ack.getStatusCode()).isEqualTo(200);
            assertThat(ack.getBody()).contains("Requested Contributor");
            assertThat(rig.inState(State.PENDING)).hasSize(1);
            assertThat(rig.responses("sm-app")).isEmpty();
        }
    }

    @Nested
    class EndToEnd {

        FakeSocketModeServer socket;
        SlackRig rig;

        @BeforeEach
        void start() throws Exception {
            socket = new FakeSocketModeServer();
            socket.start();
            await().until(() -> socket.port() > 0);
            rig = new SlackRig(APP_TOKEN, "ws://localhost:" + socket.port() + "/link/?ticket=t-1");
        }

        @AfterEach
        void stop() throws Exception {
            rig.close();
            socket.stop(1000);
        }

        @Test
        void requestAndApprovalOverTheSocket_grantAndAreAckedByEnvelopeId() throws Exception {
            await().atMost(Duration.ofSeconds(15)).until(() -> !socket.getConnections().isEmpty());

            long sent = System.nanoTime();
            socket.broadcast(slashEnvelope("env-1", ALICE.id(),
                    "request Contributor on rg-payments for 45m because INC-4411 hotfix", rig.responseUrl("sm-e2e")));
            await().atMost(Duration.ofSeconds(10)).until(() -> socket.acked("env-1") != null);
            SlackRig.ACK_MILLIS.add((System.nanoTime() - sent) / 1_000_000);
            assertThat(socket.acked("env-1").toString()).contains("Requested Contributor");

            await().atMost(Duration.ofSeconds(10)).until(() -> !rig.inState(State.PENDING).isEmpty()
                    && !rig.store.messages(rig.inState(State.PENDING).get(0).id()).isEmpty());
            AccessRequest pending = rig.inState(State.PENDING).get(0);

            socket.broadcast(approveEnvelope("env-2", BOB.id(), pending.id().value(), rig.responseUrl("sm-click")));
            await().atMost(Duration.ofSeconds(10)).until(() -> socket.acked("env-2") != null);
            await().atMost(Duration.ofSeconds(10)).until(() -> !rig.inState(State.ACTIVE).isEmpty());
            assertThat(rig.provider.grants).containsExactly(pending.id());
            assertThat(rig.audit.all()).noneMatch(e -> e.action().equals("rejected-request"));
        }
    }

    /** Just enough of Slack's Socket Mode server: says hello, forwards envelopes, remembers acks. */
    static final class FakeSocketModeServer extends WebSocketServer {

        final List<JsonObject> received = new CopyOnWriteArrayList<>();
        private volatile int port;

        FakeSocketModeServer() {
            super(new InetSocketAddress("localhost", 0));
            setReuseAddr(true);
        }

        int port() {
            return port;
        }

        JsonObject acked(String envelopeId) {
            return received.stream().filter(m -> m.has("envelope_id")
                    && envelopeId.equals(m.get("envelope_id").getAsString())).findFirst().orElse(null);
        }

        @Override
        public void onOpen(WebSocket conn, ClientHandshake handshake) {
            conn.send("{\"type\":\"hello\",\"num_connections\":1,\"debug_info\":{\"host\":\"fake\","
                    + "\"approximate_connection_time\":18060},\"connection_info\":{\"app_id\":\"A0JITBOT\"}}");
        }

        @Override
        public void onClose(WebSocket conn, int code, String reason, boolean remote) {
        }

        @Override
        public void onMessage(WebSocket conn, String message) {
            received.add(JsonParser.parseString(message).getAsJsonObject());
        }

        @Override
        public void onError(WebSocket conn, Exception ex) {
        }

        @Override
        public void onStart() {
            port = getPort();
        }
    }
}
