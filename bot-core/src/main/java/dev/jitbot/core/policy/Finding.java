package dev.jitbot.core.policy;

import java.util.Objects;

/**
 * One thing wrong with, or worth a second look in, a policy file: where it is (line and column, 1-based; 0 when
 * the whole file is meant) and a sentence that says what to change.
 */
public record Finding(Severity severity, String source, int line, int column, String message) {

    /** ERROR stops the policy from loading; WARNING loads but deserves a second look. */
    public enum Severity { ERROR, WARNING }

    public Finding {
        Objects.requireNonNull(severity, "severity");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(message, "message");
        // A name or key from the file may hold a line break (a folded scalar) or a control character: a finding
        // is one compiler-style line, so they are shown, not written.
        message = oneLine(message);
    }

    private static String oneLine(String s) {
        if (s.codePoints().noneMatch(Character::isISOControl)) {
            return s;
        }
        StringBuilder out = new StringBuilder(s.length() + 8);
        s.codePoints().forEach(c -> {
            if (c == '\n') {
                out.append("\\n");
            } else if (Character.isISOControl(c)) {
                out.append(String.format(java.util.Locale.ROOT, "U+%04X", c));
            } else {
                out.appendCodePoint(c);
            }
        });
        return out.toString();
    }

    static Finding error(String source, int line, int column, String message) {
        return new Finding(Severity.ERROR, source, line, column, message);
    }

    static Finding warning(String source, int line, String message) {
        return new Finding(Severity.WARNING, source, line, 0, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** The compiler-style form {@code policy.yaml:23: message} (warnings say so after the line). */
    @Override
    public String toString() {
        return source + (line > 0 ? ":" + line : "") + ": " + (severity == Severity.WARNING ? "warning: " : "")
                + message;
    }
}
