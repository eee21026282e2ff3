package dev.jitbot.teams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.CoreHarness;
import dev.jitbot.core.testing.FuzzTries;
import dev.jitbot.core.testing.InMemoryConversationStore;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import net.jqwik.api.statistics.Statistics;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * Teams activities under fuzz, each with a freshly minted Bot Framework JWT, through the real
 * {@code POST /api/messages}: messages, installs and card button invokes with fields removed, retyped, emptied or
 * swapped for Unicode and long text, and keys added. Each is answered 2xx (a turn, possibly a refusal in chat), 400
 * (not an activity a turn can run), or 401 (the token's service URL no longer matches); none is a 500.
 */
class ActivityFuzzIT {

    static FakeTeams teams;
    static CoreHarness core;
    static TeamsModule module;
    static Server jetty;
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeContainer
    static void start() throws Exception {
        teams = new FakeTeams();
        core = new CoreHarness();
        module = TeamsModule.create(new TeamsModule.Settings(FakeTeams.APP_ID, FakeTeams.APP_PASSWORD, null,
                teams.openIdMetadataUrl(), teams.authority()), core.service, new InMemoryConversationStore(),
                core.audit, core.clock, true);
        core.notifications.register(module.notifier());
        jetty = new Server(0);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(module.servlet()), "/api/messages");
        jetty.setHandler(context);
        jetty.start();
    }

    @AfterContainer
    static void stop() throws Exception {
        jetty.stop();
        module.close();
        teams.close();
    }

    @Property
    @FuzzTries
    void activities_withRandomFields_are2xx400or401_neverA500(@ForAll("activities") String activity) throws Exception {
        HttpResponse<String> r = post(activity);

        assertThat(r.statusCode()).as(activity + "\n→ " + r.statusCode() + " " + r.body())
                .satisfiesAnyOf(s -> assertThat(s).isBetween(200, 299), s -> assertThat(s).isIn(400, 401));
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(core.store.findByState(List.of(State.ACTIVE, State.ACTIVATING))).isEmpty();
        Statistics.collect(r.statusCode());
    }

    private static HttpResponse<String> post(String activity) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create("http://localhost:"
                        + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort() + "/api/messages"))
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + teams.token(teams.key, FakeTeams.APP_ID, teams.serviceUrl(),
                        Instant.now().plus(Duration.ofMinutes(30))))
                .POST(HttpRequest.BodyPublishers.ofString(activity)).build();
        return HTTP.send(req, HttpResponse.BodyHandlers.ofString());
    }

    // ------------------------------------------------------------------------------------------------ activities

    static final List<String> TEXT = List.of("", " ", "request Contributor on rg-payments for 45m because x", "list",
            "help", "approve JIT-7K3F", "<at>jitbot</at> list", "x".repeat(5000), "\u0000", "\u202Eevil", "\uD800",
            "\uD83D\uDE00", "JIT-7K3F", "approve", "deny", "revoke", "adaptiveCard/action", "message", "invoke",
            "conversationUpdate", "installationUpdate", "messageReaction", "Action.Execute", "Action.Submit",
            "personal", "channel", "groupChat", "29:alice", "29:mallory", "19:approvals@thread.tacv2", "msteams",
            "emulator", FakeTeams.TENANT, "00000000-0000-0000-0000-000000000000", "null", "1");

    @Provide
    Arbitrary<String> activities() {
        Arbitrary<FakeTeams.User> user = Arbitraries.of(FakeTeams.TEAM);
        Arbitrary<String> text = Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(TEXT)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(30)));
        Arbitrary<String> base = Arbitraries.frequencyOf(
                Tuple.of(3, Combinators.combine(user, Arbitraries.of("a:1alice-personal-chat",
                        "19:approvals@thread.tacv2"), Arbitraries.of("personal", "channel"), text)
                        .as((u, c, t, x) -> teams.message(u, c, t, x))),
                Tuple.of(1, user.map(u -> teams.install("19:approvals@thread.tacv2", "channel", u))),
                Tuple.of(3, Combinators.combine(user, Arbitraries.of("approve", "deny", "revoke", "release", "cancel",
                        "refresh", "extend", ""), text, Arbitraries.of("not now", "", null))
                        .as((u, verb, id, reason) -> teams.invoke(u, verb, id, reason))));
        Arbitrary<Mutation> mutation = Combinators.combine(Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(0, 3), values(text),
                Arbitraries.of("id", "type", "name", "value", "action", "data", "verb", "text", "from", "extra"))
                .as(Mutation::new);
        return Combinators.combine(base, mutation.list().ofMaxSize(4)).as((json, mutations) -> {
            JsonNode tree = FakeTeams.json(json);
            for (Mutation m : mutations) {
                apply(tree, m);
            }
            return tree.toString();
        });
    }

    /** Where a mutation strikes (an index into the tree's slots, modulo their count) and what it puts there. */
    record Mutation(int at, int op, JsonNode value, String key) { }

    static Arbitrary<JsonNode> values(Arbitrary<String> text) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        Arbitrary<JsonNode> scalar = Arbitraries.frequencyOf(
                Tuple.of(3, text.map(s -> (JsonNode) f.textNode(s))),
                Tuple.of(1, Arbitraries.of(0L, -1L, Long.MAX_VALUE).map(n -> (JsonNode) f.numberNode(n))),
                Tuple.of(1, Arbitraries.of(1.5, 1e300).map(n -> (JsonNode) f.numberNode(n))),
                Tuple.of(1, Arbitraries.of(true, false).map(b -> (JsonNode) f.booleanNode(b))),
                Tuple.of(1, Arbitraries.just((JsonNode) f.nullNode())));
        return Arbitraries.frequencyOf(Tuple.of(6, scalar),
                Tuple.of(1, Arbitraries.of("{}", "[]", "[null]", "[{}]", "{\"id\":null}", "{\"action\":{}}",
                        "{\"verb\":\"approve\",\"data\":[]}", "[\"a\",1]").map(ActivityFuzzIT::tree)));
    }

    private static JsonNode tree(String s) {
        try {
            return JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException(s, e);
        }
    }

    private static void apply(JsonNode root, Mutation m) {
        List<Object[]> slots = new ArrayList<>();
        collect(root, slots);
        if (slots.isEmpty()) {
            return;
        }
        Object[] slot = slots.get(m.at() % slots.size());
        JsonNode parent = (JsonNode) slot[0];
        Object where = slot[1];
        JsonNode value = m.value();
        if ("serviceUrl".equals(where)) {
            // Replies go to the serviceUrl: retype, empty or break it, never aim it anywhere but this machine.
            value = JsonNodeFactory.instance.textNode(List.of("", "not a url", "http://127.0.0.1:1/", "/relative",
                    teams.serviceUrl() + "?q=1", "https://localhost:1/").get(m.at() % 6));
        }
        switch (m.op()) {
            case 0 -> {
                if (parent instanceof ObjectNode o) {
                    o.remove((String) where);
                } else {
                    ((ArrayNode) parent).remove((Integer) where);
                }
            }
            case 1, 2 -> {
                if (parent instanceof ObjectNode o) {
                    o.set((String) where, value);
                } else {
                    ((ArrayNode) parent).set((Integer) where, value);
                }
            }
            default -> {
                if (parent instanceof ObjectNode o) {
                    if (!"serviceUrl".equals(m.key())) {
                        o.set(m.key(), value);
                    }
                } else {
                    ((ArrayNode) parent).add(value);
                }
            }
        }
    }

    private static void collect(JsonNode e, List<Object[]> slots) {
        if (e instanceof ObjectNode o) {
            for (Iterator<Map.Entry<String, JsonNode>> it = o.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> entry = it.next();
                slots.add(new Object[] {o, entry.getKey()});
                collect(entry.getValue(), slots);
            }
        } else if (e instanceof ArrayNode a) {
            for (int i = 0; i < a.size(); i++) {
                slots.add(new Object[] {a, i});
                collect(a.get(i), slots);
            }
        }
    }
}
