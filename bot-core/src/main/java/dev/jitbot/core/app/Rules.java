package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.Policy;
import java.util.List;
import java.util.Optional;

/**
 * Which policy rule applies, as pure functions of the {@link Policy}: no store, outbox, clock or directory. Who is
 * in a group is asked of {@link Membership} by the caller, which hands over only the rules that person is in.
 */
final class Rules {

    private Rules() {
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
}
