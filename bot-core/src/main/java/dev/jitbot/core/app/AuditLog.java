package dev.jitbot.core.app;

import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.RequestId;
import java.io.IOException;
import java.io.Writer;
import java.util.List;

/** The append-only, hash-chained audit trail. */
public interface AuditLog {

    /** Appends an event and returns it with its sequence number and hash. */
    AuditEvent append(AuditEvent event);

    List<AuditEvent> forRequest(RequestId id);

    /** Events whose actor is {@code actor}, newest last, at most {@code limit}. */
    List<AuditEvent> byActor(String actor, int limit);

    /** The newest {@code limit} events, newest last. */
    List<AuditEvent> recent(int limit);

    /** Recomputes the chain; says which row first fails to match, if any. */
    Verification verify();

    /** Writes every event as JSON Lines, oldest first. */
    void exportJsonLines(Writer out) throws IOException;

    /** The outcome of {@link #verify()}. */
    record Verification(boolean intact, long rows, Long firstBadSeq, String problem) {
        public static Verification ok(long rows) {
            return new Verification(true, rows, null, null);
        }

        public static Verification broken(long rows, long seq, String problem) {
            return new Verification(false, rows, seq, problem);
        }
    }
}
