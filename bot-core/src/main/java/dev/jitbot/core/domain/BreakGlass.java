package dev.jitbot.core.domain;

import java.time.Instant;
import java.util.Objects;

/**
 * The review of a break-glass grant: granted at once without approval, it stays unreviewed until someone other
 * than its requester looks at it and writes a note.
 *
 * @param reviewer   who reviewed it (null while unreviewed)
 * @param reviewedAt when (null while unreviewed)
 * @param note       what the reviewer wrote (null while unreviewed)
 */
public record BreakGlass(ChatUser reviewer, Instant reviewedAt, String note) {

    /** A break-glass grant nobody has reviewed yet. */
    public static final BreakGlass UNREVIEWED = new BreakGlass(null, null, null);

    /** In {@code rule_name} of a break-glass request: it was granted under the policy's {@code break_glass:}. */
    public static final String RULE = "break-glass";

    public BreakGlass {
        if ((reviewer == null) != (reviewedAt == null)) {
            throw new IllegalArgumentException("a review needs both its reviewer and its time");
        }
    }

    public boolean reviewed() {
        return reviewer != null;
    }

    /** This grant reviewed by {@code reviewer} at {@code at}. */
    public static BreakGlass reviewedBy(ChatUser reviewer, Instant at, String note) {
        return new BreakGlass(Objects.requireNonNull(reviewer, "reviewer"), Objects.requireNonNull(at, "at"), note);
    }
}
