package dev.jitbot.core.domain;

import java.util.Arrays;
import java.util.Objects;

/**
 * A scope as a policy rule writes it: an ARM scope in which a whole segment may be {@code *}. A requested scope
 * is covered when it equals, or lies inside, a scope the pattern matches.
 */
public record ScopePattern(String pattern) {

    private static final String ANY_SUBSCRIPTION = "00000000-0000-0000-0000-000000000000";

    public ScopePattern {
        Objects.requireNonNull(pattern, "pattern");
        pattern = pattern.strip().replaceAll("/+$", "");
        Parsed<AzureScope> probe = AzureScope.parse(concrete(pattern));
        if (!probe.isOk()) {
            throw new IllegalArgumentException(probe.reason());
        }
    }

    /** Reads a pattern from a policy file, or explains what is wrong with it. */
    public static Parsed<ScopePattern> parse(String input) {
        if (input == null || input.isBlank()) {
            return Parsed.invalid("empty scope pattern");
        }
        Parsed<AzureScope> probe = AzureScope.parse(concrete(input.strip()));
        return probe.isOk() ? Parsed.ok(new ScopePattern(input)) : Parsed.invalid(probe.reason());
    }

    /** The pattern with each wildcard replaced by a value that parses, to check its shape and kind. */
    private static String concrete(String pattern) {
        String[] parts = pattern.split("/", -1);
        for (int i = 0; i < parts.length; i++) {
            if (parts[i].equals("*")) {
                parts[i] = i > 0 && parts[i - 1].equalsIgnoreCase("subscriptions") ? ANY_SUBSCRIPTION : "any";
            }
        }
        return String.join("/", parts);
    }

    /** True when {@code scope} equals or lies inside a scope this pattern matches. */
    public boolean covers(AzureScope scope) {
        String[] want = Arrays.stream(pattern.split("/")).filter(p -> !p.isEmpty()).toArray(String[]::new);
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

    /** The broadest kind of scope this pattern can grant at. */
    public ScopeKind kind() {
        return new AzureScope(concrete(pattern)).kind();
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
