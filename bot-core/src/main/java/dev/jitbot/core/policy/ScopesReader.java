package dev.jitbot.core.policy;

import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.Parsed;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/** Reads {@code scopes:} into findings with line numbers: the short aliases people type for one Azure scope each. */
final class ScopesReader {

    private final PolicyNodes nodes;
    private final PolicyRefs refs;

    ScopesReader(PolicyNodes nodes, PolicyRefs refs) {
        this.nodes = nodes;
        this.refs = refs;
    }

    /** Every readable alias; each one the file declares is remembered, so a broken alias is reported only here. */
    Map<String, AzureScope> read(Node node) {
        Map<String, AzureScope> out = new LinkedHashMap<>();
        PolicyNodes.Fields f = nodes.section(node, "scopes", "alias");
        if (f == null) {
            return out;
        }
        Map<String, String> seen = new HashMap<>();
        f.forEach((alias, key, value) -> {
            String where = "scopes: alias `" + alias + "`";
            refs.declareAlias(alias);
            if (alias.startsWith("/") || alias.contains(" ") || alias.contains("*")) {
                nodes.error(key, where + " is not a usable alias; an alias is a short name people type, such as "
                        + "`rg-payments`, without `/`, `*` or spaces.");
                return;
            }
            String clash = seen.put(alias.toLowerCase(Locale.ROOT), alias);
            if (clash != null) {
                nodes.error(key, where + " differs from alias `" + clash + "` only in case, and aliases ignore case; "
                        + "keep one of them.");
                return;
            }
            String id = nodes.scalar(value, where);
            if (id == null) {
                return;
            }
            if (id.contains("*")) {
                nodes.error(value, where + ": an alias names one scope, so `" + id + "` may not contain `*`; put "
                        + "patterns in a rule's `scopes:` instead.");
                return;
            }
            Parsed<AzureScope> scope = AzureScope.parse(id);
            if (!scope.isOk()) {
                nodes.error(value, where + ": " + scope.reason());
                return;
            }
            out.put(alias, scope.orThrow());
        });
        return out;
    }
}
