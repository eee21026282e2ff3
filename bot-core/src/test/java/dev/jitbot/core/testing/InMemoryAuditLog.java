package dev.jitbot.core.testing;

import dev.jitbot.core.app.AuditLog;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.RequestId;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;

/** The audit log in memory; it chains nothing (the JDBC log does), but keeps order and sequence numbers. */
public final class InMemoryAuditLog implements AuditLog {

    private final List<AuditEvent> events = new ArrayList<>();

    @Override
    public synchronized AuditEvent append(AuditEvent e) {
        AuditEvent stored = new AuditEvent(events.size() + 1, e.at(), e.actor(), e.platform(), e.action(),
                e.requestId(), e.details(), "mem-" + (events.size() + 1));
        events.add(stored);
        return stored;
    }

    @Override
    public synchronized List<AuditEvent> forRequest(RequestId id) {
        return events.stream().filter(e -> id.equals(e.requestId())).toList();
    }

    @Override
    public synchronized List<AuditEvent> byActor(String actor, int limit) {
        List<AuditEvent> mine = events.stream().filter(e -> e.actor().equalsIgnoreCase(actor)).toList();
        return mine.subList(Math.max(0, mine.size() - limit), mine.size());
    }

    @Override
    public synchronized List<AuditEvent> recent(int limit) {
        return List.copyOf(events.subList(Math.max(0, events.size() - limit), events.size()));
    }

    @Override
    public synchronized Verification verify() {
        return Verification.ok(events.size());
    }

    @Override
    public synchronized void exportJsonLines(Writer out) throws IOException {
        for (AuditEvent e : events) {
            out.write("{\"seq\":" + e.seq() + ",\"action\":\"" + e.action() + "\"}\n");
        }
    }

    /** Every event so far, oldest first. */
    public synchronized List<AuditEvent> all() {
        return List.copyOf(events);
    }

    /** The actions so far for one request, oldest first: handy in assertions. */
    public synchronized List<String> actions(RequestId id) {
        return forRequest(id).stream().map(AuditEvent::action).toList();
    }
}
