package dev.jitbot.core.policy;

import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.ScopePattern;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * What one section names in another: groups, people, workloads and scope aliases. Remembers every name the file
 * declares, readable or not, so a broken group, principal or alias is reported once where it is defined, not again
 * at every use.
 */
final class PolicyRefs {

    private static final Pattern EMAIL = Pattern.compile("[^@\\s:/]+@[^@\\s:/]+\\.[^@\\s:/]+");
    private static final String PERSON_EXAMPLE = "a person by email (alice@contoso.com) or chat id (slack:U024BE7LH)";

    private final PolicyNodes nodes;
    private final Set<String> declaredGroups = new HashSet<>();
    private final Set<String> declaredPrincipals = new HashSet<>();
    private final Set<String> declaredAliases = new HashSet<>();

    PolicyRefs(PolicyNodes nodes) {
        this.nodes = nodes;
    }

    void declareGroup(String name) {
        declaredGroups.add(name);
    }

    boolean isDeclaredGroup(String name) {
        return declaredGroups.contains(name);
    }

    /** False when a principal of that name, ignoring case, was declared already. */
    boolean declarePrincipal(String alias) {
        return declaredPrincipals.add(alias.toLowerCase(Locale.ROOT));
    }

    boolean isDeclaredPrincipal(String alias) {
        return declaredPrincipals.contains(alias.toLowerCase(Locale.ROOT));
    }

    void declareAlias(String alias) {
        declaredAliases.add(alias.toLowerCase(Locale.ROOT));
    }

    /** Group names, emails or chat keys that must each name something. */
    List<String> refs(Node node, String what, Map<String, Policy.Group> groups) {
        List<String> out = new ArrayList<>();
        for (Node item : PolicyNodes.items(node)) {
            String ref = nodes.scalar(item, what);
            if (ref != null && checkRef(item, what, ref, groups)) {
                out.add(ref.strip());
            }
        }
        return out;
    }

    boolean checkRef(Node at, String what, String ref, Map<String, Policy.Group> groups) {
        String r = ref.strip();
        if (r.equalsIgnoreCase(Policy.OWNERS) && !groups.containsKey(r) && !declaredGroups.contains(r)) {
            if (what.endsWith("approvers")) {
                return true;
            }
            nodes.error(at, what + ": `owners` means the owners of a workload and only fits `approvers:`; name a "
                    + "group or a person here.");
            return false;
        }
        if (r.toLowerCase(Locale.ROOT).startsWith(Policy.WORKLOAD_PREFIX)) {
            String alias = r.substring(Policy.WORKLOAD_PREFIX.length()).strip();
            if (!what.endsWith("requesters")) {
                nodes.error(at, what + ": `" + r + "` names a workload, which can ask for access but not decide it; "
                        + "list people or groups here, or `owners` for the workload's owners.");
                return false;
            }
            if (!declaredPrincipals.contains(alias.toLowerCase(Locale.ROOT))) {
                nodes.error(at, what + ": `" + r + "` names no workload under `principals:`; add `" + (alias.isEmpty()
                        ? "deploy-pipeline" : alias) + ": { object_id: <its Entra object id>, type: ServicePrincipal, "
                        + "owners: [alice@contoso.com] }` there, or fix the name.");
                return false;
            }
            return true;
        }
        if (groups.containsKey(r) || declaredGroups.contains(r) || isPerson(r)) {
            return true;
        }
        nodes.error(at, what + ": `" + r + "` is not a group under `groups:`"
                + Suggestions.suggestion(r, groups.keySet()) + "; name a group, or " + PERSON_EXAMPLE + ".");
        return false;
    }

    /** People: emails, chat keys or Entra object ids; returns null when the node is not a list. */
    List<String> people(Node node, String what) {
        if (node == null || PolicyNodes.isNull(node)) {
            return List.of();
        }
        if (node instanceof MappingNode) {
            nodes.error(node, what + " must be a list such as `[alice@contoso.com, slack:U024BE7LH]`, not a mapping.");
            return null;
        }
        List<String> out = new ArrayList<>();
        for (Node item : PolicyNodes.items(node)) {
            String p = nodes.scalar(item, what);
            if (p == null) {
                continue;
            }
            if (declaredGroups.contains(p)) {
                nodes.error(item, what + ": `" + p + "` is a group, but this list takes people (groups do not nest); "
                        + "write their emails instead.");
            } else if (!isPerson(p)) {
                nodes.error(item, what + ": `" + p + "` is not a person; write " + PERSON_EXAMPLE + ".");
            } else {
                out.add(p.strip());
            }
        }
        return out;
    }

    /** A scope written in a rule or break-glass: an alias under {@code scopes:}, or an ARM id or pattern. */
    ScopePattern scopePattern(Node at, String where, String typed, Map<String, AzureScope> aliases) {
        AzureScope alias = aliases.get(typed);
        if (alias == null) {
            alias = aliases.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(typed))
                    .map(Map.Entry::getValue).findFirst().orElse(null);
        }
        if (alias != null) {
            return new ScopePattern(alias.id());
        }
        if (declaredAliases.contains(typed.toLowerCase(Locale.ROOT))) {
            return null; // the alias itself is broken, and reported where it is defined
        }
        if (!typed.startsWith("/")) {
            nodes.error(at, where + ": scope `" + typed + "` is neither an alias under `scopes:` nor an ARM id"
                    + Suggestions.suggestion(typed, aliases.keySet()) + "; define the alias, or write the id, e.g. `"
                    + AzureScope.EXAMPLE + "`.");
            return null;
        }
        for (String segment : typed.split("/")) {
            if (segment.contains("*") && !segment.equals("*")) {
                nodes.error(at, where + ": scope `" + typed + "`: `*` stands for a whole segment, so `" + segment
                        + "` is not supported; write e.g. `/subscriptions/*/resourceGroups/*`, or list the scopes.");
                return null;
            }
        }
        Parsed<ScopePattern> p = ScopePattern.parse(typed);
        if (!p.isOk()) {
            nodes.error(at, where + ": scope " + p.reason());
            return null;
        }
        return p.orThrow();
    }

    static boolean isPerson(String ref) {
        String r = ref.strip();
        if (EMAIL.matcher(r).matches() || Principal.isObjectId(r)) {
            return true;
        }
        int colon = r.indexOf(':');
        if (colon > 0 && colon < r.length() - 1 && !r.substring(colon + 1).isBlank()) {
            String platform = r.substring(0, colon).toLowerCase(Locale.ROOT);
            for (Platform p : Platform.values()) {
                if (p.key().equals(platform)) {
                    return true;
                }
            }
        }
        return false;
    }

    static boolean isEmail(String text) {
        return EMAIL.matcher(text).matches();
    }

    /** How many distinct people {@code refs} name, or empty when an Entra group makes it uncountable here. */
    static OptionalInt countPeople(List<String> refs, Map<String, Policy.Group> groups) {
        Set<String> people = new HashSet<>();
        for (String ref : refs) {
            Policy.Group g = groups.get(ref);
            if (g == null && ref.strip().equalsIgnoreCase(Policy.OWNERS)) {
                // How many owners a workload has depends on the request.
                return OptionalInt.empty();
            } else if (g == null) {
                people.add(ref.toLowerCase(Locale.ROOT));
            } else if (g.entraGroupId() != null) {
                return OptionalInt.empty();
            } else {
                people.addAll(g.members());
            }
        }
        return OptionalInt.of(people.size());
    }
}
