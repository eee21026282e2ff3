package dev.jitbot.core.policy;

import dev.jitbot.core.domain.Policy;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;

/** Reads {@code users:} into findings with line numbers: each person's email mapped to their Entra object id. */
final class UsersReader {

    static final List<String> KEYS = List.of("object_id", "display_name");

    private final PolicyNodes nodes;

    UsersReader(PolicyNodes nodes) {
        this.nodes = nodes;
    }

    Map<String, Policy.UserEntry> read(Node node) {
        Map<String, Policy.UserEntry> out = new LinkedHashMap<>();
        PolicyNodes.Fields f = nodes.section(node, "users", "user");
        if (f == null) {
            return out;
        }
        Map<String, String> seen = new HashMap<>();
        f.forEach((email, key, value) -> {
            String where = "user `" + email + "`";
            String clash = seen.put(email.toLowerCase(Locale.ROOT), email);
            if (clash != null) {
                nodes.error(key, "users: `" + email + "` is `" + clash + "` again (emails ignore case); keep one "
                        + "entry.");
                return;
            }
            if (!PolicyRefs.isEmail(email)) {
                nodes.error(key, "users: `" + email + "` is not an email; key each user by the email their chat "
                        + "account shows, e.g. `alice@contoso.com: { object_id: <Entra object id> }`.");
                return;
            }
            if (value instanceof ScalarNode && !PolicyNodes.isNull(value)) {
                String id = nodes.objectId(value, where, "the user's Entra object id");
                if (id != null) {
                    out.put(email, new Policy.UserEntry(email.toLowerCase(Locale.ROOT), id, null));
                }
                return;
            }
            PolicyNodes.Fields u = nodes.fields(value, where, "key", KEYS);
            if (u == null) {
                return;
            }
            Node idNode = u.get("object_id");
            if (idNode == null) {
                nodes.error(value, where + " has no `object_id`; add the user's Entra object id (Entra admin centre, "
                        + "Users, Object ID).");
                return;
            }
            String id = nodes.objectId(idNode, where + ": object_id", "the user's Entra object id");
            String name = nodes.optionalScalar(u.get("display_name"), where + ": display_name");
            if (id != null) {
                out.put(email, new Policy.UserEntry(email.toLowerCase(Locale.ROOT), id, name));
            }
        });
        return out;
    }
}
