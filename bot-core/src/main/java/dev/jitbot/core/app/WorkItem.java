package dev.jitbot.core.app;

import java.time.Instant;
import java.util.Objects;

/**
 * A piece of work as the outbox holds it: claimed by one worker under a lease, so a replica that dies holding it
 * loses the lease and another replica runs it again.
 *
 * @param attempts how many times it was claimed before, this claim not counted
 * @param lastError what the last failed attempt said (null before any)
 */
public record WorkItem(long id, Work work, int attempts, Instant createdAt, Instant dueAt, String lastError) {

    public WorkItem {
        Objects.requireNonNull(work, "work");
        Objects.requireNonNull(createdAt, "createdAt");
        Objects.requireNonNull(dueAt, "dueAt");
    }

    public WorkKind kind() {
        return work.kind();
    }
}
