package dev.jitbot.core.domain;

import java.util.Arrays;
import java.util.Objects;

/**
 * A scope as a policy rule writes it: a canonical ARM scope in which a whole segment may be {@code *}. A requested
 * scope is covered when it equals, or lies inside, a scope the pattern matches.
 */
public record ScopePattern(String pattern) {

    private static final String ANY_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";
    /** Stand-ins that fit every name, type and namespace grammar and that nobody writes, so errors can show `*`. */
    private static final String ANY = "Wild0";
    private static final String ANY_NAMESPACE = ANY + "." + ANY;

    public ScopePattern {
        Objects.requireNonNull(pattern, "pattern");
        Parsed<String> canonical = canonical(pattern);
        if (!canonical.isOk()) {
            throw new IllegalArgumentException(canonical.reason());
        }
        pattern = canonical.orThrow();
    }

    /** Reads a pattern from a policy file, or explains what is wrong with it. */
    public static Parsed<ScopePattern> parse(String input) {
        if (input == null || input.isBlank()) {
            return Parsed.invalid("empty scope pattern");
        }
        return canonical(input).map(ScopePattern::new);
    }

    /**
     * The pattern in AzureScope's canonical form with its wildcards kept: each {@code *} is replaced by a value that
     * parses, the result is parsed as a scope (so patterns obey exactly the grammar scopes do), and the wildcards are
     * put back where they were.
     */
    private static Parsed<String> canonical(String input) {
        String[] parts = input.strip().split("/", -1);
        boolean[] wild = new boolean[parts.length];
        for (int i = 0; i < parts.length; i++) {
            wild[i] = parts[i].equals("*");
        }
        Parsed<AzureScope> probe = AzureScope.parse(concrete(parts));
        if (!probe.isOk()) {
            return Parsed.invalid(probe.reason().replace(ANY_SUBSCRIPTION, "*").replace(ANY_NAMESPACE, "*")
                    .replace(ANY, "*"));
        }
        String[] canonical = probe.orThrow().id().split("/", -1);
        // A scope's canonical form keeps every segment where it was, dropping at most one trailing slash.
        for (int i = 0; i < canonical.length; i++) {
            if (wild[i]) {
                canonical[i] = "*";
            }
        }
        return Parsed.ok(String.join("/", canonical));
    }

    /** The pattern with each wildcard replaced by a value that parses in its place, to check its shape and kind. */
    private static String concrete(String[] parts) {
        String[] out = parts.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i].equals("*")) {
                String before = i > 0 ? parts[i - 1] : "";
                out[i] = before.equalsIgnoreCase("subscriptions") ? ANY_SUBSCRIPTION
                        : before.equalsIgnoreCase("providers") ? ANY_NAMESPACE : ANY;
            }
        }
        return String.join("/", out);
    }

    /** True when {@code scope} equals or lies inside a scope this pattern matches. */
    public boolean covers(AzureScope scope) {
        String[] want = segments();
        String[] have = scope.segments();
        if (have.length < want.length) {
            return false;
        }
        for (int i = 0; i < want.length; i++) {
            if (!want[i].equals("*") && !want[i].equalsIgnoreCase(have[i])) {
                return false;
            }
        }
        return true;
    }

    private String[] segments() {
        String[] all = pattern.split("/");
        return Arrays.copyOfRange(all, 1, all.length);
    }

    /** The broadest kind of scope this pattern can grant at. */
    public ScopeKind kind() {
        return new AzureScope(concrete(pattern.split("/", -1))).kind();
    }

    /** True when the pattern has no wildcard, so it names exactly one scope. */
    public boolean isExact() {
        return !pattern.contains("*");
    }

    @Override
    public String toString() {
        return pattern;
    }
}
