package dev.jitbot.core.policy;

import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.yaml.snakeyaml.nodes.Node;

/** Reads {@code channels:} into findings with line numbers: a name for one channel on Slack, Teams or both. */
final class ChannelsReader {

    static final List<String> KEYS = List.of("slack", "teams");

    private final PolicyNodes nodes;

    ChannelsReader(PolicyNodes nodes) {
        this.nodes = nodes;
    }

    Map<String, Policy.Channel> read(Node node) {
        Map<String, Policy.Channel> out = new LinkedHashMap<>();
        PolicyNodes.Fields f = nodes.section(node, "channels", "channel");
        if (f == null) {
            return out;
        }
        f.forEach((name, key, value) -> {
            String where = "channel \"" + name + "\"";
            PolicyNodes.Fields c = nodes.fields(value, where, "chat platform", KEYS);
            if (c == null) {
                return;
            }
            Map<Platform, String> ids = new EnumMap<>(Platform.class);
            Node slack = c.get("slack");
            if (slack != null) {
                String id = nodes.scalar(slack, where + ": slack");
                if (id != null) {
                    if (id.startsWith("#") || !id.matches("[CGD][A-Z0-9]{6,}")) {
                        nodes.error(slack, where + ": `" + id + "` is not a Slack channel id; copy the id (like "
                                + "C0123ABCDEF) from the bottom of the channel's details, not its #name.");
                    } else {
                        ids.put(Platform.SLACK, id);
                    }
                }
            }
            Node teams = c.get("teams");
            if (teams != null) {
                String id = nodes.scalar(teams, where + ": teams");
                if (id != null) {
                    if (!id.startsWith("19:") || !id.contains("@thread")) {
                        nodes.error(teams, where + ": `" + id + "` is not a Teams channel id; it looks like "
                                + "`19:…@thread.tacv2` (a channel's \"Get link to channel\" shows it, URL-encoded).");
                    } else {
                        ids.put(Platform.TEAMS, id);
                    }
                }
            }
            if (slack == null && teams == null) {
                nodes.error(value, where + " names no chat channel; add `slack: C0123ABCDEF` and/or "
                        + "`teams: \"19:…@thread.tacv2\"`.");
            }
            out.put(name, new Policy.Channel(name, ids));
        });
        return out;
    }
}
