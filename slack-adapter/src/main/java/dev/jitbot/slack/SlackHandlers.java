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
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bolt's listeners: the {@code /jit} command, the card and App Home buttons, the two modals and App Home. Each
 * acknowledges at once (Slack gives 3 seconds) and does the work on a bounded executor; every decision is the
 * core's. The same listeners serve HTTP and Socket Mode.
 */
final class SlackHandlers {

    private static final Logger log = LoggerFactory.getLogger(SlackHandlers.class);
    static final String COMMAND = "/jit";

    private final AccessService service;
    private final SlackUsers users;
    private final SlackChatNotifier notifier;
    private final MethodsClient client;
    private final Replies replies;
    private final ExecutorService work;
    private final Clock clock;

    SlackHandlers(AccessService service, SlackUsers users, SlackChatNotifier notifier, MethodsClient client,
                  Replies replies, ExecutorService work, Clock clock) {
        this.service = Objects.requireNonNull(service, "service");
        this.users = Objects.requireNonNull(users, "users");
        this.notifier = Objects.requireNonNull(notifier, "notifier");
        this.client = Objects.requireNonNull(client, "client");
        this.replies = Objects.requireNonNull(replies, "replies");
        this.work = Objects.requireNonNull(work, "work");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    void register(App app) {
        app.command(COMMAND, (req, ctx) -> {
            var p = req.getPayload();
            String text = p.getText() == null ? "" : p.getText().strip();
            Respond respond = message -> ctx.respond(r -> r.responseType("ephemeral").text(message));
            boolean form = text.isEmpty();
            boolean queued = offload("/jit " + text, respond, () -> {
                ChatUser actor = users.resolve(p.getUserId(), p.getUserName());
                if (form) {
                    openForm(actor, p.getTriggerId(), respond);
                } else {
                    respond.send(replies.render(service.handle(actor, text)));
                }
            });
            if (!queued) {
                return ctx.ack(r -> r.responseType("ephemeral").text(busy()));
            }
            return ctx.ack(r -> r.responseType("ephemeral").text(form ? ":memo: Opening the request form…"
                    : Replies.receipt(text)));
        });

        app.blockAction(Cards.APPROVE, (req, ctx) -> click(req, ctx, service::approve));
        app.blockAction(Cards.REVOKE, (req, ctx) -> click(req, ctx, (actor, id) -> service.revoke(actor, id, null)));
        app.blockAction(Cards.RELEASE, (req, ctx) -> click(req, ctx, service::release));
        app.blockAction(Cards.CANCEL, (req, ctx) -> click(req, ctx, service::cancel));
        app.blockAction(Cards.DENY, (req, ctx) -> {
            BlockActionPayload p = req.getPayload();
            String value = p.getActions().get(0).getValue();
            Respond respond = respondTo(p, ctx);
            boolean queued = offload("open the deny form", respond, () -> {
                ChatUser actor = users.resolve(p.getUser().getId(), p.getUser().getName());
                Parsed<RequestId> id = RequestId.parse(value);
                if (!id.isOk()) {
                    respond.send(replies.render(new Outcome.Refused(Refusal.Reason.INVALID_INPUT, id.reason())));
                    return;
                }
                Optional<AccessRequest> request = service.find(actor, id.orThrow());
                if (request.isEmpty()) {
                    respond.send(replies.render(service.show(actor, id.orThrow())));
                    return;
                }
                // A form only someone who may decide can use: the requester (or a bystander) hears why not now,
                // instead of after typing a reason.
                if (!service.canApprove(actor, request.get())) {
                    respond.send(Replies.cannotDeny(request.get(), actor));
                    return;
                }
                String label = request.get().label();
                var opened = client.viewsOpen(r -> r.triggerId(p.getTriggerId())
                        .view(RequestForm.denyModal(value, label)));
                if (!opened.isOk()) {
                    throw new IllegalStateException("views.open answered " + opened.getError());
                }
            });
            if (!queued) {
                tellBusy(respond);
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
            Outcome o = service.deny(actor, id.orThrow(), reason);
            if (o instanceof Outcome.Refused refused) {
                return ctx.ackWithErrors(Map.of(RequestForm.REASON, replies.forField(refused)));
            }
            return ctx.ack();
        });

        app.viewSubmission(RequestForm.CALLBACK, (req, ctx) -> {
            var p = req.getPayload();
            ChatUser actor = users.resolve(p.getUser().getId(), p.getUser().getName());
            RequestForm.Submission s = RequestForm.read(p.getView().getState().getValues(), service.offers(actor));
            if (!s.ok()) {
                return ctx.ackWithErrors(s.errors());
            }
            Respond dm = message -> notifier.directMrkdwn(actor, message);
            if (!offload("request access from the form", dm, () -> {
                Outcome o = service.handle(actor, s.command());
                // The core DMs the requester the receipt, the grant or the failure itself; only a refusal is news.
                if (o instanceof Outcome.Refused) {
                    dm.send(replies.render(o));
                }
            })) {
                return ctx.ackWithErrors(Map.of(RequestForm.OFFER, Replies.plain(busy())));
            }
            return ctx.ack();
        });

        app.event(AppHomeOpenedEvent.class, (req, ctx) -> {
            AppHomeOpenedEvent e = req.getEvent();
            if (e.getTab() == null || "home".equals(e.getTab())) {
                offload("show App Home",
                        message -> log.warn("App Home for {}: {}", UserText.forLog(e.getUser()), message),
                        () -> publishHome(e.getUser(), null));
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
        boolean queued = offload(p.getActions().get(0).getActionId() + " " + value, respond, () -> {
            ChatUser actor = users.resolve(p.getUser().getId(), p.getUser().getName());
            Parsed<RequestId> id = RequestId.parse(value);
            // A button's value is an id jitbot wrote itself; a bad one means a forged or mangled payload.
            Outcome o = id.isOk() ? act.apply(actor, id.orThrow())
                    : new Outcome.Refused(Refusal.Reason.INVALID_INPUT, id.reason());
            if (o instanceof Outcome.Refused || o instanceof Outcome.Revoking || o instanceof Outcome.Failed) {
                respond.send(replies.render(o));
            }
            if (fromHome) {
                publishHome(actor.id(), actor);
            }
        });
        if (!queued) {
            tellBusy(respond);
        }
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

    private void openForm(ChatUser actor, String triggerId, Respond respond) throws IOException {
        List<AccessService.Offer> offers = service.offers(actor);
        if (offers.isEmpty()) {
            respond.send(":no_entry_sign: The policy lets you request nothing yet"
                    + (actor.email() == null ? " (I could not read your email from Slack)" : "")
                    + ". Ask the platform owners to add you to a rule in policy.yaml.");
            return;
        }
        try {
            var opened = client.viewsOpen(r -> r.triggerId(triggerId).view(RequestForm.modal(offers)));
            if (!opened.isOk()) {
                throw new IllegalStateException("views.open answered " + opened.getError());
            }
        } catch (SlackApiException e) {
            throw new IllegalStateException("views.open failed", e);
        }
    }

    /** Redraws a person's App Home. */
    void publishHome(String userId, ChatUser known) {
        ChatUser actor = known != null ? known : users.resolve(userId, null);
        Outcome mine = service.handle(actor, new Command.ListRequests(Command.ListRequests.Filter.MINE));
        boolean oncall = service.isOncall(actor);
        Outcome all = oncall ? service.handle(actor, new Command.ListRequests(Command.ListRequests.Filter.ALL)) : null;
        var view = HomeTab.build(rows(mine), service.awaitingDecisionBy(actor), rows(all), oncall,
                r -> service.canApprove(actor, r), clock.instant());
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

    @FunctionalInterface
    private interface Work {
        void run() throws Exception;
    }

    /** Runs {@code job} on the work executor; false when it is full (the caller says so in its ack). */
    private boolean offload(String what, Respond respond, Work job) {
        try {
            work.execute(() -> {
                try {
                    job.run();
                } catch (Exception | Error e) {
                    String words = replies.failure(what, e);
                    try {
                        respond.send(words);
                    } catch (Exception again) {
                        log.warn("could not tell the user about the failure either: {}", again.toString());
                    }
                }
            });
            return true;
        } catch (RejectedExecutionException e) {
            log.warn("work queue full; turned away {}", UserText.forLog(what));
            return false;
        }
    }

    /** A click that found the work queue full must not vanish: the clicker hears it was not taken on. */
    private static void tellBusy(Respond respond) {
        try {
            respond.send(busy());
        } catch (Exception e) {
            log.warn("could not say the work queue is full: {}", e.toString());
        }
    }

    private static String busy() {
        return ":hourglass: jitbot is very busy right now and could not take this on; please try again in a minute.";
    }
}
