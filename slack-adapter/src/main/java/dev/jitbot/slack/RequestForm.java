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
import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.AccessService.BundleOffer;
import dev.jitbot.core.app.AccessService.Offer;
import dev.jitbot.core.domain.Command;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Refusal;
import dev.jitbot.core.domain.StartTime;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The request form {@code /jit} alone opens: only the roles and scopes the person is eligible for (from
 * {@code AccessService.offers}), a duration picker capped at the rules' maximum, a justification, a ticket and a
 * non-human principal where the person's rules use them. Submissions are checked field by field against the same
 * offers so Slack can show each problem under its field; the core still decides.
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
    static final String MYSELF = "-myself-";
    /** How a bundle's choice starts in the role-and-scope select: {@code bundle|incident-payments}. */
    static final String BUNDLE = "bundle|";
    private static final List<Duration> STEPS = List.of(Duration.ofMinutes(15), Duration.ofMinutes(30),
            Duration.ofMinutes(45), Duration.ofHours(1), Duration.ofMinutes(90), Duration.ofHours(2),
            Duration.ofHours(3), Duration.ofHours(4), Duration.ofHours(6), Duration.ofHours(8));

    private RequestForm() {
    }

    /** The modal for someone with at least one offer or bundle: bundles are choices of their own, members listed. */
    static View modal(List<Offer> offers, List<BundleOffer> bundles) {
        List<OptionObject> choices = new ArrayList<>();
        for (BundleOffer b : bundles) {
            String text = "Bundle " + b.name() + ": " + b.members().size() + " roles" + limits(b.maxDuration(),
                    b.approvals());
            choices.add(option(plainText(shorten(text, 75)), shorten(BUNDLE + b.name(), 150)));
        }
        boolean patterns = false;
        for (Offer o : offers) {
            for (String scope : o.scopes()) {
                patterns |= scope.contains("*");
                String text = o.role() + " on " + scope + limits(o.maxDuration(), o.approvals())
                        + (o.ticketPattern() != null ? ", ticket" : "");
                choices.add(option(plainText(shorten(text, 75)), shorten(o.role() + "|" + scope, 150)));
            }
        }
        Duration max = Stream.concat(offers.stream().map(Offer::maxDuration),
                bundles.stream().map(BundleOffer::maxDuration)).max(Duration::compareTo).orElse(Duration.ofHours(1));
        TreeSet<Duration> steps = new TreeSet<>();
        STEPS.stream().filter(d -> d.compareTo(max) <= 0).forEach(steps::add);
        offers.forEach(o -> steps.add(o.maxDuration()));
        bundles.forEach(b -> steps.add(b.maxDuration()));
        List<OptionObject> durations = steps.stream()
                .map(d -> option(plainText(Durations.format(d)), Durations.compact(d))).toList();
        boolean tickets = offers.stream().anyMatch(o -> o.ticketPattern() != null);
        String exampleTicket = offers.stream().filter(o -> o.ticketPattern() != null).findFirst()
                .map(o -> AccessService.exampleTicket(Pattern.compile(o.ticketPattern())))
                .orElse("");
        List<String> principals = offers.stream().flatMap(o -> o.principals().stream()).distinct().sorted().toList();

        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(s -> s.text(markdownText("Only what the policy lets you ask for is listed. Approvers "
                + "see your justification on the request card."))));
        blocks.add(input(i -> i.blockId(OFFER).label(plainText("Role and scope"))
                .element(staticSelect(e -> e.actionId(VALUE).placeholder(plainText("Choose")).options(choices)))));
        if (!bundles.isEmpty()) {
            String listed = String.join("\n", bundles.stream().map(b -> "*" + Cards.esc(b.name()) + "*: "
                    + Cards.esc(String.join(", ", b.members()))).toList());
            blocks.add(context(c -> c.elements(List.of(markdownText(shorten("Bundles grant all their roles "
                    + "together:\n" + listed, 2900))))));
        }
        if (patterns) {
            blocks.add(input(i -> i.blockId(SCOPE).optional(true).label(plainText("Exact scope"))
                    .hint(plainText("Only for choices with * : the ARM id of the resource group or resource."))
                    .element(plainTextInput(e -> e.actionId(VALUE)))));
        }
        blocks.add(input(i -> i.blockId(DURATION).label(plainText("For how long"))
                .hint(plainText("Each role has its own maximum; the list stops at the longest."))
                .element(staticSelect(e -> e.actionId(VALUE).placeholder(plainText("Duration")).options(durations)))));
        blocks.add(input(i -> i.blockId(START).optional(true).label(plainText("Starting"))
                .hint(plainText("Leave empty to start once approved. A later start such as 22:00, tomorrow 09:00 or "
                        + "2026-12-02T09:00Z; without a zone it is your Slack time zone."))
                .element(plainTextInput(e -> e.actionId(VALUE).placeholder(plainText("once approved"))))));
        blocks.add(input(i -> i.blockId(JUSTIFICATION).label(plainText("Why do you need it?"))
                .element(plainTextInput(e -> e.actionId(VALUE).multiline(true)
                        .placeholder(plainText("e.g. INC-4411 hotfix for the payments queue"))))));
        if (tickets) {
            blocks.add(input(i -> i.blockId(TICKET).optional(true).label(plainText("Ticket"))
                    .hint(plainText("Needed where the choice says \"ticket\"; an id in your reason counts too."))
                    .element(plainTextInput(e -> e.actionId(VALUE).placeholder(plainText("e.g. " + exampleTicket))))));
        }
        if (!principals.isEmpty()) {
            List<OptionObject> whom = new ArrayList<>();
            whom.add(option(plainText("Me"), MYSELF));
            principals.forEach(p -> whom.add(option(plainText(shorten(p, 75)), p)));
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

    /** What a submission asks for, or one message per field that needs fixing. */
    record Submission(Command.Request command, Command.RequestBundle bundle, Map<String, String> errors) {
        Submission(Command.Request command, Map<String, String> errors) {
            this(command, null, errors);
        }

        boolean ok() {
            return errors.isEmpty();
        }

        /** What to hand the core: the single request or the bundle. */
        Command toCommand() {
            return bundle != null ? bundle : command;
        }
    }

    static Submission read(Map<String, Map<String, ViewState.Value>> values, List<Offer> offers,
                           List<BundleOffer> bundles) {
        String choice = selected(values, OFFER);
        if (choice != null && choice.startsWith(BUNDLE)) {
            return readBundle(values, choice.substring(BUNDLE.length()), bundles);
        }
        Map<String, String> errors = new LinkedHashMap<>();
        String role = null;
        String scope = null;
        if (choice == null || !choice.contains("|")) {
            errors.put(OFFER, "Choose the role and scope you need.");
        } else {
            role = choice.substring(0, choice.indexOf('|'));
            scope = choice.substring(choice.indexOf('|') + 1);
            String r = role;
            String s = scope;
            if (offers.stream().noneMatch(o -> o.role().equalsIgnoreCase(r) && o.scopes().contains(s))) {
                errors.put(OFFER, "The policy no longer offers you " + role + " on " + scope + "; close the form and "
                        + "open it again with /jit.");
            } else if (scope.contains("*")) {
                String exact = text(values, SCOPE);
                if (exact == null) {
                    errors.put(values.containsKey(SCOPE) ? SCOPE : OFFER, "This choice covers many scopes: type the "
                            + "exact ARM id under \"Exact scope\", e.g. " + scope.replace("*", "rg-payments") + ".");
                } else {
                    scope = exact;
                }
            }
        }
        // What the form itself must have (a choice, a duration it can read, a reason); every rule about them —
        // the longest duration, the ticket, whom it may be for — is the core's, shown under the field it names.
        Duration duration = duration(values, errors);
        StartTime start = null;
        String from = text(values, START);
        if (from != null) {
            Parsed<StartTime> st = StartTime.parse(from.replaceFirst("(?i)^from\\s+", ""));
            if (st.isOk()) {
                start = st.orThrow();
            } else {
                errors.put(START, st.reason().replace("`from ", "").replace("`", ""));
            }
        }
        String justification = justification(values, errors);
        String ticket = text(values, TICKET);
        String principal = selected(values, PRINCIPAL);
        if (!errors.isEmpty()) {
            return new Submission(null, errors);
        }
        return new Submission(new Command.Request(role, scope, duration, justification, ticket,
                MYSELF.equals(principal) ? null : principal, start), Map.of());
    }

    /**
     * The block of the form a core refusal belongs under: the field it names when the form has that block (a ticket
     * may also be written into the reason), else the role-and-scope choice.
     */
    static String blockFor(Refusal.Field field, Set<String> blocks) {
        String block = field == null ? OFFER : switch (field) {
            case ROLE -> OFFER;
            case SCOPE -> SCOPE;
            case DURATION -> DURATION;
            case JUSTIFICATION -> JUSTIFICATION;
            case TICKET -> blocks.contains(TICKET) ? TICKET : JUSTIFICATION;
            case PRINCIPAL -> PRINCIPAL;
        };
        return blocks.contains(block) ? block : OFFER;
    }

    private static Submission readBundle(Map<String, Map<String, ViewState.Value>> values, String name,
                                         List<BundleOffer> bundles) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (bundles.stream().noneMatch(b -> b.name().equalsIgnoreCase(name))) {
            errors.put(OFFER, "The policy no longer offers you bundle " + name + "; close the form and open it again "
                    + "with /jit.");
        }
        Duration duration = duration(values, errors);
        String justification = justification(values, errors);
        String principal = selected(values, PRINCIPAL);
        if (principal != null && !principal.equals(MYSELF)) {
            errors.put(PRINCIPAL, "Bundles are granted to you only; choose Me, or request the roles one by one.");
        }
        if (text(values, START) != null) {
            errors.put(START, "A bundle starts once it is approved and cannot be scheduled yet; clear Starting, or "
                    + "request its roles one by one with a start.");
        }
        if (!errors.isEmpty()) {
            return new Submission(null, errors);
        }
        return new Submission(null, new Command.RequestBundle(name, duration, justification, text(values, TICKET)),
                Map.of());
    }

    /** The chosen (or, in an older form, typed) duration; null with an error when it cannot be read. */
    private static Duration duration(Map<String, Map<String, ViewState.Value>> values, Map<String, String> errors) {
        String chosen = selected(values, DURATION);
        Parsed<Duration> d = Durations.parse(chosen != null ? chosen : text(values, DURATION));
        if (!d.isOk()) {
            errors.put(DURATION, d.reason().replace("`", ""));
        }
        return d.isOk() ? d.orThrow() : null;
    }

    private static String justification(Map<String, Map<String, ViewState.Value>> values, Map<String, String> errors) {
        String justification = text(values, JUSTIFICATION);
        if (justification == null) {
            errors.put(JUSTIFICATION, "Say why you need it: approvers and the audit log need it.");
        }
        return justification;
    }

    private static String selected(Map<String, Map<String, ViewState.Value>> values, String block) {
        ViewState.Value v = value(values, block);
        return v == null || v.getSelectedOption() == null ? null : v.getSelectedOption().getValue();
    }

    static String text(Map<String, Map<String, ViewState.Value>> values, String block) {
        ViewState.Value v = value(values, block);
        return v == null || v.getValue() == null || v.getValue().isBlank() ? null : v.getValue().strip();
    }

    private static ViewState.Value value(Map<String, Map<String, ViewState.Value>> values, String block) {
        Map<String, ViewState.Value> b = values == null ? null : values.get(block);
        return b == null ? null : b.get(VALUE);
    }

    /** " · up to 2 h, 1 approval": the most a choice grants for and how many approvals it needs. */
    private static String limits(Duration max, int approvals) {
        return " · up to " + Durations.format(max) + (approvals == 0 ? ", no approval"
                : ", " + approvals + " approval" + (approvals == 1 ? "" : "s"));
    }

    private static String shorten(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }
}
