package dev.jitbot.core.app;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A report card for a channel, about no request: the scheduled scan's top findings and counts, or the monthly
 * eligibility review. The core writes the words; each adapter only lays them out (Block Kit, Adaptive Card, text).
 *
 * @param title   the card's heading, e.g. "Standing access scan: 3 critical, 1 high"
 * @param facts   short label/value pairs: the counts
 * @param items   the lines that matter most (top findings), most important first; already clipped
 * @param footer  a closing sentence: what to run for the whole report
 */
public record Digest(String title, List<Fact> facts, List<String> items, String footer) {

    private static final ObjectMapper JSON = new ObjectMapper();
    /** The longest a single line may be: chat platforms refuse or fold longer blocks. */
    public static final int MAX_LINE = 400;

    /** One count or setting on the card. */
    public record Fact(String label, String value) {
        public Fact {
            Objects.requireNonNull(label, "label");
            Objects.requireNonNull(value, "value");
        }
    }

    public Digest {
        Objects.requireNonNull(title, "title");
        facts = List.copyOf(facts);
        items = items.stream().map(Digest::clip).toList();
        footer = footer == null ? "" : footer;
    }

    /** The card as plain text, for platforms without cards (the console) and for the message's fallback text. */
    public String text() {
        StringBuilder sb = new StringBuilder(title);
        for (Fact f : facts) {
            sb.append("\n").append(f.label()).append(": ").append(f.value());
        }
        for (String i : items) {
            sb.append("\n• ").append(i);
        }
        if (!footer.isEmpty()) {
            sb.append("\n").append(footer);
        }
        return sb.toString();
    }

    /** How the outbox stores it ({@link Work#text()} of a {@code digest}). */
    public String toJson() {
        ObjectNode o = JSON.createObjectNode().put("title", title).put("footer", footer);
        ArrayNode fs = o.putArray("facts");
        facts.forEach(f -> fs.addObject().put("label", f.label()).put("value", f.value()));
        ArrayNode is = o.putArray("items");
        items.forEach(is::add);
        return o.toString();
    }

    /** Reads {@link #toJson()} back. */
    public static Digest fromJson(String json) {
        try {
            JsonNode n = JSON.readTree(json);
            List<Fact> facts = new ArrayList<>();
            n.path("facts").forEach(f -> facts.add(new Fact(f.path("label").asText(), f.path("value").asText())));
            List<String> items = new ArrayList<>();
            n.path("items").forEach(i -> items.add(i.asText()));
            return new Digest(n.path("title").asText(), facts, items, n.path("footer").asText());
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("not a stored digest: " + e.getOriginalMessage(), e);
        }
    }

    private static String clip(String s) {
        return s.length() <= MAX_LINE ? s : s.substring(0, MAX_LINE - 1) + "…";
    }
}
