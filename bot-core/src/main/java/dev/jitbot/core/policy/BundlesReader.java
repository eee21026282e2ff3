package dev.jitbot.core.policy;

import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.BundleGrant;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.RoleRef;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads {@code bundles:} into findings with line numbers: each name maps to a list of {@code <role> on <scope>} (or
 * {@code { role: …, scope: … }}) pairs, every one covered by some rule, so a bundle only ever grants what single
 * requests could. Read after the rules.
 */
final class BundlesReader {

    static final List<String> MEMBER_KEYS = List.of("role", "scope");
    private static final String EXAMPLE = " e.g. `incident-payments: [Contributor on rg-payments, Reader on sub-prod]`";

    private final PolicyNodes nodes;

    BundlesReader(PolicyNodes nodes) {
        this.nodes = nodes;
    }

    Map<String, Policy.Bundle> read(Node node, Map<String, AzureScope> aliases, List<Policy.Rule> rules) {
        Map<String, Policy.Bundle> out = new LinkedHashMap<>();
        PolicyNodes.Fields f = nodes.section(node, "bundles", "bundle");
        if (f == null) {
            return out;
        }
        Map<String, String> seen = new HashMap<>();
        f.forEach((name, key, value) -> {
            String where = "bundles: `" + name + "`";
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
                nodes.error(key, where + " is not a usable bundle name; people type it after `request bundle`, so "
                        + "use letters, digits, `-`, `.` or `_`, e.g. `incident-payments`.");
                return;
            }
            String clash = seen.put(name.toLowerCase(Locale.ROOT), name);
            if (clash != null) {
                nodes.error(key, where + " differs from bundle `" + clash + "` only in case, and bundle names ignore "
                        + "case; keep one of them.");
                return;
            }
            if (!(value instanceof SequenceNode) || ((SequenceNode) value).getValue().isEmpty()) {
                nodes.error(value == null ? key : value, where + " must list its (role, scope) pairs;" + EXAMPLE
                        + ".");
                return;
            }
            List<Node> items = PolicyNodes.items(value);
            if (items.size() > BundleGrant.MAX_MEMBERS) {
                nodes.error(value, where + " has " + items.size() + " members; a bundle holds at most "
                        + BundleGrant.MAX_MEMBERS + ". Split it into smaller bundles.");
                return;
            }
            List<Policy.BundleMember> members = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                Policy.BundleMember member = member(items.get(i), where + " member " + (i + 1), aliases, rules,
                        members);
                if (member != null) {
                    nodes.recordLine("bundles." + name + "[" + i + "]", items.get(i));
                    members.add(member);
                }
            }
            if (members.size() == items.size()) {
                nodes.recordLine("bundles." + name, key);
                out.put(name, new Policy.Bundle(name, members, PolicyNodes.line(key)));
            }
        });
        return out;
    }

    /** One (role, scope) pair, or null (reported) when it is unreadable, covered by no rule, or listed already. */
    private Policy.BundleMember member(Node item, String memberWhere, Map<String, AzureScope> aliases,
                                       List<Policy.Rule> rules, List<Policy.BundleMember> members) {
        String role;
        String scopeText;
        if (item instanceof MappingNode) {
            PolicyNodes.Fields m = nodes.fields(item, memberWhere, "key", MEMBER_KEYS);
            if (m == null) {
                return null;
            }
            role = m.get("role") == null ? null : nodes.scalar(m.get("role"), memberWhere + ": role");
            scopeText = m.get("scope") == null ? null : nodes.scalar(m.get("scope"), memberWhere + ": scope");
            if (role == null || scopeText == null) {
                nodes.error(item, memberWhere + " needs both `role` and `scope`, e.g. `{ role: Reader, scope: "
                        + "sub-prod }`.");
                return null;
            }
        } else {
            String text = nodes.scalar(item, memberWhere);
            if (text == null) {
                return null;
            }
            int on = text.toLowerCase(Locale.ROOT).lastIndexOf(" on ");
            if (on <= 0) {
                nodes.error(item, memberWhere + " `" + text + "` is not `<role> on <scope>`;" + EXAMPLE + ".");
                return null;
            }
            role = text.substring(0, on).strip();
            scopeText = text.substring(on + 4).strip();
        }
        AzureScope scope = aliases.get(scopeText);
        if (scope == null) {
            scope = aliases.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(scopeText))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
        }
        if (scope == null) {
            if (!scopeText.startsWith("/")) {
                nodes.error(item, memberWhere + ": `" + scopeText + "` is not under `scopes:`"
                        + Suggestions.suggestion(scopeText, aliases.keySet()) + "; name an alias or an ARM id.");
                return null;
            }
            Parsed<AzureScope> parsed = AzureScope.parse(scopeText);
            if (!parsed.isOk()) {
                nodes.error(item, memberWhere + ": " + parsed.reason());
                return null;
            }
            scope = parsed.orThrow();
        }
        RoleRef wanted = RoleRef.named(role);
        AzureScope at = scope;
        Optional<Policy.Rule> covering = rules.stream().filter(r -> r.covers(wanted, at)).findFirst();
        if (covering.isEmpty()) {
            nodes.error(item, memberWhere + ": no rule grants " + role + " on " + scopeText + ", so nobody could "
                    + "request this bundle; add a rule for it or remove the member.");
            return null;
        }
        String label = aliases.entrySet().stream().filter(e -> e.getValue().id().equalsIgnoreCase(at.id()))
                .map(Map.Entry::getKey).findFirst().orElse(at.id());
        Policy.BundleMember member = new Policy.BundleMember(new RoleRef(covering.get().role().name(), null), at,
                label);
        if (members.stream().anyMatch(x -> x.role().sameRole(member.role())
                && x.scope().id().equalsIgnoreCase(at.id()))) {
            nodes.error(item, memberWhere + ": " + member.label() + " is listed twice; keep one.");
            return null;
        }
        return member;
    }
}
