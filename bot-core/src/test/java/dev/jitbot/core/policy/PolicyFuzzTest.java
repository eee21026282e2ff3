package dev.jitbot.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.testing.FuzzTries;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * {@code policy.yaml} under fuzz: valid policies (the design's and the demo) with lines deleted, duplicated and
 * swapped, values of the wrong type, keys nobody defined, broken indentation, stray characters and truncation. Every
 * one loads as a policy (which lints without an exception) or as errors that each name a line of the file and say
 * what to change; nothing else comes out of {@link PolicyLoader#parse}.
 */
class PolicyFuzzTest {

    static final List<String> VALID = List.of(resource("/policies/design.yaml"),
            resource(PolicyLoader.DEMO_RESOURCE));

    @Property
    @FuzzTries
    void mutatedPolicy_isAPolicyOrLineNumberedErrors_neverAnException(@ForAll("mutatedPolicies") String yaml) {
        PolicyLoader.Result result = PolicyLoader.parse(yaml, "policy.yaml");

        int lines = (int) yaml.lines().count() + 1;
        if (result.isOk()) {
            assertThat(PolicyLint.lint(result.orThrow())).allSatisfy(f -> assertThat(f.message()).isNotBlank());
            Statistics.collect("loaded");
        } else {
            assertThat(result.errors()).isNotEmpty().allSatisfy(e -> {
                assertThat(e.isError()).isTrue();
                assertThat(e.line()).as(e.toString()).isBetween(1, Math.max(1, lines));
                assertThat(e.message()).isNotBlank().doesNotContain("\n").hasSizeLessThan(600);
            });
            assertThat(result.report()).startsWith("policy.yaml:");
            Statistics.collect("refused");
        }
    }

    @Example
    void controlCharacterInTheFile_isAnErrorOnItsLine_notAWholeFileOne() {
        PolicyLoader.Result result = PolicyLoader.parse("defaults: { approvals: 1 }\nrules:\n  - name: a\u0007b\n",
                "policy.yaml");

        assertThat(result.report()).startsWith("policy.yaml:3: not valid YAML at column 12: the character U+0007");
    }

    @Example
    void valueFoldedOverTheRestOfTheFile_isQuotedClipped() {
        String lines = "\n    engineers members alice@contoso.com *".repeat(40);
        PolicyLoader.Result result = PolicyLoader.parse("scopes:\n  sub-prod: /subscriptions/5f0c6a4e" + lines
                + "\nrules: []\n", "policy.yaml");

        assertThat(result.errors()).isNotEmpty().allSatisfy(e -> assertThat(e.message()).hasSizeLessThan(600));
        assertThat(result.report()).contains("characters)` may not contain `*`");
    }

    @Example
    void emojiWhereverTheReaderCutsItsBuffer_isRead() {
        for (int pad = 1015; pad < 1035; pad++) {
            String yaml = "# " + "x".repeat(pad) + "\uD83D\uDE00\nrules: []\n";
            assertThat(PolicyLoader.parse(yaml, "policy.yaml").errors()).as("pad %d", pad).isEmpty();
        }
    }

    @Example
    void halfASurrogatePair_isAnErrorOnItsLine() {
        PolicyLoader.Result result = PolicyLoader.parse("rules: []\n# ok \uD83D\n", "policy.yaml");

        assertThat(result.report()).startsWith("policy.yaml:2: not valid YAML at column 6: the character U+D83D");
    }

    @Example
    void escapeWithTooFewDigits_isAnErrorOnItsLine() {
        PolicyLoader.Result result = PolicyLoader.parse("rules:\n  - name: \"read \\u", "policy.yaml");

        assertThat(result.report()).startsWith("policy.yaml:2: not valid YAML at column 17: an escape in double quotes");
    }

    @Example
    void ruleNameWrittenOverLines_isQuotedOnTheFindingsOneLine() {
        PolicyLoader.Result result = PolicyLoader.parse("rules:\n  - name: |\n      read\n      prod\n    role: Reader\n",
                "policy.yaml");

        assertThat(result.errors()).isNotEmpty().allSatisfy(e -> assertThat(e.toString()).doesNotContain("\n"));
        assertThat(result.report()).contains("rule \"read\\nprod\"");
    }

    // ------------------------------------------------------------------------------------------------ inputs

    static final List<String> VALUES = List.of("~", "null", "true", "0", "-1", "3.5", "99999999999999999999", "[]",
            "[a, [b]]", "{}", "{ x: 1 }", "\"\"", "''", "\"\\u0000\"", "*anchor", "&a x", "!!binary aGk=", "!!str",
            "!!map {}", "1h", "25h", "0m", "P1D", "x: y", "- item", "|", ">-", "\"unterminated", "'", "`", "é",
            "\uD83D\uDE00", "\u202E", "/subscriptions/*", "*", "rg-missing", "nobody@contoso.com", "0c9e2a7d",
            "9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", "INC-(", "[unclosed", "{unclosed");
    static final List<String> KEYS = List.of("defaults", "scopes", "groups", "channels", "oncall", "rules", "name",
            "role", "requesters", "approvers", "approvals", "max_duration", "request_ttl", "ticket", "principals",
            "users", "members", "entra_group", "object_id", "type", "owners", "custom_roles", "actions", "slack",
            "teams", "unknown_key", "Rules", "<<", "? complex", "\"quoted key\"", "1", "");
    static final List<String> JUNK = List.of("\t", "  ", "---", "...", "#", ": ", "- ", "%YAML 1.2", "&a", "*a",
            "\u0000", "\u0007", "\uFEFF", "\r", "\\", "\"", "'", "{", "}", "[", "]", ",", "?", "!", "|", ">", "@", "`");

    sealed interface Mutation {
        String apply(List<String> lines);
    }

    record Delete(int at) implements Mutation {
        public String apply(List<String> lines) {
            lines.remove(at % lines.size());
            return String.join("\n", lines);
        }
    }

    record Duplicate(int at) implements Mutation {
        public String apply(List<String> lines) {
            int i = at % lines.size();
            lines.add(i, lines.get(i));
            return String.join("\n", lines);
        }
    }

    record Swap(int a, int b) implements Mutation {
        public String apply(List<String> lines) {
            int i = a % lines.size();
            int j = b % lines.size();
            String t = lines.get(i);
            lines.set(i, lines.get(j));
            lines.set(j, t);
            return String.join("\n", lines);
        }
    }

    /** The value after the line's first {@code key:} replaced by a value of another type. */
    record WrongValue(int at, String value) implements Mutation {
        public String apply(List<String> lines) {
            int i = at % lines.size();
            String line = lines.get(i);
            int colon = line.indexOf(": ");
            lines.set(i, colon < 0 ? line + " " + value : line.substring(0, colon + 2) + value);
            return String.join("\n", lines);
        }
    }

    /** A key nobody defined, or a known key in the wrong place, at some indentation. */
    record NewKey(int at, int indent, String key, String value) implements Mutation {
        public String apply(List<String> lines) {
            lines.add(at % (lines.size() + 1), " ".repeat(indent) + key + ": " + value);
            return String.join("\n", lines);
        }
    }

    record Reindent(int at, int delta) implements Mutation {
        public String apply(List<String> lines) {
            int i = at % lines.size();
            String line = lines.get(i);
            lines.set(i, delta > 0 ? " ".repeat(delta) + line : line.substring(Math.min(-delta,
                    line.length() - line.stripLeading().length())));
            return String.join("\n", lines);
        }
    }

    record Insert(int at, String junk) implements Mutation {
        public String apply(List<String> lines) {
            String text = String.join("\n", lines);
            int i = at % (text.length() + 1);
            return text.substring(0, i) + junk + text.substring(i);
        }
    }

    record Truncate(int at) implements Mutation {
        public String apply(List<String> lines) {
            String text = String.join("\n", lines);
            return text.substring(0, at % (text.length() + 1));
        }
    }

    @Provide
    Arbitrary<String> mutatedPolicies() {
        Arbitrary<Integer> at = Arbitraries.integers().between(0, 10_000);
        Arbitrary<Mutation> one = Arbitraries.frequencyOf(
                Tuple.of(3, at.map(Delete::new)),
                Tuple.of(2, at.map(Duplicate::new)),
                Tuple.of(1, Combinators.combine(at, at).as(Swap::new)),
                Tuple.of(4, Combinators.combine(at, Arbitraries.of(VALUES)).as(WrongValue::new)),
                Tuple.of(2, Combinators.combine(at, Arbitraries.of(0, 2, 4, 6, 1), Arbitraries.of(KEYS),
                        Arbitraries.of(VALUES)).as(NewKey::new)),
                Tuple.of(1, Combinators.combine(at, Arbitraries.integers().between(-4, 4)).as(Reindent::new)),
                Tuple.of(2, Combinators.combine(at, Arbitraries.frequencyOf(Tuple.of(3, Arbitraries.of(JUNK)),
                        Tuple.of(1, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(4)))).as(Insert::new)),
                Tuple.of(1, at.map(Truncate::new)));
        return Combinators.combine(Arbitraries.of(VALID), one.list().ofMinSize(1).ofMaxSize(4)).as((text, mutations) -> {
            String out = text;
            for (Mutation m : mutations) {
                out = m.apply(new ArrayList<>(List.of(out.split("\n", -1))));
            }
            return out;
        });
    }

    private static String resource(String name) {
        try (InputStream in = Objects.requireNonNull(PolicyFuzzTest.class.getResourceAsStream(name), name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
