package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Text;
import java.util.Optional;

/**
 * Posts and updates what people see in one chat platform. The core decides when; the adapter decides how a
 * request looks (Block Kit, Adaptive Card, console text). Every sentence arrives as the core's {@link Text}, which
 * the adapter draws with its one {@link Text.Style} (a person as a mention where the platform has one, else by
 * name). Delivery failures are the adapter's to retry and log; they never undo a transition.
 */
public interface ChatNotifier {

    Platform platform();

    /** Posts the request card to a channel (the platform's channel id); returns where it went. */
    Optional<MessageRef> postCard(String channelId, AccessRequest request);

    /** Redraws a card posted earlier to match the request's current state. */
    void updateCard(MessageRef card, AccessRequest request);

    /** Replies in the thread of a message posted earlier. */
    void reply(MessageRef message, Text text);

    /** Sends a person a direct message. */
    void directMessage(ChatUser user, Text text);

    /**
     * Reminds the requester that {@code request} ends soon, with a way to extend it by 30 minutes and to release it
     * now ({@code text} is the sentence to show). Platforms without buttons send the commands instead.
     */
    default void remind(ChatUser user, AccessRequest request, Text text) {
        directMessage(user, Text.of(text.tone()).text(text).plain(" ").command("extend " + request.id() + " 30m")
                .plain(" · ").command("release " + request.id()).done());
    }

    /** Posts a message to a channel that calls on everyone there ({@code @here} where the platform has it). */
    default void alertEveryone(String channelId, Text text) {
        postToChannel(channelId, text);
    }

    /** Posts a plain message to a channel: alerts that need a human. */
    void postToChannel(String channelId, Text text);

    /**
     * Posts a report card (the scheduled scan's digest, the eligibility review) to a channel. Platforms with cards
     * lay it out; the default posts its text.
     */
    default void postDigest(String channelId, Digest digest) {
        postToChannel(channelId, Text.parse(digest.text()));
    }
}
