package dev.jitbot.teams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.microsoft.bot.builder.ActivityHandler;
import com.microsoft.bot.builder.BotFrameworkAdapter;
import com.microsoft.bot.builder.InvokeResponse;
import com.microsoft.bot.builder.MessageFactory;
import com.microsoft.bot.builder.TurnContext;
import com.microsoft.bot.connector.ConnectorClient;
import com.microsoft.bot.schema.Activity;
import com.microsoft.bot.schema.ActivityTypes;
import com.microsoft.bot.schema.AdaptiveCardInvokeResponse;
import com.microsoft.bot.schema.AdaptiveCardInvokeValue;
import com.microsoft.bot.schema.Serialization;
import com.microsoft.bot.schema.TextFormatTypes;
import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.AuditLog;
import dev.jitbot.core.app.Messages;
import dev.jitbot.core.app.Permissions.Action;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.EventIds;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.Refusal;
import java.net.HttpURLConnection;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Teams bot: text commands in personal chat or with an @mention in a channel, install events, and the
 * {@code adaptiveCard/action} invokes of the request card's buttons. Every decision is the core's; this class only
 * translates between Teams activities and {@link AccessService} calls.
 */
final class JitBot extends ActivityHandler {

    static final String ADAPTIVE_CARD_ACTION = "adaptiveCard/action";
    static final String ERROR_TYPE = "application/vnd.microsoft.error";
    static final String MESSAGE_TYPE = "application/vnd.microsoft.activity.message";
    private static final Logger log = LoggerFactory.getLogger(JitBot.class);
    private static final Pattern MENTION = Pattern.compile("(?is)<at[^>]*>.*?</at>");
    /** Turn state: the {@link Roster.Identity} of the sender, settled once per turn before any command or button. */
    private static final String IDENTITY = "jitbot.identity";

    private final AccessService service;
    private final AuditLog audit;
    private final Clock clock;
    private final ConversationRefs refs;
    private final Roster roster;
    private final CardViews views;
    private final Words words;

    /** The core only writes rows (Azure is called later, from the outbox), so turns run it inline. */
    JitBot(AccessService service, AuditLog audit, Clock clock, ConversationRefs refs, Roster roster, CardViews views,
           Words words) {
        this.service = service;
        this.audit = audit;
        this.clock = clock;
        this.refs = refs;
        this.roster = roster;
        this.views = views;
        this.words = words;
    }

    /**
     * Settles who sent a message or invoke before anything else: the roster's member for {@code from.id}. Only a
     * confirmed sender's conversation is remembered (a personal chat is filed under their Entra object id, so a
     * claimed one must never get there).
     */
    @Override
    public CompletableFuture<Void> onTurn(TurnContext ctx) {
        Activity a = ctx.getActivity();
        if (a.isType(ActivityTypes.MESSAGE) || a.isType(ActivityTypes.INVOKE)) {
            Roster.Identity identity = identify(ctx);
            ctx.getTurnState().add(IDENTITY, identity);
            if (identity instanceof Roster.Identity.Known known) {
                refs.remember(a, known.user());
            }
        }
        return super.onTurn(ctx);
    }

    // ------------------------------------------------------------------------------------------------ messages

    /**
     * The sender's time zone as their client reports it, for starts typed without one: the activity's
     * {@code localTimezone} (also spelled {@code localTimeZone}), else the {@code timezone} of its {@code clientInfo}
     * entity. Null when the client says nothing (clients may leave both out); the core then reads UTC.
     */
    static String timeZoneOf(Activity a) {
        if (a.getLocalTimezone() != null && !a.getLocalTimezone().isBlank()) {
            return a.getLocalTimezone().strip();
        }
        for (var e : a.getProperties().entrySet()) {
            if (e.getKey().equalsIgnoreCase("localTimezone") && e.getValue() != null && e.getValue().isTextual()
                    && !e.getValue().asText().isBlank()) {
                return e.getValue().asText().strip();
            }
        }
        if (a.getEntities() != null) {
            for (var entity : a.getEntities()) {
                if (entity != null && "clientInfo".equalsIgnoreCase(entity.getType())) {
                    for (var p : entity.getProperties().entrySet()) {
                        if (p.getKey().equalsIgnoreCase("timezone") && p.getValue() != null
                                && p.getValue().isTextual() && !p.getValue().asText().isBlank()) {
                            return p.getValue().asText().strip();
                        }
                    }
                }
            }
        }
        return null;
    }

    @Override
    protected CompletableFuture<Void> onMessageActivity(TurnContext ctx) {
        Activity a = ctx.getActivity();
        String text = commandText(a.getText());
        if (text.isEmpty() && a.getValue() != null) {
            return CompletableFuture.completedFuture(null); // an old Action.Submit: the cards use Action.Execute
        }
        Roster.Identity identity = ctx.getTurnState().get(IDENTITY);
        if (!(identity instanceof Roster.Identity.Known known)) {
            return reply(ctx, refusal(ctx, identity));
        }
        ChatUser user = known.user().inZone(timeZoneOf(a));
        String reply;
        try {
            reply = words.render(service.handle(user, text));
        } catch (RuntimeException e) {
            reply = words.failure("handle your command", e);
        }
        return reply(ctx, reply);
    }

    private static CompletableFuture<Void> reply(TurnContext ctx, String text) {
        Activity a = ctx.getActivity();
        Activity message = MessageFactory.text(text);
        message.setTextFormat(TextFormatTypes.MARKDOWN);
        // The command has run; a reply Teams refused must not fail the turn, or a redelivery could run it twice.
        return ctx.sendActivity(message).handle((sent, e) -> {
            if (e != null) {
                log.warn("teams: the reply in {} could not be delivered: {}", Roster.shown(a.getConversation().getId()),
                        e.toString());
            }
            return null;
        });
    }

    /**
     * Install events. {@link ActivityHandler} calls {@code onMembersAdded} only when someone other than the bot
     * joined, so the bot's own install (the one that matters here) is caught one level up.
     */
    @Override
    protected CompletableFuture<Void> onConversationUpdateActivity(TurnContext ctx) {
        Activity a = ctx.getActivity();
        boolean botAdded = a.getRecipient() != null && a.getMembersAdded() != null && a.getMembersAdded().stream()
                .anyMatch(m -> m.getId() != null && m.getId().equals(a.getRecipient().getId()));
        if (!botAdded) {
            return super.onConversationUpdateActivity(ctx);
        }
        // An install names no command, so a sender the roster does not confirm only loses the personal-chat key.
        Roster.Identity installer = ConversationRefs.PERSONAL.equals(a.getConversation().getConversationType())
                ? identify(ctx) : null;
        refs.remember(a, installer instanceof Roster.Identity.Known known ? known.user() : null);
        if (installer instanceof Roster.Identity.Contradicted) {
            refusal(ctx, installer); // audited and logged; the greeting below names no one
        }
        // The install is remembered; a greeting Teams refused (a bad activity id to reply to, say) is logged by
        // reply() and must not fail the turn.
        return reply(ctx, "Hi, I'm jitbot: I hand out Azure roles for as long as a task needs "
                + "and take them back on time. Try `" + dev.jitbot.core.domain.CommandParser.EXAMPLE_REQUEST
                + "`, or `help` for everything I can do" + (ConversationRefs.PERSONAL.equals(
                a.getConversation().getConversationType()) ? "." : " (mention me first in a channel)."));
    }

    /** The command in a message: without the bot's {@code <at>…</at>} mention and HTML spaces. */
    static String commandText(String text) {
        if (text == null) {
            return "";
        }
        return MENTION.matcher(text).replaceAll(" ").replace("&nbsp;", " ").replace('\u00a0', ' ').strip();
    }

    // ------------------------------------------------------------------------------------------------ invokes

    /**
     * Validates {@code adaptiveCard/action} invokes here rather than in {@link ActivityHandler}: the SDK answers a
     * malformed one with a failed turn (HTTP 500) and an error body typed {@code application/vnd.getmicrosoft().error}.
     */
    @Override
    protected CompletableFuture<InvokeResponse> onInvokeActivity(TurnContext ctx) {
        if (!ADAPTIVE_CARD_ACTION.equals(ctx.getActivity().getName())) {
            // The SDK answers an invoke nobody handles (one without a name, say) with 501, a server error in every
            // dashboard; it is the sender's request that jitbot does not serve, so say 400.
            return super.onInvokeActivity(ctx).thenApply(r -> r != null
                    && r.getStatus() == HttpURLConnection.HTTP_NOT_IMPLEMENTED
                    ? new InvokeResponse(HttpURLConnection.HTTP_BAD_REQUEST, null) : r);
        }
        Object raw = ctx.getActivity().getValue();
        AdaptiveCardInvokeValue value = raw == null ? null : Serialization.getAs(raw, AdaptiveCardInvokeValue.class);
        if (value == null || value.getAction() == null) {
            return CompletableFuture.completedFuture(ok(error(HttpURLConnection.HTTP_BAD_REQUEST, "BadRequest",
                    "The card action carried no action.")));
        }
        if (!"Action.Execute".equals(value.getAction().getType())) {
            return CompletableFuture.completedFuture(ok(error(HttpURLConnection.HTTP_BAD_REQUEST, "NotSupported",
                    "Only Action.Execute is supported.")));
        }
        return onAdaptiveCardInvoke(ctx, value).thenApply(JitBot::ok);
    }

    @Override
    protected CompletableFuture<AdaptiveCardInvokeResponse> onAdaptiveCardInvoke(TurnContext ctx,
                                                                                 AdaptiveCardInvokeValue value) {
        try {
            return CompletableFuture.completedFuture(act(ctx, value));
        } catch (RuntimeException e) {
            return CompletableFuture.completedFuture(message(words.failure("handle that button", e)));
        }
    }

    private AdaptiveCardInvokeResponse act(TurnContext ctx, AdaptiveCardInvokeValue value) {
        String verb = value.getAction().getVerb() == null ? "" : value.getAction().getVerb();
        JsonNode data = value.getAction().getData() == null ? Serialization.createObjectNode()
                : Serialization.objectToTree(value.getAction().getData());
        Parsed<RequestId> id = RequestId.parse(data.path("requestId").asText(""));
        if (!id.isOk()) {
            return message("This card names no request I know, so nothing changed. `list` shows yours.");
        }
        String reason = data.path("reason").asText("").strip();
        String note = data.path("note").asText("").strip();
        Roster.Identity identity = ctx.getTurnState().get(IDENTITY);
        if (!(identity instanceof Roster.Identity.Known known)) {
            return message(refusal(ctx, identity));
        }
        ChatUser user = known.user();
        RequestId requestId = id.orThrow();
        String why = reason.isEmpty() ? null : reason;
        Supplier<Outcome> call = switch (verb) {
            case Cards.VERB_REFRESH -> null;
            case Cards.VERB_APPROVE -> () -> service.approve(user, requestId);
            case Cards.VERB_DENY -> () -> service.deny(user, requestId, why);
            case Cards.VERB_REVOKE -> () -> service.revoke(user, requestId, why);
            case Cards.VERB_EXTEND -> () -> service.extend(user, requestId, Action.EXTEND_BY,
                    "asked from the reminder before expiry");
            case Cards.VERB_RELEASE -> () -> service.release(user, requestId);
            case Cards.VERB_CANCEL -> () -> service.cancel(user, requestId);
            case Cards.VERB_REVIEW -> () -> service.review(user, requestId, note);
            default -> () -> new Outcome.Refused(Refusal.Reason.INVALID_INPUT,
                    "This card's button `" + verb + "` is not one I know, so nothing changed.");
        };
        String notice = null;
        boolean problem = false;
        if (call != null) {
            Outcome outcome = call.get();
            notice = words.onCard(outcome);
            problem = outcome instanceof Outcome.Refused;
        }
        Optional<AccessRequest> current = service.find(user, requestId);
        if (current.isEmpty()) {
            // Not theirs to see: a toast leaves the channel's status card in place for them.
            return message(notice != null ? notice : "Only the approvers, on-call and the requester can act on this "
                    + "card; it shows you its status.");
        }
        ConnectorClient connector = ctx.getTurnState().get(BotFrameworkAdapter.CONNECTOR_CLIENT_KEY);
        String conversationId = ConversationRefs.baseId(ctx.getActivity().getConversation().getId());
        List<String> refreshIds = views.actorIds(connector, conversationId, current.get());
        return card(views.personal(user, current.get(), refreshIds, notice, problem));
    }

    private Roster.Identity identify(TurnContext ctx) {
        ConnectorClient connector = ctx.getTurnState().get(BotFrameworkAdapter.CONNECTOR_CLIENT_KEY);
        return roster.identify(connector, ctx.getActivity());
    }

    /**
     * Words for a turn whose sender is not confirmed. A contradiction is audited (actor: the {@code from.id} the
     * roster was asked about) and logged; an unreadable roster is logged. Both under the event id the person sees.
     */
    private String refusal(TurnContext ctx, Roster.Identity identity) {
        String eventId = EventIds.next();
        Activity a = ctx.getActivity();
        if (identity instanceof Roster.Identity.Contradicted c) {
            String details = c.details() + "; " + Roster.shown(a.getType()) + " refused [" + eventId + "]";
            log.warn("teams: identity mismatch, turn refused: {}", details);
            try {
                audit.append(AuditEvent.of(clock.instant(), Platform.TEAMS.key() + ":" + Roster.shown(c.fromId()),
                        Platform.TEAMS, "identity-mismatch", null, details));
            } catch (RuntimeException e) {
                log.error("teams: could not audit an identity mismatch [{}]", eventId, e);
            }
        } else if (identity instanceof Roster.Identity.Unconfirmed u) {
            log.warn("teams: sender not confirmed by the roster, {} refused [{}]: {}", Roster.shown(a.getType()),
                    eventId, u.reason());
        }
        return TeamsText.markdown(Messages.senderNotConfirmed("Teams", identity instanceof Roster.Identity.Contradicted,
                eventId));
    }

    static AdaptiveCardInvokeResponse card(ObjectNode card) {
        AdaptiveCardInvokeResponse r = new AdaptiveCardInvokeResponse();
        r.setStatusCode(HttpURLConnection.HTTP_OK);
        r.setType(Cards.CONTENT_TYPE);
        r.setValue(card);
        return r;
    }

    /** A toast: Teams shows {@code text} and leaves the card as it was. */
    static AdaptiveCardInvokeResponse message(String text) {
        AdaptiveCardInvokeResponse r = new AdaptiveCardInvokeResponse();
        r.setStatusCode(HttpURLConnection.HTTP_OK);
        r.setType(MESSAGE_TYPE);
        r.setValue(text);
        return r;
    }

    /** An error response with the type string Teams expects (the SDK's own says {@code vnd.getmicrosoft().error}). */
    static AdaptiveCardInvokeResponse error(int status, String code, String message) {
        AdaptiveCardInvokeResponse r = new AdaptiveCardInvokeResponse();
        r.setStatusCode(status);
        r.setType(ERROR_TYPE);
        com.microsoft.bot.schema.Error error = new com.microsoft.bot.schema.Error();
        error.setCode(code);
        error.setMessage(message);
        r.setValue(error);
        return r;
    }

    private static InvokeResponse ok(AdaptiveCardInvokeResponse body) {
        return new InvokeResponse(HttpURLConnection.HTTP_OK, body);
    }
}
