package dev.jitbot.core.policy;

import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Policy;
import java.time.Duration;
import java.util.List;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads the file-wide settings into findings with line numbers: {@code defaults:} (what a rule that does not say
 * gets), {@code remind_before:} and {@code max_lead:}. Each falls back to the standard value when absent or broken.
 */
final class SettingsReader {

    static final List<String> DEFAULT_KEYS = List.of("max_duration", "request_ttl", "approvals");

    private final PolicyNodes nodes;

    SettingsReader(PolicyNodes nodes) {
        this.nodes = nodes;
    }

    Policy.Defaults defaults(Node node) {
        Policy.Defaults std = Policy.Defaults.STANDARD;
        if (node == null || PolicyNodes.isNull(node)) {
            return std;
        }
        PolicyNodes.Fields f = nodes.fields(node, "defaults", "key", DEFAULT_KEYS);
        if (f == null) {
            return std;
        }
        Duration max = nodes.maxDuration(f.get("max_duration"), "defaults", "defaults.max_duration");
        Duration ttl = nodes.duration(f.get("request_ttl"), "defaults: request_ttl", "defaults.request_ttl");
        Integer approvals = nodes.approvals(f.get("approvals"), "defaults", "defaults.approvals");
        return new Policy.Defaults(max != null ? max : std.maxDuration(), ttl != null ? ttl : std.requestTtl(),
                approvals != null ? approvals : std.approvals());
    }

    /** {@code remind_before:}: how long before expiry the requester is reminded; {@code off} or 0 for never. */
    Duration remindBefore(Node node) {
        if (node == null || PolicyNodes.isNull(node)) {
            return Policy.DEFAULT_REMIND_BEFORE;
        }
        String s = nodes.scalar(node, "remind_before");
        if (s == null) {
            return Policy.DEFAULT_REMIND_BEFORE;
        }
        nodes.recordLine("remind_before", node);
        if (s.equalsIgnoreCase("off") || s.equals("0") || s.equalsIgnoreCase("false")) {
            return Duration.ZERO;
        }
        Parsed<Duration> d = Durations.parse(s);
        if (!d.isOk()) {
            nodes.error(node, "remind_before \"" + s + "\" is not a duration; write e.g. `remind_before: 10m`, or "
                    + "`off` for no reminders.");
            return Policy.DEFAULT_REMIND_BEFORE;
        }
        if (d.orThrow().compareTo(Duration.ofHours(2)) > 0) {
            nodes.error(node, "remind_before " + Durations.compact(d.orThrow()) + " is longer than 2h; a reminder "
                    + "that early is noise. Write e.g. `remind_before: 10m`.");
        }
        return d.orThrow();
    }

    /** {@code max_lead:}: how far ahead a request may be scheduled with {@code from <time>}; 7 days when unset. */
    Duration maxLead(Node node) {
        if (node == null || PolicyNodes.isNull(node)) {
            return Policy.DEFAULT_MAX_LEAD;
        }
        String s = nodes.scalar(node, "max_lead");
        if (s == null) {
            return Policy.DEFAULT_MAX_LEAD;
        }
        nodes.recordLine("max_lead", node);
        Parsed<Duration> d = Durations.parse(s);
        if (!d.isOk()) {
            nodes.error(node, "max_lead \"" + s + "\" is not a duration; write e.g. `max_lead: 7d` (how far ahead a "
                    + "request may be scheduled with `from <time>`).");
            return Policy.DEFAULT_MAX_LEAD;
        }
        if (d.orThrow().compareTo(Duration.ofDays(90)) > 0) {
            nodes.error(node, "max_lead " + Durations.compact(d.orThrow()) + " is longer than 90d; eligibility and "
                    + "approvers change long before that. Write e.g. `max_lead: 7d`.");
        }
        return d.orThrow();
    }
}
