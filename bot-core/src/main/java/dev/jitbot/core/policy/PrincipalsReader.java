package dev.jitbot.core.policy;

import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.PrincipalType;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads {@code principals:} into findings with line numbers: the workloads (service principals, managed identities)
 * access may be requested for, each with the owners who may ask.
 */
final class PrincipalsReader {

    static final List<String> KEYS = List.of("object_id", "type", "owners", "display_name");

    private final PolicyNodes nodes;
    private final PolicyRefs refs;

    PrincipalsReader(PolicyNodes nodes, PolicyRefs refs) {
        this.nodes = nodes;
        this.refs = refs;
    }

    Map<String, Policy.NonHuman> read(Node node) {
        Map<String, Policy.NonHuman> out = new LinkedHashMap<>();
        PolicyNodes.Fields f = nodes.section(node, "principals", "principal");
        if (f == null) {
            return out;
        }
        f.forEach((alias, key, value) -> {
            String where = "principal \"" + alias + "\"";
            if (!refs.declarePrincipal(alias)) {
                nodes.error(key, where + " differs from another principal only in case, and aliases ignore case; "
                        + "keep one of them.");
                return;
            }
            PolicyNodes.Fields p = nodes.fields(value, where, "key", KEYS);
            if (p == null) {
                return;
            }
            Node idNode = p.get("object_id");
            String id = null;
            if (idNode == null) {
                nodes.error(value, where + " has no `object_id`; add the object id of its service principal "
                        + "(Entra admin centre, Enterprise applications, Object ID).");
            } else {
                id = nodes.objectId(idNode, where + ": object_id", "the service principal's object id");
            }
            PrincipalType type = type(p.get("type"), value, where);
            List<String> owners = List.of();
            Node ownersNode = p.get("owners");
            if (ownersNode == null || PolicyNodes.isNull(ownersNode)) {
                nodes.error(ownersNode != null ? ownersNode : value, where + " has no `owners`, so nobody may "
                        + "request access for it; add `owners: [alice@contoso.com]`.");
            } else {
                int before = nodes.errorCount();
                List<String> listed = refs.people(ownersNode, where + ": owners");
                owners = listed == null ? List.of() : listed;
                if (listed != null && listed.isEmpty() && nodes.errorCount() == before) {
                    nodes.error(ownersNode, where + " has no owners, so nobody may request access for it; add "
                            + "`owners: [alice@contoso.com]`.");
                }
            }
            String display = nodes.optionalScalar(p.get("display_name"), where + ": display_name");
            if (id != null && type != null && !owners.isEmpty()) {
                out.put(alias, new Policy.NonHuman(alias, new Principal(id, type, display != null ? display : alias),
                        new LinkedHashSet<>(owners)));
            }
        });
        return out;
    }

    private PrincipalType type(Node typeNode, Node entry, String where) {
        if (typeNode == null) {
            nodes.error(entry, where + " has no `type`; add `type: ServicePrincipal` or `type: ManagedIdentity`.");
            return null;
        }
        String t = nodes.scalar(typeNode, where + ": type");
        if (t == null) {
            return null;
        }
        Parsed<PrincipalType> parsed = PrincipalType.parse(t);
        if (!parsed.isOk()) {
            nodes.error(typeNode, where + ": " + parsed.reason());
        } else if (!parsed.orThrow().isNonHuman()) {
            nodes.error(typeNode, where + ": `principals:` holds workloads, so the type must be "
                    + "ServicePrincipal or ManagedIdentity; people go under `users:` and groups under "
                    + "`groups:`.");
        } else {
            return parsed.orThrow();
        }
        return null;
    }
}
