package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One transition written atomically: the request (a new row, or a compare-and-set from {@code previous}), the
 * audit events it earns, and the follow-up work it causes. Either all of it is stored or none of it.
 *
 * @param previous the row as read (null inserts {@code next} as a new request)
 * @param next     the row to write (null writes no request: audit and work only)
 * @param expedite whether the request's queued Azure work other than its revocation is made due now and free of
 *                 any rate bucket (see {@link Outbox#expedite}), in the same transaction
 */
public record Change(AccessRequest previous, AccessRequest next, List<AuditEvent> events, List<Work> work,
                     boolean expedite) {

    public Change {
        events = List.copyOf(events);
        work = List.copyOf(work);
        if (previous != null && next != null && !previous.id().equals(next.id())) {
            throw new IllegalArgumentException("a change across requests: " + previous.id() + " -> " + next.id());
        }
    }

    public static Builder insert(AccessRequest request) {
        return new Builder(null, Objects.requireNonNull(request, "request"));
    }

    public static Builder of(AccessRequest previous, AccessRequest next) {
        return new Builder(Objects.requireNonNull(previous, "previous"), Objects.requireNonNull(next, "next"));
    }

    /** Audit events and work about {@code request} that leave its row as it is. */
    public static Builder about(AccessRequest request) {
        return new Builder(Objects.requireNonNull(request, "request"), null);
    }

    /** Collects the events and work of one change. */
    public static final class Builder {
        private final AccessRequest previous;
        private final AccessRequest next;
        private final List<AuditEvent> events = new ArrayList<>();
        private final List<Work> work = new ArrayList<>();
        private boolean expedite;

        private Builder(AccessRequest previous, AccessRequest next) {
            this.previous = previous;
            this.next = next;
        }

        public Builder audit(AuditEvent event) {
            events.add(Objects.requireNonNull(event, "event"));
            return this;
        }

        public Builder then(Work w) {
            work.add(Objects.requireNonNull(w, "work"));
            return this;
        }

        public Builder then(List<Work> ws) {
            ws.forEach(this::then);
            return this;
        }

        /** Lets a revocation overtake the request's own queued grant or extension (see {@link Outbox#expedite}). */
        public Builder expediteAzureWork() {
            expedite = true;
            return this;
        }

        public Change build() {
            return new Change(previous, next, events, work, expedite);
        }
    }
}
