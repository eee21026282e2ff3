package dev.jitbot.core.app;

import dev.jitbot.core.domain.Policy;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/** Who is on call now in one schedule of an on-call service (PagerDuty, Opsgenie), read over its API. */
public interface OnCallSource {

    /**
     * The people on call in {@code schedule} at this moment, by email.
     *
     * @throws Unavailable when the service cannot answer (down, refusing the key, no key): the caller treats the
     *                     person as not on call, never as on call
     */
    Roster onCallNow(Policy.OnCallSettings settings, String schedule);

    /**
     * One schedule's answer.
     *
     * @param name   what people call the schedule (its name in the provider), for cards and the audit trail
     * @param emails lower-cased addresses of everyone on call in it now
     */
    record Roster(String schedule, String name, Set<String> emails) {
        public Roster {
            Objects.requireNonNull(schedule, "schedule");
            name = name == null || name.isBlank() ? schedule : name;
            emails = Set.copyOf(emails.stream().map(e -> e.strip().toLowerCase(Locale.ROOT)).toList());
        }
    }

    /** The service gave no usable answer; the message names the provider and what failed, never the key. */
    final class Unavailable extends RuntimeException {
        public Unavailable(String message) {
            super(message);
        }

        public Unavailable(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** No on-call service: every question is unanswerable, so nobody is auto-approved. */
    OnCallSource NONE = (settings, schedule) -> {
        throw new Unavailable("no on-call source is wired into this process");
    };
}
