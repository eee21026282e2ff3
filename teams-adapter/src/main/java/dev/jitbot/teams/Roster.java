package dev.jitbot.teams;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.bot.connector.ConnectorClient;
import com.microsoft.bot.schema.Activity;
import com.microsoft.bot.schema.ChannelAccount;
import com.microsoft.bot.schema.Serialization;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Platform;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who people are in Teams, as the connector's roster says: the sender of a turn is the roster member for
 * {@code from.id} in the activity's tenant, and that record (never the activity's own {@code aadObjectId},
 * {@code name} or tenant) is what the core gets. Member records are cached for a few minutes, in a bounded cache;
 * when the roster cannot be read the sender is not known at all, and the turn is refused.
 */
final class Roster {

    private static final Logger log = LoggerFactory.getLogger(Roster.class);
    static final Duration TTL = Duration.ofMinutes(5);
    static final int MAX_PEOPLE = 5_000;
    static final int MAX_CONVERSATIONS = 500;
    private static final long CALL_TIMEOUT_SECONDS = 10;

    /** Who sent a turn, or why that is not settled; only {@link Known} may reach the core. */
    sealed interface Identity {

        /** The roster's member for {@code from.id}, and nothing the activity contradicted. */
        record Known(ChatUser user) implements Identity { }

        /**
         * The activity claims something about its sender (Entra object id, tenant, id) that the roster contradicts:
         * refused and audited.
         */
        record Contradicted(String fromId, String details) implements Identity { }

        /** The roster could not be read, so the sender is not known: refused, never guessed from the activity. */
        record Unconfirmed(String fromId, String reason) implements Identity { }
    }

    /** One member record as the connector gave it. */
    private record Member(String id, String name, String email, String aadObjectId, String tenantId) { }

    private record Cached<T>(T value, Instant until) { }

    private final Clock clock;
    private final Map<String, Cached<Member>> people = bounded(MAX_PEOPLE);
    private final Map<String, Cached<List<ChatUser>>> members = bounded(MAX_CONVERSATIONS);

    Roster(Clock clock) {
        this.clock = clock;
    }

    /**
     * The sender of {@code activity} as {@code connector}'s roster knows them (the {@code TeamsInfo.getMember}
     * look-up: {@code GET v3/conversations/{conversation}/members/{from.id}}). The connector is the one at the
     * activity's serviceUrl, which the Bot Framework token binds.
     */
    Identity identify(ConnectorClient connector, Activity activity) {
        String fromId = activity.getFrom() == null ? null : activity.getFrom().getId();
        if (fromId == null || fromId.isBlank()) {
            return new Identity.Unconfirmed(String.valueOf(fromId), "the activity names no sender");
        }
        String conversationTenant = activity.getConversation() == null ? null
                : blankToNull(activity.getConversation().getTenantId());
        String channelDataTenant = channelDataTenant(activity);
        if (conversationTenant != null && channelDataTenant != null
                && !conversationTenant.equalsIgnoreCase(channelDataTenant)) {
            return new Identity.Contradicted(fromId, "the activity names two tenants: conversation.tenantId "
                    + shown(conversationTenant) + ", channelData.tenant.id " + shown(channelDataTenant));
        }
        String tenant = conversationTenant != null ? conversationTenant : channelDataTenant;
        String conversationId = activity.getConversation() == null || activity.getConversation().getId() == null
                ? null : ConversationRefs.baseId(activity.getConversation().getId());

        String key = (tenant == null ? "" : tenant.toLowerCase(Locale.ROOT)) + "|" + fromId;
        Member member = fresh(people.get(key));
        if (member == null) {
            if (connector == null || conversationId == null) {
                return new Identity.Unconfirmed(fromId, "no connector or conversation to ask");
            }
            try {
                member = memberOf(connector.getConversations().getConversationMember(fromId, conversationId)
                        .get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Identity.Unconfirmed(fromId, "interrupted while reading the roster");
            } catch (Exception e) {
                return new Identity.Unconfirmed(fromId, "the member look-up of " + shown(fromId) + " in "
                        + shown(conversationId) + " failed: " + shown(e.toString()));
            }
            if (member == null || member.id() == null) {
                return new Identity.Unconfirmed(fromId, "the roster of " + shown(conversationId)
                        + " has no record for " + shown(fromId));
            }
            if (!member.id().equals(fromId)) {
                // Teams also resolves a member by Entra object id: from.id must be the roster id itself.
                return new Identity.Contradicted(fromId, "from.id " + shown(fromId) + " is not a roster id; the "
                        + "roster answered for " + shown(member.id()));
            }
            people.put(key, new Cached<>(member, clock.instant().plus(TTL)));
        }

        if (tenant != null && member.tenantId() != null && !tenant.equalsIgnoreCase(member.tenantId())) {
            return new Identity.Contradicted(fromId, "the activity's tenant " + shown(tenant) + " is not the "
                    + "member's " + shown(member.tenantId()));
        }
        String claimed = blankToNull(activity.getFrom().getAadObjectId());
        if (claimed != null && (member.aadObjectId() == null || !claimed.equalsIgnoreCase(member.aadObjectId()))) {
            return new Identity.Contradicted(fromId, "the activity claims Entra object id " + shown(claimed)
                    + " for " + shown(fromId) + "; the roster has " + (member.aadObjectId() == null ? "none"
                    : shown(member.aadObjectId())) + " (tenant " + shown(tenant) + ", conversation "
                    + shown(conversationId) + ")");
        }
        return new Identity.Known(new ChatUser(Platform.TEAMS, member.id(), member.name(), member.email(),
                member.aadObjectId()));
    }

    /** Everyone in {@code conversationId} (a channel: the team's members), empty if the roster cannot be read. */
    List<ChatUser> members(ConnectorClient connector, String conversationId) {
        List<ChatUser> hit = fresh(members.get(conversationId));
        if (hit != null) {
            return hit;
        }
        List<ChatUser> users = new ArrayList<>();
        try {
            for (ChannelAccount m : connector.getConversations().getConversationMembers(conversationId)
                    .get(CALL_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                Member member = memberOf(m);
                if (member == null || member.id() == null || member.id().isBlank()) {
                    continue;
                }
                users.add(new ChatUser(Platform.TEAMS, member.id(), member.name(), member.email(),
                        member.aadObjectId()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } catch (Exception e) {
            log.info("teams roster: members of {} unreadable ({}); cards show their buttons to everyone",
                    conversationId, e.toString());
            return List.of();
        }
        List<ChatUser> result = List.copyOf(users);
        members.put(conversationId, new Cached<>(result, clock.instant().plus(TTL)));
        return result;
    }

    private <T> T fresh(Cached<T> hit) {
        return hit != null && clock.instant().isBefore(hit.until()) ? hit.value() : null;
    }

    private static Member memberOf(ChannelAccount m) {
        if (m == null) {
            return null;
        }
        return new Member(blankToNull(m.getId()), blankToNull(m.getName()), emailOf(m), aadOf(m),
                text(m, "tenantId"));
    }

    private static String emailOf(ChannelAccount member) {
        for (String key : List.of("email", "userPrincipalName")) {
            String v = text(member, key);
            if (v != null && v.contains("@")) {
                return v;
            }
        }
        return null;
    }

    private static String aadOf(ChannelAccount member) {
        return member.getAadObjectId() != null ? blankToNull(member.getAadObjectId()) : text(member, "objectId");
    }

    private static String text(ChannelAccount member, String key) {
        JsonNode v = member.getProperties().get(key);
        return v != null && v.isTextual() ? blankToNull(v.asText()) : null;
    }

    private static String channelDataTenant(Activity activity) {
        if (activity.getChannelData() == null) {
            return null;
        }
        JsonNode id = Serialization.objectToTree(activity.getChannelData()).path("tenant").path("id");
        return id.isTextual() ? blankToNull(id.asText()) : null;
    }

    /** An activity's value fit for a log line or audit detail: no control characters, at most 120 characters. */
    static String shown(String value) {
        if (value == null) {
            return "none";
        }
        String clean = value.codePoints().map(c -> Character.isISOControl(c) ? '?' : c)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        return clean.length() <= 120 ? clean : clean.substring(0, 120) + "…";
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }

    /** A map that forgets its least recently used entry beyond {@code max}: no one can grow it without bound. */
    private static <V> Map<String, V> bounded(int max) {
        return Collections.synchronizedMap(new LinkedHashMap<>(64, 0.75f, true) {
            private static final long serialVersionUID = 1L;

            @Override
            protected boolean removeEldestEntry(Map.Entry<String, V> eldest) {
                return size() > max;
            }
        });
    }
}
