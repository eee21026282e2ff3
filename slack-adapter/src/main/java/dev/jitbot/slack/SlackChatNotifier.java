package dev.jitbot.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.Platform;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The core's voice in Slack: request cards in the approvals channel ({@code chat.postMessage}, redrawn with
 * {@code chat.update}), confirmations in the card's thread, and direct messages. Everything goes through the
 * per-channel {@link ChannelSender}, so rate limits delay messages but never drop them. The core's sentences are
 * plain text that may carry what people typed (a deny or revoke reason), so they are escaped before Slack reads them
 * as mrkdwn: a reason cannot ping {@code <!channel>} or disguise a link.
 */
final class SlackChatNotifier implements ChatNotifier {

    private static final Logger log = LoggerFactory.getLogger(SlackChatNotifier.class);
    /** How long a new card may wait in its channel's queue before the core goes on without its reference. */
    private static final Duration CARD_WAIT = Duration.ofSeconds(60);

    private final MethodsClient client;
    private final ChannelSender sender;
    private final Clock clock;

    SlackChatNotifier(MethodsClient client, ChannelSender sender, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public Platform platform() {
        return Platform.SLACK;
    }

    @Override
    public Optional<MessageRef> postCard(String channelId, AccessRequest request) {
        CompletableFuture<ChatPostMessageResponse> sent = sender.send(channelId, "card " + request.id(),
                () -> checked(client.chatPostMessage(q -> q.channel(channelId).text(Cards.fallback(request))
                        .blocks(Cards.card(request, clock.instant()))), "chat.postMessage"));
        try {
            ChatPostMessageResponse r = sent.get(CARD_WAIT.toSeconds(), TimeUnit.SECONDS);
            return Optional.of(new MessageRef(Platform.SLACK, r.getChannel() == null ? channelId : r.getChannel(),
                    r.getTs(), MessageRef.CARD));
        } catch (TimeoutException e) {
            // It stays queued and will still be posted; only later redraws of this one card are lost.
            log.warn("card for {} still queued for {} after {} s", request.id(), channelId, CARD_WAIT.toSeconds());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException e) {
            throw new ChannelSender.SlackDeliveryException("could not post the card for " + request.id(), e.getCause());
        }
    }

    @Override
    public void updateCard(MessageRef card, AccessRequest request) {
        sender.send(card.channel(), "update " + request.id(), () -> checked(client.chatUpdate(q -> q
                .channel(card.channel()).ts(card.messageId()).text(Cards.fallback(request))
                .blocks(Cards.card(request, clock.instant()))), "chat.update"))
                .exceptionally(e -> logged("update the card of " + request.id(), e));
    }

    @Override
    public void reply(MessageRef message, String text) {
        sender.send(message.channel(), "thread reply", () -> checked(client.chatPostMessage(q -> q
                .channel(message.channel()).threadTs(message.messageId()).text(Cards.esc(text))), "chat.postMessage"))
                .exceptionally(e -> logged("reply in a thread of " + message.channel(), e));
    }

    @Override
    public void directMessage(ChatUser user, String text) {
        directMrkdwn(user, Cards.esc(text));
    }

    /** A direct message the adapter already wrote as Slack mrkdwn (escaped where it quotes people). */
    void directMrkdwn(ChatUser user, String mrkdwn) {
        if (user.platform() != Platform.SLACK) {
            return;
        }
        // A user id as channel posts into the app's DM with that person (the Messages tab of App Home).
        sender.send(user.id(), "direct message", () -> checked(client.chatPostMessage(q -> q
                .channel(user.id()).text(mrkdwn)), "chat.postMessage"))
                .exceptionally(e -> logged("send a direct message to " + user.id(), e));
    }

    @Override
    public void postToChannel(String channelId, String text) {
        sender.send(channelId, "channel post", () -> checked(client.chatPostMessage(q -> q
                .channel(channelId).text(Cards.esc(text))), "chat.postMessage"))
                .exceptionally(e -> logged("post to " + channelId, e));
    }

    static <T extends SlackApiTextResponse> T checked(T response, String method) {
        if (!response.isOk()) {
            throw new ChannelSender.SlackDeliveryException(method + " answered " + response.getError(), null);
        }
        return response;
    }

    private static <T> T logged(String what, Throwable e) {
        log.warn("could not {}: {}", what, e.toString());
        return null;
    }
}
