package dev.jitbot.core.policy;

import dev.jitbot.core.domain.Policy;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.error.MarkedYAMLException;
import org.yaml.snakeyaml.error.YAMLException;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.reader.ReaderException;

/**
 * Reads {@code policy.yaml} into a {@link Policy}, or into every error the file holds, each with its line and a
 * sentence that says how to fix it. Reads SnakeYAML's node tree (not objects), so every value keeps its line.
 */
public final class PolicyLoader {

    /** The built-in demo policy on the class path: a made-up subscription, safe only with the dry-run provider. */
    public static final String DEMO_RESOURCE = "/dev/jitbot/core/policy/demo-policy.yaml";

    private PolicyLoader() {
    }

    /** Reads the policy file at {@code file}; a missing or unreadable file is an error, not an exception. */
    public static Result load(Path file) {
        Objects.requireNonNull(file, "file");
        String source = file.toString();
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return Result.failed(Finding.error(source, 0, 0, "no such file; point JITBOT_POLICY at your policy.yaml "
                    + "(the demo policy shows the shape)."));
        } catch (CharacterCodingException e) {
            return Result.failed(Finding.error(source, 0, 0, "the file is not UTF-8 text; save it as UTF-8."));
        } catch (IOException e) {
            return Result.failed(Finding.error(source, 0, 0, "cannot read the file (" + e.getClass().getSimpleName()
                    + "); check that it exists and that jitbot may read it."));
        }
        return parse(text, source);
    }

    /** Reads policy text; {@code sourceName} (e.g. {@code policy.yaml}) starts every message. */
    public static Result parse(String yaml, String sourceName) {
        Objects.requireNonNull(yaml, "yaml");
        Objects.requireNonNull(sourceName, "sourceName");
        int broken = unpairedSurrogate(yaml);
        if (broken >= 0) {
            return Result.failed(badCharacter(sourceName, yaml, yaml.codePointCount(0, broken), yaml.charAt(broken)));
        }
        Node root;
        try {
            root = compose(yaml);
        } catch (MarkedYAMLException e) {
            return Result.failed(syntaxError(sourceName, e));
        } catch (ReaderException e) {
            return Result.failed(unprintable(sourceName, yaml, e));
        } catch (RuntimeException e) {
            // Some malformed input leaves SnakeYAML without a position (a YAMLException with no mark), or as a plain
            // exception (a NumberFormatException for an escape cut short).
            return Result.failed(unplaced(sourceName, yaml, e));
        }
        return new PolicyReader(sourceName).read(root);
    }

    private static Node compose(String yaml) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        options.setAllowRecursiveKeys(false);
        return new Yaml(new SafeConstructor(options)).compose(new PairKeepingReader(yaml));
    }

    /** The built-in demo policy (see {@link #DEMO_RESOURCE}). */
    public static Policy demo() {
        return demoFile().policy();
    }

    /** The built-in demo policy with the lines of its values, e.g. for {@link PolicyLint}. */
    public static PolicyFile demoFile() {
        try (InputStream in = PolicyLoader.class.getResourceAsStream(DEMO_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("demo policy missing from the class path: " + DEMO_RESOURCE);
            }
            return parse(new String(in.readAllBytes(), StandardCharsets.UTF_8), "demo-policy.yaml").orThrow();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Finding syntaxError(String source, MarkedYAMLException e) {
        Mark mark = e.getProblemMark() != null ? e.getProblemMark() : e.getContextMark();
        int line = mark == null ? 0 : mark.getLine() + 1;
        int column = mark == null ? 0 : mark.getColumn() + 1;
        // SnakeYAML quotes the offending character as it is, a line break included; Finding shows it on one line.
        String problem = e.getProblem() == null ? firstLine(e.getMessage()) : e.getProblem();
        String hint;
        if (problem.contains("found duplicate key")) {
            hint = "each key may appear once in a mapping; merge the two entries.";
        } else if (problem.contains("mapping values are not allowed")) {
            hint = "check the indentation, and quote values that contain `: `.";
        } else if (problem.contains("tab")) {
            hint = "indent with spaces, not tabs.";
        } else if (problem.contains("expected a single document")) {
            hint = "keep the whole policy in one document (remove the extra `---`).";
        } else {
            hint = "check the indentation and quoting on this line and the one before.";
        }
        return Finding.error(source, line, column, "not valid YAML at column " + column + ": " + problem + "; " + hint);
    }

    /** A character YAML forbids (a control character, say): SnakeYAML gives its position, not its line. */
    private static Finding unprintable(String source, String yaml, ReaderException e) {
        return badCharacter(source, yaml, e.getPosition(), e.getCodePoint());
    }

    /** The code point at {@code position} (counted in code points, as SnakeYAML counts) is not allowed. */
    private static Finding badCharacter(String source, String yaml, int position, int codePoint) {
        int line = 1;
        int column = 1;
        int seen = 0;
        for (int i = 0; i < yaml.length() && seen < position; i += Character.charCount(yaml.codePointAt(i))) {
            if (yaml.charAt(i) == '\n') {
                line++;
                column = 1;
            } else {
                column++;
            }
            seen++;
        }
        return Finding.error(source, line, column, "not valid YAML at column " + column + ": the character "
                + String.format(Locale.ROOT, "U+%04X", codePoint) + " is not allowed in YAML; delete it (it is "
                + "often pasted in invisibly) or write it as an escape inside double quotes.");
    }

    private static final java.util.regex.Pattern SHORT_ESCAPE =
            java.util.regex.Pattern.compile("\\\\(?:x(?![0-9A-Fa-f]{2})|u(?![0-9A-Fa-f]{4})|U(?![0-9A-Fa-f]{8}))");

    private static Finding unplaced(String source, String yaml, RuntimeException e) {
        java.util.regex.Matcher escape = SHORT_ESCAPE.matcher(yaml);
        if (e instanceof NumberFormatException && escape.find()) {
            int line = 1 + (int) yaml.substring(0, escape.start()).chars().filter(ch -> ch == '\n').count();
            int column = escape.start() - yaml.lastIndexOf('\n', escape.start() - 1);
            return Finding.error(source, line, column, "not valid YAML at column " + column + ": an escape in double "
                    + "quotes needs its hex digits (`\\x` two, `\\u` four, `\\U` eight, e.g. `\\u00e9`); complete it, "
                    + "or use single quotes to keep the backslash as it is.");
        }
        String why = e instanceof YAMLException ? firstLine(e.getMessage()) : e.getClass().getSimpleName();
        return Finding.error(source, firstLineThatFails(yaml, e.getClass()), 0, "not valid YAML by this line (" + why
                + "); check the indentation and quoting here and on the line before, and compare with the demo policy.");
    }

    /**
     * The first line at which the file, read only that far, fails as the whole file did: SnakeYAML gave no
     * position, and a policy file is small enough to read again line by line.
     */
    private static int firstLineThatFails(String yaml, Class<?> failure) {
        String[] lines = yaml.split("\n", -1);
        StringBuilder prefix = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            prefix.append(lines[i]).append('\n');
            try {
                compose(prefix.toString());
            } catch (MarkedYAMLException | ReaderException e) {
                // another complaint (this prefix is cut mid-structure); read on
            } catch (RuntimeException e) {
                if (e.getClass() == failure) {
                    return i + 1;
                }
            }
        }
        return Math.max(1, lines.length - 1);
    }

    /** The index of the first half of a UTF-16 surrogate pair that has no other half, or -1. */
    private static int unpairedSurrogate(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
                i++;
            } else if (Character.isSurrogate(c)) {
                return i;
            }
        }
        return -1;
    }

    /**
     * Hands SnakeYAML the text in chunks that never end between the two halves of a surrogate pair: SnakeYAML 2.x
     * reads one character past a full buffer when a chunk ends on a high surrogate, and throws
     * {@link IndexOutOfBoundsException} instead of reading the file.
     */
    private static final class PairKeepingReader extends java.io.Reader {
        private final String text;
        private int next;

        PairKeepingReader(String text) {
            this.text = text;
        }

        @Override
        public int read(char[] into, int offset, int length) {
            if (next >= text.length()) {
                return -1;
            }
            int n = Math.min(length, text.length() - next);
            if (n > 1 && Character.isHighSurrogate(text.charAt(next + n - 1))) {
                n--;
            }
            text.getChars(next, next + n, into, offset);
            next += n;
            return n;
        }

        @Override
        public void close() {
        }
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "unreadable input";
        }
        int nl = s.indexOf('\n');
        return (nl < 0 ? s : s.substring(0, nl)).strip();
    }

    /** A policy file read: either a {@link PolicyFile}, or the errors that kept it from loading (never both). */
    public record Result(PolicyFile file, List<Finding> errors) {

        public Result {
            errors = List.copyOf(errors);
            if ((file == null) == errors.isEmpty()) {
                throw new IllegalArgumentException("a result is either a policy or errors");
            }
        }

        static Result failed(Finding error) {
            return new Result(null, List.of(error));
        }

        public boolean isOk() {
            return file != null;
        }

        /** The policy; throws {@link PolicyException} listing every error when the file had any. */
        public PolicyFile orThrow() {
            if (file == null) {
                throw new PolicyException(errors);
            }
            return file;
        }

        /** The policy the bot runs on; throws {@link PolicyException} when the file had errors. */
        public Policy policy() {
            return orThrow().policy();
        }

        /** Every error, one per line, in the compiler-style form {@code policy.yaml:23: message}. */
        public String report() {
            return errors.stream().map(Finding::toString).collect(Collectors.joining("\n"));
        }
    }
}
