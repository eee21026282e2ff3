package dev.jitbot.teams;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.bot.builder.BotFrameworkAdapter;
import com.microsoft.bot.connector.ConnectorClient;
import com.microsoft.bot.restclient.RestException;
import com.microsoft.bot.schema.Activity;
import com.microsoft.bot.schema.ChannelAccount;
import com.microsoft.bot.schema.ConversationAccount;
import com.microsoft.bot.schema.ConversationParameters;
import com.microsoft.bot.schema.ConversationResourceResponse;
import com.microsoft.bot.schema.ConversationReference;
import com.microsoft.bot.schema.ResourceResponse;
import com.microsoft.bot.schema.Serialization;
import com.microsoft.bot.schema.TextFormatTypes;
import dev.jitbot.core.app.ChatDeliveryException;
import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Text;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts and redraws request cards in Teams, proactively: every call continues a conversation from a stored
 * {@link ConversationReference} (so it works after a restart) and talks to the connector of that conversation's
 * service URL with the bot's bearer token. Each call is one attempt: the outbox's workers retry what Teams did not
 * take (after {@code Retry-After} on a 429), so nothing here waits or sleeps.
 */
final class TeamsChatNotifier implements ChatNotifier {

    private static final Logger log = LoggerFactory.getLogger(TeamsChatNotifier.class);
    private static final long TURN_TIMEOUT_SECONDS = 60;

    private final BotFrameworkAdapter adapter;
    private final String appId;
    private final ConversationRefs refs;
    private final CardViews views;

    TeamsChatNotifier(BotFrameworkAdapter adapter, String appId, ConversationRefs refs, CardViews views) {
        this.adapter = adapter;
        this.appId = appId;
        this.refs = refs;
        this.views = views;
    }

    @Override
    public Platform platform() {
        return Platform.TEAMS;
    }

    @Override
    public Optional<MessageRef> postCard(String channelId, AccessRequest request) {
        Optional<ConversationReference> ref = refs.forConversation(channelId);
        if (ref.isEmpty()) {
            log.warn("teams: no conversation reference for {}, so the card of {} was not posted there; add jitbot "
                    + "to that team (or say something to it in that channel) once", channelId, request.id());
            return Optional.empty();
        }
        String conversationId = ref.get().getConversation().getId();
        ResourceResponse posted = within(ref.get(), connector -> {
            Activity card = message(ref.get());
            card.setAttachments(List.of(Cards.attachment(views.base(connector, conversationId, request))));
            card.setSummary(request.label() + " requested by " + request.requester().displayName());
            return join(connector.getConversations().sendToConversation(conversationId, card));
        });
        if (posted == null || posted.getId() == null || posted.getId().isBlank()) {
            throw new IllegalStateException("Teams accepted the card of " + request.id() + " but returned no id");
        }
        return Optional.of(new MessageRef(Platform.TEAMS, conversationId, posted.getId(), MessageRef.CARD));
    }

    @Override
    public void updateCard(MessageRef card, AccessRequest request) {
        ConversationReference ref = required(card.channel());
        within(ref, connector -> {
            Activity update = message(ref);
            update.setId(card.messageId());
            update.setAttachments(List.of(Cards.attachment(views.base(connector, card.channel(), request))));
            return join(connector.getConversations().updateActivity(card.channel(), card.messageId(), update));
        });
    }

    @Override
    public void reply(MessageRef message, Text text) {
        ConversationReference ref = required(message.channel());
        within(ref, connector -> {
            Activity reply = text(ref, TeamsText.markdown(text));
            reply.setReplyToId(message.messageId());
            return join(connector.getConversations().replyToActivity(message.channel(), message.messageId(), reply));
        });
    }

    @Override
    public void directMessage(ChatUser user, Text text) {
        direct(user, ref -> text(ref, TeamsText.markdown(text)));
    }

    /** The reminder before a grant ends as a card with Action.Execute buttons: Extend 30m and Release now. */
    @Override
    public void remind(ChatUser user, AccessRequest request, Text text) {
        direct(user, ref -> {
            Activity a = message(ref);
            a.setAttachments(List.of(Cards.attachment(Cards.reminder(request, text.toString()))));
            return a;
        });
    }

    private void direct(ChatUser user, Function<ConversationReference, Activity> build) {
        if (user.aadObjectId() == null) {
            log.warn("teams: cannot message {} directly: no Entra object id", user.key());
            return;
        }
        Optional<ConversationReference> ref = refs.find(ConversationRefs.userKey(user.aadObjectId()));
        if (ref.isPresent()) {
            String conversationId = ref.get().getConversation().getId();
            within(ref.get(), connector -> join(connector.getConversations()
                    .sendToConversation(conversationId, build.apply(ref.get()))));
            return;
        }
        openPersonalChat(user, build);
    }

    /**
     * Teams' proactive 1:1: creates the personal chat (the app must be installed for the person; Teams answers 403
     * otherwise) through the connector of the last conversation seen, then remembers it.
     */
    private void openPersonalChat(ChatUser user, Function<ConversationReference, Activity> build) {
        ConversationReference known = refs.find(ConversationRefs.TENANT_KEY).orElseThrow(() ->
                new IllegalStateException("no Teams conversation seen yet, so no personal chat with " + user.key()
                        + " can be opened"));
        String tenantId = known.getConversation() == null ? null : known.getConversation().getTenantId();
        within(known, connector -> {
            ConversationParameters params = new ConversationParameters();
            params.setIsGroup(false);
            params.setBot(known.getBot());
            params.setMembers(List.of(new ChannelAccount(user.id(), user.displayName())));
            params.setTenantId(tenantId);
            // A Jackson tree, not Map.of: the SDK's serializer reflects into JDK-internal immutable maps and fails.
            ObjectNode channelData = Serialization.createObjectNode();
            channelData.putObject("tenant").put("id", tenantId == null ? "" : tenantId);
            params.setChannelData(channelData);
            ConversationResourceResponse created = join(connector.getConversations().createConversation(params));
            ConversationReference personal = ConversationReference.clone(known);
            ConversationAccount chat = new ConversationAccount();
            chat.setId(created.getId());
            chat.setConversationType(ConversationRefs.PERSONAL);
            chat.setTenantId(tenantId);
            personal.setConversation(chat);
            ChannelAccount member = new ChannelAccount(user.id(), user.displayName());
            member.setAadObjectId(user.aadObjectId());
            personal.setUser(member);
            personal.setActivityId(null);
            if (created.getServiceUrl() != null && !created.getServiceUrl().isBlank()) {
                personal.setServiceUrl(created.getServiceUrl());
            }
            refs.rememberPersonal(user.aadObjectId(), personal);
            return join(connector.getConversations().sendToConversation(created.getId(), build.apply(personal)));
        });
    }

    @Override
    public void postToChannel(String channelId, Text text) {
        ConversationReference ref = required(channelId);
        String conversationId = ref.getConversation().getId();
        // An alert that needs a human: Teams shows the emoji itself (a Slack :shortcode: would show as typed).
        within(ref, connector -> join(connector.getConversations().sendToConversation(conversationId,
                text(ref, "\u26A0\uFE0F " + TeamsText.markdown(text)))));
    }

    /** The report card as an Adaptive Card in the channel; like a request card, it needs jitbot added to the team. */
    @Override
    public void postDigest(String channelId, dev.jitbot.core.app.Digest digest) {
        Optional<ConversationReference> ref = refs.forConversation(channelId);
        if (ref.isEmpty()) {
            log.warn("teams: no conversation reference for {}, so the digest \"{}\" was not posted there; add jitbot "
                    + "to that team (or say something to it in that channel) once", channelId, digest.title());
            return;
        }
        String conversationId = ref.get().getConversation().getId();
        within(ref.get(), connector -> {
            Activity card = message(ref.get());
            card.setAttachments(List.of(Cards.attachment(Cards.digest(digest))));
            card.setSummary(digest.title());
            return join(connector.getConversations().sendToConversation(conversationId, card));
        });
    }

    private ConversationReference required(String conversationId) {
        return refs.forConversation(conversationId).orElseThrow(() -> new IllegalStateException(
                "no stored Teams conversation reference for " + conversationId));
    }

    /**
     * Runs {@code work} once in a proactive turn of {@code ref}'s conversation, with its authenticated connector, and
     * says as a {@link ChatDeliveryException} whether trying again makes sense. Teams throttles with 429 and
     * Retry-After (a throttled request was not carried out, so it is safe to send again); 403 and 404 mean the
     * conversation is gone or the bot was removed from it, which no retry fixes. A 401 stays retryable: it is the
     * bot's credentials, which an operator fixes.
     */
    private <T> T within(ConversationReference ref, Function<ConnectorClient, T> work) {
        try {
            return once(ref, work);
        } catch (RestException e) {
            int status = e.response() == null ? 0 : e.response().code();
            String what = "Teams answered HTTP " + status + " from " + ref.getServiceUrl();
            if (status == 429) {
                throw ChatDeliveryException.throttled(what, retryAfter(e));
            }
            if (status == 400 || status == 403 || status == 404 || status == 410 || status == 413) {
                throw ChatDeliveryException.permanent(what, e);
            }
            throw ChatDeliveryException.transientFailure(what, e);
        } catch (ChatDeliveryException e) {
            throw e;
        } catch (RuntimeException e) {
            throw ChatDeliveryException.transientFailure("talking to Teams at " + ref.getServiceUrl() + " failed: "
                    + e.getClass().getSimpleName(), e);
        }
    }

    /** A 429's {@code Retry-After} in seconds; 1 s when it is missing or an HTTP date. */
    static Duration retryAfter(RestException e) {
        String header = e.response() == null ? null : e.response().headers().get("Retry-After");
        if (header != null) {
            try {
                return Duration.ofSeconds(Math.max(1, Long.parseLong(header.strip())));
            } catch (NumberFormatException ignored) {
                // an HTTP date or garbage: one second, and the outbox backs off from there
            }
        }
        return Duration.ofSeconds(1);
    }

    private <T> T once(ConversationReference ref, Function<ConnectorClient, T> work) {
        AtomicReference<T> out = new AtomicReference<>();
        CompletableFuture<Void> turn = adapter.continueConversation(appId, ref, ctx -> {
            ConnectorClient connector = ctx.getTurnState().get(BotFrameworkAdapter.CONNECTOR_CLIENT_KEY);
            out.set(work.apply(connector));
            return CompletableFuture.completedFuture(null);
        });
        join(turn);
        return out.get();
    }

    static <T> T join(CompletableFuture<T> f) {
        try {
            return f.get(TURN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while talking to Teams", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                    && cause.getCause() != null) {
                cause = cause.getCause();
            }
            throw cause instanceof RuntimeException re ? re : new IllegalStateException(String.valueOf(cause), cause);
        } catch (TimeoutException e) {
            throw new IllegalStateException("Teams did not answer within " + TURN_TIMEOUT_SECONDS + " s", e);
        }
    }

    private static Activity message(ConversationReference ref) {
        Activity a = Activity.createMessageActivity();
        a.setChannelId(ref.getChannelId());
        a.setServiceUrl(ref.getServiceUrl());
        a.setConversation(ref.getConversation());
        a.setFrom(ref.getBot());
        return a;
    }

    private static Activity text(ConversationReference ref, String text) {
        Activity a = message(ref);
        a.setText(text);
        a.setTextFormat(TextFormatTypes.MARKDOWN);
        return a;
    }
}
