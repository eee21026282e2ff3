package dev.jitbot.core.app;

import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.PrincipalType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * "Move to jitbot": for each standing privileged assignment, the policy.yaml rule that would cover it: its own
 * scope (the narrowest), a max duration from its risk, and at least one approval. Only text: nothing is changed.
 */
public final class RuleSuggestions {

    private RuleSuggestions() {
    }

    /** The longest grant a rule for a role of this risk should allow. */
    public static Duration maxDuration(StandingAccessScan.Risk risk) {
        return switch (risk) {
            case CRITICAL -> Duration.ofMinutes(30);
            case HIGH -> Duration.ofHours(1);
            case MEDIUM -> Duration.ofHours(2);
            case LOW -> Duration.ofHours(4);
        };
    }

    /**
     * YAML items to put under {@code rules:}, one per standing privileged assignment no rule covers yet, each after
     * a comment saying which assignment it replaces; an empty list when there is nothing to move.
     */
    public static List<String> suggest(Policy policy, List<StandingAccessScan.Finding> findings) {
        List<String> out = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        policy.rules().forEach(r -> names.add(r.name().toLowerCase(Locale.ROOT)));
        for (StandingAccessScan.Finding f : findings) {
            if (!f.privilegedStanding() || f.coveredByRule() != null) {
                continue;
            }
            out.add(rule(policy, f, names));
        }
        return out;
    }

    private static String rule(Policy policy, StandingAccessScan.Finding f, Set<String> names) {
        String scope = policy.labelFor(f.scope());
        String base = f.role().name() + " on " + (scope.startsWith("/") ? lastName(scope) : scope);
        String name = base;
        for (int i = 2; !names.add(name.toLowerCase(Locale.ROOT)); i++) {
            name = base + " " + i;
        }
        boolean workload = f.principal().type().isNonHuman();
        String approvers = policy.oncallGroup() != null ? policy.oncallGroup()
                : policy.groups().keySet().stream().sorted().findFirst().orElse("security@example.com");
        int approvals = f.risk() == StandingAccessScan.Risk.CRITICAL && policy.group(approvers)
                .map(g -> g.members().size() >= 3 || g.entraGroupId() != null).orElse(false) ? 2 : 1;
        StringBuilder y = new StringBuilder();
        y.append("  # replaces the standing ").append(f.role().name()).append(" of ")
                .append(f.principal().type().armName()).append(' ').append(f.principal().objectId())
                .append(" (").append(f.risk().word()).append(": ").append(String.join(", ", f.reasons()))
                .append(")\n");
        y.append("  # then remove it: jitbot scan --remove ").append(f.assignmentId()).append(" --as <you>\n");
        if (workload) {
            y.append("  # declare the workload under principals: with the people who own it, e.g.\n");
            y.append("  #   principals: { my-workload: { object_id: ").append(f.principal().objectId())
                    .append(", type: ").append(typeWord(f.principal().type())).append(", owners: [...] } }\n");
        }
        y.append("  - name: ").append(quote(name)).append('\n');
        y.append("    role: ").append(quote(f.role().name())).append('\n');
        y.append("    scopes: [").append(quote(scope)).append("]\n");
        y.append("    requesters: [").append(workload ? approvers : quote(person(policy, f.principal().objectId())))
                .append("]\n");
        if (workload) {
            y.append("    principals: [\"*\"]\n");
        }
        y.append("    approvers: [").append(approvers.contains("@") ? quote(approvers) : approvers).append("]\n");
        y.append("    approvals: ").append(approvals).append('\n');
        y.append("    max_duration: ").append(Durations.compact(maxDuration(f.risk()))).append('\n');
        return y.toString();
    }

    /** The user's email where the policy's {@code users:} knows it, else the Entra object id (Teams matches it). */
    private static String person(Policy policy, String objectId) {
        return policy.users().values().stream().filter(u -> objectId.equalsIgnoreCase(u.objectId()))
                .map(Policy.UserEntry::email).filter(e -> e != null).findFirst().orElse(objectId);
    }

    private static String typeWord(PrincipalType t) {
        return t == PrincipalType.MANAGED_IDENTITY ? "ManagedIdentity" : "ServicePrincipal";
    }

    private static String lastName(String armId) {
        return armId.substring(armId.lastIndexOf('/') + 1);
    }

    /** A YAML double-quoted scalar. */
    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
    }
}
