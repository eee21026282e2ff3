package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Refusal.Reason;
import dev.jitbot.core.domain.RoleRef;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which policy rule applies, as pure functions of the {@link Policy}: no store, outbox, clock or directory. Who is
 * in a group is asked of {@link Membership} by the caller, which hands over only the rules that person may use.
 */
final class Rules {

    private Rules() {
    }

    /** The rule a request is filed under, and the ticket it carries; or why no eligible rule takes it. */
    sealed interface Choice permits Choice.Chosen, Choice.None {

        /** Filed under {@code rule}; {@code ticket} is the typed one or the one found in the justification. */
        record Chosen(Policy.Rule rule, String ticket) implements Choice { }

        /** No eligible rule takes the request; the refusal is about the first rule tried. */
        record None(Outcome.Refused refusal) implements Choice { }
    }

    /** The rules that grant {@code role} on {@code scope}, in policy order. */
    static List<Policy.Rule> covering(Policy p, RoleRef role, AzureScope scope) {
        return p.rules().stream().filter(r -> r.covers(role, scope)).toList();
    }

    /**
     * Of the rules a person is eligible under, the one a request is filed under: the fewest approvals, then the
     * longest maximum, that allows {@code duration} and finds its ticket (typed, else in the justification).
     */
    static Choice choose(List<Policy.Rule> eligible, String roleName, String label, Duration duration, String ticket,
                         String justification) {
        Outcome.Refused firstProblem = null;
        for (Policy.Rule r : eligible.stream().sorted(Comparator.comparingInt(Policy.Rule::approvals)
                .thenComparing(Policy.Rule::maxDuration, Comparator.reverseOrder())).toList()) {
            if (duration.compareTo(r.maxDuration()) > 0) {
                firstProblem = firstProblem != null ? firstProblem : new Outcome.Refused(Reason.OVER_MAX_DURATION,
                        roleName + " on " + label + " may be held for at most " + Durations.format(r.maxDuration())
                                + "; ask for `for " + Durations.compact(r.maxDuration()) + "` or less.");
                continue;
            }
            if (r.ticket() == null) {
                return new Choice.Chosen(r, ticket);
            }
            String t = ticketFor(r, ticket, justification);
            if (t != null) {
                return new Choice.Chosen(r, t);
            }
            firstProblem = firstProblem != null ? firstProblem : new Outcome.Refused(Reason.TICKET_REQUIRED,
                    (ticket == null ? roleName + " on " + label + " needs a ticket id"
                            : "`" + ticket + "` is not a ticket id this rule accepts; it needs one")
                            + " matching `" + r.ticket().pattern() + "`: add e.g. `ticket "
                            + exampleTicket(r.ticket()) + "` to your request.");
        }
        return new Choice.None(firstProblem);
    }

    /**
     * The rule a request is decided under: its own, or for a bundle the strictest of its member rules (empty when
     * the rule, or any member rule, is no longer in the policy).
     */
    static Optional<Policy.Rule> of(Policy p, AccessRequest r) {
        return r.isBundle() ? BundleRequests.strictest(p, r) : p.rule(r.ruleName());
    }

    /** The approver groups a live-identity check must find the approver in now: one list per rule to satisfy. */
    static List<List<String>> approverLists(Policy p, Policy.Rule rule, AccessRequest r) {
        if (r.isBundle()) {
            return BundleRequests.memberRules(p, r).map(rules -> rules.stream()
                    .filter(m -> m.approvals() > 0).map(Policy.Rule::approvers).toList())
                    .orElse(List.of(rule.approvers()));
        }
        return List.of(rule.approvers());
    }

    /** The ticket id {@code rule} accepts: the typed one if it matches, else the first match in the justification. */
    static String ticketFor(Policy.Rule rule, String ticket, String justification) {
        if (ticket != null) {
            return rule.ticket().matcher(ticket).matches() ? ticket : null;
        }
        Matcher m = rule.ticket().matcher(justification);
        return m.find() ? m.group() : null;
    }

    /** A ticket id {@code pattern} accepts, e.g. {@code INC-1234} for {@code INC-\d+}, for hints and refusals. */
    static String exampleTicket(Pattern pattern) {
        String p = pattern.pattern();
        String guess = p.replace("\\d+", "1234").replace("\\d", "1").replace("[0-9]+", "1234")
                .replace("\\-", "-").replace("^", "").replace("$", "");
        return pattern.matcher(guess).matches() ? guess : "<id matching " + p + ">";
    }

    /** "Contributor is granted on: rg-a, rg-b." for a refusal, or empty when no rule grants the role. */
    static String whereRoleIsGranted(Policy p, RoleRef role) {
        List<String> where = new ArrayList<>();
        for (Policy.Rule r : p.rules()) {
            if (r.role().sameRole(role)) {
                r.scopes().forEach(s -> where.add(p.labelFor(s)));
            }
        }
        return where.isEmpty() ? "" : role.name() + " is granted on: " + String.join(", ", where) + ".";
    }
}
