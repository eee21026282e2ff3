package dev.jitbot.core.policy;


import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.PrincipalType;
import dev.jitbot.core.domain.RoleRef;
import dev.jitbot.core.domain.ScopePattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/** Walks one policy file's YAML nodes, collecting every error instead of stopping at the first. */
final class PolicyReader {

    static final Duration LONGEST_GRANT = Duration.ofHours(24);

    static final List<String> TOP_KEYS = List.of("defaults", "scopes", "groups", "channels", "oncall", "rules",
            "principals", "users", "custom_roles", "oncall_source", "remind_before", "max_lead", "break_glass", "scan",
            "review", "bundles");
    static final List<String> SCAN_KEYS = List.of("every", "channel");
    static final List<String> REVIEW_KEYS = List.of("every", "channel", "since");
    static final List<String> DEFAULT_KEYS = List.of("max_duration", "request_ttl", "approvals");
    static final List<String> RULE_KEYS = List.of("name", "role", "role_id", "scopes", "requesters", "approvers",
            "approvals", "max_duration", "request_ttl", "ticket", "channels", "principals", "auto_approve_if");
    static final List<String> ONCALL_SOURCE_KEYS = List.of("provider", "schedules", "base_url", "api_key_env", "group");
    static final List<String> AUTO_APPROVE_KEYS = List.of("oncall", "max_duration");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");
    static final List<String> GROUP_KEYS = List.of("members", "entra_group");
    static final List<String> CHANNEL_KEYS = List.of("slack", "teams");
    static final List<String> PRINCIPAL_KEYS = List.of("object_id", "type", "owners", "display_name");
    static final List<String> USER_KEYS = List.of("object_id", "display_name");
    static final List<String> CUSTOM_ROLE_KEYS = List.of("description", "actions", "not_actions", "data_actions",
            "not_data_actions");

    private static final Pattern EMAIL = Pattern.compile("[^@\\s:/]+@[^@\\s:/]+\\.[^@\\s:/]+");
    private static final Pattern INTEGER = Pattern.compile("[-+]?\\d{1,9}");
    private static final Pattern ROLE_DEFINITION_ID = Pattern.compile(
            "(?i)(/(subscriptions|providers/Microsoft\\.Management/managementGroups)/[^/]+)?"
                    + "/providers/Microsoft\\.Authorization/roleDefinitions/([0-9a-f-]{36})");
    private static final String PERSON_EXAMPLE = "a person by email (alice@contoso.com) or chat id (slack:U024BE7LH)";

    private final String source;
    private final List<Finding> errors = new ArrayList<>();
    final Map<String, Integer> lines = new HashMap<>();
    /** Every group and principal the file declares, loaded or not, so a broken one is reported once, not per use. */
    private final Set<String> declaredGroups = new HashSet<>();
    private final Set<String> declaredPrincipals = new HashSet<>();
    private final Set<String> declaredAliases = new HashSet<>();
    /** Whether the file has an {@code oncall_source:} (readable or not), for rules that auto-approve on call. */
    private boolean oncallSourceDeclared;

    PolicyReader(String source) {
        this.source = source;
    }

    PolicyLoader.Result read(Node root) {
        if (root == null || isNull(root)) {
            error(null, "the policy is empty; it needs at least `rules:` (the demo policy shows the shape).");
            return new PolicyLoader.Result(null, errors);
        }
        if (!(root instanceof MappingNode)) {
            error(root, "the policy must be a mapping of keys such as `defaults:`, `groups:` and `rules:`, not a "
                    + describe(root) + ".");
            return new PolicyLoader.Result(null, errors);
        }
        Fields top = fields(root, "the policy", "top-level key", TOP_KEYS);
        if (top.get("groups") instanceof MappingNode) {
            for (NodeTuple t : ((MappingNode) top.get("groups")).getValue()) {
                if (t.getKeyNode() instanceof ScalarNode) {
                    declaredGroups.add(((ScalarNode) t.getKeyNode()).getValue().strip());
                }
            }
        }
        Policy.Defaults defaults = readDefaults(top.get("defaults"));
        Map<String, AzureScope> aliases = readScopes(top.get("scopes"));
        Map<String, Policy.Group> groups = readGroups(top.get("groups"));
        Map<String, Policy.Channel> channels = readChannels(top.get("channels"));
        Map<String, Policy.UserEntry> users = readUsers(top.get("users"));
        Map<String, Policy.NonHuman> principals = readPrincipals(top.get("principals"));
        Map<String, PolicyFile.CustomRole> customRoles = readCustomRoles(top.get("custom_roles"));
        String oncall = null;
        Node oncallNode = top.get("oncall");
        if (oncallNode != null && !isNull(oncallNode)) {
            String ref = scalar(oncallNode, "oncall");
            if (ref != null && checkRef(oncallNode, "oncall", ref, groups)) {
                oncall = ref.strip();
            }
        }
        oncallSourceDeclared = top.get("oncall_source") != null && !isNull(top.get("oncall_source"));
        Policy.OnCallSettings oncallSource = readOncallSource(top.get("oncall_source"), groups);
        Duration remindBefore = readRemindBefore(top.get("remind_before"));
        Duration maxLead = readMaxLead(top.get("max_lead"));
        Policy.Reports reports = new Policy.Reports(
                readSchedule(top.get("scan"), "scan", SCAN_KEYS, Policy.Reports.SCAN_EVERY, channels, "7d"),
                readSchedule(top.get("review"), "review", REVIEW_KEYS, Policy.Reports.REVIEW_EVERY, channels, "30d"));
        List<Policy.Rule> rules = List.of();
        Node rulesNode = top.get("rules");
        if (rulesNode == null) {
            error(root, "the policy has no `rules:`, so nobody could request anything; add a rule such as "
                    + "`rules: [{ name: read production, role: Reader, scopes: [sub-prod], requesters: [engineers], "
                    + "approvals: 0 }]`.");
        } else {
            rules = readRules(rulesNode, defaults, aliases, groups, channels, principals);
        }
        Policy.BreakGlassRule breakGlass = new BreakGlassReader(this).read(top.get("break_glass"), aliases, groups,
                channels);
        Map<String, Policy.Bundle> bundles = readBundles(top.get("bundles"), aliases, rules);
        if (!errors.isEmpty()) {
            errors.sort(java.util.Comparator.comparingInt(Finding::line).thenComparingInt(Finding::column));
            return new PolicyLoader.Result(null, errors);
        }
        Policy policy = new Policy(defaults, aliases, groups, channels, oncall, rules, principals, users, oncallSource,
                remindBefore, maxLead, breakGlass, reports, bundles);
        return new PolicyLoader.Result(new PolicyFile(source, policy, customRoles, lines), List.of());
    }

    // ---- sections -----------------------------------------------------------------------------------------

    private Policy.Defaults readDefaults(Node node) {
        Policy.Defaults std = Policy.Defaults.STANDARD;
        if (node == null || isNull(node)) {
            return std;
        }
        Fields f = fields(node, "defaults", "key", DEFAULT_KEYS);
        if (f == null) {
            return std;
        }
        Duration max = maxDuration(f.get("max_duration"), "defaults", "defaults.max_duration");
        Duration ttl = duration(f.get("request_ttl"), "defaults: request_ttl", "defaults.request_ttl");
        Integer approvals = approvals(f.get("approvals"), "defaults", "defaults.approvals");
        return new Policy.Defaults(max != null ? max : std.maxDuration(), ttl != null ? ttl : std.requestTtl(),
                approvals != null ? approvals : std.approvals());
    }

    private Map<String, AzureScope> readScopes(Node node) {
        Map<String, AzureScope> out = new LinkedHashMap<>();
        Fields f = section(node, "scopes", "alias");
        if (f == null) {
            return out;
        }
        Map<String, String> seen = new HashMap<>();
        f.forEach((alias, key, value) -> {
            String where = "scopes: alias `" + alias + "`";
            declaredAliases.add(alias.toLowerCase(Locale.ROOT));
            if (alias.startsWith("/") || alias.contains(" ") || alias.contains("*")) {
                error(key, where + " is not a usable alias; an alias is a short name people type, such as "
                        + "`rg-payments`, without `/`, `*` or spaces.");
                return;
            }
            String clash = seen.put(alias.toLowerCase(Locale.ROOT), alias);
            if (clash != null) {
                error(key, where + " differs from alias `" + clash + "` only in case, and aliases ignore case; "
                        + "keep one of them.");
                return;
            }
            String id = scalar(value, where);
            if (id == null) {
                return;
            }
            if (id.contains("*")) {
                error(value, where + ": an alias names one scope, so `" + id + "` may not contain `*`; put "
                        + "patterns in a rule's `scopes:` instead.");
                return;
            }
            Parsed<AzureScope> scope = AzureScope.parse(id);
            if (!scope.isOk()) {
                error(value, where + ": " + scope.reason());
                return;
            }
            out.put(alias, scope.orThrow());
        });
        return out;
    }

    private Map<String, Policy.Group> readGroups(Node node) {
        Map<String, Policy.Group> out = new LinkedHashMap<>();
        Fields f = section(node, "groups", "group");
        if (f == null) {
            return out;
        }
        f.forEach((name, key, value) -> {
            String where = "group \"" + name + "\"";
            declaredGroups.add(name);
            if (isPerson(name)) {
                error(key, where + " is named like a person; give the group a name such as `leads` and list "
                        + "people under its `members:`.");
                return;
            }
            if (value instanceof SequenceNode) {
                error(value, where + ": write `" + name + ": { members: [alice@contoso.com, ...] }`, with the "
                        + "people under `members:`.");
                return;
            }
            Fields g = fields(value, where, "key", GROUP_KEYS);
            if (g == null) {
                return;
            }
            List<String> members = people(g.get("members"), where + ": members");
            String entra = null;
            Node entraNode = g.get("entra_group");
            if (entraNode != null) {
                entra = objectId(entraNode, where + ": entra_group", "the Entra group's object id");
            }
            if (members == null) {
                return;
            }
            if (members.isEmpty() && entra == null && (entraNode == null || isNull(entraNode))) {
                error(value, where + " has no members and no `entra_group`, so it names nobody; add "
                        + "`members: [alice@contoso.com]` or `entra_group: <object id>`.");
                return;
            }
            out.put(name, new Policy.Group(name, new LinkedHashSet<>(members), entra));
        });
        return out;
    }

    private Map<String, Policy.Channel> readChannels(Node node) {
        Map<String, Policy.Channel> out = new LinkedHashMap<>();
        Fields f = section(node, "channels", "channel");
        if (f == null) {
            return out;
        }
        f.forEach((name, key, value) -> {
            String where = "channel \"" + name + "\"";
            Fields c = fields(value, where, "chat platform", CHANNEL_KEYS);
            if (c == null) {
                return;
            }
            Map<Platform, String> ids = new EnumMap<>(Platform.class);
            Node slack = c.get("slack");
            if (slack != null) {
                String id = scalar(slack, where + ": slack");
                if (id != null) {
                    if (id.startsWith("#") || !id.matches("[CGD][A-Z0-9]{6,}")) {
                        error(slack, where + ": `" + id + "` is not a Slack channel id; copy the id (like "
                                + "C0123ABCDEF) from the bottom of the channel's details, not its #name.");
                    } else {
                        ids.put(Platform.SLACK, id);
                    }
                }
            }
            Node teams = c.get("teams");
            if (teams != null) {
                String id = scalar(teams, where + ": teams");
                if (id != null) {
                    if (!id.startsWith("19:") || !id.contains("@thread")) {
                        error(teams, where + ": `" + id + "` is not a Teams channel id; it looks like "
                                + "`19:…@thread.tacv2` (a channel's \"Get link to channel\" shows it, URL-encoded).");
                    } else {
                        ids.put(Platform.TEAMS, id);
                    }
                }
            }
            if (slack == null && teams == null) {
                error(value, where + " names no chat channel; add `slack: C0123ABCDEF` and/or "
                        + "`teams: \"19:…@thread.tacv2\"`.");
            }
            out.put(name, new Policy.Channel(name, ids));
        });
        return out;
    }

    private Map<String, Policy.UserEntry> readUsers(Node node) {
        Map<String, Policy.UserEntry> out = new LinkedHashMap<>();
        Fields f = section(node, "users", "user");
        if (f == null) {
            return out;
        }
        Map<String, String> seen = new HashMap<>();
        f.forEach((email, key, value) -> {
            String where = "user `" + email + "`";
            String clash = seen.put(email.toLowerCase(Locale.ROOT), email);
            if (clash != null) {
                error(key, "users: `" + email + "` is `" + clash + "` again (emails ignore case); keep one entry.");
                return;
            }
            if (!EMAIL.matcher(email).matches()) {
                error(key, "users: `" + email + "` is not an email; key each user by the email their chat account "
                        + "shows, e.g. `alice@contoso.com: { object_id: <Entra object id> }`.");
                return;
            }
            if (value instanceof ScalarNode && !isNull(value)) {
                String id = objectId(value, where, "the user's Entra object id");
                if (id != null) {
                    out.put(email, new Policy.UserEntry(email.toLowerCase(Locale.ROOT), id, null));
                }
                return;
            }
            Fields u = fields(value, where, "key", USER_KEYS);
            if (u == null) {
                return;
            }
            Node idNode = u.get("object_id");
            if (idNode == null) {
                error(value, where + " has no `object_id`; add the user's Entra object id (Entra admin centre, "
                        + "Users, Object ID).");
                return;
            }
            String id = objectId(idNode, where + ": object_id", "the user's Entra object id");
            String name = optionalScalar(u.get("display_name"), where + ": display_name");
            if (id != null) {
                out.put(email, new Policy.UserEntry(email.toLowerCase(Locale.ROOT), id, name));
            }
        });
        return out;
    }

    private Map<String, Policy.NonHuman> readPrincipals(Node node) {
        Map<String, Policy.NonHuman> out = new LinkedHashMap<>();
        Fields f = section(node, "principals", "principal");
        if (f == null) {
            return out;
        }
        f.forEach((alias, key, value) -> {
            String where = "principal \"" + alias + "\"";
            if (!declaredPrincipals.add(alias.toLowerCase(Locale.ROOT))) {
                error(key, where + " differs from another principal only in case, and aliases ignore case; "
                        + "keep one of them.");
                return;
            }
            Fields p = fields(value, where, "key", PRINCIPAL_KEYS);
            if (p == null) {
                return;
            }
            Node idNode = p.get("object_id");
            String id = null;
            if (idNode == null) {
                error(value, where + " has no `object_id`; add the object id of its service principal "
                        + "(Entra admin centre, Enterprise applications, Object ID).");
            } else {
                id = objectId(idNode, where + ": object_id", "the service principal's object id");
            }
            PrincipalType type = null;
            Node typeNode = p.get("type");
            if (typeNode == null) {
                error(value, where + " has no `type`; add `type: ServicePrincipal` or `type: ManagedIdentity`.");
            } else {
                String t = scalar(typeNode, where + ": type");
                if (t != null) {
                    Parsed<PrincipalType> parsed = PrincipalType.parse(t);
                    if (!parsed.isOk()) {
                        error(typeNode, where + ": " + parsed.reason());
                    } else if (!parsed.orThrow().isNonHuman()) {
                        error(typeNode, where + ": `principals:` holds workloads, so the type must be "
                                + "ServicePrincipal or ManagedIdentity; people go under `users:` and groups under "
                                + "`groups:`.");
                    } else {
                        type = parsed.orThrow();
                    }
                }
            }
            List<String> owners = List.of();
            Node ownersNode = p.get("owners");
            if (ownersNode == null || isNull(ownersNode)) {
                error(ownersNode != null ? ownersNode : value, where + " has no `owners`, so nobody may request "
                        + "access for it; add `owners: [alice@contoso.com]`.");
            } else {
                int before = errors.size();
                List<String> listed = people(ownersNode, where + ": owners");
                owners = listed == null ? List.of() : listed;
                if (listed != null && listed.isEmpty() && errors.size() == before) {
                    error(ownersNode, where + " has no owners, so nobody may request access for it; add "
                            + "`owners: [alice@contoso.com]`.");
                }
            }
            String display = optionalScalar(p.get("display_name"), where + ": display_name");
            if (id != null && type != null && !owners.isEmpty()) {
                out.put(alias, new Policy.NonHuman(alias, new Principal(id, type, display != null ? display : alias),
                        new LinkedHashSet<>(owners)));
            }
        });
        return out;
    }

    private Map<String, PolicyFile.CustomRole> readCustomRoles(Node node) {
        Map<String, PolicyFile.CustomRole> out = new LinkedHashMap<>();
        Fields f = section(node, "custom_roles", "custom role");
        if (f == null) {
            return out;
        }
        f.forEach((name, key, value) -> {
            String where = "custom role \"" + name + "\"";
            int before = errors.size();
            Fields c = fields(value, where, "key", CUSTOM_ROLE_KEYS);
            if (c == null) {
                return;
            }
            String path = "custom_roles." + name;
            lines.put(path, line(key));
            List<String> actions = strings(c.get("actions"), where + ": actions", path + ".actions");
            List<String> notActions = strings(c.get("not_actions"), where + ": not_actions", path + ".not_actions");
            List<String> dataActions = strings(c.get("data_actions"), where + ": data_actions", path + ".data_actions");
            if (orEmpty(actions).isEmpty() && orEmpty(dataActions).isEmpty() && errors.size() == before) {
                error(value, where + " allows no actions; list them, e.g. "
                        + "`actions: [Microsoft.Web/sites/restart/action]`.");
            }
            List<String> notData = strings(c.get("not_data_actions"), where + ": not_data_actions",
                    path + ".not_data_actions");
            String description = optionalScalar(c.get("description"), where + ": description");
            out.put(name, new PolicyFile.CustomRole(name, description, orEmpty(actions), orEmpty(notActions),
                    orEmpty(dataActions), orEmpty(notData), line(key)));
        });
        return out;
    }

    private List<Policy.Rule> readRules(Node node, Policy.Defaults defaults, Map<String, AzureScope> aliases,
                                        Map<String, Policy.Group> groups, Map<String, Policy.Channel> channels,
                                        Map<String, Policy.NonHuman> principals) {
        List<Policy.Rule> out = new ArrayList<>();
        if (isNull(node)) {
            return out;
        }
        if (!(node instanceof SequenceNode)) {
            error(node, "`rules:` must be a list, each rule starting with `- name: ...`, not a " + describe(node) + ".");
            return out;
        }
        Map<String, Integer> names = new HashMap<>();
        List<Node> ruleNodes = ((SequenceNode) node).getValue();
        for (int i = 0; i < ruleNodes.size(); i++) {
            Policy.Rule rule = readRule(ruleNodes.get(i), i, defaults, aliases, groups, channels, principals, names);
            if (rule != null) {
                out.add(rule);
            }
        }
        return out;
    }

    private Policy.Rule readRule(Node node, int index, Policy.Defaults defaults, Map<String, AzureScope> aliases,
                                 Map<String, Policy.Group> groups, Map<String, Policy.Channel> channels,
                                 Map<String, Policy.NonHuman> principals, Map<String, Integer> names) {
        String path = "rules[" + index + "]";
        String label = "rule " + (index + 1);
        if (!(node instanceof MappingNode)) {
            error(node, label + " must be a mapping such as `- name: operate payments` followed by `role:`, "
                    + "`scopes:` and `requesters:`, not a " + describe(node) + ".");
            return null;
        }
        Node nameNode = ((MappingNode) node).getValue().stream()
                .filter(t -> t.getKeyNode() instanceof ScalarNode
                        && ((ScalarNode) t.getKeyNode()).getValue().equals("name"))
                .map(NodeTuple::getValueNode).findFirst().orElse(null);
        String name = nameNode instanceof ScalarNode && !isNull(nameNode)
                ? ((ScalarNode) nameNode).getValue().strip() : null;
        String where = name != null && !name.isEmpty() ? "rule \"" + clip(name) + "\"" : label;
        lines.put(path, line(node));
        int before = errors.size();

        Fields f = fields(node, where, "key", RULE_KEYS);
        if (nameNode != null && !(nameNode instanceof ScalarNode)) {
            scalar(nameNode, label + ": name");
        } else if (name == null || name.isEmpty()) {
            error(nameNode != null ? nameNode : node, label + " has no `name`; give it one people will recognise "
                    + "in messages, e.g. `name: operate payments`.");
        } else {
            Integer first = names.putIfAbsent(name.toLowerCase(Locale.ROOT), line(nameNode));
            if (first != null) {
                error(nameNode, where + " is already the name of the rule on line " + first
                        + "; rule names must be unique, so rename one of them.");
            }
        }

        RoleRef role = null;
        Node roleNode = f.get("role");
        if (roleNode == null) {
            error(node, where + " has no `role`; add the Azure role it grants, e.g. `role: Contributor`.");
        } else {
            String roleName = scalar(roleNode, where + ": role");
            lines.put(path + ".role", line(roleNode));
            String roleId = null;
            Node roleIdNode = f.get("role_id");
            if (roleIdNode != null) {
                String id = scalar(roleIdNode, where + ": role_id");
                if (id != null) {
                    if (Principal.isObjectId(id)) {
                        roleId = id.toLowerCase(Locale.ROOT);
                    } else if (ROLE_DEFINITION_ID.matcher(id).matches()) {
                        roleId = id;
                    } else {
                        error(roleIdNode, where + ": role_id `" + id + "` is not a role definition id; give its "
                                + "GUID (e.g. b24988ac-6180-42a0-ab88-20f7382dd24c for Contributor) or "
                                + "/providers/Microsoft.Authorization/roleDefinitions/<GUID>.");
                    }
                }
            }
            if (roleName != null) {
                if (roleName.isBlank()) {
                    error(roleNode, where + ": role is empty; name an Azure role, e.g. `role: Contributor`.");
                } else {
                    role = new RoleRef(roleName, roleId);
                }
            }
        }

        List<ScopePattern> scopes = new ArrayList<>();
        Node scopesNode = f.get("scopes");
        if (scopesNode == null || items(scopesNode).isEmpty()) {
            error(scopesNode != null ? scopesNode : node, where + " has no `scopes`; list where the role may be "
                    + "granted, e.g. `scopes: [rg-payments]` or an ARM id such as `" + AzureScope.EXAMPLE + "`.");
        } else {
            List<Node> items = items(scopesNode);
            for (int j = 0; j < items.size(); j++) {
                Node item = items.get(j);
                String s = scalar(item, where + ": scopes");
                if (s == null) {
                    continue;
                }
                lines.put(path + ".scopes[" + j + "]", line(item));
                ScopePattern p = scopePattern(item, where, s, aliases);
                if (p != null) {
                    scopes.add(p);
                }
            }
        }

        List<String> requesters = List.of();
        Node requestersNode = f.get("requesters");
        if (requestersNode == null || items(requestersNode).isEmpty()) {
            error(requestersNode != null ? requestersNode : node, where + " has no `requesters`, so nobody could "
                    + "use it; add who may ask, e.g. `requesters: [engineers]`.");
        } else {
            requesters = refs(requestersNode, where + ": requesters", groups);
        }
        Node approversNode = f.get("approvers");
        List<String> approvers = approversNode == null ? List.of() : refs(approversNode, where + ": approvers", groups);
        boolean approversReadable = approvers.size() == items(approversNode).size();

        Integer ownApprovals = approvals(f.get("approvals"), where, path + ".approvals");
        int approvals = ownApprovals != null ? ownApprovals : defaults.approvals();
        Node approvalsNode = f.get("approvals") != null ? f.get("approvals") : node;
        if (approversReadable && (f.get("approvals") == null || ownApprovals != null)) {
            String from = ownApprovals == null ? " (from `defaults:`)" : "";
            if (approvals > 0 && approvers.isEmpty() && (approversNode == null || items(approversNode).isEmpty())) {
                error(approvalsNode, where + " needs " + approvals + (approvals == 1 ? " approval" : " approvals")
                        + from + " but lists no `approvers`; add e.g. `approvers: [leads]`, or set `approvals: 0` "
                        + "to auto-approve.");
            } else if (approvals > 0) {
                OptionalInt possible = approvers.stream().anyMatch(a -> declaredGroups.contains(a)
                        && !groups.containsKey(a)) ? OptionalInt.empty() : countPeople(approvers, groups);
                if (possible.isPresent() && possible.getAsInt() < approvals) {
                    error(approvalsNode, where + " needs " + (approvals == 1 ? "1 approval" : approvals
                            + " distinct approvals") + from
                            + " but its approvers name only " + possible.getAsInt() + (possible.getAsInt() == 1
                            ? " person" : " people") + "; add approvers or lower `approvals` to "
                            + possible.getAsInt() + ".");
                }
            }
        }

        Duration max = maxDuration(f.get("max_duration"), where, path + ".max_duration");
        Duration ttl = duration(f.get("request_ttl"), where + ": request_ttl", path + ".request_ttl");

        Pattern ticket = null;
        Node ticketNode = f.get("ticket");
        if (ticketNode != null && !isNull(ticketNode)) {
            String t = scalar(ticketNode, where + ": ticket");
            if (t != null) {
                try {
                    ticket = Pattern.compile(t);
                    if (ticket.matcher("").matches()) {
                        error(ticketNode, where + ": ticket pattern `" + t + "` accepts an empty ticket id; "
                                + "write one that needs an id, e.g. \"INC-\\\\d+\".");
                    }
                } catch (PatternSyntaxException e) {
                    error(ticketNode, where + ": ticket pattern `" + t + "` is not a valid regular expression ("
                            + e.getDescription() + " near position " + (e.getIndex() + 1) + "); write e.g. "
                            + "\"INC-\\\\d+\" (in double quotes, a backslash is written twice).");
                }
            }
        }

        List<String> ruleChannels = new ArrayList<>();
        Node channelsNode = f.get("channels");
        if (channelsNode != null) {
            for (Node item : items(channelsNode)) {
                String c = scalar(item, where + ": channels");
                if (c == null) {
                    continue;
                }
                if (!channels.containsKey(c)) {
                    error(item, where + ": channel `" + c + "` is not under `channels:`"
                            + suggestion(c, channels.keySet()) + "; add it there with its Slack and Teams ids"
                            + (channels.isEmpty() ? "." : ", or use one of " + list(channels.keySet()) + "."));
                } else {
                    ruleChannels.add(c);
                }
            }
        }

        List<String> rulePrincipals = new ArrayList<>();
        Node principalsNode = f.get("principals");
        if (principalsNode != null) {
            for (Node item : items(principalsNode)) {
                String p = scalar(item, where + ": principals");
                if (p == null) {
                    continue;
                }
                if (!p.equals("*") && !declaredPrincipals.contains(p.toLowerCase(Locale.ROOT))) {
                    error(item, where + ": principal `" + p + "` is not under `principals:`"
                            + suggestion(p, principals.keySet()) + "; add it there (object_id, type, owners), "
                            + "or write `*` for any workload the requester owns.");
                } else {
                    rulePrincipals.add(p);
                }
            }
        }

        Duration ruleMax = max != null ? max : defaults.maxDuration();
        Policy.OnCallApproval oncallApproval = readAutoApprove(f.get("auto_approve_if"), where, path, ruleMax);

        if (errors.size() > before || role == null) {
            return null;
        }
        return new Policy.Rule(name, role, scopes, requesters, approvers, approvals,
                ruleMax, ttl != null ? ttl : defaults.requestTtl(), ticket,
                ruleChannels, rulePrincipals, line(node), oncallApproval);
    }

    /** {@code oncall_source:}: the provider, its schedules, and where its API and key are. */
    private Policy.OnCallSettings readOncallSource(Node node, Map<String, Policy.Group> groups) {
        if (node == null || isNull(node)) {
            return null;
        }
        String example = " e.g. `oncall_source: { provider: pagerduty, schedules: [PI7DH85] }`";
        Fields f = fields(node, "oncall_source", "key", ONCALL_SOURCE_KEYS);
        if (f == null) {
            return null;
        }
        int before = errors.size();
        Policy.OnCallProvider provider = null;
        Node providerNode = f.get("provider");
        String typed = providerNode == null ? null : scalar(providerNode, "oncall_source: provider");
        if (providerNode == null) {
            error(node, "oncall_source has no `provider`; say where jitbot asks who is on call: `pagerduty` or "
                    + "`opsgenie`," + example + ".");
        } else if (typed != null) {
            for (Policy.OnCallProvider p : Policy.OnCallProvider.values()) {
                if (p.key().equalsIgnoreCase(typed)) {
                    provider = p;
                }
            }
            if (provider == null) {
                error(providerNode, "oncall_source: provider `" + typed + "` is not one jitbot can ask; write "
                        + "`pagerduty` or `opsgenie`.");
            }
        }
        List<String> schedules = strings(f.get("schedules"), "oncall_source: schedules", "oncall_source.schedules");
        if (schedules == null || schedules.isEmpty() || schedules.stream().anyMatch(String::isBlank)) {
            error(f.get("schedules") != null ? f.get("schedules") : node, "oncall_source needs `schedules`: the ids "
                    + "of the schedules whose on-call people count," + example + ".");
        }
        String baseUrl = optionalScalar(f.get("base_url"), "oncall_source: base_url");
        if (baseUrl != null) {
            try {
                java.net.URI uri = new java.net.URI(baseUrl);
                if (uri.getHost() == null || !("https".equalsIgnoreCase(uri.getScheme())
                        || "http".equalsIgnoreCase(uri.getScheme()))) {
                    throw new java.net.URISyntaxException(baseUrl, "no scheme or host");
                }
            } catch (java.net.URISyntaxException e) {
                error(f.get("base_url"), "oncall_source: base_url `" + baseUrl + "` is not an http(s) URL; write e.g. "
                        + "`https://api.eu.opsgenie.com`, or leave it out for the provider's public API.");
            }
        }
        String keyEnv = optionalScalar(f.get("api_key_env"), "oncall_source: api_key_env");
        if (keyEnv != null && !ENV_NAME.matcher(keyEnv).matches()) {
            // Never echo it: a value that is not a variable name may well be the key itself.
            error(f.get("api_key_env"), "oncall_source: api_key_env must name an environment variable (letters, "
                    + "digits and `_`, e.g. `JITBOT_PAGERDUTY_API_KEY`) that holds the key; never put the key "
                    + "itself in policy.yaml.");
        }
        String group = optionalScalar(f.get("group"), "oncall_source: group");
        if (group != null && !groups.containsKey(group) && !declaredGroups.contains(group)) {
            error(f.get("group"), "oncall_source: group `" + group + "` is not under `groups:`"
                    + suggestion(group, groups.keySet()) + "; name the group whose members the on-call "
                    + "schedule adds to (often `oncall`), or leave it out.");
        }
        if (errors.size() > before || provider == null) {
            return null;
        }
        return new Policy.OnCallSettings(provider, schedules, baseUrl, keyEnv != null ? keyEnv
                : provider.defaultKeyEnv(), group);
    }

    /** {@code max_lead:}: how far ahead a request may be scheduled with {@code from <time>}; 7 days when unset. */
    private Duration readMaxLead(Node node) {
        if (node == null || isNull(node)) {
            return Policy.DEFAULT_MAX_LEAD;
        }
        String s = scalar(node, "max_lead");
        if (s == null) {
            return Policy.DEFAULT_MAX_LEAD;
        }
        lines.put("max_lead", line(node));
        Parsed<Duration> d = Durations.parse(s);
        if (!d.isOk()) {
            error(node, "max_lead \"" + s + "\" is not a duration; write e.g. `max_lead: 7d` (how far ahead a request "
                    + "may be scheduled with `from <time>`).");
            return Policy.DEFAULT_MAX_LEAD;
        }
        if (d.orThrow().compareTo(Duration.ofDays(90)) > 0) {
            error(node, "max_lead " + Durations.compact(d.orThrow()) + " is longer than 90d; eligibility and approvers "
                    + "change long before that. Write e.g. `max_lead: 7d`.");
        }
        return d.orThrow();
    }

    /**
     * {@code bundles:}: each name maps to a list of {@code <role> on <scope>} (or {@code { role: …, scope: … }})
     * pairs, every one covered by some rule, so a bundle only ever grants what single requests could.
     */
    private Map<String, Policy.Bundle> readBundles(Node node, Map<String, AzureScope> aliases,
                                                   List<Policy.Rule> rules) {
        Map<String, Policy.Bundle> out = new LinkedHashMap<>();
        Fields f = section(node, "bundles", "bundle");
        if (f == null) {
            return out;
        }
        String example = " e.g. `incident-payments: [Contributor on rg-payments, Reader on sub-prod]`";
        Map<String, String> seen = new HashMap<>();
        f.forEach((name, key, value) -> {
            String where = "bundles: `" + name + "`";
            if (!name.matches("[A-Za-z0-9][A-Za-z0-9._-]{0,62}")) {
                error(key, where + " is not a usable bundle name; people type it after `request bundle`, so use "
                        + "letters, digits, `-`, `.` or `_`, e.g. `incident-payments`.");
                return;
            }
            String clash = seen.put(name.toLowerCase(Locale.ROOT), name);
            if (clash != null) {
                error(key, where + " differs from bundle `" + clash + "` only in case, and bundle names ignore "
                        + "case; keep one of them.");
                return;
            }
            if (!(value instanceof SequenceNode) || ((SequenceNode) value).getValue().isEmpty()) {
                error(value == null ? key : value, where + " must list its (role, scope) pairs;" + example + ".");
                return;
            }
            List<Node> items = items(value);
            if (items.size() > dev.jitbot.core.domain.BundleGrant.MAX_MEMBERS) {
                error(value, where + " has " + items.size() + " members; a bundle holds at most "
                        + dev.jitbot.core.domain.BundleGrant.MAX_MEMBERS + ". Split it into smaller bundles.");
                return;
            }
            List<Policy.BundleMember> members = new ArrayList<>();
            for (int i = 0; i < items.size(); i++) {
                Node item = items.get(i);
                String memberWhere = where + " member " + (i + 1);
                String role;
                String scopeText;
                if (item instanceof MappingNode) {
                    Fields m = fields(item, memberWhere, "key", List.of("role", "scope"));
                    if (m == null) {
                        continue;
                    }
                    role = m.get("role") == null ? null : scalar(m.get("role"), memberWhere + ": role");
                    scopeText = m.get("scope") == null ? null : scalar(m.get("scope"), memberWhere + ": scope");
                    if (role == null || scopeText == null) {
                        error(item, memberWhere + " needs both `role` and `scope`, e.g. `{ role: Reader, scope: "
                                + "sub-prod }`.");
                        continue;
                    }
                } else {
                    String text = scalar(item, memberWhere);
                    if (text == null) {
                        continue;
                    }
                    int on = text.toLowerCase(Locale.ROOT).lastIndexOf(" on ");
                    if (on <= 0) {
                        error(item, memberWhere + " `" + text + "` is not `<role> on <scope>`;" + example + ".");
                        continue;
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
                        error(item, memberWhere + ": `" + scopeText + "` is not under `scopes:`" 
                                + suggestion(scopeText, aliases.keySet()) + "; name an alias or an ARM id.");
                        continue;
                    }
                    Parsed<AzureScope> parsed = AzureScope.parse(scopeText);
                    if (!parsed.isOk()) {
                        error(item, memberWhere + ": " + parsed.reason());
                        continue;
                    }
                    scope = parsed.orThrow();
                }
                RoleRef wanted = RoleRef.named(role);
                AzureScope at = scope;
                Optional<Policy.Rule> covering = rules.stream().filter(r -> r.covers(wanted, at)).findFirst();
                if (covering.isEmpty()) {
                    error(item, memberWhere + ": no rule grants " + role + " on " + scopeText + ", so nobody could "
                            + "request this bundle; add a rule for it or remove the member.");
                    continue;
                }
                String label = aliases.entrySet().stream().filter(e -> e.getValue().id().equalsIgnoreCase(at.id()))
                        .map(Map.Entry::getKey).findFirst().orElse(at.id());
                Policy.BundleMember member = new Policy.BundleMember(
                        new RoleRef(covering.get().role().name(), null), at, label);
                if (members.stream().anyMatch(x -> x.role().sameRole(member.role())
                        && x.scope().id().equalsIgnoreCase(at.id()))) {
                    error(item, memberWhere + ": " + member.label() + " is listed twice; keep one.");
                    continue;
                }
                lines.put("bundles." + name + "[" + i + "]", line(item));
                members.add(member);
            }
            if (members.size() == items.size()) {
                lines.put("bundles." + name, line(key));
                out.put(name, new Policy.Bundle(name, members, line(key)));
            }
        });
        return out;
    }

    /** {@code remind_before:}: how long before expiry the requester is reminded; {@code off} or 0 for never. */
    /**
     * {@code scan:} or {@code review:}: how often, and the channel the card goes to. Present (even empty) means
     * scheduled, at {@code every} by default; absent means not.
     */
    private Policy.Schedule readSchedule(Node node, String key, List<String> keys, Duration every,
                                         Map<String, Policy.Channel> channels, String example) {
        if (node == null) {
            return null;
        }
        String shape = "`" + key + ": { every: " + example + ", channel: security" + ("review".equals(key)
                ? ", since: 90d" : "") + " }`";
        if (isNull(node)) {
            error(node, key + ": needs at least the channel its card goes to, e.g. " + shape + ".");
            return null;
        }
        Fields f = fields(node, key, "key", keys);
        if (f == null) {
            return null;
        }
        lines.put(key, line(node));
        Duration often = every;
        if (f.get("every") != null) {
            often = period(f.get("every"), key + ": every", key + ".every", example);
        }
        Duration since = "review".equals(key) ? Policy.Reports.REVIEW_SINCE : null;
        if (f.get("since") != null) {
            since = period(f.get("since"), key + ": since", key + ".since", "90d");
        }
        Node channelNode = f.get("channel");
        if (channelNode == null) {
            error(node, key + ": has no `channel`; name the key under `channels:` its card goes to, e.g. " + shape
                    + (channels.isEmpty() ? " (and declare it under `channels:` with its Slack and Teams ids)." : "."));
            return null;
        }
        String channel = scalar(channelNode, key + ": channel");
        if (channel == null) {
            return null;
        }
        lines.put(key + ".channel", line(channelNode));
        if (!channels.containsKey(channel)) {
            error(channelNode, key + ": channel `" + channel + "` is not under `channels:`"
                    + suggestion(channel, channels.keySet()) + "; add it there with its Slack and Teams ids"
                    + (channels.isEmpty() ? "." : ", or use one of " + list(channels.keySet()) + "."));
            return null;
        }
        return often == null || since == null && "review".equals(key) ? null
                : new Policy.Schedule(often, channel, since);
    }

    /** A period such as {@code 7d}, {@code 2w}, {@code 12h} or {@code 30m}: at least a minute, at most a year. */
    private Duration period(Node node, String what, String path, String example) {
        lines.put(path, line(node));
        String s = scalar(node, what);
        if (s == null) {
            return null;
        }
        String t = s.toLowerCase(java.util.Locale.ROOT);
        Duration d = null;
        if (t.matches("\\d{1,4}d")) {
            d = Duration.ofDays(Long.parseLong(t.substring(0, t.length() - 1)));
        } else if (t.matches("\\d{1,3}w")) {
            d = Duration.ofDays(7 * Long.parseLong(t.substring(0, t.length() - 1)));
        } else {
            Parsed<Duration> p = Durations.parse(t);
            d = p.isOk() ? p.orThrow() : null;
        }
        if (d == null) {
            error(node, what + " \"" + s + "\" is not a period; write e.g. " + example + ", 2w, 12h or 30m.");
            return null;
        }
        if (d.compareTo(Duration.ofMinutes(1)) < 0 || d.compareTo(Duration.ofDays(366)) > 0) {
            error(node, what + " \"" + s + "\" is out of range; write a period from 1m to 366d, e.g. " + example + ".");
            return null;
        }
        return d;
    }

    private Duration readRemindBefore(Node node) {
        if (node == null || isNull(node)) {
            return Policy.DEFAULT_REMIND_BEFORE;
        }
        String s = scalar(node, "remind_before");
        if (s == null) {
            return Policy.DEFAULT_REMIND_BEFORE;
        }
        lines.put("remind_before", line(node));
        if (s.equalsIgnoreCase("off") || s.equals("0") || s.equalsIgnoreCase("false")) {
            return Duration.ZERO;
        }
        Parsed<Duration> d = Durations.parse(s);
        if (!d.isOk()) {
            error(node, "remind_before \"" + s + "\" is not a duration; write e.g. `remind_before: 10m`, or `off` "
                    + "for no reminders.");
            return Policy.DEFAULT_REMIND_BEFORE;
        }
        if (d.orThrow().compareTo(Duration.ofHours(2)) > 0) {
            error(node, "remind_before " + Durations.compact(d.orThrow()) + " is longer than 2h; a reminder that early "
                    + "is noise. Write e.g. `remind_before: 10m`.");
        }
        return d.orThrow();
    }

    /** A rule's {@code auto_approve_if: oncall}, or {@code { oncall: true, max_duration: 1h }} with its own cap. */
    private Policy.OnCallApproval readAutoApprove(Node node, String where, String path, Duration ruleMax) {
        if (node == null || isNull(node)) {
            return null;
        }
        lines.put(path + ".auto_approve_if", line(node));
        String forms = "write `auto_approve_if: oncall`, or `auto_approve_if: { oncall: true, max_duration: 1h }` "
                + "to cap how long it grants without a vote";
        Duration cap = ruleMax;
        if (node instanceof MappingNode) {
            Fields f = fields(node, where + ": auto_approve_if", "key", AUTO_APPROVE_KEYS);
            if (f == null) {
                return null;
            }
            String on = f.get("oncall") == null ? null : scalar(f.get("oncall"), where + ": auto_approve_if: oncall");
            if (f.get("oncall") == null) {
                error(node, where + ": auto_approve_if names no condition; " + forms + ".");
                return null;
            }
            if (on == null) {
                return null;
            }
            if (!on.equalsIgnoreCase("true") && !on.equalsIgnoreCase("yes")) {
                error(f.get("oncall"), where + ": auto_approve_if: oncall `" + on + "` must be `true`; to switch "
                        + "on-call approval off, remove `auto_approve_if`.");
                return null;
            }
            Duration own = maxDuration(f.get("max_duration"), where + ": auto_approve_if",
                    path + ".auto_approve_if.max_duration");
            if (own != null && own.compareTo(ruleMax) > 0) {
                error(f.get("max_duration"), where + ": auto_approve_if: max_duration " + Durations.compact(own)
                        + " is longer than the rule's max_duration " + Durations.compact(ruleMax) + "; lower it to "
                        + Durations.compact(ruleMax) + " or less.");
                return null;
            }
            if (own != null) {
                cap = own;
            }
        } else {
            String s = scalar(node, where + ": auto_approve_if");
            if (s == null) {
                return null;
            }
            if (!s.equalsIgnoreCase("oncall")) {
                error(node, where + ": auto_approve_if `" + s + "` is not a condition jitbot knows; the only one is "
                        + "`oncall`: " + forms + ".");
                return null;
            }
        }
        if (!oncallSourceDeclared) {
            error(node, where + ": auto_approve_if: oncall needs an `oncall_source:` saying which PagerDuty or "
                    + "Opsgenie schedules count, e.g. `oncall_source: { provider: pagerduty, schedules: [PI7DH85] }`.");
            return null;
        }
        return new Policy.OnCallApproval(cap);
    }

    // ---- values -------------------------------------------------------------------------------------------

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
            error(at, where + ": scope `" + typed + "` is neither an alias under `scopes:` nor an ARM id"
                    + suggestion(typed, aliases.keySet()) + "; define the alias, or write the id, e.g. `"
                    + AzureScope.EXAMPLE + "`.");
            return null;
        }
        for (String segment : typed.split("/")) {
            if (segment.contains("*") && !segment.equals("*")) {
                error(at, where + ": scope `" + typed + "`: `*` stands for a whole segment, so `" + segment
                        + "` is not supported; write e.g. `/subscriptions/*/resourceGroups/*`, or list the scopes.");
                return null;
            }
        }
        Parsed<ScopePattern> p = ScopePattern.parse(typed);
        if (!p.isOk()) {
            error(at, where + ": scope " + p.reason());
            return null;
        }
        return p.orThrow();
    }

    private Duration maxDuration(Node node, String where, String path) {
        Duration d = duration(node, where + ": max_duration", path);
        if (d != null && d.compareTo(LONGEST_GRANT) > 0) {
            error(node, where + ": max_duration " + Durations.compact(d) + " is longer than jitbot grants (24h); "
                    + "access that long is standing access, so lower it to 24h or less.");
            return null;
        }
        return d;
    }

    Duration duration(Node node, String what, String path) {
        if (node == null) {
            return null;
        }
        lines.put(path, line(node));
        String s = scalar(node, what);
        if (s == null) {
            return null;
        }
        Parsed<Duration> d = Durations.parse(s);
        if (!d.isOk()) {
            error(node, what + " \"" + s + "\" is not a duration; write 45m, 2h or 1h30m.");
            return null;
        }
        return d.orThrow();
    }

    private Integer approvals(Node node, String where, String path) {
        if (node == null) {
            return null;
        }
        lines.put(path, line(node));
        String s = scalar(node, where + ": approvals");
        if (s == null) {
            return null;
        }
        if (!INTEGER.matcher(s).matches()) {
            error(node, where + ": approvals \"" + s + "\" is not a whole number; write how many distinct people "
                    + "must approve, e.g. `approvals: 1` (0 auto-approves).");
            return null;
        }
        int n = Integer.parseInt(s.startsWith("+") ? s.substring(1) : s);
        if (n < 0) {
            error(node, where + ": approvals " + n + " is negative; write 0 to auto-approve, or how many distinct "
                    + "people must approve.");
            return null;
        }
        return n;
    }

    private String objectId(Node node, String what, String meaning) {
        String s = scalar(node, what);
        if (s == null) {
            return null;
        }
        if (!Principal.isObjectId(s)) {
            error(node, what + " `" + s + "` is not an object id; give " + meaning
                    + ", a GUID such as 9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d.");
            return null;
        }
        return s.strip().toLowerCase(Locale.ROOT);
    }

    /** Group names, emails or chat keys that must each name something. */
    List<String> refs(Node node, String what, Map<String, Policy.Group> groups) {
        List<String> out = new ArrayList<>();
        for (Node item : items(node)) {
            String ref = scalar(item, what);
            if (ref != null && checkRef(item, what, ref, groups)) {
                out.add(ref.strip());
            }
        }
        return out;
    }

    private boolean checkRef(Node at, String what, String ref, Map<String, Policy.Group> groups) {
        String r = ref.strip();
        if (r.equalsIgnoreCase(Policy.OWNERS) && !groups.containsKey(r) && !declaredGroups.contains(r)) {
            if (what.endsWith("approvers")) {
                return true;
            }
            error(at, what + ": `owners` means the owners of a workload and only fits `approvers:`; name a group "
                    + "or a person here.");
            return false;
        }
        if (r.toLowerCase(Locale.ROOT).startsWith(Policy.WORKLOAD_PREFIX)) {
            String alias = r.substring(Policy.WORKLOAD_PREFIX.length()).strip();
            if (!what.endsWith("requesters")) {
                error(at, what + ": `" + r + "` names a workload, which can ask for access but not decide it; "
                        + "list people or groups here, or `owners` for the workload's owners.");
                return false;
            }
            if (!declaredPrincipals.contains(alias.toLowerCase(Locale.ROOT))) {
                error(at, what + ": `" + r + "` names no workload under `principals:`; add `" + (alias.isEmpty()
                        ? "deploy-pipeline" : alias) + ": { object_id: <its Entra object id>, type: ServicePrincipal, "
                        + "owners: [alice@contoso.com] }` there, or fix the name.");
                return false;
            }
            return true;
        }
        if (groups.containsKey(r) || declaredGroups.contains(r) || isPerson(r)) {
            return true;
        }
        error(at, what + ": `" + r + "` is not a group under `groups:`" + suggestion(r, groups.keySet())
                + "; name a group, or " + PERSON_EXAMPLE + ".");
        return false;
    }

    /** People: emails, chat keys or Entra object ids; returns null when the node is not a list. */
    private List<String> people(Node node, String what) {
        if (node == null || isNull(node)) {
            return List.of();
        }
        if (node instanceof MappingNode) {
            error(node, what + " must be a list such as `[alice@contoso.com, slack:U024BE7LH]`, not a mapping.");
            return null;
        }
        List<String> out = new ArrayList<>();
        for (Node item : items(node)) {
            String p = scalar(item, what);
            if (p == null) {
                continue;
            }
            if (declaredGroups.contains(p)) {
                error(item, what + ": `" + p + "` is a group, but this list takes people (groups do not nest); "
                        + "write their emails instead.");
            } else if (!isPerson(p)) {
                error(item, what + ": `" + p + "` is not a person; write " + PERSON_EXAMPLE + ".");
            } else {
                out.add(p.strip());
            }
        }
        return out;
    }

    private List<String> strings(Node node, String what, String path) {
        if (node == null || isNull(node)) {
            return node == null ? null : List.of();
        }
        List<String> out = new ArrayList<>();
        List<Node> items = items(node);
        for (int i = 0; i < items.size(); i++) {
            String s = scalar(items.get(i), what);
            if (s != null) {
                lines.put(path + "[" + out.size() + "]", line(items.get(i)));
                out.add(s.strip());
            }
        }
        return out;
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

    // ---- nodes --------------------------------------------------------------------------------------------

    /** A mapping's entries by key, in order, with duplicate and unknown keys reported. */
    final class Fields {
        private final Map<String, NodeTuple> tuples = new LinkedHashMap<>();

        Node get(String key) {
            NodeTuple t = tuples.get(key);
            return t == null ? null : t.getValueNode();
        }

        void forEach(Entry entry) {
            tuples.forEach((k, t) -> entry.accept(k, t.getKeyNode(), t.getValueNode()));
        }
    }

    private interface Entry {
        void accept(String key, Node keyNode, Node value);
    }

    /** A top-level section keyed by names the file chooses (aliases, groups, ...). */
    private Fields section(Node node, String section, String what) {
        if (node == null || isNull(node)) {
            return null;
        }
        if (!(node instanceof MappingNode)) {
            error(node, "`" + section + ":` must be a mapping of " + what + " names to their settings, not a "
                    + describe(node) + ".");
            return null;
        }
        return fields(node, "`" + section + ":`", null, null);
    }

    /** The entries of a mapping; {@code allowed} null accepts any key (named entries rather than settings). */
    Fields fields(Node node, String where, String keyKind, List<String> allowed) {
        if (node == null || isNull(node)) {
            return new Fields();
        }
        if (!(node instanceof MappingNode)) {
            error(node, where + " must be a mapping of " + (allowed == null ? "names" : "`" + String.join(":`, `",
                    allowed) + ":`") + ", not a " + describe(node) + ".");
            return null;
        }
        Fields out = new Fields();
        Map<String, Integer> firstLine = new HashMap<>();
        for (NodeTuple t : ((MappingNode) node).getValue()) {
            Node k = t.getKeyNode();
            if (!(k instanceof ScalarNode)) {
                error(k, where + ": a key must be a plain word, not a " + describe(k) + ".");
                continue;
            }
            String key = ((ScalarNode) k).getValue().strip();
            if (key.equals("<<")) {
                error(k, where + ": merge keys (`<<:`) are not supported; write the settings out in full.");
                continue;
            }
            Integer first = firstLine.putIfAbsent(key, line(k));
            if (first != null) {
                error(k, where + ": `" + key + "` appears twice (first on line " + first + "); YAML keeps only "
                        + "one, so merge them into one entry.");
                continue;
            }
            if (allowed != null && !allowed.contains(key)) {
                error(k, where + ": unknown " + keyKind + " `" + key + "`" + suggestion(key, allowed)
                        + "; the keys are " + String.join(", ", allowed) + ".");
                continue;
            }
            out.tuples.put(key, t);
        }
        return out;
    }

    List<Node> items(Node node) {
        if (node == null || isNull(node)) {
            return List.of();
        }
        if (node instanceof SequenceNode) {
            return ((SequenceNode) node).getValue();
        }
        return List.of(node);
    }

    /** A single value as text, or null (with an error) when the node is a list or mapping or empty. */
    String scalar(Node node, String what) {
        if (node instanceof ScalarNode && !isNull(node)) {
            return ((ScalarNode) node).getValue().strip();
        }
        if (isNull(node)) {
            error(node, what + " has no value; fill it in or remove the key.");
        } else {
            error(node, what + " must be a single value, not a " + describe(node) + ".");
        }
        return null;
    }

    private String optionalScalar(Node node, String what) {
        return node == null || isNull(node) ? null : scalar(node, what);
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    static boolean isNull(Node node) {
        return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
    }

    static String describe(Node node) {
        if (node instanceof SequenceNode) {
            return "list";
        }
        if (node instanceof MappingNode) {
            return "mapping";
        }
        return "single value";
    }

    void error(Node at, String message) {
        errors.add(Finding.error(source, at == null ? 1 : line(at), at == null ? 0 : at.getStartMark().getColumn() + 1,
                clipQuoted(message)));
    }

    private static final int QUOTE_MAX = 80;

    /**
     * A value quoted from the file in `backticks` is cut to its first {@value #QUOTE_MAX} characters: a broken
     * indentation can fold the rest of the file into one scalar, and a finding is there to say what to change, not
     * to repeat the file.
     */
    static String clipQuoted(String message) {
        String[] parts = message.split("`", -1);
        if (parts.length < 3) {
            return message;
        }
        StringBuilder out = new StringBuilder(parts[0]);
        for (int i = 1; i < parts.length; i++) {
            boolean quoted = i % 2 == 1 && i < parts.length - 1;
            out.append('`').append(quoted ? clip(parts[i]) : parts[i]);
        }
        return out.toString();
    }

    private static String clip(String value) {
        return value.length() <= QUOTE_MAX ? value
                : value.substring(0, QUOTE_MAX) + "…(" + value.length() + " characters)";
    }

    static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    static String list(Iterable<String> names) {
        List<String> out = new ArrayList<>();
        names.forEach(n -> out.add("`" + n + "`"));
        return String.join(", ", out);
    }

    /** "; did you mean `approvals`?" for a near miss, else nothing. */
    static String suggestion(String typed, Iterable<String> known) {
        return closest(typed, known).map(k -> " (did you mean `" + k + "`?)").orElse("");
    }

    static Optional<String> closest(String typed, Iterable<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(typed.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        int allowed = Math.max(1, Math.min(3, typed.length() / 3));
        if (best != null && bestDistance <= allowed) {
            return Optional.of(best);
        }
        String t = typed.toLowerCase(Locale.ROOT);
        for (String k : known) {
            String l = k.toLowerCase(Locale.ROOT);
            if (t.length() >= 3 && (l.startsWith(t) || t.startsWith(l))) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
