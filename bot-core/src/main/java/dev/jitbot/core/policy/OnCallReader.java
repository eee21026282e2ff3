package dev.jitbot.core.policy;

import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.Policy;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads the on-call parts of a policy into findings with line numbers: the {@code oncall:} group,
 * {@code oncall_source:} (the PagerDuty or Opsgenie schedules that say who is on call) and a rule's
 * {@code auto_approve_if: oncall}, which needs that source.
 */
final class OnCallReader {

    static final List<String> SOURCE_KEYS = List.of("provider", "schedules", "base_url", "api_key_env", "group");
    static final List<String> AUTO_APPROVE_KEYS = List.of("oncall", "max_duration");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]{0,127}");

    private final PolicyNodes nodes;
    private final PolicyRefs refs;
    /** Whether the file has an {@code oncall_source:} (readable or not), for rules that auto-approve on call. */
    private boolean sourceDeclared;

    OnCallReader(PolicyNodes nodes, PolicyRefs refs) {
        this.nodes = nodes;
        this.refs = refs;
    }

    /** {@code oncall:}: the group (or person) told about every request; null when absent or broken. */
    String group(Node node, Map<String, Policy.Group> groups) {
        if (node == null || PolicyNodes.isNull(node)) {
            return null;
        }
        String ref = nodes.scalar(node, "oncall");
        if (ref != null && refs.checkRef(node, "oncall", ref, groups)) {
            return ref.strip();
        }
        return null;
    }

    /** {@code oncall_source:}: the provider, its schedules, and where its API and key are. */
    Policy.OnCallSettings source(Node node, Map<String, Policy.Group> groups) {
        sourceDeclared = node != null && !PolicyNodes.isNull(node);
        if (!sourceDeclared) {
            return null;
        }
        String example = " e.g. `oncall_source: { provider: pagerduty, schedules: [PI7DH85] }`";
        PolicyNodes.Fields f = nodes.fields(node, "oncall_source", "key", SOURCE_KEYS);
        if (f == null) {
            return null;
        }
        int before = nodes.errorCount();
        Policy.OnCallProvider provider = null;
        Node providerNode = f.get("provider");
        String typed = providerNode == null ? null : nodes.scalar(providerNode, "oncall_source: provider");
        if (providerNode == null) {
            nodes.error(node, "oncall_source has no `provider`; say where jitbot asks who is on call: `pagerduty` or "
                    + "`opsgenie`," + example + ".");
        } else if (typed != null) {
            for (Policy.OnCallProvider p : Policy.OnCallProvider.values()) {
                if (p.key().equalsIgnoreCase(typed)) {
                    provider = p;
                }
            }
            if (provider == null) {
                nodes.error(providerNode, "oncall_source: provider `" + typed + "` is not one jitbot can ask; write "
                        + "`pagerduty` or `opsgenie`.");
            }
        }
        List<String> schedules = nodes.strings(f.get("schedules"), "oncall_source: schedules",
                "oncall_source.schedules");
        if (schedules == null || schedules.isEmpty() || schedules.stream().anyMatch(String::isBlank)) {
            nodes.error(f.get("schedules") != null ? f.get("schedules") : node, "oncall_source needs `schedules`: the "
                    + "ids of the schedules whose on-call people count," + example + ".");
        }
        String baseUrl = nodes.optionalScalar(f.get("base_url"), "oncall_source: base_url");
        if (baseUrl != null && !isHttpUrl(baseUrl)) {
            nodes.error(f.get("base_url"), "oncall_source: base_url `" + baseUrl + "` is not an http(s) URL; write "
                    + "e.g. `https://api.eu.opsgenie.com`, or leave it out for the provider's public API.");
        }
        String keyEnv = nodes.optionalScalar(f.get("api_key_env"), "oncall_source: api_key_env");
        if (keyEnv != null && !ENV_NAME.matcher(keyEnv).matches()) {
            // Never echo it: a value that is not a variable name may well be the key itself.
            nodes.error(f.get("api_key_env"), "oncall_source: api_key_env must name an environment variable "
                    + "(letters, digits and `_`, e.g. `JITBOT_PAGERDUTY_API_KEY`) that holds the key; never put the "
                    + "key itself in policy.yaml.");
        }
        String group = nodes.optionalScalar(f.get("group"), "oncall_source: group");
        if (group != null && !groups.containsKey(group) && !refs.isDeclaredGroup(group)) {
            nodes.error(f.get("group"), "oncall_source: group `" + group + "` is not under `groups:`"
                    + Suggestions.suggestion(group, groups.keySet()) + "; name the group whose members the on-call "
                    + "schedule adds to (often `oncall`), or leave it out.");
        }
        if (nodes.errorCount() > before || provider == null) {
            return null;
        }
        return new Policy.OnCallSettings(provider, schedules, baseUrl, keyEnv != null ? keyEnv
                : provider.defaultKeyEnv(), group);
    }

    private static boolean isHttpUrl(String text) {
        try {
            URI uri = new URI(text);
            return uri.getHost() != null && ("https".equalsIgnoreCase(uri.getScheme())
                    || "http".equalsIgnoreCase(uri.getScheme()));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * A rule's {@code auto_approve_if: oncall}, or {@code { oncall: true, max_duration: 1h }} with its own cap; read
     * after {@link #source}, since it needs an {@code oncall_source:}.
     */
    Policy.OnCallApproval autoApprove(Node node, String where, String path, Duration ruleMax) {
        if (node == null || PolicyNodes.isNull(node)) {
            return null;
        }
        nodes.recordLine(path + ".auto_approve_if", node);
        String forms = "write `auto_approve_if: oncall`, or `auto_approve_if: { oncall: true, max_duration: 1h }` "
                + "to cap how long it grants without a vote";
        Duration cap = ruleMax;
        if (node instanceof MappingNode) {
            PolicyNodes.Fields f = nodes.fields(node, where + ": auto_approve_if", "key", AUTO_APPROVE_KEYS);
            if (f == null) {
                return null;
            }
            String on = f.get("oncall") == null ? null
                    : nodes.scalar(f.get("oncall"), where + ": auto_approve_if: oncall");
            if (f.get("oncall") == null) {
                nodes.error(node, where + ": auto_approve_if names no condition; " + forms + ".");
                return null;
            }
            if (on == null) {
                return null;
            }
            if (!on.equalsIgnoreCase("true") && !on.equalsIgnoreCase("yes")) {
                nodes.error(f.get("oncall"), where + ": auto_approve_if: oncall `" + on + "` must be `true`; to "
                        + "switch on-call approval off, remove `auto_approve_if`.");
                return null;
            }
            Duration own = nodes.maxDuration(f.get("max_duration"), where + ": auto_approve_if",
                    path + ".auto_approve_if.max_duration");
            if (own != null && own.compareTo(ruleMax) > 0) {
                nodes.error(f.get("max_duration"), where + ": auto_approve_if: max_duration "
                        + Durations.compact(own) + " is longer than the rule's max_duration "
                        + Durations.compact(ruleMax) + "; lower it to " + Durations.compact(ruleMax) + " or less.");
                return null;
            }
            if (own != null) {
                cap = own;
            }
        } else {
            String s = nodes.scalar(node, where + ": auto_approve_if");
            if (s == null) {
                return null;
            }
            if (!s.equalsIgnoreCase("oncall")) {
                nodes.error(node, where + ": auto_approve_if `" + s + "` is not a condition jitbot knows; the only "
                        + "one is `oncall`: " + forms + ".");
                return null;
            }
        }
        if (!sourceDeclared) {
            nodes.error(node, where + ": auto_approve_if: oncall needs an `oncall_source:` saying which PagerDuty or "
                    + "Opsgenie schedules count, e.g. `oncall_source: { provider: pagerduty, schedules: [PI7DH85] }`.");
            return null;
        }
        return new Policy.OnCallApproval(cap);
    }
}
