package dev.jitbot.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.SlackApiTextResponse;
import com.slack.api.methods.response.chat.ChatPostMessageResponse;
import dev.jitbot.core.app.ChatDeliveryException;
import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.app.Digest;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.BlastRadius;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Text;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * The core's voice in Slack: cards, thread replies and direct messages, one attempt per call (the outbox's workers
 * retry, after {@code Retry-After} on a 429; nothing here sleeps). The core's sentences may carry what people typed,
 * so they are escaped before Slack reads them as mrkdwn: a reason cannot ping {@code <!channel>} or disguise a link.
 */
final class SlackChatNotifier implements ChatNotifier {

    /**
     * Errors about the destination or the message itself: the same call gets the same answer however often it is
     * sent. Token and scope errors ({@code invalid_auth}, {@code token_revoked}, {@code missing_scope}, …) are not
     * here on purpose: they are configuration, and the outbox keeps the messages until an operator fixes the token
     * and restarts, rather than dropping every message sent in the meantime.
     */
    static final Set<String> PERMANENT = Set.of("channel_not_found", "not_in_channel", "is_archived",
            "user_not_found", "users_not_found", "user_disabled", "cannot_dm_bot", "message_not_found", "cant_update_message",
            "msg_too_long", "invalid_blocks", "too_many_attachments", "restricted_action",
            "restricted_action_read_only_channel", "restricted_action_thread_only_channel");

    private final MethodsClient client;
    private final Clock clock;
    private final Function<AccessRequest, BlastRadius> blast;

    /** @param blast the core's blast radius of a request, drawn on every card (null: no line) */
    SlackChatNotifier(MethodsClient client, Clock clock, Function<AccessRequest, BlastRadius> blast) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.blast = Objects.requireNonNull(blast, "blast");
    }

    @Override
    public Platform platform() {
        return Platform.SLACK;
    }

    @Override
    public Optional<MessageRef> postCard(String channelId, AccessRequest request) {
        ChatPostMessageResponse r = once("chat.postMessage (card of " + request.id() + " in " + channelId + ")",
                () -> client.chatPostMessage(q -> q.channel(channelId).text(Cards.fallback(request))
                        .blocks(Cards.card(request, clock.instant(), blast.apply(request)))));
        return Optional.of(new MessageRef(Platform.SLACK, r.getChannel() == null ? channelId : r.getChannel(),
                r.getTs(), MessageRef.CARD));
    }

    @Override
    public void updateCard(MessageRef card, AccessRequest request) {
        once("chat.update (card of " + request.id() + ")", () -> client.chatUpdate(q -> q.channel(card.channel())
                .ts(card.messageId()).text(Cards.fallback(request))
                .blocks(Cards.card(request, clock.instant(), blast.apply(request)))));
    }


    @Override
    public void reply(MessageRef message, Text text) {
        once("chat.postMessage (thread reply in " + message.channel() + ")", () -> client.chatPostMessage(q -> q
                .channel(message.channel()).threadTs(message.messageId()).text(SlackText.mrkdwn(text))));
    }

    @Override
    public void directMessage(ChatUser user, Text text) {
        directMrkdwn(user, SlackText.mrkdwn(text));
    }

    /** A direct message the adapter already wrote as Slack mrkdwn (escaped where it quotes people). */
    void directMrkdwn(ChatUser user, String mrkdwn) {
        if (user.platform() != Platform.SLACK) {
            return;
        }
        String to = user.id();
        if (to.contains("@")) {
            String email = to;
            // A workload's owner named in policy by email only: Slack finds the person (users:read.email).
            // users_not_found is permanent: the work item ends with the log line rather than retrying forever.
            var found = once("users.lookupByEmail (owner to tell)", () -> client.usersLookupByEmail(q -> q.email(email)));
            to = found.getUser().getId();
        }
        String channel = to;
        // A user id as channel posts into the app's DM with that person (the Messages tab of App Home).
        once("chat.postMessage (direct message to " + channel + ")", () -> client.chatPostMessage(q -> q
                .channel(channel).text(mrkdwn)));
    }

    @Override
    public void remind(ChatUser user, AccessRequest request, Text text) {
        if (user.platform() != Platform.SLACK) {
            return;
        }
        once("chat.postMessage (reminder to " + user.id() + ")", () -> client.chatPostMessage(q -> q
                .channel(user.id()).text(SlackText.mrkdwn(text)).blocks(Cards.reminder(request, text.toString()))));
    }

    @Override
    public void postToChannel(String channelId, Text text) {
        once("chat.postMessage (alert in " + channelId + ")", () -> client.chatPostMessage(q -> q
                .channel(channelId).text(":warning: " + SlackText.mrkdwn(text))));
    }

    @Override
    public void alertEveryone(String channelId, Text text) {
        once("chat.postMessage (@here alert in " + channelId + ")", () -> client.chatPostMessage(q -> q
                .channel(channelId).text("<!here> " + SlackText.mrkdwn(text))));
    }

    @Override
    public void postDigest(String channelId, Digest digest) {
        once("chat.postMessage (digest in " + channelId + ")", () -> client.chatPostMessage(q -> q
                .channel(channelId).text(Cards.clip(Cards.esc(digest.title()), Cards.MAX_QUOTE))
                .blocks(Cards.digest(digest))));
    }

    /** One Web API call; may throw what the Slack client throws. */
    @FunctionalInterface
    interface SlackCall<T> {
        T call() throws IOException, SlackApiException;
    }

    /**
     * Makes the call once and says, as a {@link ChatDeliveryException}, whether and when trying again makes sense:
     * a 429 after its {@code Retry-After}, an error in {@link #PERMANENT} never, anything else with backoff.
     */
    static <T extends SlackApiTextResponse> T once(String what, SlackCall<T> call) {
        T response;
        try {
            response = call.call();
        } catch (SlackApiException e) {
            int status = e.getResponse() == null ? 0 : e.getResponse().code();
            if (status == 429) {
                return throwThrottled(what, retryAfter(e));
            }
            String error = e.getError() == null ? null : e.getError().getError();
            if (error != null && PERMANENT.contains(error)) {
                throw ChatDeliveryException.permanent(what + " answered " + error, e);
            }
            throw ChatDeliveryException.transientFailure(what + " failed with HTTP " + status
                    + (error == null ? "" : " (" + error + ")"), e);
        } catch (IOException e) {
            throw ChatDeliveryException.transientFailure(what + " failed: " + e, e);
        }
        if (!response.isOk()) {
            String error = response.getError();
            if ("ratelimited".equals(error)) {
                return throwThrottled(what, Duration.ofSeconds(1));
            }
            if (PERMANENT.contains(error)) {
                throw ChatDeliveryException.permanent(what + " answered " + error, null);
            }
            throw ChatDeliveryException.transientFailure(what + " answered " + error, null);
        }
        return response;
    }

    private static <T> T throwThrottled(String what, Duration wait) {
        throw ChatDeliveryException.throttled(what + ": Slack asked to wait " + wait.toSeconds() + " s", wait);
    }

    /** Slack's {@code Retry-After} in seconds; 1 s when it is missing or unreadable. */
    static Duration retryAfter(SlackApiException e) {
        String header = e.getResponse() == null ? null : e.getResponse().header("Retry-After");
        try {
            long seconds = header == null ? 1 : Long.parseLong(header.strip());
            return Duration.ofSeconds(Math.max(1, seconds));
        } catch (NumberFormatException bad) {
            return Duration.ofSeconds(1);
        }
    }
}
