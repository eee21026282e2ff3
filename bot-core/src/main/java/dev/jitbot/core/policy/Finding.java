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
