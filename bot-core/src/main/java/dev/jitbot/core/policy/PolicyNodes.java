package dev.jitbot.core.policy;

import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Principal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

/**
 * One policy file's YAML nodes as the section readers see them: the shape of a node and the typed values in it, each
 * problem collected as a finding on the node's line, and the line of each value by its path for {@link PolicyLint}.
 */
final class PolicyNodes {

    /** The longest grant any rule or break-glass may allow: more is standing access. */
    static final Duration LONGEST_GRANT = Duration.ofHours(24);

    private static final Pattern INTEGER = Pattern.compile("[-+]?\\d{1,9}");
    private static final int QUOTE_MAX = 80;

    private final String source;
    private final List<Finding> errors = new ArrayList<>();
    private final Map<String, Integer> lines = new HashMap<>();

    PolicyNodes(String source) {
        this.source = source;
    }

    /** The findings so far, in the order they were found. */
    List<Finding> errors() {
        return errors;
    }

    /** How many findings so far: a reader compares counts to tell whether a part of the file it read was sound. */
    int errorCount() {
        return errors.size();
    }

    /** Where each value was written, by its path in the file (e.g. {@code rules[1].max_duration}). */
    Map<String, Integer> lines() {
        return lines;
    }

    void recordLine(String path, Node node) {
        lines.put(path, line(node));
    }

    void error(Node at, String message) {
        errors.add(Finding.error(source, at == null ? 1 : line(at), at == null ? 0 : at.getStartMark().getColumn() + 1,
                clipQuoted(message)));
    }

    // ---- shape --------------------------------------------------------------------------------------------

    /** A mapping's entries by key, in order, with duplicate and unknown keys reported. */
    static final class Fields {
        private final Map<String, NodeTuple> tuples = new LinkedHashMap<>();

        Node get(String key) {
            NodeTuple t = tuples.get(key);
            return t == null ? null : t.getValueNode();
        }

        void forEach(Entry entry) {
            tuples.forEach((k, t) -> entry.accept(k, t.getKeyNode(), t.getValueNode()));
        }
    }

    interface Entry {
        void accept(String key, Node keyNode, Node value);
    }

    /** A top-level section keyed by names the file chooses (aliases, groups, ...). */
    Fields section(Node node, String section, String what) {
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
                error(k, where + ": unknown " + keyKind + " `" + key + "`" + Suggestions.suggestion(key, allowed)
                        + "; the keys are " + String.join(", ", allowed) + ".");
                continue;
            }
            out.tuples.put(key, t);
        }
        return out;
    }

    static List<Node> items(Node node) {
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

    String optionalScalar(Node node, String what) {
        return node == null || isNull(node) ? null : scalar(node, what);
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

    static int line(Node node) {
        return node.getStartMark().getLine() + 1;
    }

    // ---- typed values -------------------------------------------------------------------------------------

    Duration duration(Node node, String what, String path) {
        if (node == null) {
            return null;
        }
        recordLine(path, node);
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

    Duration maxDuration(Node node, String where, String path) {
        Duration d = duration(node, where + ": max_duration", path);
        if (d != null && d.compareTo(LONGEST_GRANT) > 0) {
            error(node, where + ": max_duration " + Durations.compact(d) + " is longer than jitbot grants (24h); "
                    + "access that long is standing access, so lower it to 24h or less.");
            return null;
        }
        return d;
    }

    Integer approvals(Node node, String where, String path) {
        if (node == null) {
            return null;
        }
        recordLine(path, node);
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

    String objectId(Node node, String what, String meaning) {
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

    /** A list of single values, each line kept as {@code path[i]}; null when the key is absent. */
    List<String> strings(Node node, String what, String path) {
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

    static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    // ---- words --------------------------------------------------------------------------------------------

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

    static String clip(String value) {
        return value.length() <= QUOTE_MAX ? value
                : value.substring(0, QUOTE_MAX) + "…(" + value.length() + " characters)";
    }

    /** Names as {@code `a`, `b`}, for "use one of …". */
    static String list(Iterable<String> names) {
        List<String> out = new ArrayList<>();
        names.forEach(n -> out.add("`" + n + "`"));
        return String.join(", ", out);
    }
}
