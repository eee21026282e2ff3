package dev.jitbot.core.app;

import dev.jitbot.core.app.AccessService.BundleOffer;
import dev.jitbot.core.app.AccessService.Offer;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Command;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Refusal;
import dev.jitbot.core.domain.Refusal.Field;
import dev.jitbot.core.domain.Refusal.Reason;
import dev.jitbot.core.domain.StartTime;
import dev.jitbot.core.domain.Text;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The request form one person sees, decided in the core from what their rules offer ({@link AccessService#offers}
 * and {@link AccessService#bundleOffers}): the role-and-scope and bundle choices labelled with their limits, the
 * duration steps up to the longest offer, which optional fields it needs (exact scope, ticket, for whom), and how a
 * filled-in form reads back into a command. An adapter only draws it; every rule about the command (the longest
 * duration, the ticket, whom it may be for) stays with {@link AccessService#check} and {@link AccessService#handle}.
 */
public final class RequestFormModel {

    /** The value of the "for whom" choice that means the person filling in the form. */
    public static final String MYSELF = "-myself-";
    /** How a bundle's choice value starts: {@code bundle|incident-payments}. */
    public static final String BUNDLE = "bundle|";
    private static final List<Duration> STEPS = List.of(Duration.ofMinutes(15), Duration.ofMinutes(30),
            Duration.ofMinutes(45), Duration.ofHours(1), Duration.ofMinutes(90), Duration.ofHours(2),
            Duration.ofHours(3), Duration.ofHours(4), Duration.ofHours(6), Duration.ofHours(8));
    /** A form's start field holds what the text grammar writes after {@code from}. */
    private static final String START_EXAMPLES = "`22:00`, `tomorrow 09:00` or `2026-12-02T09:00Z`";

    private final List<Offer> offers;
    private final List<BundleOffer> bundles;
    private final List<FormChoice> choices = new ArrayList<>();
    private final List<FormChoice> durations;
    private final List<FormChoice> principals = new ArrayList<>();
    private final boolean exactScope;
    private final String exampleTicket;

    private RequestFormModel(List<Offer> offers, List<BundleOffer> bundles) {
        this.offers = List.copyOf(offers);
        this.bundles = List.copyOf(bundles);
        for (BundleOffer b : this.bundles) {
            choices.add(new FormChoice(BUNDLE + b.name(), "Bundle " + b.name() + ": " + b.members().size() + " roles"
                    + limits(b.maxDuration(), b.approvals())));
        }
        for (Offer o : this.offers) {
            for (String scope : o.scopes()) {
                choices.add(new FormChoice(o.role() + "|" + scope, o.role() + " on " + scope
                        + limits(o.maxDuration(), o.approvals()) + (o.ticketPattern() != null ? ", ticket" : "")));
            }
        }
        Duration longest = Stream.concat(this.offers.stream().map(Offer::maxDuration),
                this.bundles.stream().map(BundleOffer::maxDuration)).max(Duration::compareTo).orElse(Duration.ofHours(1));
        // The usual steps up to the longest offer, and each offer's own maximum so it can be chosen exactly.
        TreeSet<Duration> steps = new TreeSet<>();
        STEPS.stream().filter(d -> d.compareTo(longest) <= 0).forEach(steps::add);
        this.offers.forEach(o -> steps.add(o.maxDuration()));
        this.bundles.forEach(b -> steps.add(b.maxDuration()));
        this.durations = steps.stream().map(d -> new FormChoice(Durations.compact(d), Durations.format(d))).toList();
        this.exactScope = this.offers.stream().flatMap(o -> o.scopes().stream()).anyMatch(s -> s.contains("*"));
        this.exampleTicket = this.offers.stream().filter(o -> o.ticketPattern() != null).findFirst()
                .map(o -> Rules.exampleTicket(Pattern.compile(o.ticketPattern()))).orElse(null);
        List<String> nonHuman = this.offers.stream().flatMap(o -> o.principals().stream()).distinct().sorted().toList();
        if (!nonHuman.isEmpty()) {
            principals.add(new FormChoice(MYSELF, "Me"));
            nonHuman.forEach(p -> principals.add(new FormChoice(p, p)));
        }
    }

    /** The form for someone offered {@code offers} and {@code bundles}. */
    public static RequestFormModel of(List<Offer> offers, List<BundleOffer> bundles) {
        return new RequestFormModel(Objects.requireNonNull(offers, "offers"), Objects.requireNonNull(bundles, "bundles"));
    }

    /** The form {@code service} would show {@code user} now. */
    public static RequestFormModel of(AccessService service, ChatUser user) {
        return of(service.offers(user), service.bundleOffers(user));
    }

    /** True when the policy offers nothing: no form to show. */
    public boolean isEmpty() {
        return choices.isEmpty();
    }

    /** The role-and-scope choices, bundles first: only what the person is eligible for, each with its limits. */
    public List<FormChoice> choices() {
        return List.copyOf(choices);
    }

    /** The durations to pick from: the usual steps up to the longest offer, and every offer's own maximum. */
    public List<FormChoice> durations() {
        return durations;
    }

    /** True when a choice is a scope pattern ({@code resourceGroups/*}), so the form needs an exact-scope field. */
    public boolean asksExactScope() {
        return exactScope;
    }

    /** True when a rule on offer wants a ticket, so the form has a ticket field. */
    public boolean asksTicket() {
        return exampleTicket != null;
    }

    /** A ticket id the first ticket-wanting rule accepts, e.g. {@code INC-1234}; null when none wants one. */
    public String exampleTicket() {
        return exampleTicket;
    }

    /** Whom the grant may be for: Me, then the non-human identities the person owns; empty: no such field. */
    public List<FormChoice> principals() {
        return List.copyOf(principals);
    }

    /** "Bundles grant all their roles together:" and each bundle's members, or empty without bundles. */
    public Optional<Text> bundleNote() {
        if (bundles.isEmpty()) {
            return Optional.empty();
        }
        Text.Builder b = Text.of().plain("Bundles grant all their roles together:");
        bundles.forEach(x -> b.plain("\n").emphasis(x.name()).plain(": " + String.join(", ", x.members())));
        return Optional.of(b.done());
    }

    /**
     * Reads a sent form, {@code raw} holding each field the form had (blank or null: left empty; {@link Field#ROLE}
     * is the role-and-scope choice): the command it asks for, or what must be fixed first — a choice, a duration
     * and a reason, an exact scope for a pattern, a start that reads, a choice the policy still offers.
     */
    public FormReading read(Map<Field, String> raw) {
        Objects.requireNonNull(raw, "raw");
        Map<Field, Refusal> wrong = new EnumMap<>(Field.class);
        String choice = value(raw, Field.ROLE);
        Duration duration = duration(raw, wrong);
        String justification = value(raw, Field.JUSTIFICATION);
        if (justification == null) {
            wrong.put(Field.JUSTIFICATION, refusal("Say why you need it: approvers and the audit log need it.",
                    Field.JUSTIFICATION));
        }
        String ticket = value(raw, Field.TICKET);
        String principal = value(raw, Field.PRINCIPAL);
        String from = value(raw, Field.START);
        Command command;
        if (choice != null && choice.startsWith(BUNDLE)) {
            String name = choice.substring(BUNDLE.length());
            if (bundles.stream().noneMatch(b -> b.name().equalsIgnoreCase(name))) {
                wrong.put(Field.ROLE, gone("bundle " + name));
            }
            if (principal != null && !principal.equals(MYSELF)) {
                wrong.put(Field.PRINCIPAL, new Refusal(Reason.NOT_ALLOWED, "Bundles are granted to you only; choose "
                        + "Me, or request the roles one by one.", Field.PRINCIPAL));
            }
            if (from != null) {
                wrong.put(Field.START, new Refusal(Reason.NOT_ALLOWED, "A bundle starts once it is approved and cannot "
                        + "be scheduled yet; clear Starting, or request its roles one by one with a start.",
                        Field.START));
            }
            command = wrong.isEmpty() ? new Command.RequestBundle(name, duration, justification, ticket) : null;
        } else {
            String scope = scope(choice, raw, wrong);
            StartTime start = start(from, wrong);
            command = wrong.isEmpty() ? new Command.Request(choice.substring(0, choice.indexOf('|')), scope, duration,
                    justification, ticket, MYSELF.equals(principal) ? null : principal, start) : null;
        }
        return command != null ? new FormReading.Ready(command, raw.keySet()) : new FormReading.Unfinished(wrong);
    }

    /** The scope a role choice asks for (the exact one typed for a pattern), or null with the refusal. */
    private String scope(String choice, Map<Field, String> raw, Map<Field, Refusal> wrong) {
        if (choice == null || !choice.contains("|")) {
            wrong.put(Field.ROLE, refusal("Choose the role and scope you need.", Field.ROLE));
            return null;
        }
        String role = choice.substring(0, choice.indexOf('|'));
        String scope = choice.substring(choice.indexOf('|') + 1);
        if (offers.stream().noneMatch(o -> o.role().equalsIgnoreCase(role) && o.scopes().contains(scope))) {
            wrong.put(Field.ROLE, gone(role + " on " + scope));
            return null;
        }
        if (!scope.contains("*")) {
            return scope;
        }
        String exact = value(raw, Field.SCOPE);
        if (exact == null) {
            // A form opened before the policy had a pattern has no exact-scope field: say it under the choice.
            Field under = raw.containsKey(Field.SCOPE) ? Field.SCOPE : Field.ROLE;
            wrong.put(under, refusal("This choice covers many scopes: type the exact ARM id under \"Exact scope\", "
                    + "e.g. " + scope.replace("*", "rg-payments") + ".", under));
        }
        return exact;
    }

    private static Duration duration(Map<Field, String> raw, Map<Field, Refusal> wrong) {
        Parsed<Duration> d = Durations.parse(value(raw, Field.DURATION));
        if (!d.isOk()) {
            wrong.put(Field.DURATION, refusal(d.reason(), Field.DURATION));
            return null;
        }
        return d.orThrow();
    }

    /** The start typed (a leading "from" as the text grammar has it is fine), null for "once approved". */
    private static StartTime start(String from, Map<Field, Refusal> wrong) {
        if (from == null) {
            return null;
        }
        Parsed<StartTime> st = StartTime.parse(from.replaceFirst("(?i)^from\\s+", ""), START_EXAMPLES);
        if (!st.isOk()) {
            wrong.put(Field.START, refusal(st.reason(), Field.START));
            return null;
        }
        return st.orThrow();
    }

    private static Refusal gone(String what) {
        return new Refusal(Reason.NOT_ELIGIBLE, "The policy no longer offers you " + what + "; close the form and "
                + "open it again to see what it offers now.", Field.ROLE);
    }

    private static Refusal refusal(String message, Field field) {
        return new Refusal(Reason.INVALID_INPUT, message, field);
    }

    private static String value(Map<Field, String> raw, Field field) {
        String v = raw.get(field);
        return v == null || v.isBlank() ? null : v.strip();
    }

    /** " · up to 2 h, 1 approval": the most a choice grants for and how many approvals it needs. */
    private static String limits(Duration max, int approvals) {
        return " · up to " + Durations.format(max) + (approvals == 0 ? ", no approval"
                : ", " + approvals + " approval" + (approvals == 1 ? "" : "s"));
    }
}
