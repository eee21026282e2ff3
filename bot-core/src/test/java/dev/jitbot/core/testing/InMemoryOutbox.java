package dev.jitbot.core.testing;

import dev.jitbot.core.app.AuditLog;
import dev.jitbot.core.app.Change;
import dev.jitbot.core.app.Outbox;
import dev.jitbot.core.app.RequestStore;
import dev.jitbot.core.app.Work;
import dev.jitbot.core.app.WorkHandlers;
import dev.jitbot.core.app.WorkItem;
import dev.jitbot.core.app.WorkKind;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The outbox in memory over an in-memory store and audit log, with the JDBC outbox's rules: one lock makes each
 * change atomic, one open request per principal, role and scope, leases fenced by owner.
 */
public final class InMemoryOutbox implements Outbox {

    private final RequestStore store;
    private final AuditLog audit;
    private final Clock clock;
    private final Duration lease;
    private final Map<Long, Row> items = new LinkedHashMap<>();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private long nextId = 1;
    private volatile boolean down;

    private static final class Row {
        WorkItem item;
        String bucket;
        Instant leaseUntil;

        Row(WorkItem item, String bucket) {
            this.item = item;
            this.bucket = bucket;
        }
    }

    public InMemoryOutbox(RequestStore store, AuditLog audit, Clock clock) {
        this(store, audit, clock, Duration.ofSeconds(20));
    }

    public InMemoryOutbox(RequestStore store, AuditLog audit, Clock clock, Duration lease) {
        this.store = store;
        this.audit = audit;
        this.clock = clock;
        this.lease = lease;
    }

    /** While {@code true}, every write throws, as the JDBC outbox does when its database is unreachable. */
    public void down(boolean down) {
        this.down = down;
    }

    @Override
    public Commit commit(Change change) {
        Commit c;
        synchronized (store) {
            check();
            c = write(change);
        }
        if (c == Commit.DONE && !change.work().isEmpty()) {
            listeners.forEach(Runnable::run);
        }
        return c;
    }

    @Override
    public List<WorkItem> claim(WorkKind.Lane lane, int max, Instant now, Collection<String> skipBuckets) {
        synchronized (store) {
            check();
            List<WorkItem> out = new ArrayList<>();
            List<Row> rows = items.values().stream()
                    .filter(r -> r.item.kind().lane() == lane && !r.item.dueAt().isAfter(now)
                            && (r.leaseUntil == null || r.leaseUntil.isBefore(now))
                            && (r.bucket == null || !skipBuckets.contains(r.bucket))
                            && items.values().stream().noneMatch(e -> e.item.id() < r.item.id()
                            && e.item.kind().chain().equals(r.item.kind().chain())
                            && e.item.work().requestId() != null
                            && e.item.work().requestId().equals(r.item.work().requestId())))
                    .sorted(Comparator.<Row>comparingInt(r -> r.item.kind().priority())
                            .thenComparing(r -> r.item.dueAt()).thenComparingLong(r -> r.item.id()))
                    .toList();
            for (Row r : rows) {
                if (out.size() >= max) {
                    break;
                }
                out.add(r.item);
                r.leaseUntil = now.plus(lease);
                r.item = new WorkItem(r.item.id(), r.item.work(), r.item.attempts() + 1, r.item.createdAt(),
                        r.item.dueAt(), r.item.lastError());
            }
            return out;
        }
    }

    @Override
    public Commit complete(WorkItem item, Change change, MessageRef posted, Instant now) {
        Commit c;
        synchronized (store) {
            check();
            Row row = items.get(item.id());
            if (row == null || row.leaseUntil == null) {
                return Commit.FENCED;
            }
            c = change == null ? Commit.DONE : write(change);
            if (c == Commit.DONE) {
                items.remove(item.id());
                if (posted != null) {
                    store.addMessage(item.work().requestId(), posted);
                }
            }
        }
        if (c == Commit.DONE && change != null && !change.work().isEmpty()) {
            listeners.forEach(Runnable::run);
        }
        return c;
    }

    @Override
    public Commit retry(WorkItem item, Instant due, String error, Change change, Instant now) {
        synchronized (store) {
            check();
            Row row = items.get(item.id());
            if (row == null || row.leaseUntil == null) {
                return Commit.FENCED;
            }
            Commit c = change == null ? Commit.DONE : write(change);
            if (c == Commit.DONE) {
                row.leaseUntil = null;
                WorkItem claimed = row.item;
                row.item = new WorkItem(claimed.id(), claimed.work(),
                        error == null ? claimed.attempts() - 1 : claimed.attempts(), claimed.createdAt(), due,
                        error == null ? claimed.lastError() : error);
            }
            return c;
        }
    }

    @Override
    public void renew(Collection<WorkItem> running, Instant now) {
        synchronized (store) {
            for (WorkItem i : running) {
                Row row = items.get(i.id());
                if (row != null && row.leaseUntil != null) {
                    row.leaseUntil = now.plus(lease);
                }
            }
        }
    }

    @Override
    public int collapseUpdates(WorkItem item) {
        synchronized (store) {
            int before = items.size();
            items.values().removeIf(r -> r.item.id() != item.id() && r.item.kind() == WorkKind.UPDATE_CARD
                        && r.leaseUntil == null && java.util.Objects.equals(r.item.work().requestId(), item.work().requestId()));
            return before - items.size();
        }
    }

    @Override
    public List<WorkItem> pending(RequestId id) {
        synchronized (store) {
            return items.values().stream().map(r -> r.item).filter(i -> id.equals(i.work().requestId())).toList();
        }
    }

    /** Everything still queued, oldest first. */
    public List<WorkItem> all() {
        synchronized (store) {
            return items.values().stream().map(r -> r.item).toList();
        }
    }

    /** Forgets every lease, as if the worker holding them had died and its leases ran out. */
    public void expireLeases() {
        synchronized (store) {
            items.values().forEach(r -> r.leaseUntil = null);
        }
    }

    @Override
    public Map<WorkKind, Depth> depth(Instant now) {
        synchronized (store) {
            Map<WorkKind, Depth> out = new EnumMap<>(WorkKind.class);
            for (WorkKind k : WorkKind.values()) {
                List<WorkItem> of = items.values().stream().map(r -> r.item).filter(i -> i.kind() == k).toList();
                Duration oldest = of.stream().map(WorkItem::createdAt).min(Instant::compareTo)
                        .map(t -> Duration.between(t, now)).orElse(Duration.ZERO);
                out.put(k, new Depth(of.size(), oldest.isNegative() ? Duration.ZERO : oldest));
            }
            return out;
        }
    }

    @Override
    public void onCommit(Runnable listener) {
        listeners.add(listener);
    }

    private void check() {
        if (down) {
            throw new dev.jitbot.core.app.StoreException("database unreachable (test: outbox down)", null);
        }
    }

    private Commit write(Change change) {
        AccessRequest next = change.next();
        if (next != null) {
            Optional<AccessRequest> current = store.find(next.id());
            if (change.previous() == null) {
                if (current.isPresent()) {
                    return Commit.CONFLICT;
                }
            } else if (current.isEmpty() || current.get().version() != change.previous().version()
                    || current.get().state() != change.previous().state()) {
                return Commit.CONFLICT;
            }
            if (isOpen(next) && store.findOpenFor(next.principal().objectId()).stream()
                    .anyMatch(o -> !o.id().equals(next.id()) && openKeys(o).stream()
                            .anyMatch(openKeys(next)::contains))) {
                return Commit.OPEN_DUPLICATE;
            }
            boolean ok = change.previous() == null ? store.insert(next) : store.compareAndSet(change.previous(), next);
            if (!ok) {
                return Commit.CONFLICT;
            }
        }
        AccessRequest subject = next != null ? next : change.previous();
        Instant now = change.events().isEmpty() ? clock.instant() : change.events().get(0).at();
        for (Work w : change.work()) {
            long id = nextId++;
            Instant due = w.notBefore() != null ? w.notBefore() : now;
            items.put(id, new Row(new WorkItem(id, w, 0, now, due, null),
                    w.kind().lane() == WorkKind.Lane.AZURE && subject != null ? WorkHandlers.bucket(subject, w.kind()) : null));
        }
        if (change.expedite() && subject != null) {
            for (Row r : items.values()) {
                if (r.leaseUntil == null && subject.id().equals(r.item.work().requestId())
                        && r.item.kind().lane() == WorkKind.Lane.AZURE && r.item.kind() != WorkKind.REVOKE) {
                    r.bucket = null;
                    r.item = new WorkItem(r.item.id(), r.item.work(), r.item.attempts(), r.item.createdAt(), now,
                            r.item.lastError());
                }
            }
        }
        for (AuditEvent e : change.events()) {
            audit.append(e);
        }
        return Commit.DONE;
    }

    private static boolean isOpen(AccessRequest r) {
        return r.state() == State.PENDING || r.state().holdsAccess();
    }

    /** One key per grant: the request's own, or each bundle member's. */
    private static java.util.List<String> openKeys(AccessRequest r) {
        return r.grantsToMake().stream().map(g -> (g.principal().objectId() + "|" + g.role().name() + "|"
                + g.scope().id()).toLowerCase(Locale.ROOT)).toList();
    }
}
