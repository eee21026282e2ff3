package dev.jitbot.slack;

import com.slack.api.app_backend.interactive_components.payload.BlockActionPayload;
import com.slack.api.bolt.App;
import com.slack.api.bolt.context.builtin.ActionContext;
import com.slack.api.bolt.context.builtin.ViewSubmissionContext;
import com.slack.api.bolt.request.builtin.BlockActionRequest;
import com.slack.api.bolt.request.builtin.ViewSubmissionRequest;
import com.slack.api.bolt.response.Response;
import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.model.event.AppHomeOpenedEvent;
import com.slack.api.model.view.View;
import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.FormReading;
import dev.jitbot.core.app.Permissions.Action;
import dev.jitbot.core.app.RequestFormModel;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Command;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Refusal;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.UserText;
import java.io.IOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;
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
                Action.EXTEND_BY, "asked from the reminder before expiry")));
        app.blockAction(Cards.DENY, (req, ctx) -> form(req, ctx, "open the deny form", (actor, r, value, trigger) -> {
            // A form only someone who may decide (or on-call, who may stop it) can use: the requester or a
            // bystander hears the core's reason at once, instead of after typing one.
            Optional<Outcome.Refused> no = service.whyNotDeny(actor, r);
            return no.isPresent() ? replies.render(no.get()) : open(trigger, RequestForm.denyModal(value, r.label(),
                    service.actionsFor(actor, r).contains(Action.STOP_PENDING)));
        }));
        app.blockAction(Cards.REVIEW, (req, ctx) -> form(req, ctx, "open the review form", (actor, r, value, trigger) -> {
            // The requester hears at once that they cannot review their own grant, before typing a note.
            Optional<Outcome.Refused> no = service.whyNotReview(actor, r);
            return no.isPresent() ? replies.render(no.get())
                    : open(trigger, RequestForm.reviewModal(value, r.label(), r.requester().displayName()));
        }));

        app.viewSubmission(RequestForm.REVIEW_CALLBACK, (req, ctx) -> written(req, ctx, RequestForm.NOTE,
                "Say what you checked, so the audit log has it.",
                "This form lost track of its grant; close it and press Review on the card again.", "review",
                service::review));
        app.viewSubmission(RequestForm.DENY_CALLBACK, (req, ctx) -> written(req, ctx, RequestForm.REASON,
                "Say why, so the requester knows what to change.",
                "This form lost track of its request; close it and press Deny on the card again.", "deny",
                (actor, id, reason) -> {
                    // On-call who approves nothing stops a pending request instead of denying it (the core's rule).
                    boolean stop = service.find(actor, id)
                            .map(r -> service.actionsFor(actor, r).contains(Action.STOP_PENDING)).orElse(false);
                    return stop ? service.revoke(actor, id, reason) : service.deny(actor, id, reason);
                }));

        app.viewSubmission(RequestForm.CALLBACK, (req, ctx) -> {
            var p = req.getPayload();
            ChatUser actor = users.resolve(p.getUser().getId(), p.getUser().getName());
            FormReading reading = RequestForm.read(p.getView().getState().getValues(),
                    RequestFormModel.of(service, actor));
            if (reading instanceof FormReading.Unfinished unfinished) {
                return ctx.ackWithErrors(RequestForm.errors(unfinished, r -> replies.forField(new Outcome.Refused(r))));
            }
            FormReading.Ready ready = (FormReading.Ready) reading;
            // The core DMs the requester the receipt, the grant or the failure itself; only a refusal is news, and
            // it belongs on the form they can still correct.
            return answered(ctx, "request access from the form", RequestForm.OFFER,
                    refusal -> RequestForm.blockFor(ready, refusal), () -> service.handle(actor, ready.command()));
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
        String what = p.getActions().get(0).getActionId() + " " + p.getActions().get(0).getValue();
        return pressed(req, ctx, what, true, (actor, id, value, trigger) -> {
            Outcome o = act.apply(actor, id);
            // The card redraws itself from the outbox; these say what the card cannot: a refusal, or what is next.
            return o instanceof Outcome.Refused || o instanceof Outcome.Revoking || o instanceof Outcome.Failed
                    || o instanceof Outcome.Activating || o instanceof Outcome.ExtensionRequested
                    || o instanceof Outcome.Extended ? replies.render(o) : null;
        });
    }

    /** A button that opens a form about a request the presser may see; {@code open} says why not or opens it. */
    private Response form(BlockActionRequest req, ActionContext ctx, String what, FormOpener open) {
        return pressed(req, ctx, what, false, (actor, id, value, trigger) -> {
            Optional<AccessRequest> request = service.find(actor, id);
            return request.isEmpty() ? replies.render(service.show(actor, id))
                    : open.open(actor, request.get(), value, trigger);
        });
    }

    /** Runs {@code job} on the id the button carries, its words sent after the ack; {@code changes}: redraw App Home. */
    private Response pressed(BlockActionRequest req, ActionContext ctx, String what, boolean changes, Pressed job) {
        BlockActionPayload p = req.getPayload();
        String value = p.getActions().get(0).getValue();
        boolean fromHome = p.getContainer() != null && "view".equals(p.getContainer().getType());
        Respond respond = respondTo(p, ctx);
        // Inline before the ack: a form's trigger id is only good for 3 seconds.
        later(respond, answer(what, () -> {
            ChatUser actor = users.resolve(p.getUser().getId(), p.getUser().getName());
            Parsed<RequestId> id = RequestId.parse(value);
            // A button's value is an id jitbot wrote itself; a bad one means a forged or mangled payload.
            String words = id.isOk() ? job.run(actor, id.orThrow(), value, p.getTriggerId())
                    : replies.render(new Outcome.Refused(Refusal.Reason.INVALID_INPUT, id.reason()));
            if (changes && fromHome) {
                afterAck.execute(() -> publishHome(actor.id(), actor));
            }
            return words;
        }));
        return ctx.ack();
    }

    /** A deny or review form sent: {@code act} runs once its one text {@code field} is filled; any refusal shows there. */
    private Response written(ViewSubmissionRequest req, ViewSubmissionContext ctx, String field, String empty,
                             String lost, String what, Written act) {
        var p = req.getPayload();
        String text = RequestForm.text(p.getView().getState().getValues(), field);
        if (text == null) {
            return ctx.ackWithErrors(Map.of(field, empty));
        }
        ChatUser actor = users.resolve(p.getUser().getId(), p.getUser().getName());
        Parsed<RequestId> id = RequestId.parse(p.getView().getPrivateMetadata());
        if (!id.isOk()) {
            return ctx.ackWithErrors(Map.of(field, lost));
        }
        return answered(ctx, what, field, refused -> field, () -> act.run(actor, id.orThrow(), text));
    }

    /** Closes a sent form, or keeps it open with the core's refusal under the field it names, or a failure. */
    private Response answered(ViewSubmissionContext ctx, String what, String failureBlock,
                              Function<Refusal, String> blockFor, Supplier<Outcome> act) {
        Outcome o;
        try {
            o = act.get();
        } catch (RuntimeException e) {
            return ctx.ackWithErrors(Map.of(failureBlock, Replies.plain(replies.failure(what, e))));
        }
        if (o instanceof Outcome.Refused refused) {
            return ctx.ackWithErrors(Map.of(blockFor.apply(refused.refusal()), replies.forField(refused)));
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

    /** Opens the request form, or says why there is none; null when the form opened. */
    private String openForm(ChatUser actor, String triggerId) throws IOException, SlackApiException {
        RequestFormModel form = RequestFormModel.of(service, actor);
        if (form.isEmpty()) {
            return ":no_entry_sign: The policy lets you request nothing yet"
                    + (actor.email() == null ? " (I could not read your email from Slack)" : "")
                    + ". Ask the platform owners to add you to a rule in policy.yaml.";
        }
        return open(triggerId, RequestForm.modal(form));
    }

    /** Opens {@code view} with the trigger of a command or a click; null, as nothing more needs saying. */
    private String open(String triggerId, View view) throws IOException, SlackApiException {
        var opened = client.viewsOpen(r -> r.triggerId(triggerId).view(view));
        if (!opened.isOk()) {
            throw new IllegalStateException("views.open answered " + opened.getError());
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

    @FunctionalInterface
    private interface Pressed {
        String run(ChatUser actor, RequestId id, String value, String triggerId) throws Exception;
    }

    @FunctionalInterface
    private interface FormOpener {
        String open(ChatUser actor, AccessRequest r, String value, String triggerId) throws Exception;
    }

    @FunctionalInterface
    private interface Written {
        Outcome run(ChatUser actor, RequestId id, String text);
    }

    /**
     * Runs {@code job} on the listener's thread and returns its words; a failure becomes words too (the one left
     * that says "try again" is the database being unreachable: then nothing was written).
     */
    private String answer(String what, Callable<String> job) {
        try {
            return job.call();
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
