package dev.jitbot.core.policy;

import static dev.jitbot.core.policy.PolicyNodes.orEmpty;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads {@code custom_roles:} into findings with line numbers: the actions each custom role allows and excludes, kept
 * (with the line of every action) only for {@link PolicyLint}.
 */
final class CustomRolesReader {

    static final List<String> KEYS = List.of("description", "actions", "not_actions", "data_actions",
            "not_data_actions");

    private final PolicyNodes nodes;

    CustomRolesReader(PolicyNodes nodes) {
        this.nodes = nodes;
    }

    Map<String, PolicyFile.CustomRole> read(Node node) {
        Map<String, PolicyFile.CustomRole> out = new LinkedHashMap<>();
        PolicyNodes.Fields f = nodes.section(node, "custom_roles", "custom role");
        if (f == null) {
            return out;
        }
        f.forEach((name, key, value) -> {
            String where = "custom role \"" + name + "\"";
            int before = nodes.errorCount();
            PolicyNodes.Fields c = nodes.fields(value, where, "key", KEYS);
            if (c == null) {
                return;
            }
            String path = "custom_roles." + name;
            nodes.recordLine(path, key);
            List<String> actions = nodes.strings(c.get("actions"), where + ": actions", path + ".actions");
            List<String> notActions = nodes.strings(c.get("not_actions"), where + ": not_actions",
                    path + ".not_actions");
            List<String> dataActions = nodes.strings(c.get("data_actions"), where + ": data_actions",
                    path + ".data_actions");
            if (orEmpty(actions).isEmpty() && orEmpty(dataActions).isEmpty() && nodes.errorCount() == before) {
                nodes.error(value, where + " allows no actions; list them, e.g. "
                        + "`actions: [Microsoft.Web/sites/restart/action]`.");
            }
            List<String> notData = nodes.strings(c.get("not_data_actions"), where + ": not_data_actions",
                    path + ".not_data_actions");
            String description = nodes.optionalScalar(c.get("description"), where + ": description");
            out.put(name, new PolicyFile.CustomRole(name, description, orEmpty(actions), orEmpty(notActions),
                    orEmpty(dataActions), orEmpty(notData), PolicyNodes.line(key)));
        });
        return out;
    }
}
