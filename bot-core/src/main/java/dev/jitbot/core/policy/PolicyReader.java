package dev.jitbot.core.policy;

import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.Policy;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Walks one policy file's YAML nodes, collecting every error instead of stopping at the first. Each section has its
 * own reader; this one checks the top level and reads the sections in the order their references need: the names a
 * section may use (groups, scopes, principals, channels) before the rules that use them, the rules before bundles.
 */
final class PolicyReader {

    static final List<String> TOP_KEYS = List.of("defaults", "scopes", "groups", "channels", "oncall", "rules",
            "principals", "users", "custom_roles", "oncall_source", "remind_before", "max_lead", "break_glass", "scan",
            "review", "bundles");

    private final String source;
    private final PolicyNodes nodes;
    private final PolicyRefs refs;

    PolicyReader(String source) {
        this.source = source;
        this.nodes = new PolicyNodes(source);
        this.refs = new PolicyRefs(nodes);
    }

    PolicyLoader.Result read(Node root) {
        if (root == null || PolicyNodes.isNull(root)) {
            nodes.error(null, "the policy is empty; it needs at least `rules:` (the demo policy shows the shape).");
            return new PolicyLoader.Result(null, nodes.errors());
        }
        if (!(root instanceof MappingNode)) {
            nodes.error(root, "the policy must be a mapping of keys such as `defaults:`, `groups:` and `rules:`, not "
                    + "a " + PolicyNodes.describe(root) + ".");
            return new PolicyLoader.Result(null, nodes.errors());
        }
        PolicyNodes.Fields top = nodes.fields(root, "the policy", "top-level key", TOP_KEYS);
        GroupsReader groupsReader = new GroupsReader(nodes, refs);
        groupsReader.declare(top.get("groups"));
        SettingsReader settings = new SettingsReader(nodes);
        OnCallReader oncallReader = new OnCallReader(nodes, refs);

        Policy.Defaults defaults = settings.defaults(top.get("defaults"));
        Map<String, AzureScope> aliases = new ScopesReader(nodes, refs).read(top.get("scopes"));
        Map<String, Policy.Group> groups = groupsReader.read(top.get("groups"));
        Map<String, Policy.Channel> channels = new ChannelsReader(nodes).read(top.get("channels"));
        Map<String, Policy.UserEntry> users = new UsersReader(nodes).read(top.get("users"));
        Map<String, Policy.NonHuman> principals = new PrincipalsReader(nodes, refs).read(top.get("principals"));
        Map<String, PolicyFile.CustomRole> customRoles = new CustomRolesReader(nodes).read(top.get("custom_roles"));
        String oncall = oncallReader.group(top.get("oncall"), groups);
        Policy.OnCallSettings oncallSource = oncallReader.source(top.get("oncall_source"), groups);
        Duration remindBefore = settings.remindBefore(top.get("remind_before"));
        Duration maxLead = settings.maxLead(top.get("max_lead"));
        Policy.Reports reports = new ReportsReader(nodes).read(top.get("scan"), top.get("review"), channels);
        List<Policy.Rule> rules = List.of();
        Node rulesNode = top.get("rules");
        if (rulesNode == null) {
            nodes.error(root, "the policy has no `rules:`, so nobody could request anything; add a rule such as "
                    + "`rules: [{ name: read production, role: Reader, scopes: [sub-prod], requesters: [engineers], "
                    + "approvals: 0 }]`.");
        } else {
            rules = new RulesReader(nodes, refs, oncallReader).read(rulesNode,
                    new RulesReader.Context(defaults, aliases, groups, channels, principals));
        }
        Policy.BreakGlassRule breakGlass = new BreakGlassReader(nodes, refs).read(top.get("break_glass"), aliases,
                groups, channels);
        Map<String, Policy.Bundle> bundles = new BundlesReader(nodes).read(top.get("bundles"), aliases, rules);
        List<Finding> errors = nodes.errors();
        if (!errors.isEmpty()) {
            errors.sort(Comparator.comparingInt(Finding::line).thenComparingInt(Finding::column));
            return new PolicyLoader.Result(null, errors);
        }
        Policy policy = new Policy(defaults, aliases, groups, channels, oncall, rules, principals, users, oncallSource,
                remindBefore, maxLead, breakGlass, reports, bundles);
        return new PolicyLoader.Result(new PolicyFile(source, policy, customRoles, nodes.lines()), List.of());
    }
}
