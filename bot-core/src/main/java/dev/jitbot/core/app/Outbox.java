package dev.jitbot.core.app;

import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.RequestId;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The transactional outbox: every transition, its audit events and the work it causes are written together, and
 * workers claim that work under a lease. Implementations: JDBC (H2, PostgreSQL) and an in-memory fake for tests.
 */
public interface Outbox {

    /** How a write ended. */
    enum Commit {
        /** Everything was written. */
        DONE,
        /** Someone moved the request first (or the new id is taken): nothing was written. */
        CONFLICT,
        /** The principal already has an open request for the same role and scope: nothing was written. */
        OPEN_DUPLICATE,
        /** The worker's lease on the item was lost to another worker: nothing was written. */
        FENCED
    }

    /**
     * Writes the change in one transaction. With {@link Change#expedite()}, the request's queued Azure work other than
     * its revocation becomes due now and free of any rate bucket, so a revocation never waits behind a backed-off or
     * throttled grant or extension of the same request: those run first, find the request revoking, and end without
     * calling Azure.
     */
    Commit commit(Change change);

    /**
     * Claims up to {@code max} due items of the lane for this worker, most urgent first. Within a request, an item
     * waits while an earlier one of the same {@link WorkKind#chain()} is still queued, so a card is posted before it is updated.
     *
     * @param skipBuckets Azure rate buckets (subscriptions) that are paused: their items are left alone
     */
    List<WorkItem> claim(WorkKind.Lane lane, int max, Instant now, Collection<String> skipBuckets);

    /**
     * Deletes the item, fenced by this worker's lease, together with the change its result causes (may be null)
     * and, for a posted card, where it went.
     */
    Commit complete(WorkItem item, Change change, MessageRef posted, Instant now);

    /**
     * Gives the item back to run again at {@code due}, with the change a failed attempt causes (may be null).
     *
     * @param error what went wrong, for {@code grants show} (null when the item was only postponed)
     */
    Commit retry(WorkItem item, Instant due, String error, Change change, Instant now);

    /** Extends this worker's leases on items still running. */
    void renew(Collection<WorkItem> items, Instant now);

    /** Drops the other queued card updates of the item's request: one redraw shows the current state anyway. */
    int collapseUpdates(WorkItem item);

    /** Work still queued for the request, oldest first. */
    List<WorkItem> pending(RequestId id);

    /** Per kind: how many items are queued and how old the oldest is. */
    Map<WorkKind, Depth> depth(Instant now);

    /** Lets a worker on this process start at once after a commit instead of at its next poll. */
    void onCommit(Runnable listener);

    /** Queue depth of one kind. */
    record Depth(long items, Duration oldest) { }
}
