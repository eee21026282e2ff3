package dev.jitbot.teams;

import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.bot.schema.Activity;
import com.microsoft.bot.schema.ChannelAccount;
import com.microsoft.bot.schema.ConversationAccount;
import com.microsoft.bot.schema.ConversationReference;
import com.microsoft.bot.schema.Serialization;
import dev.jitbot.core.app.ConversationStore;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Platform;
import java.io.IOException;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps Teams' {@link ConversationReference}s (as the SDK's own JSON) in the core's {@link ConversationStore}, so
 * proactive posts survive a restart. Keys: the conversation id (a channel id without its {@code ;messageid=} thread
 * suffix), {@code user:<aadObjectId>} for the personal chat with one person, and {@code tenant:last} for the
 * most recent conversation (its service URL and tenant are what opening a new personal chat needs).
 */
final class ConversationRefs {

    private static final Logger log = LoggerFactory.getLogger(ConversationRefs.class);
    static final String PERSONAL = "personal";
    /** The last conversation seen: its service URL, bot account and tenant open new personal chats. */
    static final String TENANT_KEY = "tenant:last";

    private final ConversationStore store;

    ConversationRefs(ConversationStore store) {
        this.store = store;
    }

    /**
     * Remembers where {@code activity} came from, under every key a later post may need. {@code sender} is who the
     * roster says sent it (null when that is not known): only then is a personal chat filed under their Entra
     * object id, and the reference carries the roster's account, not the one the activity claims.
     */
    void remember(Activity activity, ChatUser sender) {
        if (activity.getConversation() == null || activity.getConversation().getId() == null
                || activity.getServiceUrl() == null) {
            return;
        }
        ConversationReference ref = activity.getConversationReference();
        ref.setActivityId(null);
        String conversationId = baseId(activity.getConversation().getId());
        ref.setConversation(withId(activity.getConversation(), conversationId));
        ChannelAccount user = new ChannelAccount(activity.getFrom() == null ? null : activity.getFrom().getId());
        if (sender != null) {
            user = new ChannelAccount(sender.id(), sender.displayName());
            user.setAadObjectId(sender.aadObjectId());
        }
        ref.setUser(user);
        save(conversationId, ref);
        // Where this tenant's connector lives: enough to open a personal chat with someone we have not met yet.
        save(TENANT_KEY, ref);
        if (sender != null && sender.aadObjectId() != null
                && PERSONAL.equals(activity.getConversation().getConversationType())) {
            save(userKey(sender.aadObjectId()), ref);
        }
    }

    Optional<ConversationReference> find(String key) {
        Optional<String> json = store.find(Platform.TEAMS, key);
        if (json.isEmpty()) {
            return Optional.empty();
        }
        try {
            JsonNode tree = Serialization.jsonToTree(json.get());
            return Optional.ofNullable(Serialization.treeToValue(tree, ConversationReference.class));
        } catch (IOException | RuntimeException e) {
            log.warn("stored conversation reference {} is not readable: {}", key, e.toString());
            return Optional.empty();
        }
    }

    /**
     * The reference for posting a new message into {@code conversationId} (a channel, group or personal chat).
     * A Teams channel jitbot has not heard from (a team install only reports the General channel) is reached
     * through the connector of the last conversation seen: Teams accepts posts to any channel of a team the bot
     * is installed in, and answers 403 otherwise.
     */
    Optional<ConversationReference> forConversation(String conversationId) {
        String base = baseId(conversationId);
        Optional<ConversationReference> known = find(base);
        if (known.isEmpty() && base.startsWith("19:") && base.contains("@thread")) {
            known = find(TENANT_KEY).map(ref -> {
                ConversationAccount channel = withId(ref.getConversation(), base);
                channel.setConversationType("channel");
                channel.setIsGroup(true);
                channel.setName(null);
                ref.setConversation(channel);
                ref.setUser(null);
                log.info("teams: no reference stored for {}; posting through the connector of the last conversation",
                        base);
                return ref;
            });
        }
        return known.map(ref -> {
            ref.setConversation(withId(ref.getConversation(), base));
            return ref;
        });
    }

    /** Remembers a personal chat jitbot opened itself. */
    void rememberPersonal(String aadObjectId, ConversationReference ref) {
        save(userKey(aadObjectId), ref);
    }

    static String userKey(String aadObjectId) {
        return "user:" + aadObjectId.strip().toLowerCase(java.util.Locale.ROOT);
    }

    /** {@code 19:x@thread.tacv2;messageid=17} (a reply thread) → {@code 19:x@thread.tacv2} (the channel). */
    static String baseId(String conversationId) {
        int semi = conversationId.indexOf(";messageid=");
        return semi < 0 ? conversationId : conversationId.substring(0, semi);
    }

    private void save(String key, ConversationReference ref) {
        try {
            store.save(Platform.TEAMS, key, Serialization.toString(ref));
        } catch (IOException | RuntimeException e) {
            log.warn("could not store the conversation reference {}: {}", key, e.toString());
        }
    }

    private static ConversationAccount withId(ConversationAccount original, String id) {
        ConversationAccount copy = original == null ? new ConversationAccount() : ConversationAccount.clone(original);
        if (original != null) {
            copy.setTenantId(original.getTenantId()); // SDK quirk: ConversationAccount.clone drops the tenant id
        }
        copy.setId(id);
        return copy;
    }
}
