package dev.jitbot.core.policy;

import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.RoleRef;
import dev.jitbot.core.domain.ScopePattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalInt;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * Reads {@code rules:} into findings with line numbers: who may request which role on which scopes, who approves
 * and how many must, for how long, with which ticket, told in which channels. A rule with any finding is left out.
 */
final class RulesReader {

    static final List<String> KEYS = List.of("name", "role", "role_id", "scopes", "requesters", "approvers",
            "approvals", "max_duration", "request_ttl", "ticket", "channels", "principals", "auto_approve_if");
    private static final Pattern ROLE_DEFINITION_ID = Pattern.compile(
            "(?i)(/(subscriptions|providers/Microsoft\\.Management/managementGroups)/[^/]+)?"
                    + "/providers/Microsoft\\.Authorization/roleDefinitions/([0-9a-f-]{36})");

    /** What the rules may name, read from the sections before them. */
    record Context(Policy.Defaults defaults, Map<String, AzureScope> aliases, Map<String, Policy.Group> groups,
                   Map<String, Policy.Channel> channels, Map<String, Policy.NonHuman> principals) {
    }

    private final PolicyNodes nodes;
    private final PolicyRefs refs;
    private final OnCallReader oncall;

    RulesReader(PolicyNodes nodes, PolicyRefs refs, OnCallReader oncall) {
        this.nodes = nodes;
        this.refs = refs;
        this.oncall = oncall;
    }

    List<Policy.Rule> read(Node node, Context context) {
        List<Policy.Rule> out = new ArrayList<>();
        if (PolicyNodes.isNull(node)) {
            return out;
        }
        if (!(node instanceof SequenceNode)) {
            nodes.error(node, "`rules:` must be a list, each rule starting with `- name: ...`, not a "
                    + PolicyNodes.describe(node) + ".");
            return out;
        }
        Map<String, Integer> names = new HashMap<>();
        List<Node> ruleNodes = ((SequenceNode) node).getValue();
        for (int i = 0; i < ruleNodes.size(); i++) {
            Policy.Rule rule = rule(ruleNodes.get(i), i, context, names);
            if (rule != null) {
                out.add(rule);
            }
        }
        return out;
    }

    private Policy.Rule rule(Node node, int index, Context cx, Map<String, Integer> names) {
        String path = "rules[" + index + "]";
        String label = "rule " + (index + 1);
        if (!(node instanceof MappingNode)) {
            nodes.error(node, label + " must be a mapping such as `- name: operate payments` followed by `role:`, "
                    + "`scopes:` and `requesters:`, not a " + PolicyNodes.describe(node) + ".");
            return null;
        }
        Node nameNode = ((MappingNode) node).getValue().stream()
                .filter(t -> t.getKeyNode() instanceof ScalarNode
                        && ((ScalarNode) t.getKeyNode()).getValue().equals("name"))
                .map(NodeTuple::getValueNode).findFirst().orElse(null);
        String name = nameNode instanceof ScalarNode && !PolicyNodes.isNull(nameNode)
                ? ((ScalarNode) nameNode).getValue().strip() : null;
        String where = name != null && !name.isEmpty() ? "rule \"" + PolicyNodes.clip(name) + "\"" : label;
        nodes.recordLine(path, node);
        int before = nodes.errorCount();

        PolicyNodes.Fields f = nodes.fields(node, where, "key", KEYS);
        name(node, nameNode, name, label, where, names);
        RoleRef role = role(node, f, where, path);
        List<ScopePattern> scopes = scopes(node, f.get("scopes"), where, path, cx.aliases());

        List<String> requesters = List.of();
        Node requestersNode = f.get("requesters");
        if (requestersNode == null || PolicyNodes.items(requestersNode).isEmpty()) {
            nodes.error(requestersNode != null ? requestersNode : node, where + " has no `requesters`, so nobody "
                    + "could use it; add who may ask, e.g. `requesters: [engineers]`.");
        } else {
            requesters = refs.refs(requestersNode, where + ": requesters", cx.groups());
        }
        Node approversNode = f.get("approvers");
        List<String> approvers = approversNode == null ? List.of()
                : refs.refs(approversNode, where + ": approvers", cx.groups());
        int approvals = approvals(node, f, where, path, approvers, approversNode, cx);

        Duration max = nodes.maxDuration(f.get("max_duration"), where, path + ".max_duration");
        Duration ttl = nodes.duration(f.get("request_ttl"), where + ": request_ttl", path + ".request_ttl");
        Pattern ticket = ticket(f.get("ticket"), where);
        List<String> ruleChannels = channels(f.get("channels"), where, cx.channels());
        List<String> rulePrincipals = principals(f.get("principals"), where, cx.principals());

        Duration ruleMax = max != null ? max : cx.defaults().maxDuration();
        Policy.OnCallApproval oncallApproval = oncall.autoApprove(f.get("auto_approve_if"), where, path, ruleMax);

        if (nodes.errorCount() > before || role == null) {
            return null;
        }
        return new Policy.Rule(name, role, scopes, requesters, approvers, approvals,
                ruleMax, ttl != null ? ttl : cx.defaults().requestTtl(), ticket,
                ruleChannels, rulePrincipals, PolicyNodes.line(node), oncallApproval);
    }

    /** A rule's name: present, a single value, and unique ignoring case. */
    private void name(Node node, Node nameNode, String name, String label, String where,
                      Map<String, Integer> names) {
        if (nameNode != null && !(nameNode instanceof ScalarNode)) {
            nodes.scalar(nameNode, label + ": name");
        } else if (name == null || name.isEmpty()) {
            nodes.error(nameNode != null ? nameNode : node, label + " has no `name`; give it one people will "
                    + "recognise in messages, e.g. `name: operate payments`.");
        } else {
            Integer first = names.putIfAbsent(name.toLowerCase(Locale.ROOT), PolicyNodes.line(nameNode));
            if (first != null) {
                nodes.error(nameNode, where + " is already the name of the rule on line " + first
                        + "; rule names must be unique, so rename one of them.");
            }
        }
    }

    private RoleRef role(Node node, PolicyNodes.Fields f, String where, String path) {
        Node roleNode = f.get("role");
        if (roleNode == null) {
            nodes.error(node, where + " has no `role`; add the Azure role it grants, e.g. `role: Contributor`.");
            return null;
        }
        String roleName = nodes.scalar(roleNode, where + ": role");
        nodes.recordLine(path + ".role", roleNode);
        String roleId = null;
        Node roleIdNode = f.get("role_id");
        if (roleIdNode != null) {
            String id = nodes.scalar(roleIdNode, where + ": role_id");
            if (id != null) {
                if (Principal.isObjectId(id)) {
                    roleId = id.toLowerCase(Locale.ROOT);
                } else if (ROLE_DEFINITION_ID.matcher(id).matches()) {
                    roleId = id;
                } else {
                    nodes.error(roleIdNode, where + ": role_id `" + id + "` is not a role definition id; give its "
                            + "GUID (e.g. b24988ac-6180-42a0-ab88-20f7382dd24c for Contributor) or "
                            + "/providers/Microsoft.Authorization/roleDefinitions/<GUID>.");
                }
            }
        }
        if (roleName == null) {
            return null;
        }
        if (roleName.isBlank()) {
            nodes.error(roleNode, where + ": role is empty; name an Azure role, e.g. `role: Contributor`.");
            return null;
        }
        return new RoleRef(roleName, roleId);
    }

    private List<ScopePattern> scopes(Node node, Node scopesNode, String where, String path,
                                      Map<String, AzureScope> aliases) {
        List<ScopePattern> scopes = new ArrayList<>();
        if (scopesNode == null || PolicyNodes.items(scopesNode).isEmpty()) {
            nodes.error(scopesNode != null ? scopesNode : node, where + " has no `scopes`; list where the role may "
                    + "be granted, e.g. `scopes: [rg-payments]` or an ARM id such as `" + AzureScope.EXAMPLE + "`.");
            return scopes;
        }
        List<Node> items = PolicyNodes.items(scopesNode);
        for (int j = 0; j < items.size(); j++) {
            Node item = items.get(j);
            String s = nodes.scalar(item, where + ": scopes");
            if (s == null) {
                continue;
            }
            nodes.recordLine(path + ".scopes[" + j + "]", item);
            ScopePattern p = refs.scopePattern(item, where, s, aliases);
            if (p != null) {
                scopes.add(p);
            }
        }
        return scopes;
    }

    /** The rule's approvals (or the default's), checked against how many people its approvers can name. */
    private int approvals(Node node, PolicyNodes.Fields f, String where, String path, List<String> approvers,
                          Node approversNode, Context cx) {
        boolean approversReadable = approvers.size() == PolicyNodes.items(approversNode).size();
        Integer ownApprovals = nodes.approvals(f.get("approvals"), where, path + ".approvals");
        int approvals = ownApprovals != null ? ownApprovals : cx.defaults().approvals();
        Node approvalsNode = f.get("approvals") != null ? f.get("approvals") : node;
        if (!approversReadable || f.get("approvals") != null && ownApprovals == null) {
            return approvals;
        }
        String from = ownApprovals == null ? " (from `defaults:`)" : "";
        if (approvals > 0 && approvers.isEmpty()
                && (approversNode == null || PolicyNodes.items(approversNode).isEmpty())) {
            nodes.error(approvalsNode, where + " needs " + approvals + (approvals == 1 ? " approval" : " approvals")
                    + from + " but lists no `approvers`; add e.g. `approvers: [leads]`, or set `approvals: 0` "
                    + "to auto-approve.");
        } else if (approvals > 0) {
            OptionalInt possible = approvers.stream().anyMatch(a -> refs.isDeclaredGroup(a)
                    && !cx.groups().containsKey(a)) ? OptionalInt.empty() : PolicyRefs.countPeople(approvers,
                    cx.groups());
            if (possible.isPresent() && possible.getAsInt() < approvals) {
                nodes.error(approvalsNode, where + " needs " + (approvals == 1 ? "1 approval" : approvals
                        + " distinct approvals") + from
                        + " but its approvers name only " + possible.getAsInt() + (possible.getAsInt() == 1
                        ? " person" : " people") + "; add approvers or lower `approvals` to "
                        + possible.getAsInt() + ".");
            }
        }
        return approvals;
    }

    private Pattern ticket(Node ticketNode, String where) {
        if (ticketNode == null || PolicyNodes.isNull(ticketNode)) {
            return null;
        }
        String t = nodes.scalar(ticketNode, where + ": ticket");
        if (t == null) {
            return null;
        }
        Pattern ticket = null;
        try {
            ticket = Pattern.compile(t);
            if (ticket.matcher("").matches()) {
                nodes.error(ticketNode, where + ": ticket pattern `" + t + "` accepts an empty ticket id; "
                        + "write one that needs an id, e.g. \"INC-\\\\d+\".");
            }
        } catch (PatternSyntaxException e) {
            nodes.error(ticketNode, where + ": ticket pattern `" + t + "` is not a valid regular expression ("
                    + e.getDescription() + " near position " + (e.getIndex() + 1) + "); write e.g. "
                    + "\"INC-\\\\d+\" (in double quotes, a backslash is written twice).");
        }
        return ticket;
    }

    private List<String> channels(Node channelsNode, String where, Map<String, Policy.Channel> channels) {
        List<String> out = new ArrayList<>();
        if (channelsNode == null) {
            return out;
        }
        for (Node item : PolicyNodes.items(channelsNode)) {
            String c = nodes.scalar(item, where + ": channels");
            if (c == null) {
                continue;
            }
            if (!channels.containsKey(c)) {
                nodes.error(item, where + ": channel `" + c + "` is not under `channels:`"
                        + Suggestions.suggestion(c, channels.keySet()) + "; add it there with its Slack and Teams ids"
                        + (channels.isEmpty() ? "." : ", or use one of " + PolicyNodes.list(channels.keySet()) + "."));
            } else {
                out.add(c);
            }
        }
        return out;
    }

    private List<String> principals(Node principalsNode, String where, Map<String, Policy.NonHuman> principals) {
        List<String> out = new ArrayList<>();
        if (principalsNode == null) {
            return out;
        }
        for (Node item : PolicyNodes.items(principalsNode)) {
            String p = nodes.scalar(item, where + ": principals");
            if (p == null) {
                continue;
            }
            if (!p.equals("*") && !refs.isDeclaredPrincipal(p)) {
                nodes.error(item, where + ": principal `" + p + "` is not under `principals:`"
                        + Suggestions.suggestion(p, principals.keySet()) + "; add it there (object_id, type, owners), "
                        + "or write `*` for any workload the requester owns.");
            } else {
                out.add(p);
            }
        }
        return out;
    }
}
