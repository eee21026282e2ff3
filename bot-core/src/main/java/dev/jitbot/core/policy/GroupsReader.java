package dev.jitbot.core.policy;

import dev.jitbot.core.domain.Policy;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads {@code groups:} into findings with line numbers: named lists of people, or an Entra group each. */
final class GroupsReader {

    static final List<String> KEYS = List.of("members", "entra_group");

    private final PolicyNodes nodes;
    private final PolicyRefs refs;

    GroupsReader(PolicyNodes nodes, PolicyRefs refs) {
        this.nodes = nodes;
        this.refs = refs;
    }

    /**
     * Remembers every group name before any section is read, so a member list can tell a group from a person and a
     * broken group is reported where it is defined, not at each use.
     */
    void declare(Node node) {
        if (node instanceof MappingNode) {
            for (NodeTuple t : ((MappingNode) node).getValue()) {
                if (t.getKeyNode() instanceof ScalarNode) {
                    refs.declareGroup(((ScalarNode) t.getKeyNode()).getValue().strip());
                }
            }
        }
    }

    Map<String, Policy.Group> read(Node node) {
        Map<String, Policy.Group> out = new LinkedHashMap<>();
        PolicyNodes.Fields f = nodes.section(node, "groups", "group");
        if (f == null) {
            return out;
        }
        f.forEach((name, key, value) -> {
            String where = "group \"" + name + "\"";
            refs.declareGroup(name);
            if (PolicyRefs.isPerson(name)) {
                nodes.error(key, where + " is named like a person; give the group a name such as `leads` and list "
                        + "people under its `members:`.");
                return;
            }
            if (value instanceof SequenceNode) {
                nodes.error(value, where + ": write `" + name + ": { members: [alice@contoso.com, ...] }`, with the "
                        + "people under `members:`.");
                return;
            }
            PolicyNodes.Fields g = nodes.fields(value, where, "key", KEYS);
            if (g == null) {
                return;
            }
            List<String> members = refs.people(g.get("members"), where + ": members");
            String entra = null;
            Node entraNode = g.get("entra_group");
            if (entraNode != null) {
                entra = nodes.objectId(entraNode, where + ": entra_group", "the Entra group's object id");
            }
            if (members == null) {
                return;
            }
            if (members.isEmpty() && entra == null && (entraNode == null || PolicyNodes.isNull(entraNode))) {
                nodes.error(value, where + " has no members and no `entra_group`, so it names nobody; add "
                        + "`members: [alice@contoso.com]` or `entra_group: <object id>`.");
                return;
            }
            out.put(name, new Policy.Group(name, new LinkedHashSet<>(members), entra));
        });
        return out;
    }
}
