package dev.jitbot.core.app;

import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Refusal.Reason;
import dev.jitbot.core.domain.UserText;
import java.util.Optional;

/** A deny, revoke or extension reason as typed, made fit to store and show. */
final class Reasons {

    private Reasons() {
    }

    /** The reason without control characters, or null when nothing is left. */
    static String clean(String reason) {
        String s = UserText.clean(reason);
        return s == null || s.isEmpty() ? null : s;
    }

    /** The refusal for a cleaned reason over {@link UserText#MAX_REASON}. */
    static Optional<Outcome.Refused> tooLong(String cleaned) {
        return UserText.tooLong("that reason", cleaned, UserText.MAX_REASON, "Keep it to a sentence or two.")
                .map(m -> new Outcome.Refused(Reason.INVALID_INPUT, m));
    }
}
