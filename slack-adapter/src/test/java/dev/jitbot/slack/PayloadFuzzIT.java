package dev.jitbot.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.FuzzTries;
import dev.jitbot.core.testing.TestPolicies;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
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

/**
 * Slack's interactivity payloads under fuzz, signed and sent through the real servlet and Bolt: {@code block_actions}
 * and {@code view_submission} bodies as Slack sends them, with fields removed, retyped, emptied, swapped for
 * Unicode or long text, and keys added. Every one is answered with a 200 (an ack, a refusal the clicker sees, or
 * field errors on the form), a 400 that names the problem, or Bolt's 404 for an action or form jitbot has no
 * listener for; none is a 500 or shows a stack trace.
 */
class PayloadFuzzIT {

    static SlackRig rig;

    @BeforeContainer
    static void start() throws Exception {
        rig = new SlackRig();
    }

    @AfterContainer
    static void stop() throws Exception {
        rig.close();
    }

    @Property
    @FuzzTries
    void blockActions_withRandomFields_areAnAckOrA400_neverA500(@ForAll("blockActions") String payload)
            throws Exception {
        answerIsNeverAServerError(payload);
    }

    @Property
    @FuzzTries
    void viewSubmissions_withRandomFields_areAnAckOrA400_neverA500(@ForAll("viewSubmissions") String payload)
            throws Exception {
        answerIsNeverAServerError(payload);
    }

    private static void answerIsNeverAServerError(String payload) throws Exception {
        HttpResponse<String> r = rig.timed("payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8),
                SlackRig.nowSeconds());

        assertThat(r.statusCode()).as(payload + "\n→ " + r.body()).isIn(200, 400, 404);
        if (r.statusCode() == 404) {
            // Bolt's own answer to an action or a form jitbot has no listener for: a refusal, not a failure.
            assertThat(r.body()).isEqualTo("{\"error\":\"no handler found\"}");
        }
        assertThat(r.body()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(rig.store.findByState(List.of(State.ACTIVE, State.ACTIVATING))).isEmpty();
        Statistics.collect(r.statusCode());
    }

    // ------------------------------------------------------------------------------------------------ payloads

    static String click(String actionId, String value, boolean onMessage) {
        JsonObject p = JsonParser.parseString("{\"type\":\"block_actions\",\"team\":{\"id\":\"T0CONTOSO\","
                + "\"domain\":\"contoso\"},\"user\":{\"id\":\"" + TestPolicies.BOB.id() + "\",\"username\":\"bob\","
                + "\"name\":\"bob\",\"team_id\":\"T0CONTOSO\"},\"api_app_id\":\"A0JITBOT\",\"token\":\"t\","
                + "\"trigger_id\":\"1.2.3\"}").getAsJsonObject();
        if (onMessage) {
            p.addProperty("response_url", rig.responseUrl("fuzz"));
            p.add("container", JsonParser.parseString("{\"type\":\"message\",\"message_ts\":\"1.2\","
                    + "\"channel_id\":\"C0APPROVALS\",\"is_ephemeral\":false}"));
            p.add("channel", JsonParser.parseString("{\"id\":\"C0APPROVALS\",\"name\":\"approvals\"}"));
            p.add("message", JsonParser.parseString("{\"type\":\"message\",\"ts\":\"1.2\"}"));
        } else {
            p.add("container", JsonParser.parseString("{\"type\":\"view\",\"view_id\":\"V0HOME\"}"));
        }
        JsonObject action = new JsonObject();
        action.addProperty("action_id", actionId);
        action.addProperty("block_id", "jit-actions");
        action.addProperty("value", value);
        action.addProperty("type", "button");
        action.addProperty("action_ts", "1764079300.000001");
        JsonArray actions = new JsonArray();
        actions.add(action);
        p.add("actions", actions);
        return p.toString();
    }

    static String submission(String callbackId, String metadata, String offer, String duration, String text) {
        String values = "{\"" + RequestForm.OFFER + "\":{\"" + RequestForm.VALUE + "\":{\"type\":\"static_select\","
                + "\"selected_option\":{\"value\":" + new JsonPrimitive(offer) + "}}},"
                + "\"" + RequestForm.DURATION + "\":{\"" + RequestForm.VALUE + "\":{\"type\":\"plain_text_input\","
                + "\"value\":" + new JsonPrimitive(duration) + "}},"
                + "\"" + RequestForm.JUSTIFICATION + "\":{\"" + RequestForm.VALUE + "\":{\"type\":\"plain_text_input\","
                + "\"value\":" + new JsonPrimitive(text) + "}},"
                + "\"" + RequestForm.REASON + "\":{\"" + RequestForm.VALUE + "\":{\"type\":\"plain_text_input\","
                + "\"value\":" + new JsonPrimitive(text) + "}}}";
        return "{\"type\":\"view_submission\",\"team\":{\"id\":\"T0CONTOSO\",\"domain\":\"contoso\"},"
                + "\"user\":{\"id\":\"" + TestPolicies.ALICE.id() + "\",\"username\":\"alice\",\"name\":\"alice\","
                + "\"team_id\":\"T0CONTOSO\"},\"api_app_id\":\"A0JITBOT\",\"token\":\"t\",\"trigger_id\":\"1.2.3\","
                + "\"view\":{\"id\":\"V0FORM\",\"team_id\":\"T0CONTOSO\",\"type\":\"modal\",\"callback_id\":"
                + new JsonPrimitive(callbackId) + ",\"private_metadata\":" + new JsonPrimitive(metadata)
                + ",\"state\":{\"values\":" + values + "}},\"response_urls\":[]}";
    }

    static final List<String> TEXT = List.of("", " ", "JIT-7K3F", "jit-0000", "JIT-", "45m", "0m", "PT-1H", "2h",
            "x".repeat(5000), "\u0000", "\u202Eevil", "\uD800", "\uD83D\uDE00", "<!channel>", "`", "null", "1",
            "0|Contributor|rg-payments", "99|Owner|sub-prod", "-myself-", "because", "request Owner on sub-prod");

    @Provide
    Arbitrary<String> text() {
        return Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(TEXT)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(30)));
    }

    @Provide
    Arbitrary<String> blockActions() {
        Arbitrary<String> actionId = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(Cards.APPROVE, Cards.DENY,
                Cards.REVOKE, Cards.RELEASE, Cards.CANCEL)), Tuple.of(1, text()));
        Arbitrary<String> base = Combinators.combine(actionId, text(), Arbitraries.of(true, false))
                .as(PayloadFuzzIT::click);
        return mutated(base);
    }

    @Provide
    Arbitrary<String> viewSubmissions() {
        Arbitrary<String> callback = Arbitraries.frequencyOf(Tuple.of(4, Arbitraries.of(RequestForm.CALLBACK,
                RequestForm.DENY_CALLBACK)), Tuple.of(1, text()));
        Arbitrary<String> base = Combinators.combine(callback, text(), text(), text(), text())
                .as(PayloadFuzzIT::submission);
        return mutated(base);
    }

    // ------------------------------------------------------------------------------------------------ mutations

    /** Where a mutation strikes (an index into the tree's paths, modulo their count) and what it puts there. */
    record Mutation(int at, int op, JsonElement value, String key) { }

    /** Values of every JSON type; no URL in them points anywhere but nowhere or this machine. */
    static Arbitrary<JsonElement> jsonValues() {
        Arbitrary<JsonElement> scalar = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of(TEXT).map(s -> (JsonElement) new JsonPrimitive(s))),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(12).map(s -> (JsonElement) new JsonPrimitive(s))),
                Tuple.of(1, Arbitraries.of(0, -1, 1.5, 1e300, Long.MAX_VALUE)
                        .map(n -> (JsonElement) new JsonPrimitive(n))),
                Tuple.of(1, Arbitraries.of(true, false).map(b -> (JsonElement) new JsonPrimitive(b))),
                Tuple.of(1, Arbitraries.just((JsonElement) JsonNull.INSTANCE)),
                Tuple.of(1, Arbitraries.of("not a url", "http://127.0.0.1:1/gone", "ftp://127.0.0.1/x", "//x",
                        "http://[::1", "").map(s -> (JsonElement) new JsonPrimitive(s))));
        return Arbitraries.frequencyOf(
                Tuple.of(6, scalar),
                Tuple.of(1, Arbitraries.of("{}", "[]", "[null]", "[{}]", "{\"id\":null}", "{\"value\":{}}",
                        "[\"a\",1]", "{\"selected_option\":null}", "{\"type\":\"button\"}")
                        .map(JsonParser::parseString)));
    }

    static Arbitrary<String> mutated(Arbitrary<String> base) {
        Arbitrary<Mutation> mutation = Combinators.combine(Arbitraries.integers().between(0, 1000),
                Arbitraries.integers().between(0, 3), jsonValues(),
                Arbitraries.of("id", "type", "value", "user", "actions", "view", "state", "values", "extra", ""))
                .as(Mutation::new);
        return Combinators.combine(base, mutation.list().ofMinSize(0).ofMaxSize(4)).as((json, mutations) -> {
            JsonElement tree = JsonParser.parseString(json);
            for (Mutation m : mutations) {
                tree = apply(tree, m);
            }
            return tree.toString();
        });
    }

    private static JsonElement apply(JsonElement root, Mutation m) {
        List<Object[]> slots = new ArrayList<>();
        collect(root, slots);
        if (slots.isEmpty()) {
            return root;
        }
        Object[] slot = slots.get(m.at() % slots.size());
        JsonElement parent = (JsonElement) slot[0];
        Object where = slot[1];
        String key = where instanceof String s ? s : null;
        if (key != null && key.startsWith("response_url")) {
            // Never aim jitbot's answers elsewhere than the fake: retype, drop or break the URL only.
            m = new Mutation(m.at(), m.op() % 2, new JsonPrimitive("http://127.0.0.1:1/gone"), m.key());
        }
        switch (m.op()) {
            case 0 -> remove(parent, where);
            case 1, 2 -> set(parent, where, m.value());
            default -> {
                if (parent instanceof JsonObject o) {
                    o.add(m.key(), m.value());
                } else {
                    parent.getAsJsonArray().add(m.value());
                }
            }
        }
        return root;
    }

    private static void collect(JsonElement e, List<Object[]> slots) {
        if (e instanceof JsonObject o) {
            for (Map.Entry<String, JsonElement> entry : o.entrySet()) {
                slots.add(new Object[] {o, entry.getKey()});
                collect(entry.getValue(), slots);
            }
        } else if (e instanceof JsonArray a) {
            for (int i = 0; i < a.size(); i++) {
                slots.add(new Object[] {a, i});
                collect(a.get(i), slots);
            }
        }
    }

    private static void remove(JsonElement parent, Object where) {
        if (parent instanceof JsonObject o) {
            o.remove((String) where);
        } else {
            parent.getAsJsonArray().remove((int) (Integer) where);
        }
    }

    private static void set(JsonElement parent, Object where, JsonElement value) {
        if (parent instanceof JsonObject o) {
            o.add((String) where, value);
        } else {
            parent.getAsJsonArray().set((Integer) where, value);
        }
    }
}
