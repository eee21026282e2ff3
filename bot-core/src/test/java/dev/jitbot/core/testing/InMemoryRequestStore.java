package dev.jitbot.core.testing;

import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.RequestStore;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** The request store in memory, with the same compare-and-set rules as the JDBC one. */
public final class InMemoryRequestStore implements RequestStore {

    private final Map<RequestId, AccessRequest> rows = new LinkedHashMap<>();
    private final Map<RequestId, List<MessageRef>> messages = new ConcurrentHashMap<>();

    @Override
    public synchronized boolean insert(AccessRequest request) {
        if (rows.containsKey(request.id())) {
            return false;
        }
        rows.put(request.id(), request);
        return true;
    }

    @Override
    public synchronized Optional<AccessRequest> find(RequestId id) {
        return Optional.ofNullable(rows.get(id));
    }

    @Override
    public synchronized boolean compareAndSet(AccessRequest previous, AccessRequest next) {
        AccessRequest current = rows.get(previous.id());
        if (current == null || current.version() != previous.version() || current.state() != previous.state()) {
            return false;
        }
        rows.put(next.id(), next);
        return true;
    }

    @Override
    public synchronized List<AccessRequest> findByState(Collection<State> states) {
        return rows.values().stream().filter(r -> states.contains(r.state()))
                .sorted(Comparator.comparing(AccessRequest::createdAt)).toList();
    }

    @Override
    public synchronized List<AccessRequest> findOpenFor(String principalObjectId) {
        return rows.values().stream()
                .filter(r -> r.principal().objectId().equalsIgnoreCase(principalObjectId)
                        && r.state().isOpen())
                .sorted(Comparator.comparing(AccessRequest::createdAt)).toList();
    }

    @Override
    public synchronized List<AccessRequest> findExpiring(Instant cutoff) {
        return rows.values().stream()
                .filter(r -> (r.state() == State.ACTIVE || r.state() == State.REVOKING) && r.expiresAt() != null
                        && !r.expiresAt().isAfter(cutoff))
                .sorted(Comparator.comparing(AccessRequest::expiresAt)).toList();
    }

    @Override
    public synchronized List<AccessRequest> findUndecided(Instant cutoff) {
        return rows.values().stream()
                .filter(r -> r.state() == State.PENDING && !r.decideBy().isAfter(cutoff))
                .sorted(Comparator.comparing(AccessRequest::decideBy)).toList();
    }

    @Override
    public synchronized List<AccessRequest> findByRequester(String requesterKey, int limit) {
        return rows.values().stream()
                .filter(r -> AccessService.actorKey(r.requester()).equalsIgnoreCase(requesterKey)
                        || r.requester().key().equalsIgnoreCase(requesterKey))
                .sorted(Comparator.comparing(AccessRequest::createdAt).reversed()).limit(limit).toList();
    }

    @Override
    public synchronized List<AccessRequest> findBreakGlass(Instant since) {
        return rows.values().stream().filter(r -> r.isBreakGlass() && !r.createdAt().isBefore(since))
                .sorted(Comparator.comparing(AccessRequest::createdAt).reversed()).toList();
    }

    @Override
    public void addMessage(RequestId id, MessageRef message) {
        messages.computeIfAbsent(id, k -> java.util.Collections.synchronizedList(new ArrayList<>())).add(message);
    }

    @Override
    public List<MessageRef> messages(RequestId id) {
        List<MessageRef> list = messages.get(id);
        if (list == null) {
            return List.of();
        }
        synchronized (list) {
            return List.copyOf(list);
        }
    }
}
