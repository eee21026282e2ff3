package dev.jitbot.core.app;

import dev.jitbot.core.domain.Command;
import dev.jitbot.core.domain.Refusal;
import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/** What a filled-in request form says: a command for the core, or what the person must fix, field by field. */
public sealed interface FormReading {

    /**
     * The form reads as {@code command} (a {@link Command.Request} or a {@link Command.RequestBundle}); the core
     * still decides on it. {@code drawn}: the fields the sent form had, so a refusal lands under one of them.
     */
    record Ready(Command command, Set<Refusal.Field> drawn) implements FormReading {
        public Ready {
            Objects.requireNonNull(command, "command");
            drawn = Set.copyOf(drawn);
        }

        /**
         * The field of this form a core refusal about {@code refusal.field()} belongs under: that field when the
         * form has it, a ticket under the reason when the form has no ticket field (an id in the reason counts
         * too), anything else under the role-and-scope choice ({@link Refusal.Field#ROLE}).
         */
        public Refusal.Field fieldFor(Refusal refusal) {
            Refusal.Field f = refusal.field();
            if (f == Refusal.Field.TICKET && !drawn.contains(f)) {
                f = Refusal.Field.JUSTIFICATION;
            }
            return f != null && drawn.contains(f) ? f : Refusal.Field.ROLE;
        }
    }

    /** The form misses what any request needs, or offers what the policy no longer does: one refusal per field. */
    record Unfinished(Map<Refusal.Field, Refusal> refusals) implements FormReading {
        public Unfinished {
            if (refusals.isEmpty()) {
                throw new IllegalArgumentException("an unfinished form names at least one field");
            }
            refusals = Collections.unmodifiableMap(new EnumMap<>(refusals));
        }
    }
}
