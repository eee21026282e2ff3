package dev.jitbot.core.policy;

import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.RoleRef;
import dev.jitbot.core.domain.ScopePattern;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads the {@code break_glass:} section into findings with line numbers, as the other section readers read theirs:
 * who may grant themselves which roles on which scopes at once, for how long, and the security channel told.
 */
final class BreakGlassReader {

    static final List<String> KEYS = List.of("requesters", "roles", "scopes", "max_duration", "for", "channel",
            "reviewers");
    /** The longest a break-glass grant lasts when the section does not say. */
    static final Duration DEFAULT_MAX = Duration.ofHours(1);

    private static final String WHERE = "break_glass";
    private static final String EXAMPLE = "`break_glass: { requesters: [oncall], roles: [Owner], scopes: [sub-prod], "
            + "max_duration: 1h, channel: security }`";

    private final PolicyNodes nodes;
    private final PolicyRefs refs;

    BreakGlassReader(PolicyNodes nodes, PolicyRefs refs) {
        this.nodes = nodes;
        this.refs = refs;
    }

    /** The section, or null when the file has none or it has errors (which are reported). */
    Policy.BreakGlassRule read(Node node, Map<String, AzureScope> aliases, Map<String, Policy.Group> groups,
                               Map<String, Policy.Channel> channels) {
        if (node == null || PolicyNodes.isNull(node)) {
            return null;
        }
        PolicyNodes.Fields f = nodes.fields(node, "`break_glass:`", "key", KEYS);
        if (f == null) {
            return null;
        }
        nodes.recordLine(WHERE, node);
        boolean ok = true;

        Node requestersNode = f.get("requesters");
        List<String> requesters = List.of();
        if (requestersNode == null || PolicyNodes.items(requestersNode).isEmpty()) {
            nodes.error(requestersNode != null ? requestersNode : node, "break_glass has no `requesters`, so nobody "
                    + "could use it; add who may break the glass, e.g. " + EXAMPLE + ".");
            ok = false;
        } else {
            requesters = refs.refs(requestersNode, WHERE + ": requesters", groups);
            ok &= requesters.size() == PolicyNodes.items(requestersNode).size();
        }

        List<RoleRef> roles = new ArrayList<>();
        Node rolesNode = f.get("roles");
        if (rolesNode == null || PolicyNodes.items(rolesNode).isEmpty()) {
            nodes.error(rolesNode != null ? rolesNode : node, "break_glass has no `roles`; list the Azure roles it "
                    + "may grant, e.g. `roles: [Owner]`.");
            ok = false;
        } else {
            for (Node item : PolicyNodes.items(rolesNode)) {
                String role = nodes.scalar(item, WHERE + ": roles");
                if (role == null) {
                    ok = false;
                } else if (role.isBlank()) {
                    nodes.error(item, WHERE + ": a role is empty; name an Azure role, e.g. `Owner`.");
                    ok = false;
                } else {
                    roles.add(RoleRef.named(role));
                }
            }
        }

        List<ScopePattern> scopes = new ArrayList<>();
        Node scopesNode = f.get("scopes");
        if (scopesNode == null || PolicyNodes.items(scopesNode).isEmpty()) {
            nodes.error(scopesNode != null ? scopesNode : node, "break_glass has no `scopes`; list where it may "
                    + "grant, e.g. `scopes: [sub-prod]` or an ARM id such as `" + AzureScope.EXAMPLE + "`.");
            ok = false;
        } else {
            List<Node> items = PolicyNodes.items(scopesNode);
            for (int j = 0; j < items.size(); j++) {
                String s = nodes.scalar(items.get(j), WHERE + ": scopes");
                ScopePattern p = s == null ? null : refs.scopePattern(items.get(j), WHERE, s, aliases);
                if (p == null) {
                    ok = false;
                } else {
                    nodes.recordLine(WHERE + ".scopes[" + j + "]", items.get(j));
                    scopes.add(p);
                }
            }
        }

        Duration max = DEFAULT_MAX;
        Node maxNode = f.get("max_duration");
        if (maxNode != null) {
            Duration d = nodes.duration(maxNode, WHERE + ": max_duration", WHERE + ".max_duration");
            if (d == null) {
                ok = false;
            } else if (d.compareTo(PolicyNodes.LONGEST_GRANT) > 0) {
                nodes.error(maxNode, WHERE + ": max_duration " + Durations.compact(d) + " is longer than jitbot "
                        + "grants (24h); break-glass should last an incident's first hour, so write e.g. "
                        + "`max_duration: 1h`.");
                ok = false;
            } else {
                max = d;
            }
        }
        Duration dflt = max;
        Node forNode = f.get("for");
        if (forNode != null) {
            Duration d = nodes.duration(forNode, WHERE + ": for", WHERE + ".for");
            if (d == null) {
                ok = false;
            } else if (d.compareTo(max) > 0) {
                nodes.error(forNode, WHERE + ": for " + Durations.compact(d) + " is longer than its max_duration "
                        + Durations.compact(max) + "; lower `for` or raise `max_duration`.");
                ok = false;
            } else {
                dflt = d;
            }
        }

        String channel = null;
        Node channelNode = f.get("channel");
        if (channelNode != null && !PolicyNodes.isNull(channelNode)) {
            String c = nodes.scalar(channelNode, WHERE + ": channel");
            nodes.recordLine(WHERE + ".channel", channelNode);
            if (c == null) {
                ok = false;
            } else if (!channels.containsKey(c)) {
                nodes.error(channelNode, WHERE + ": channel `" + c + "` is not under `channels:`"
                        + Suggestions.suggestion(c, channels.keySet()) + "; add it there with its ids, e.g. `"
                        + c + ": { slack: C0SECURITY, teams: \"19:security@thread.tacv2\" }`.");
                ok = false;
            } else {
                channel = c;
            }
        }

        List<String> reviewers = List.of();
        Node reviewersNode = f.get("reviewers");
        if (reviewersNode != null) {
            reviewers = refs.refs(reviewersNode, WHERE + ": reviewers", groups);
            ok &= reviewers.size() == PolicyNodes.items(reviewersNode).size();
        }
        return ok ? new Policy.BreakGlassRule(requesters, roles, scopes, max, dflt, channel, reviewers,
                PolicyNodes.line(node)) : null;
    }
}
