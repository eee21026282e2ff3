package dev.jitbot.teams;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.bot.connector.ConnectorClient;
import com.microsoft.bot.schema.ChannelAccount;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Platform;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who people are in Teams: the connector's roster gives each member's email (or UPN), which is how policy.yaml
 * names people. Look-ups are cached for a few minutes; when the roster cannot be read the person is still known
 * by their Teams id and Entra object id (policy may list either), just without an email.
 */
final class Roster {

    private static final Logger log = LoggerFactory.getLogger(Roster.class);
    private static final Duration TTL = Duration.ofMinutes(10);
    private static final long CALL_TIMEOUT_SECONDS = 10;

    private record Cached<T>(T value, Instant until) { }

    private final Clock clock;
    private final Map<String, Cached<String>> emails = new ConcurrentHashMap<>();
    private final Map<String, Cached<List<ChatUser>>> members = new ConcurrentHashMap<>();

    Roster(Clock clock) {
        this.clock = clock;
    }

    /** The chat user behind {@code from}, with their email from the roster of {@code conversationId} if it answers. */
    ChatUser user(ConnectorClient connector, String conversationId, ChannelAccount from) {
        String email = null;
        Cached<String> hit = emails.get(from.getId());
        if (hit != null && clock.instant().isBefore(hit.until())) {
            email = hit.value();
        } else if (connector != null && conversationId != null) {
            try {
                ChannelAccount member = connector.getConversations()
                        .getConversationMember(from.getId(), conversationId)
                        .get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS);
                email = emailOf(member);
                emails.put(from.getId(), new Cached<>(email == null ? "" : email, clock.instant().plus(TTL)));
            } catch (Exception e) {
                log.info("teams roster: no member record for {} in {} ({}); continuing without an email",
                        from.getId(), conversationId, e.toString());
            }
        }
        return new ChatUser(Platform.TEAMS, from.getId(), from.getName(), email == null || email.isEmpty() ? null : email,
                from.getAadObjectId());
    }

    /** Everyone in {@code conversationId} (a channel: the team's members), empty if the roster cannot be read. */
    List<ChatUser> members(ConnectorClient connector, String conversationId) {
        Cached<List<ChatUser>> hit = members.get(conversationId);
        if (hit != null && clock.instant().isBefore(hit.until())) {
            return hit.value();
        }
        List<ChatUser> users = new ArrayList<>();
        try {
            for (ChannelAccount m : connector.getConversations().getConversationMembers(conversationId)
                    .get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                if (m.getId() == null || m.getId().isBlank()) {
                    continue;
                }
                String email = emailOf(m);
                users.add(new ChatUser(Platform.TEAMS, m.getId(), m.getName(), email, aadOf(m)));
                emails.put(m.getId(), new Cached<>(email == null ? "" : email, clock.instant().plus(TTL)));
            }
        } catch (Exception e) {
            log.info("teams roster: members of {} unreadable ({}); cards show their buttons to everyone",
                    conversationId, e.toString());
            return List.of();
        }
        List<ChatUser> result = List.copyOf(users);
        members.put(conversationId, new Cached<>(result, clock.instant().plus(TTL)));
        return result;
    }

    private static String emailOf(ChannelAccount member) {
        if (member == null) {
            return null;
        }
        for (String key : List.of("email", "userPrincipalName")) {
            JsonNode v = member.getProperties().get(key);
            if (v != null && v.isTextual() && v.asText().contains("@")) {
                return v.asText();
            }
        }
        return null;
    }

    private static String aadOf(ChannelAccount member) {
        if (member.getAadObjectId() != null) {
            return member.getAadObjectId();
        }
        JsonNode v = member.getProperties().get("objectId");
        return v != null && v.isTextual() ? v.asText() : null;
    }
}
