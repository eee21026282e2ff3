package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/** Durable requests. Every write after the first is a compare-and-set, so two replicas never act twice. */
public interface RequestStore {

    /** Stores a new request; returns false when the id is taken. */
    boolean insert(AccessRequest request);

    Optional<AccessRequest> find(RequestId id);

    /**
     * Writes {@code next} only if the stored row is still at {@code previous}'s state and version.
     *
     * @return false when someone else moved the request first (nothing was written)
     */
    boolean compareAndSet(AccessRequest previous, AccessRequest next);

    /** Requests in any of the states, oldest first. */
    List<AccessRequest> findByState(Collection<State> states);

    /** ACTIVE or REVOKING requests whose expiry is at or before {@code cutoff}. */
    List<AccessRequest> findExpiring(Instant cutoff);

    /** PENDING requests whose decide-by time is at or before {@code cutoff}. */
    List<AccessRequest> findUndecided(Instant cutoff);

    /** PENDING, ACTIVATING, ACTIVE or REVOKING requests that grant to the principal with this object id. */
    List<AccessRequest> findOpenFor(String principalObjectId);

    /** Requests that {@code requesterKey} (a chat key or email) made, newest first, at most {@code limit}. */
    List<AccessRequest> findByRequester(String requesterKey, int limit);

    /** Break-glass requests created at or after {@code since}, newest first. */
    List<AccessRequest> findBreakGlass(Instant since);

    /** Remembers a chat message posted about a request. */
    void addMessage(RequestId id, MessageRef message);

    /** Every message posted about a request, in posting order. */
    List<MessageRef> messages(RequestId id);
}
