package dev.jitbot.core.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import dev.jitbot.core.domain.BundleGrant;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Extension;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.RoleRef;
import dev.jitbot.core.domain.Vote;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The JSON columns of a request (votes, extension, who ended it), written field by field so the stored shape does
 * not change when a domain record grows a method Jackson would take for a property.
 */
final class RowJson {

    static final ObjectMapper MAPPER = new ObjectMapper().registerModule(new JavaTimeModule());

    private RowJson() {
    }

    static String votes(List<Vote> votes) {
        return write(voteArray(votes));
    }

    static List<Vote> votes(String json) {
        return voteList(read(json));
    }

    static String extension(Extension e) {
        if (e == null) {
            return null;
        }
        ObjectNode n = MAPPER.createObjectNode();
        n.put("by", e.by().toString());
        n.put("justification", e.justification());
        n.put("requestedAt", e.requestedAt().toString());
        n.set("votes", voteArray(e.votes()));
        return write(n);
    }

    static Extension extension(String json) {
        if (json == null) {
            return null;
        }
        JsonNode n = read(json);
        return new Extension(Duration.parse(n.get("by").asText()), text(n, "justification"),
                Instant.parse(n.get("requestedAt").asText()), voteList(n.get("votes")));
    }

    static String bundle(BundleGrant b) {
        if (b == null) {
            return null;
        }
        ObjectNode n = MAPPER.createObjectNode();
        n.put("name", b.name());
        ArrayNode members = n.putArray("members");
        for (BundleGrant.Member m : b.members()) {
            ObjectNode o = members.addObject();
            o.put("role", m.role().name());
            o.put("roleDefinitionId", m.role().definitionId());
            o.put("scope", m.scope().id());
            o.put("scopeLabel", m.scopeLabel());
            o.put("rule", m.ruleName());
            o.put("assignmentId", m.assignmentId());
            o.put("refusal", m.refusal());
        }
        return write(n);
    }

    static BundleGrant bundle(String json) {
        if (json == null) {
            return null;
        }
        JsonNode n = read(json);
        List<BundleGrant.Member> members = new ArrayList<>();
        for (JsonNode o : n.get("members")) {
            members.add(new BundleGrant.Member(new RoleRef(o.get("role").asText(), text(o, "roleDefinitionId")),
                    JdbcRequestStore.storedScope(o.get("scope").asText()), text(o, "scopeLabel"), o.get("rule").asText(),
                    text(o, "assignmentId"), text(o, "refusal")));
        }
        return new BundleGrant(n.get("name").asText(), members);
    }

    static String user(ChatUser u) {
        return u == null ? null : write(userNode(u));
    }

    static ChatUser user(String json) {
        return json == null ? null : userOf(read(json));
    }

    private static ArrayNode voteArray(List<Vote> votes) {
        ArrayNode a = MAPPER.createArrayNode();
        for (Vote v : votes) {
            ObjectNode n = a.addObject();
            n.set("voter", userNode(v.voter()));
            n.put("decision", v.decision().name());
            n.put("at", v.at().toString());
            n.put("reason", v.reason());
        }
        return a;
    }

    private static List<Vote> voteList(JsonNode a) {
        List<Vote> out = new ArrayList<>();
        if (a != null) {
            for (JsonNode n : a) {
                out.add(new Vote(userOf(n.get("voter")), Vote.Decision.valueOf(n.get("decision").asText()),
                        Instant.parse(n.get("at").asText()), text(n, "reason")));
            }
        }
        return out;
    }

    private static ObjectNode userNode(ChatUser u) {
        ObjectNode n = MAPPER.createObjectNode();
        n.put("platform", u.platform().name());
        n.put("id", u.id());
        n.put("displayName", u.displayName());
        n.put("email", u.email());
        n.put("aadObjectId", u.aadObjectId());
        return n;
    }

    private static ChatUser userOf(JsonNode n) {
        return new ChatUser(Platform.valueOf(n.get("platform").asText()), n.get("id").asText(), text(n, "displayName"),
                text(n, "email"), text(n, "aadObjectId"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static String write(JsonNode n) {
        try {
            return MAPPER.writeValueAsString(n);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode read(String json) {
        try {
            return MAPPER.readTree(json);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }
}
