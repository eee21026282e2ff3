package dev.jitbot.core.policy;

import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Policy;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/**
 * Reads the scheduled reports into findings with line numbers: {@code scan:} (the standing-access digest) and
 * {@code review:} (the eligibility review), each how often and the channel its card goes to.
 */
final class ReportsReader {

    static final List<String> SCAN_KEYS = List.of("every", "channel");
    static final List<String> REVIEW_KEYS = List.of("every", "channel", "since");

    private final PolicyNodes nodes;

    ReportsReader(PolicyNodes nodes) {
        this.nodes = nodes;
    }

    Policy.Reports read(Node scan, Node review, Map<String, Policy.Channel> channels) {
        return new Policy.Reports(
                schedule(scan, "scan", SCAN_KEYS, Policy.Reports.SCAN_EVERY, channels, "7d"),
                schedule(review, "review", REVIEW_KEYS, Policy.Reports.REVIEW_EVERY, channels, "30d"));
    }

    /**
     * {@code scan:} or {@code review:}: how often, and the channel the card goes to. Present (even empty) means
     * scheduled, at {@code every} by default; absent means not.
     */
    private Policy.Schedule schedule(Node node, String key, List<String> keys, Duration every,
                                     Map<String, Policy.Channel> channels, String example) {
        if (node == null) {
            return null;
        }
        String shape = "`" + key + ": { every: " + example + ", channel: security" + ("review".equals(key)
                ? ", since: 90d" : "") + " }`";
        if (PolicyNodes.isNull(node)) {
            nodes.error(node, key + ": needs at least the channel its card goes to, e.g. " + shape + ".");
            return null;
        }
        PolicyNodes.Fields f = nodes.fields(node, key, "key", keys);
        if (f == null) {
            return null;
        }
        nodes.recordLine(key, node);
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
            nodes.error(node, key + ": has no `channel`; name the key under `channels:` its card goes to, e.g. "
                    + shape + (channels.isEmpty() ? " (and declare it under `channels:` with its Slack and Teams ids)."
                    : "."));
            return null;
        }
        String channel = nodes.scalar(channelNode, key + ": channel");
        if (channel == null) {
            return null;
        }
        nodes.recordLine(key + ".channel", channelNode);
        if (!channels.containsKey(channel)) {
            nodes.error(channelNode, key + ": channel `" + channel + "` is not under `channels:`"
                    + Suggestions.suggestion(channel, channels.keySet()) + "; add it there with its Slack and Teams ids"
                    + (channels.isEmpty() ? "." : ", or use one of " + PolicyNodes.list(channels.keySet()) + "."));
            return null;
        }
        return often == null || since == null && "review".equals(key) ? null
                : new Policy.Schedule(often, channel, since);
    }

    /** A period such as {@code 7d}, {@code 2w}, {@code 12h} or {@code 30m}: at least a minute, at most a year. */
    private Duration period(Node node, String what, String path, String example) {
        nodes.recordLine(path, node);
        String s = nodes.scalar(node, what);
        if (s == null) {
            return null;
        }
        String t = s.toLowerCase(Locale.ROOT);
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
            nodes.error(node, what + " \"" + s + "\" is not a period; write e.g. " + example + ", 2w, 12h or 30m.");
            return null;
        }
        if (d.compareTo(Duration.ofMinutes(1)) < 0 || d.compareTo(Duration.ofDays(366)) > 0) {
            nodes.error(node, what + " \"" + s + "\" is out of range; write a period from 1m to 366d, e.g. " + example
                    + ".");
            return null;
        }
        return d;
    }
}
