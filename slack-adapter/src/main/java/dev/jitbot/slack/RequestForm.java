package dev.jitbot.slack;

import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.input;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.option;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.plainTextInput;
import static com.slack.api.model.block.element.BlockElements.staticSelect;
import static com.slack.api.model.view.Views.view;
import static com.slack.api.model.view.Views.viewClose;
import static com.slack.api.model.view.Views.viewSubmit;
import static com.slack.api.model.view.Views.viewTitle;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.OptionObject;
import com.slack.api.model.view.View;
import com.slack.api.model.view.ViewState;
import dev.jitbot.core.app.FormChoice;
import dev.jitbot.core.app.FormReading;
import dev.jitbot.core.app.RequestFormModel;
import dev.jitbot.core.domain.Refusal;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The request form {@code /jit} alone opens, drawn as Block Kit from the core's {@link RequestFormModel}: its
 * choices, durations and optional fields (exact scope, ticket, for whom). A sent form's values go back to the model
 * to read, and every refusal, the model's or the core's, shows under the block of the field it names.
 */
final class RequestForm {

    static final String CALLBACK = "jit-request";
    static final String DENY_CALLBACK = "jit-deny-reason";
    static final String REVIEW_CALLBACK = "jit-review-note";
    static final String NOTE = "note";
    static final String OFFER = "offer";
    static final String SCOPE = "scope";
    static final String DURATION = "duration";
    static final String START = "start";
    static final String JUSTIFICATION = "justification";
    static final String TICKET = "ticket";
    static final String PRINCIPAL = "principal";
    static final String REASON = "reason";
    static final String VALUE = "value";
    /** The block each field of the model is drawn in; the role-and-scope (or bundle) choice is {@link #OFFER}. */
    private static final Map<Refusal.Field, String> BLOCKS = new EnumMap<>(Map.of(Refusal.Field.ROLE, OFFER,
            Refusal.Field.SCOPE, SCOPE, Refusal.Field.DURATION, DURATION, Refusal.Field.START, START,
            Refusal.Field.JUSTIFICATION, JUSTIFICATION, Refusal.Field.TICKET, TICKET, Refusal.Field.PRINCIPAL, PRINCIPAL));

    private RequestForm() {
    }

    /** The modal for someone the model offers at least one choice: bundles are choices of their own, members listed. */
    static View modal(RequestFormModel form) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(s -> s.text(markdownText("Only what the policy lets you ask for is listed. Approvers "
                + "see your justification on the request card."))));
        blocks.add(input(i -> i.blockId(OFFER).label(plainText("Role and scope")).element(staticSelect(e -> e
                .actionId(VALUE).placeholder(plainText("Choose")).options(options(form.choices()))))));
        form.bundleNote().ifPresent(note -> blocks.add(context(c -> c.elements(List.of(markdownText(
                shorten(SlackText.mrkdwn(note), 2900)))))));
        if (form.asksExactScope()) {
            blocks.add(input(i -> i.blockId(SCOPE).optional(true).label(plainText("Exact scope"))
                    .hint(plainText("Only for choices with * : the ARM id of the resource group or resource."))
                    .element(plainTextInput(e -> e.actionId(VALUE)))));
        }
        blocks.add(input(i -> i.blockId(DURATION).label(plainText("For how long"))
                .hint(plainText("Each role has its own maximum; the list stops at the longest."))
                .element(staticSelect(e -> e.actionId(VALUE).placeholder(plainText("Duration"))
                        .options(options(form.durations()))))));
        blocks.add(input(i -> i.blockId(START).optional(true).label(plainText("Starting"))
                .hint(plainText("Leave empty to start once approved. A later start such as 22:00, tomorrow 09:00 or "
                        + "2026-12-02T09:00Z; without a zone it is your Slack time zone."))
                .element(plainTextInput(e -> e.actionId(VALUE).placeholder(plainText("once approved"))))));
        blocks.add(input(i -> i.blockId(JUSTIFICATION).label(plainText("Why do you need it?"))
                .element(plainTextInput(e -> e.actionId(VALUE).multiline(true)
                        .placeholder(plainText("e.g. INC-4411 hotfix for the payments queue"))))));
        if (form.asksTicket()) {
            blocks.add(input(i -> i.blockId(TICKET).optional(true).label(plainText("Ticket"))
                    .hint(plainText("Needed where the choice says \"ticket\"; an id in your reason counts too."))
                    .element(plainTextInput(e -> e.actionId(VALUE)
                            .placeholder(plainText("e.g. " + form.exampleTicket()))))));
        }
        if (!form.principals().isEmpty()) {
            List<OptionObject> whom = options(form.principals());
            blocks.add(input(i -> i.blockId(PRINCIPAL).optional(true).label(plainText("For"))
                    .hint(plainText("A non-human identity you own, or yourself."))
                    .element(staticSelect(e -> e.actionId(VALUE).initialOption(whom.get(0)).options(whom)))));
        }
        blocks.add(context(c -> c.elements(List.of(markdownText(Cards.esc("Or type `/jit request <role> on <scope> "
                + "for <duration> because <reason>`."))))));
        return view(v -> v.type("modal").callbackId(CALLBACK).title(viewTitle(t -> t.type("plain_text")
                        .text("Request access"))).submit(viewSubmit(t -> t.type("plain_text").text("Request")))
                .close(viewClose(t -> t.type("plain_text").text("Cancel"))).blocks(blocks));
    }

    /** The form that asks why; {@code stop}: on-call stopping a request they do not approve, not an approver's deny. */
    static View denyModal(String requestId, String label, boolean stop) {
        String verb = stop ? "Stop" : "Deny";
        return askModal(DENY_CALLBACK, requestId, verb, verb + " *" + Cards.esc(label) + "*? The requester sees your "
                + "reason on the card and in a direct message.", REASON, "Reason", "e.g. not during the change freeze");
    }

    /** The modal that asks a reviewer of a break-glass grant what they checked. */
    static View reviewModal(String requestId, String label, String requester) {
        return askModal(REVIEW_CALLBACK, requestId, "Review", "Review the break-glass grant of *" + Cards.esc(label)
                + "* by " + Cards.esc(requester) + ". Your note goes on the card, to the requester and into the audit "
                + "log.", NOTE, "What did you check?", "e.g. confirmed with Alice, INC-4711 is real, access released");
    }

    /** A modal about one request ({@code verb} it, titled with its id) asking for one text: the intro, then the field. */
    private static View askModal(String callback, String requestId, String verb, String intro, String block,
                                 String label, String placeholder) {
        return view(v -> v.type("modal").callbackId(callback).privateMetadata(requestId)
                .title(viewTitle(t -> t.type("plain_text").text(verb + " " + requestId)))
                .submit(viewSubmit(t -> t.type("plain_text").text(verb)))
                .close(viewClose(t -> t.type("plain_text").text("Back")))
                .blocks(List.of(section(s -> s.text(markdownText(intro))), input(i -> i.blockId(block)
                        .label(plainText(label)).element(plainTextInput(e -> e.actionId(VALUE).multiline(true)
                                .placeholder(plainText(placeholder))))))));
    }

    /**
     * A sent request form as the model reads it: each block the form had, chosen or (in an older form, a duration)
     * typed, handed over under the field it draws.
     */
    static FormReading read(Map<String, Map<String, ViewState.Value>> values, RequestFormModel form) {
        Map<Refusal.Field, String> raw = new EnumMap<>(Refusal.Field.class);
        BLOCKS.forEach((field, block) -> {
            ViewState.Value v = value(values, block);
            if (v != null) {
                raw.put(field, v.getSelectedOption() != null ? v.getSelectedOption().getValue() : v.getValue());
            }
        });
        return form.read(raw);
    }

    /** Slack's field errors for a form the model could not read: each refusal, in {@code words}, under its block. */
    static Map<String, String> errors(FormReading.Unfinished unfinished, Function<Refusal, String> words) {
        Map<String, String> errors = new LinkedHashMap<>();
        unfinished.refusals().forEach((field, refusal) -> errors.put(BLOCKS.get(field), words.apply(refusal)));
        return errors;
    }

    /** The block a core refusal about a request read from this form goes under (the model picks the field). */
    static String blockFor(FormReading.Ready ready, Refusal refusal) {
        return BLOCKS.get(ready.fieldFor(refusal));
    }

    static String text(Map<String, Map<String, ViewState.Value>> values, String block) {
        ViewState.Value v = value(values, block);
        return v == null || v.getValue() == null || v.getValue().isBlank() ? null : v.getValue().strip();
    }

    private static ViewState.Value value(Map<String, Map<String, ViewState.Value>> values, String block) {
        Map<String, ViewState.Value> b = values == null ? null : values.get(block);
        return b == null ? null : b.get(VALUE);
    }

    /** The model's choices as Slack options, cut to what Slack takes (75 characters shown, 150 sent back). */
    private static List<OptionObject> options(List<FormChoice> choices) {
        return choices.stream().map(c -> option(plainText(shorten(c.label(), 75)), shorten(c.value(), 150))).toList();
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
