package dev.jitbot.core.policy;

import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.ScopeKind;
import dev.jitbot.core.domain.ScopePattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeSet;

/**
 * Warnings about a policy that loads but grants more than a careful security team would like: broad roles at
 * subscription or management-group scope, custom roles with {@code *} actions, auto-approved privileged roles,
 * grants longer than 8 h, and rules some requesters can never get approved.
 */
public final class PolicyLint {

    /** Longest grant that passes without a warning. */
    public static final Duration LONG_GRANT = Duration.ofHours(8);
    /** Longest grant on-call auto-approval may make without a warning. */
    public static final Duration ONCALL_CAP = Duration.ofHours(1);

    /** Roles that can change what anyone may do, or change everything: too broad for a whole subscription. */
    private static final List<String> BROAD_ROLES = List.of("Owner", "Contributor", "User Access Administrator",
            "Role Based Access Control Administrator");

    private PolicyLint() {
    }

    /** Every warning for a policy read from a file, ordered by line. */
    public static List<Finding> lint(PolicyFile file) {
        List<Finding> out = new ArrayList<>();
        Policy policy = file.policy();
        List<Policy.Rule> rules = policy.rules();
        for (int i = 0; i < rules.size(); i++) {
            Policy.Rule rule = rules.get(i);
            String path = "rules[" + i + "]";
            String where = "rule \"" + rule.name() + "\"";
            String role = rule.role().name();

            if (isBroad(role)) {
                List<ScopePattern> scopes = rule.scopes();
                for (int j = 0; j < scopes.size(); j++) {
                    ScopePattern p = scopes.get(j);
                    ScopeKind kind = p.kind();
                    if (kind == ScopeKind.SUBSCRIPTION || kind == ScopeKind.MANAGEMENT_GROUP) {
                        out.add(Finding.warning(file.source(), file.line(path + ".scopes[" + j + "]", rule.line()),
                                where + ": " + role + " on a whole " + (kind == ScopeKind.SUBSCRIPTION
                                        ? "subscription" : "management group") + " (" + label(policy, p)
                                        + ") is broad; grant it on the resource groups the task needs, or use a "
                                        + "narrower role."));
                    }
                }
            }

            if (rule.approvals() == 0 && isPrivileged(role)) {
                out.add(Finding.warning(file.source(), file.line(path + ".approvals",
                        file.line("defaults.approvals", rule.line())),
                        where + ": " + role + " is auto-approved (approvals: 0); a privileged role should need at "
                                + "least one approver, so set `approvals: 1` and name `approvers`."));
            }

            if (rule.maxDuration().compareTo(LONG_GRANT) > 0) {
                out.add(Finding.warning(file.source(), file.line(path + ".max_duration",
                        file.line("defaults.max_duration", rule.line())),
                        where + ": max_duration " + Durations.compact(rule.maxDuration()) + " is longer than 8h; "
                                + "right-size before you make it eligible: a shorter grant, a narrower role or "
                                + "scope."));
            }

            if (rule.oncallApproval() != null && rule.approvals() > 0) {
                int line = file.line(path + ".auto_approve_if", rule.line());
                Duration cap = rule.oncallApproval().maxDuration();
                if (isPrivileged(role)) {
                    out.add(Finding.warning(file.source(), line, where + ": " + role + " is auto-approved for whoever "
                            + "is on call (auto_approve_if: oncall); a privileged role should wait for an approver, "
                            + "so remove `auto_approve_if` from this rule."));
                } else if (cap.compareTo(ONCALL_CAP) > 0) {
                    out.add(Finding.warning(file.source(), line, where + ": auto_approve_if: oncall grants up to "
                            + Durations.compact(cap) + " without a vote; cap it at 1h or less with "
                            + "`auto_approve_if: { oncall: true, max_duration: 1h }`."));
                }
            }

            approvable(file, rule, path, where, out);
        }

        for (Policy.Bundle bundle : policy.bundles().values()) {
            unapprovableBundle(file, bundle, out);
        }

        file.customRoles().values().forEach(role -> {
            List<String> actions = role.actions();
            for (int k = 0; k < actions.size(); k++) {
                String a = actions.get(k);
                if (!a.contains("*") || a.toLowerCase(Locale.ROOT).endsWith("/read")) {
                    continue;
                }
                String path = "custom_roles." + role.name() + ".actions[" + k + "]";
                String what = a.equals("*")
                        ? "allows every action in Azure, role assignments included"
                        : "allows every action matching `" + a + "`, writes and deletes included";
                out.add(Finding.warning(file.source(), file.line(path, role.line()),
                        "custom role \"" + role.name() + "\": action `" + a + "` " + what
                                + "; list the actions the task needs instead."));
            }
            List<String> dataActions = role.dataActions();
            for (int k = 0; k < dataActions.size(); k++) {
                String a = dataActions.get(k);
                if (a.equals("*")) {
                    out.add(Finding.warning(file.source(),
                            file.line("custom_roles." + role.name() + ".data_actions[" + k + "]", role.line()),
                            "custom role \"" + role.name() + "\": data action `*` reads and writes every data "
                                    + "plane (storage, key vault secrets); list the data actions the task needs."));
                }
            }
        });

        breakGlass(file, out);

        out.sort(Comparator.comparingInt(Finding::line));
        return List.copyOf(out);
    }

    /** Longest break-glass grant that passes without a warning. */
    public static final Duration LONG_BREAK_GLASS = Duration.ofHours(1);

    /** Break-glass that nobody hears about, or that lasts longer than an incident's first hour. */
    private static void breakGlass(PolicyFile file, List<Finding> out) {
        Policy.BreakGlassRule bg = file.policy().breakGlass();
        if (bg == null) {
            return;
        }
        if (file.policy().securityChannel().isEmpty()) {
            out.add(Finding.warning(file.source(), file.line("break_glass.channel", bg.line()),
                    "break_glass has no security channel, so a grant without approval would go unseen; add "
                            + "`channel: security` and `security: { slack: C0SECURITY }` under `channels:`."));
        }
        if (bg.maxDuration().compareTo(LONG_BREAK_GLASS) > 0) {
            out.add(Finding.warning(file.source(), file.line("break_glass.max_duration", bg.line()),
                    "break_glass: max_duration " + Durations.compact(bg.maxDuration()) + " is over 1h; emergency "
                            + "access without approval should cover the first hour, then go through a normal "
                            + "request. Write `max_duration: 1h` or less."));
        }
    }

    /** What {@code jitbot check} prints: the errors of a file that did not load, else its warnings. */
    public static List<Finding> check(PolicyLoader.Result result) {
        return result.isOk() ? lint(result.file()) : result.errors();
    }

    /** Every warning for a policy built in code (lines come from each rule's own line). */
    public static List<Finding> lint(Policy policy) {
        return lint(PolicyFile.of(policy, "policy"));
    }

    /** The warnings about one rule of a policy built in code, as sentences without file and line (for cards). */
    public static List<String> forRule(Policy policy, String ruleName) {
        String prefix = "rule \"" + ruleName + "\": ";
        return lint(policy).stream().map(Finding::message).filter(m -> m.startsWith(prefix))
                .map(m -> m.substring(prefix.length())).toList();
    }

    /** Owner, Contributor, User Access Administrator and Role Based Access Control Administrator. */
    static boolean isBroad(String role) {
        return BROAD_ROLES.stream().anyMatch(r -> r.equalsIgnoreCase(role.strip()));
    }

    /** The broad roles and every other "… Administrator" role. */
    static boolean isPrivileged(String role) {
        return isBroad(role) || role.strip().toLowerCase(Locale.ROOT).endsWith("administrator");
    }

    /** Warns when approvers cannot reach the quorum, in general or for a requester who is also an approver. */
    private static void approvable(PolicyFile file, Policy.Rule rule, String path, String where, List<Finding> out) {
        if (rule.approvals() == 0) {
            return;
        }
        Policy policy = file.policy();
        int line = file.line(path + ".approvals", rule.line());
        if (rule.approvers().isEmpty()) {
            out.add(Finding.warning(file.source(), line, where + ": nobody can approve it (approvals: "
                    + rule.approvals() + ", no approvers); name `approvers` or set `approvals: 0`."));
            return;
        }
        OptionalInt count = PolicyRefs.countPeople(rule.approvers(), policy.groups());
        if (count.isEmpty()) {
            return;
        }
        Set<String> approvers = people(policy, rule.approvers());
        if (approvers.size() < rule.approvals()) {
            out.add(Finding.warning(file.source(), line, where + ": nobody can approve it: it needs "
                    + rule.approvals() + " distinct approvals but only " + approvers.size() + " people may approve; "
                    + "add approvers or lower `approvals`."));
            return;
        }
        Set<String> stuck = new LinkedHashSet<>();
        for (String requester : people(policy, rule.requesters())) {
            if (approvers.contains(requester) && approvers.size() - 1 < rule.approvals()) {
                stuck.add(requester);
            }
        }
        if (!stuck.isEmpty()) {
            out.add(Finding.warning(file.source(), line, where + ": nobody can approve a request from "
                    + String.join(", ", stuck) + ": nobody approves their own request, which leaves "
                    + (approvers.size() - 1) + " of the " + rule.approvals() + " approvals needed; add approvers or "
                    + "lower `approvals`."));
        }
    }

    /**
     * Warns when nobody may approve every member of a bundle: its approvers are those of every member rule that
     * needs approval, so member rules without a shared approver make a bundle nobody can approve. Only where the
     * people are countable (no Entra groups, no {@code owners}).
     */
    private static void unapprovableBundle(PolicyFile file, Policy.Bundle bundle, List<Finding> out) {
        Policy policy = file.policy();
        Set<String> common = null;
        List<String> lists = new ArrayList<>();
        for (Policy.BundleMember m : bundle.members()) {
            Policy.Rule rule = policy.rules().stream().filter(r -> r.covers(m.role(), m.scope())).findFirst()
                    .orElse(null);
            if (rule == null || rule.approvals() == 0) {
                continue;
            }
            if (PolicyRefs.countPeople(rule.approvers(), policy.groups()).isEmpty()) {
                return;
            }
            Set<String> people = people(policy, rule.approvers());
            common = common == null ? people : new TreeSet<>(common.stream().filter(people::contains).toList());
            lists.add("\"" + rule.name() + "\": " + (rule.approvers().isEmpty() ? "nobody"
                    : String.join(", ", rule.approvers())));
        }
        if (common != null && common.isEmpty()) {
            out.add(Finding.warning(file.source(), file.line("bundles." + bundle.name(), bundle.line()),
                    "bundle \"" + bundle.name() + "\": nobody may approve every member (" + String.join("; ", lists)
                            + "), so nobody can approve it; give its member rules an approver in common."));
        }
    }

    /** The people a list of refs names directly or through the listed members of its groups. */
    private static Set<String> people(Policy policy, List<String> refs) {
        Set<String> out = new TreeSet<>();
        for (String ref : refs) {
            policy.group(ref).ifPresentOrElse(g -> out.addAll(g.members()),
                    () -> out.add(ref.strip().toLowerCase(Locale.ROOT)));
        }
        return out;
    }

    private static String label(Policy policy, ScopePattern p) {
        if (p.isExact()) {
            return policy.labelFor(new AzureScope(p.pattern()));
        }
        return p.pattern();
    }
}
