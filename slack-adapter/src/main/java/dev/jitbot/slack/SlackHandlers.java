package dev.jitbot.slack;

import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.response.Response;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.model.event.AppHomeOpenedEvent;
import com.slack.api.model.view.ViewState;
import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.Permissions.Action;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Command;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Refusal;
import dev.jitbot.core.domain.RequestId;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.Optional;
import java.util.Set;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bolt's listeners: the {@code /jit} command, the card and App Home buttons, the two modals and App Home. The core
 * only writes rows (its Azure and chat work runs later from the outbox), so each listener parses, lets the core
 * decide and write, and acknowledges with the outcome, well inside Slack's 3 seconds. What is only news for the
 * person (a click's answer through response_url, an App Home redraw) is sent after the ack. The same listeners
 * serve HTTP and Socket Mode.
 */
final class SlackHandlers {

    private static final Logger log = LoggerFactory.getLogger(SlackHandlers.class);
    static final String COMMAND = "/jit";

    private final AccessService service;
    private final SlackUsers users;
    private final SlackChatNotifier notifier;
    private final MethodsClient client;
    private final Replies replies;
    private final Executor afterAck;
    private final Clock clock;

    /** @param afterAck sends what may follow the ack (Bolt's own pool): never core work */
    SlackHandlers(AccessService service, SlackUsers users, SlackChatNotifier notifier, MethodsClient client,
                  Replies replies, Executor afterAck, Clock clock) {
        this.service = Objects.requireNonNull(service, "service");
        this.users = Objects.requireNonNull(users, "users");
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        this.client = Objects.requireNonNull(client, "client");
        this.replies = Objects.requireNonNull(replies, "replies");
        this.afterAck = Objects.requireNonNull(afterAck, "afterAck");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    void register(App app) {
        app.command(COMMAND, (req, ctx) -> {
            var p = req.getPayload();
            String text = p.getText() == null ? "" : p.getText().strip();
            String answer = answer("/jit " + text, () -> {
                ChatUser actor = users.resolve(p.getUserId(), p.getUserName());
                return text.isEmpty() ? openForm(actor, p.getTriggerId())
                        : replies.render(service.handle(actor, users.personMentioned(text)));
            });
            return answer == null ? ctx.ack() : ctx.ack(r -> r.responseType("ephemeral").text(answer));
        });

        app.blockAction(Cards.APPROVE, (req, ctx) -> click(req, ctx, service::approve));
        app.blockAction(Cards.REVOKE, (req, ctx) -> click(req, ctx, (actor, id) -> service.revoke(actor, id, null)));
        app.blockAction(Cards.RELEASE, (req, ctx) -> click(req, ctx, service::release));
        app.blockAction(Cards.CANCEL, (req, ctx) -> click(req, ctx, service::cancel));
        // From the reminder DM: the same extension as `extend <id> 30m`, approved as the rule says.
        app.blockAction(Cards.EXTEND, (req, ctx) -> click(req, ctx, (actor, id) -> service.extend(actor, id,
                Cards.REMINDER_EXTENSION, "asked from the reminder before expiry")));
        app.blockAction(Cards.DENY, (req, ctx) -> {
            BlockActionPayload p = req.getPayload();
            String value = p.getActions().get(0).getValue();
            Respond respond = respondTo(p, ctx);
            // views.open inline: the trigger id is only good for 3 seconds.
            later(respond, answer("open the deny form", () -> {
                ChatUser actor = users.resolve(p.getUser().getId(), p.getUser().getName());
                Parsed<RequestId> id = RequestId.parse(value);
                if (!id.isOk()) {
                    return replies.render(new Outcome.Refused(Refusal.Reason.INVALID_INPUT, id.reason()));
                }
                Optional<AccessRequest> request = service.find(actor, id.orThrow());
                if (request.isEmpty()) {
                    return replies.render(service.show(actor, id.orThrow()));
                }
                // A form only someone who may decide (or on-call, who may stop it) can use: the requester or a
                // bystander hears why not now, instead of after typing a reason.
                Set<Action> may = service.actionsFor(actor, request.get());
                boolean stop = may.contains(Action.STOP_PENDING);
                if (!stop && !may.contains(Action.DENY) && !may.contains(Action.DENY_EXTENSION)) {
                    return Replies.cannotDeny(request.get(), actor);
                }
                String label = request.get().label();
                var opened = client.viewsOpen(r -> r.triggerId(p.getTriggerId())
                        .view(RequestForm.denyModal(value, label, stop)));
                if (!opened.isOk()) {
                    throw new IllegalStateException("views.open answered " + opened.getError());
                }
                return null;
            }));
            return ctx.ack();
        });

        app.blockAction(Cards.REVIEW, (req, ctx) -> {
            BlockActionPayload p = req.getPayload();
            String value = p.getActions().get(0).getValue();
            Respond respond = respondTo(p, ctx);
            later(respond, answer("open the review form", () -> {
                ChatUser actor = users.resolve(p.getUser().getId(), p.getUser().getName());
                Parsed<RequestId> id = RequestId.parse(value);
                if (!id.isOk()) {
                    return replies.render(new Outcome.Refused(Refusal.Reason.INVALID_INPUT, id.reason()));
                }
                Optional<AccessRequest> request = service.find(actor, id.orThrow());
                if (request.isEmpty()) {
                    return replies.render(service.show(actor, id.orThrow()));
                }
                // The requester hears at once that they cannot review their own grant, before typing a note.
                Optional<Outcome.Refused> no = service.whyNotReview(actor, request.get());
                if (no.isPresent()) {
                    return replies.render(no.get());
                }
                var opened = client.viewsOpen(r -> r.triggerId(p.getTriggerId()).view(RequestForm.reviewModal(value,
                        request.get().label(), request.get().requester().displayName())));
                if (!opened.isOk()) {
                    throw new IllegalStateException("views.open answered " + opened.getError());
                }
                return null;
            }));
            return ctx.ack();
        });

        app.viewSubmission(RequestForm.REVIEW_CALLBACK, (req, ctx) -> {
            var p = req.getPayload();
            String note = RequestForm.text(p.getView().getState().getValues(), RequestForm.NOTE);
            if (note == null) {
                return ctx.ackWithErrors(Map.of(RequestForm.NOTE, "Say what you checked, so the audit log has it."));
            }
            ChatUser actor = users.resolve(p.getUser().getId(), p.getUser().getName());
            Parsed<RequestId> id = RequestId.parse(p.getView().getPrivateMetadata());
            if (!id.isOk()) {
                return ctx.ackWithErrors(Map.of(RequestForm.NOTE, "This form lost track of its grant; close it and "
                        + "press Review on the card again."));
            }
            Outcome o;
            try {
                o = service.review(actor, id.orThrow(), note);
            } catch (RuntimeException e) {
                return ctx.ackWithErrors(Map.of(RequestForm.NOTE, Replies.plain(replies.failure("review", e))));
            }
            if (o instanceof Outcome.Refused refused) {
                return ctx.ackWithErrors(Map.of(RequestForm.NOTE, replies.forField(refused)));
            }
            return ctx.ack();
        });

        app.viewSubmission(RequestForm.DENY_CALLBACK, (req, ctx) -> {
            var p = req.getPayload();
            Map<String, Map<String, ViewState.Value>> values = p.getView().getState().getValues();
            String reason = RequestForm.text(values, RequestForm.REASON);
            if (reason == null) {
                return ctx.ackWithErrors(Map.of(RequestForm.REASON, "Say why, so the requester knows what to change."));
            }
            ChatUser actor = users.resolve(p.getUser().getId(), p.getUser().getName());
            Parsed<RequestId> id = RequestId.parse(p.getView().getPrivateMetadata());
            if (!id.isOk()) {
                return ctx.ackWithErrors(Map.of(RequestForm.REASON, "This form lost track of its request; close it "
                        + "and press Deny on the card again."));
            }
            Outcome o;
            try {
                // On-call who approves nothing stops a pending request instead of denying it (the core's rule).
                boolean stop = service.find(actor, id.orThrow())
                        .map(r -> service.actionsFor(actor, r).contains(Action.STOP_PENDING)).orElse(false);
                o = stop ? service.revoke(actor, id.orThrow(), reason) : service.deny(actor, id.orThrow(), reason);
            } catch (RuntimeException e) {
                return ctx.ackWithErrors(Map.of(RequestForm.REASON, Replies.plain(replies.failure("deny", e))));
            }
            if (o instanceof Outcome.Refused refused) {
                return ctx.ackWithErrors(Map.of(RequestForm.REASON, replies.forField(refused)));
            }
            return ctx.ack();
        });

        app.viewSubmission(RequestForm.CALLBACK, (req, ctx) -> {
            var p = req.getPayload();
            ChatUser actor = users.resolve(p.getUser().getId(), p.getUser().getName());
            RequestForm.Submission s = RequestForm.read(p.getView().getState().getValues(), service.offers(actor),
                    service.bundleOffers(actor));
            if (!s.ok()) {
                return ctx.ackWithErrors(s.errors());
            }
            Outcome o;
            try {
                o = service.handle(actor, s.toCommand());
            } catch (RuntimeException e) {
                return ctx.ackWithErrors(Map.of(RequestForm.OFFER,
                        Replies.plain(replies.failure("request access from the form", e))));
            }
            // The core DMs the requester the receipt, the grant or the failure itself; only a refusal is news, and
            // it belongs on the form they can still correct.
            if (o instanceof Outcome.Refused refused) {
                return ctx.ackWithErrors(Map.of(RequestForm.blockFor(refused.refusal().field(),
                        p.getView().getState().getValues().keySet()), replies.forField(refused)));
            }
            return ctx.ack();
        });

        app.event(AppHomeOpenedEvent.class, (req, ctx) -> {
            AppHomeOpenedEvent e = req.getEvent();
            if (e.getTab() == null || "home".equals(e.getTab())) {
                afterAck.execute(() -> {
                    try {
                        publishHome(e.getUser(), null);
                    } catch (RuntimeException failed) {
                        log.warn("App Home for {}: {}", UserText.forLog(e.getUser()), replies.failure("show App Home", failed));
                    }
                });
            }
            return ctx.ack();
        });
    }

    /** A button on a card or in App Home: the clicking user acts; a refusal only they see, the card unchanged. */
    private Response click(BlockActionRequest req, ActionContext ctx, BiFunction<ChatUser, RequestId, Outcome> act) {
        BlockActionPayload p = req.getPayload();
        String value = p.getActions().get(0).getValue();
        boolean fromHome = p.getContainer() != null && "view".equals(p.getContainer().getType());
        Respond respond = respondTo(p, ctx);
        later(respond, answer(p.getActions().get(0).getActionId() + " " + value, () -> {
            ChatUser actor = users.resolve(p.getUser().getId(), p.getUser().getName());
            Parsed<RequestId> id = RequestId.parse(value);
            // A button's value is an id jitbot wrote itself; a bad one means a forged or mangled payload.
            Outcome o = id.isOk() ? act.apply(actor, id.orThrow())
                    : new Outcome.Refused(Refusal.Reason.INVALID_INPUT, id.reason());
            if (fromHome) {
                afterAck.execute(() -> publishHome(actor.id(), actor));
            }
            // The card redraws itself from the outbox; these say what the card cannot: a refusal, or what is next.
            return o instanceof Outcome.Refused || o instanceof Outcome.Revoking || o instanceof Outcome.Failed
                    || o instanceof Outcome.Activating || o instanceof Outcome.ExtensionRequested
                    || o instanceof Outcome.Extended ? replies.render(o) : null;
        }));
        return ctx.ack();
    }

    /** Where a button's answer goes: an ephemeral reply through response_url on a message, a DM from App Home. */
    private Respond respondTo(BlockActionPayload p, ActionContext ctx) {
        if (p.getResponseUrl() != null && !p.getResponseUrl().isBlank()) {
            return message -> ctx.respond(r -> r.responseType("ephemeral").replaceOriginal(false).text(message));
        }
        ChatUser who = new ChatUser(Platform.SLACK, p.getUser().getId(), p.getUser().getName(), null);
        return message -> notifier.directMrkdwn(who, message);
    }

    /** Opens the request form, or says why there is none; null when the form opened. */
    private String openForm(ChatUser actor, String triggerId) throws IOException {
        List<AccessService.Offer> offers = service.offers(actor);
        List<AccessService.BundleOffer> bundles = service.bundleOffers(actor);
        if (offers.isEmpty() && bundles.isEmpty()) {
            return ":no_entry_sign: The policy lets you request nothing yet"
                    + (actor.email() == null ? " (I could not read your email from Slack)" : "")
                    + ". Ask the platform owners to add you to a rule in policy.yaml.";
        }
        try {
            var opened = client.viewsOpen(r -> r.triggerId(triggerId).view(RequestForm.modal(offers, bundles)));
            if (!opened.isOk()) {
                throw new IllegalStateException("views.open answered " + opened.getError());
            }
        } catch (SlackApiException e) {
            throw new IllegalStateException("views.open failed", e);
        }
        return null;
    }

    /** Redraws a person's App Home. */
    void publishHome(String userId, ChatUser known) {
        ChatUser actor = known != null ? known : users.resolve(userId, null);
        Outcome mine = service.handle(actor, new Command.ListRequests(Command.ListRequests.Filter.MINE));
        boolean oncall = service.isOncall(actor);
        Outcome all = oncall ? service.handle(actor, new Command.ListRequests(Command.ListRequests.Filter.ALL)) : null;
        var view = HomeTab.build(rows(mine), service.awaitingDecisionBy(actor), rows(all), oncall,
                r -> service.actionsFor(actor, r), clock.instant());
        try {
            var r = client.viewsPublish(q -> q.userId(userId).view(view));
            if (!r.isOk()) {
                log.warn("views.publish for {} answered {}", UserText.forLog(userId), UserText.forLog(r.getError()));
            }
        } catch (IOException | SlackApiException e) {
            log.warn("views.publish for {} failed: {}", UserText.forLog(userId), e.toString());
        }
    }

    private static List<AccessRequest> rows(Outcome o) {
        return o instanceof Outcome.Listing l ? l.requests() : List.of();
    }

    /** Something to tell the person who acted, by whatever way reaches them. */
    @FunctionalInterface
    interface Respond {
        void send(String message) throws IOException;
    }

    /** What a listener does before its ack: the words for the person, or null when there is nothing to say. */
    @FunctionalInterface
    private interface Answer {
        String run() throws Exception;
    }

    /**
     * Runs {@code job} on the listener's thread and returns its words; a failure becomes words too (the one left
     * that says "try again" is the database being unreachable: then nothing was written).
     */
    private String answer(String what, Answer job) {
        try {
            return job.run();
        } catch (Exception e) {
            return replies.failure(what, e);
        }
    }

    /** Sends {@code message} (when there is one) after the ack, so a slow response_url never holds it up. */
    private void later(Respond respond, String message) {
        if (message == null) {
            return;
        }
        afterAck.execute(() -> {
            try {
                respond.send(message);
            } catch (Exception e) {
                log.warn("could not tell the user: {}", e.toString());
            }
        });
    }
}
