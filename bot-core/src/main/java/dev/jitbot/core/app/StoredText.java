package dev.jitbot.core.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Text;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.Locale;

/**
 * A notification's {@link Text} as the outbox stores it (the body of a {@code dm}, {@code thread-reply},
 * {@code alert} or {@code review-remind} item), so the words keep their segments, people included, until a worker
 * delivers them. Version 1 is one JSON object:
 *
 * <pre>{"v":1,"tone":"done","segments":[{"plain":"Approved by "},{"person":{"platform":"SLACK","id":"U0BOB",
 * "displayName":"Bob Jones","email":"bob@contoso.com","aadObjectId":null}},{"command":"release JIT-7K3F"},
 * {"code":"JIT-7K3F"},{"time":"2026-12-01T14:35:00Z","precise":false,"zone":null},{"emphasis":"…"},
 * {"warning":"…"},{"item":true}]}</pre>
 *
 * Rows written by releases before this format hold the sentence as a plain string with backticked commands; they
 * are read as {@link Text#parse(String)}, so an item queued across an upgrade is still delivered as it was meant.
 */
public final class StoredText {

    /** The format written now. */
    public static final int VERSION = 1;

    private static final ObjectMapper JSON = new ObjectMapper();

    private StoredText() {
    }

    /** {@code text} as a version-1 JSON object. */
    public static String write(Text text) {
        ObjectNode o = JSON.createObjectNode().put("v", VERSION).put("tone", text.tone().name().toLowerCase(Locale.ROOT));
        ArrayNode segments = o.putArray("segments");
        for (Text.Segment s : text.segments()) {
            ObjectNode n = segments.addObject();
            if (s instanceof Text.Plain p) {
                n.put("plain", p.text());
            } else if (s instanceof Text.Command c) {
                n.put("command", c.line());
            } else if (s instanceof Text.Code c) {
                n.put("code", c.text());
            } else if (s instanceof Text.Person p) {
                ChatUser u = p.user();
                n.putObject("person").put("platform", u.platform().name()).put("id", u.id())
                        .put("displayName", u.displayName()).put("email", u.email()).put("aadObjectId", u.aadObjectId());
            } else if (s instanceof Text.Time t) {
                n.put("time", t.at().toString()).put("precise", t.precise()).put("zone", t.zone());
            } else if (s instanceof Text.Emphasis e) {
                n.put("emphasis", e.text());
            } else if (s instanceof Text.Warning w) {
                n.put("warning", w.text());
            } else {
                n.put("item", true);
            }
        }
        try {
            return JSON.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * What {@link #write} wrote, or a previous release's plain sentence ({@link Text#parse(String)}). A segment of a
     * kind this release does not know (a newer release's row, read during a rolling upgrade) shows its words plain.
     */
    public static Text read(String stored) {
        JsonNode o = stored == null ? null : json(stored);
        if (o == null || !o.path("v").isInt() || !o.path("segments").isArray()) {
            return Text.parse(stored);
        }
        Text.Builder b = Text.of(tone(o.path("tone").asText()));
        for (JsonNode n : o.get("segments")) {
            if (n.has("plain")) {
                b.plain(n.get("plain").asText());
            } else if (n.has("command")) {
                b.command(n.get("command").asText());
            } else if (n.has("code")) {
                b.code(n.get("code").asText());
            } else if (n.has("person")) {
                b.person(person(n.get("person")));
            } else if (n.has("time") && instant(n.get("time").asText()) == null) {
                b.plain(n.get("time").asText()); // a time this release cannot read still shows, and never throws
            } else if (n.has("time")) {
                Instant at = instant(n.get("time").asText());
                String zone = n.path("zone").isTextual() ? n.get("zone").asText() : null;
                if (zone != null) {
                    b.time(at, zone);
                } else if (n.path("precise").asBoolean()) {
                    b.preciseTime(at);
                } else {
                    b.time(at);
                }
            } else if (n.has("emphasis")) {
                b.emphasis(n.get("emphasis").asText());
            } else if (n.has("warning")) {
                b.warning(n.get("warning").asText());
            } else if (n.has("item")) {
                b.item();
            } else {
                n.fields().forEachRemaining(f -> b.plain(f.getValue().isTextual() ? f.getValue().asText() : ""));
            }
        }
        return b.done();
    }

    private static Instant instant(String text) {
        try {
            return Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static JsonNode json(String stored) {
        if (!stored.startsWith("{\"v\":")) {
            return null;
        }
        try {
            return JSON.readTree(stored);
        } catch (JsonProcessingException e) {
            return null;
        }
    }

    private static Text.Tone tone(String name) {
        try {
            return Text.Tone.valueOf(name.toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException unknown) {
            return Text.Tone.NONE;
        }
    }

    private static ChatUser person(JsonNode n) {
        Platform platform;
        try {
            platform = Platform.valueOf(n.path("platform").asText());
        } catch (IllegalArgumentException unknown) {
            platform = Platform.SYSTEM;
        }
        return new ChatUser(platform, n.path("id").asText("?"), text(n, "displayName"), text(n, "email"),
                text(n, "aadObjectId"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }
}
