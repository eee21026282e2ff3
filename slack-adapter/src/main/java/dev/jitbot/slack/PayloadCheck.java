package dev.jitbot.slack;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The shape of a signed request body, checked before Bolt parses it: Bolt answers a payload it cannot read with an
 * exception (a block_actions without {@code user} is a NullPointerException and a 500) or logs the body whole
 * ("No request pattern detected for …"). What passes here is a body Bolt and jitbot's listeners can read; what
 * fails gets a 400 naming the problem, without repeating the body.
 */
final class PayloadCheck {

    /** The JSON bodies of the Events API that Bolt recognises. */
    private static final Set<String> EVENT_TYPES = Set.of("url_verification", "event_callback");
    /** The {@code payload} types of interactivity that Bolt recognises; every one of them names the user. */
    private static final Set<String> INTERACTION_TYPES = Set.of("block_actions", "block_suggestion",
            "view_submission", "view_closed", "shortcut", "message_action", "interactive_message",
            "dialog_submission", "dialog_cancellation", "dialog_suggestion", "workflow_step_edit");

    private PayloadCheck() {
    }

    /** Empty when Bolt can take {@code body}; otherwise why not, in a few words that do not quote it. */
    static Optional<String> problem(String body) {
        String trimmed = body.strip();
        if (trimmed.startsWith("{")) {
            return json(trimmed).map(PayloadCheck::event).orElse(Optional.of("the body is not a JSON object"));
        }
        Map<String, String> form;
        try {
            form = form(body);
        } catch (IllegalArgumentException e) {
            return Optional.of("the body is not URL-encoded form data");
        }
        if (form.containsKey("payload")) {
            return json(form.get("payload")).map(PayloadCheck::interaction)
                    .orElse(Optional.of("payload is not a JSON object"));
        }
        if (form.containsKey("command")) {
            return blank(form.get("user_id")) ? Optional.of("a slash command without user_id") : Optional.empty();
        }
        if (form.containsKey("ssl_check")) {
            return Optional.empty();
        }
        return Optional.of("neither an event, an interaction nor a slash command");
    }

    private static Optional<String> event(JsonObject o) {
        String type = string(o, "type");
        if (type == null) {
            return Optional.of("an event without type");
        }
        if (!EVENT_TYPES.contains(type)) {
            return Optional.of("an event of an unknown type");
        }
        if (type.equals("event_callback") && (!(o.get("event") instanceof JsonObject e) || string(e, "type") == null)) {
            return Optional.of("an event_callback without event.type");
        }
        return Optional.empty();
    }

    private static Optional<String> interaction(JsonObject p) {
        String type = string(p, "type");
        if (type == null) {
            return Optional.of("payload without type");
        }
        if (!INTERACTION_TYPES.contains(type)) {
            return Optional.of("payload of an unknown type");
        }
        if (!(p.get("user") instanceof JsonObject user) || blank(string(user, "id"))) {
            return Optional.of(type + " without user.id");
        }
        if (type.equals("block_actions")) {
            if (!(p.get("actions") instanceof JsonArray actions) || actions.isEmpty()
                    || !(actions.get(0) instanceof JsonObject first) || string(first, "action_id") == null) {
                return Optional.of("block_actions without actions[0].action_id");
            }
        }
        if (type.equals("view_submission") || type.equals("view_closed")) {
            if (!(p.get("view") instanceof JsonObject view) || string(view, "callback_id") == null) {
                return Optional.of(type + " without view.callback_id");
            }
            if (type.equals("view_submission") && !(view.get("state") instanceof JsonObject state
                    && state.get("values") instanceof JsonObject)) {
                return Optional.of("view_submission without view.state.values");
            }
        }
        return Optional.empty();
    }

    private static Optional<JsonObject> json(String text) {
        try {
            JsonElement e = JsonParser.parseString(text);
            return e instanceof JsonObject o ? Optional.of(o) : Optional.empty();
        } catch (JsonParseException | IllegalStateException e) {
            return Optional.empty();
        }
    }

    /** Strict decoding: a bad %-escape anywhere is an error, as it is for Bolt's slash command parser. */
    private static Map<String, String> form(String body) {
        Map<String, String> fields = new LinkedHashMap<>();
        for (String pair : body.split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            fields.putIfAbsent(name, value);
        }
        return fields;
    }

    private static String string(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }
}
