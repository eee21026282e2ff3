package dev.jitbot.core.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * The members of a bundle request: several (role, scope) pairs granted together and revoked together under one
 * request, one card and one decision (policy {@code bundles:}).
 *
 * @param name    the bundle's name in policy.yaml, e.g. {@code incident-payments}
 * @param members the pairs, in policy order; the request's own role and scope are the first member's
 */
public record BundleGrant(String name, List<Member> members) {

    /** Most members one bundle may have: each is one Azure call on grant and one on revoke. */
    public static final int MAX_MEMBERS = 10;

    public BundleGrant {
        Objects.requireNonNull(name, "name");
        members = List.copyOf(members);
        if (members.isEmpty()) {
            throw new IllegalArgumentException("a bundle without members");
        }
    }

    /**
     * One (role, scope) pair of a bundle request.
     *
     * @param ruleName     the policy rule that makes the requester eligible for this pair
     * @param assignmentId the provider's handle once Azure confirmed this member (null before)
     * @param refusal      why Azure refused this member (null unless it did); the others are then taken away
     */
    public record Member(RoleRef role, AzureScope scope, String scopeLabel, String ruleName, String assignmentId,
                         String refusal) {
        public Member {
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(ruleName, "ruleName");
            scopeLabel = scopeLabel == null || scopeLabel.isBlank() ? scope.id() : scopeLabel;
        }

        /** "Contributor on rg-payments". */
        public String label() {
            return role.name() + " on " + scopeLabel;
        }

        /** True when this member grants {@code other} on {@code where}. */
        public boolean grants(RoleRef other, AzureScope where) {
            return role.sameRole(other) && scope.id().equalsIgnoreCase(where.id());
        }

        public Member withAssignmentId(String id) {
            return new Member(role, scope, scopeLabel, ruleName, id, refusal);
        }

        public Member withRefusal(String why) {
            return new Member(role, scope, scopeLabel, ruleName, assignmentId, why);
        }

        /** A key that tells the members of one request apart, stable across retries: role and scope, lower case. */
        public String key() {
            return (role.name() + "|" + scope.id()).toLowerCase(Locale.ROOT);
        }
    }

    /** The same bundle with member {@code index} replaced. */
    public BundleGrant with(int index, Member member) {
        List<Member> next = new ArrayList<>(members);
        next.set(index, Objects.requireNonNull(member, "member"));
        return new BundleGrant(name, next);
    }

    /** The first member Azure refused, or null. */
    public Member refused() {
        return members.stream().filter(m -> m.refusal() != null).findFirst().orElse(null);
    }

    /** "Contributor on rg-payments, Reader on sub-prod". */
    public String memberLabels() {
        return String.join(", ", members.stream().map(Member::label).toList());
    }
}
