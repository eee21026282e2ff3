package dev.jitbot.core.store;

import dev.jitbot.core.app.StoreException;
import dev.jitbot.core.app.Change;
import dev.jitbot.core.app.Outbox;
import dev.jitbot.core.app.Work;
import dev.jitbot.core.app.WorkHandlers;
import dev.jitbot.core.app.WorkItem;
import dev.jitbot.core.app.WorkKind;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.Text;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * The outbox in the {@code work_items} table, on the same database as the requests and the audit trail, so one
 * transaction holds a transition, its audit events and its work. Workers claim items with a compare-and-set on
 * the lease ({@code UPDATE … WHERE lease_until IS NULL OR lease_until < now}): the statement runs unchanged on H2
 * and PostgreSQL, and the lease is needed anyway because an Azure call runs outside any transaction.
 */
public final class JdbcOutbox implements Outbox {

    private static final String COLUMNS = "id, request_id, kind, platform, channel, user_json, body, text_json, "
            + "created_at, due_at, attempts, last_error, not_before";

    private final DataSource dataSource;
    private final JdbcAuditLog audit;
    private final String owner;
    private final Duration lease;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    /** Writes waiting for the next group transaction (see {@link #inGroup}). */
    private final java.util.concurrent.ConcurrentLinkedQueue<Pending> queue = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private static final int MAX_GROUP = 200;

    /**
     * @param owner this worker's name in {@code lease_owner} (unique per process)
     * @param lease how long a claim lasts without renewal: the longest a dead replica's items wait
     */
    public JdbcOutbox(DataSource dataSource, JdbcAuditLog audit, String owner, Duration lease) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.owner = Objects.requireNonNull(owner, "owner");
        this.lease = Objects.requireNonNull(lease, "lease");
    }

    /**
     * Frees every claim, for a process that knows it is the only one on this database (embedded H2) as it starts:
     * the claims were a killed predecessor's, and waiting out their lease would only delay its revocations.
     *
     * @return how many claims were freed
     */
    public int releaseAllLeases() {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement(
                     "UPDATE work_items SET lease_owner = NULL, lease_until = NULL WHERE lease_owner IS NOT NULL")) {
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot free the work claims a previous process left", e);
        }
    }

    @Override
    public Commit commit(Change change) {
        Commit result = inGroup(keyOf(change), (c, events) -> write(c, change, events));
        if (result == Commit.DONE && !change.work().isEmpty()) {
            listeners.forEach(Runnable::run);
        }
        return result;
    }

    @Override
    public List<WorkItem> claim(WorkKind.Lane lane, int max, Instant now, Collection<String> skipBuckets) {
        if (max <= 0) {
            return List.of();
        }
        String skip = skipBuckets.isEmpty() ? "" : " AND (w.bucket IS NULL OR w.bucket NOT IN ("
                + skipBuckets.stream().map(b -> "?").collect(Collectors.joining(", ")) + "))";
        String sql = "SELECT " + prefixed("w") + " FROM work_items w WHERE w.lane = ? AND w.due_at <= ?"
                + " AND (w.lease_until IS NULL OR w.lease_until < ?)" + skip
                + " AND NOT EXISTS (SELECT 1 FROM work_items e WHERE e.request_id = w.request_id AND e.chain = w.chain"
                + " AND e.id < w.id)"
                // The lane leads the ORDER BY though it is fixed: H2 walks ix_work_claim in order (and stops at the
                // limit) only when the sort is a prefix of the index; without it, it read and sorted the whole lane
                // on every claim (2.4 ms at 2,000 queued items, against 0.14 ms). PostgreSQL plans both alike.
                + " ORDER BY w.lane, w.priority, w.due_at, w.id FETCH FIRST " + (max * 2) + " ROWS ONLY";
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                List<WorkItem> claimed = claimLocked(c, sql, lane, now, skipBuckets, max);
                c.commit();
                return claimed;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw Sql.failure("claiming " + lane + " work", e);
        }
    }

    /** The claim's two steps in the caller's transaction: the candidates, then the lease on up to max of them. */
    private List<WorkItem> claimLocked(Connection c, String sql, WorkKind.Lane lane, Instant now,
                                       Collection<String> skipBuckets, int max) throws SQLException {
        List<WorkItem> candidates = new ArrayList<>();
        List<WorkItem> claimed = new ArrayList<>();
        {
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                ps.setString(i++, lane.name());
                Sql.setInstant(ps, i++, now);
                Sql.setInstant(ps, i++, now);
                for (String b : skipBuckets) {
                    ps.setString(i++, b);
                }
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        candidates.add(read(rs));
                    }
                }
            }
            // Each candidate is locked on its own with SKIP LOCKED before its lease is set: a row another
            // transaction holds is passed over, not waited for. Besides sparing replicas each other's claims, this
            // keeps a lane going on H2 after a kill -9 that leaves a row marked by a transaction that no longer
            // exists: an UPDATE of that row spins in H2 forever, past LOCK_TIMEOUT (seen in CrashIT pim: the chat
            // dispatcher at 100 % CPU in Transaction.waitFor, every chat item queued). Skipped, such a row waits
            // alone, and the queue's oldest-item age shows it. (FOR UPDATE on the whole candidate query made H2
            // lock every due row of the lane: 15 ms a claim at 2,000 queued items.)
            try (PreparedStatement lock = c.prepareStatement(
                    "SELECT id FROM work_items WHERE id = ? FOR UPDATE SKIP LOCKED");
                 PreparedStatement ps = c.prepareStatement("UPDATE work_items SET lease_owner = ?, lease_until = ?, "
                    + "attempts = attempts + 1 WHERE id = ? AND (lease_until IS NULL OR lease_until < ?)")) {
                for (WorkItem item : candidates) {
                    if (claimed.size() >= max) {
                        break;
                    }
                    lock.setLong(1, item.id());
                    try (ResultSet locked = lock.executeQuery()) {
                        if (!locked.next()) {
                            continue;
                        }
                    }
                    ps.setString(1, owner);
                    Sql.setInstant(ps, 2, now.plus(lease));
                    ps.setLong(3, item.id());
                    Sql.setInstant(ps, 4, now);
                    if (ps.executeUpdate() == 1) {
                        claimed.add(item);
                    }
                }
            }
        }
        return claimed;
    }

    @Override
    public Commit complete(WorkItem item, Change change, MessageRef posted, Instant now) {
        Commit result = inGroup(keyOf(item), (c, events) -> {
            try (PreparedStatement ps = c.prepareStatement("DELETE FROM work_items WHERE id = ? AND lease_owner = ?")) {
                ps.setLong(1, item.id());
                ps.setString(2, owner);
                if (ps.executeUpdate() != 1) {
                    return Commit.FENCED;
                }
            }
            if (posted != null) {
                JdbcRequestStore.addMessage(c, item.work().requestId(), posted);
            }
            return change == null ? Commit.DONE : write(c, change, events);
        });
        if (result == Commit.DONE && change != null && !change.work().isEmpty()) {
            listeners.forEach(Runnable::run);
        }
        return result;
    }

    @Override
    public Commit retry(WorkItem item, Instant due, String error, Change change, Instant now) {
        return inGroup(keyOf(item), (c, events) -> {
            String sql = "UPDATE work_items SET lease_owner = NULL, lease_until = NULL, due_at = ?"
                    + (error != null ? ", last_error = ?" : ", attempts = attempts - 1")
                    + " WHERE id = ? AND lease_owner = ?";
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                int i = 1;
                Sql.setInstant(ps, i++, due);
                if (error != null) {
                    ps.setString(i++, clip(error, 1000));
                }
                ps.setLong(i++, item.id());
                ps.setString(i, owner);
                if (ps.executeUpdate() != 1) {
                    return Commit.FENCED;
                }
            }
            return change == null ? Commit.DONE : write(c, change, events);
        });
    }

    @Override
    public void renew(Collection<WorkItem> items, Instant now) {
        if (items.isEmpty()) {
            return;
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE work_items SET lease_until = ? WHERE id = ? AND lease_owner = ?")) {
            for (WorkItem item : items) {
                Sql.setInstant(ps, 1, now.plus(lease));
                ps.setLong(2, item.id());
                ps.setString(3, owner);
                ps.addBatch();
            }
            ps.executeBatch();
        } catch (SQLException e) {
            throw Sql.failure("renewing work leases", e);
        }
    }

    @Override
    public int collapseUpdates(WorkItem item) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("DELETE FROM work_items WHERE request_id = ? AND kind = ?"
                     + " AND id <> ? AND lease_owner IS NULL")) {
            ps.setString(1, item.work().requestId().value());
            ps.setString(2, WorkKind.UPDATE_CARD.name());
            ps.setLong(3, item.id());
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw Sql.failure("collapsing card updates", e);
        }
    }

    @Override
    public List<WorkItem> pending(RequestId id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM work_items WHERE request_id = ? ORDER BY id")) {
            ps.setString(1, id.value());
            List<WorkItem> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw Sql.failure("reading the work of " + id, e);
        }
    }

    @Override
    public Map<WorkKind, Depth> depth(Instant now) {
        Map<WorkKind, Depth> out = new EnumMap<>(WorkKind.class);
        for (WorkKind k : WorkKind.values()) {
            out.put(k, new Depth(0, Duration.ZERO));
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT kind, COUNT(*), MIN(created_at) FROM work_items GROUP BY kind");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                Instant oldest = rs.getObject(3, java.time.OffsetDateTime.class) == null ? null
                        : rs.getObject(3, java.time.OffsetDateTime.class).toInstant();
                Duration age = oldest == null || oldest.isAfter(now) ? Duration.ZERO : Duration.between(oldest, now);
                out.put(WorkKind.valueOf(rs.getString(1)), new Depth(rs.getLong(2), age));
            }
            return out;
        } catch (SQLException e) {
            throw Sql.failure("measuring the work queue", e);
        }
    }

    @Override
    public void onCommit(Runnable listener) {
        listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    /** Writes the row and the work; the audit events go to {@code events}, appended once the group's rows are in. */
    private Commit write(Connection c, Change change, List<AuditEvent> events) throws SQLException {
        AccessRequest next = change.next();
        if (next != null) {
            if (change.previous() == null) {
                try {
                    savepointed(c, () -> JdbcRequestStore.insert(c, next));
                } catch (SQLException e) {
                    if (!Sql.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                        throw e;
                    }
                    return JdbcRequestStore.exists(c, next.id()) ? Commit.CONFLICT : Commit.OPEN_DUPLICATE;
                }
            } else {
                try {
                    if (!savepointed(c, () -> JdbcRequestStore.compareAndSet(c, change.previous(), next))) {
                        return Commit.CONFLICT;
                    }
                } catch (SQLException e) {
                    if (Sql.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                        return Commit.OPEN_DUPLICATE;
                    }
                    throw e;
                }
            }
        }
        AccessRequest subject = next != null ? next : change.previous();
        Instant createdAt = Sql.micros(Instant.now());
        if (!change.work().isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO work_items (request_id, kind, lane, priority, "
                    + "bucket, platform, channel, user_json, body, created_at, due_at, attempts, chain, not_before, "
                    + "text_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)")) {
                for (Work w : change.work()) {
                    Instant created = change.events().isEmpty() ? createdAt : change.events().get(0).at();
                    Sql.setString(ps, 1, w.requestId() == null ? null : w.requestId().value());
                    ps.setString(2, w.kind().name());
                    ps.setString(3, w.kind().lane().name());
                    ps.setInt(4, w.kind().priority());
                    Sql.setString(ps, 5, w.kind().lane() == WorkKind.Lane.AZURE && subject != null
                            ? WorkHandlers.bucket(subject, w.kind()) : null);
                    Sql.setString(ps, 6, w.platform() == null ? null : w.platform().name());
                    Sql.setString(ps, 7, w.channel());
                    Sql.setString(ps, 8, w.user() == null ? null : RowJson.user(w.user()));
                    // A notification: the plain sentence in body, as the previous release wrote and reads it (a
                    // replica of it may share this outbox during an upgrade), its segments in text_json.
                    boolean words = w.kind().carriesText();
                    Sql.setString(ps, 9, words ? w.message().render(Text.PLAIN) : w.text());
                    Sql.setInstant(ps, 10, created);
                    Sql.setInstant(ps, 11, w.notBefore() != null ? w.notBefore() : created);
                    ps.setString(12, w.kind().chain());
                    Sql.setInstant(ps, 13, w.notBefore());
                    Sql.setString(ps, 14, words ? w.text() : null);
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        if (change.expedite() && subject != null) {
            Instant due = change.events().isEmpty() ? Sql.micros(Instant.now()) : change.events().get(0).at();
            try (PreparedStatement ps = c.prepareStatement("UPDATE work_items SET due_at = ?, bucket = NULL"
                    + " WHERE request_id = ? AND chain = 'azure' AND kind <> 'REVOKE' AND lease_owner IS NULL")) {
                Sql.setInstant(ps, 1, due);
                ps.setString(2, subject.id().value());
                ps.executeUpdate();
            }
        }
        events.addAll(change.events());
        return Commit.DONE;
    }

    private static String prefixed(String alias) {
        return java.util.Arrays.stream(COLUMNS.split(", ")).map(c -> alias + "." + c).collect(Collectors.joining(", "));
    }

    private static WorkItem read(ResultSet rs) throws SQLException {
        String platform = rs.getString("platform");
        String requestId = rs.getString("request_id");
        Work w = new Work(WorkKind.valueOf(rs.getString("kind")), requestId == null ? null : new RequestId(requestId),
                platform == null ? null : Platform.valueOf(platform), rs.getString("channel"),
                RowJson.user(rs.getString("user_json")),
                // An older replica writes only body, a sentence; Work.message() reads either.
                rs.getString("text_json") != null ? rs.getString("text_json") : rs.getString("body"),
                Sql.instant(rs, "not_before"));
        return new WorkItem(rs.getLong("id"), w, rs.getInt("attempts"), Sql.instant(rs, "created_at"),
                Sql.instant(rs, "due_at"), rs.getString("last_error"));
    }

    private static String clip(String s, int max) {
        return s.length() <= max ? s : s.substring(0, max - 1) + "…";
    }

    private interface SqlCall<T> {
        T call() throws SQLException;
    }

    private interface SqlVoid {
        void call() throws SQLException;
    }

    /** Rolls back to {@code sp}; false when the savepoint is gone because the database ended the transaction. */
    private static boolean rolledBackTo(Connection c, java.sql.Savepoint sp) {
        try {
            c.rollback(sp);
            return true;
        } catch (SQLException invalid) {
            try {
                c.rollback();
            } catch (SQLException ignored) {
                // the transaction is already over; the next statement starts a new one
            }
            return false;
        }
    }

    /** PostgreSQL aborts a transaction at its first error: a savepoint lets a refused insert leave it usable. */
    private static <T> T savepointed(Connection c, SqlCall<T> call) throws SQLException {
        java.sql.Savepoint sp = c.setSavepoint();
        try {
            T t = call.call();
            c.releaseSavepoint(sp);
            return t;
        } catch (SQLException e) {
            c.rollback(sp);
            throw e;
        }
    }

    private static void savepointed(Connection c, SqlVoid call) throws SQLException {
        savepointed(c, () -> {
            call.call();
            return null;
        });
    }

    private interface TxBody {
        /** Writes on {@code c}; audit events go to {@code events}, to be appended only if this returns DONE. */
        Commit run(Connection c, List<AuditEvent> events) throws SQLException;
    }

    /** A digest belongs to no request: its writes group with the other request-less ones. */
    private static String keyOf(WorkItem item) {
        return item.work().requestId() == null ? "" : item.work().requestId().value();
    }

    private static String keyOf(Change change) {
        AccessRequest subject = change.next() != null ? change.next() : change.previous();
        return subject == null ? "" : subject.id().value();
    }

    /** One write waiting for a leader to run it in the next group transaction. */
    private static final class Pending {
        final String key;
        final TxBody body;
        final List<AuditEvent> events = new ArrayList<>();
        int tries;
        final java.util.concurrent.CountDownLatch finished = new java.util.concurrent.CountDownLatch(1);
        volatile boolean done;
        Commit result;
        RuntimeException failure;

        Pending(String key, TxBody body) {
            this.key = key;
            this.body = body;
        }
    }

    /**
     * Group commit. Every write of this process takes the audit chain's lock (the chain has one head), so rather than
     * one transaction each, the thread that gets the lock runs every write queued behind it in one transaction, each
     * in a savepoint of its own: a write that loses its compare-and-set (or fails) is rolled back alone, and one
     * commit makes the rest durable together. Under a burst this turns a queue of transactions into a few large ones.
     */
    private Commit inGroup(String key, TxBody body) {
        Pending mine = new Pending(key, body);
        queue.add(mine);
        ReentrantLock lock = audit.appendLock();
        while (!mine.done) {
            if (lock.tryLock()) {
                try {
                    // Lead a few groups at most: what is still queued after that has a leader of its own waiting.
                    for (int round = 0; round < 4 && !queue.isEmpty(); round++) {
                        List<Pending> batch = new ArrayList<>();
                        for (Pending p; batch.size() < MAX_GROUP && (p = queue.poll()) != null; ) {
                            batch.add(p);
                        }
                        runGroup(batch);
                    }
                } finally {
                    lock.unlock();
                }
            } else {
                // Not on the lock: a queue of waiters each taking it only to find their write done is a convoy.
                try {
                    mine.finished.await(5, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new StoreException("interrupted while writing a transition", e);
                }
            }
        }
        if (mine.failure != null) {
            throw mine.failure;
        }
        return mine.result;
    }

    private void runGroup(List<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        // Rows are locked in request-id order (a stable sort keeps one request's writes in arrival order), so two
        // replicas' groups cannot lock the same two rows in opposite orders.
        batch.sort(java.util.Comparator.comparing((Pending p) -> p.key));
        List<Pending> again = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                boolean any = false;
                boolean lost = false;
                for (Pending p : batch) {
                    java.sql.Savepoint sp = c.setSavepoint();
                    try {
                        p.result = p.body.run(c, p.events);
                        if (p.result == Commit.DONE) {
                            c.releaseSavepoint(sp);
                            any = true;
                        } else {
                            p.events.clear();
                            c.rollback(sp);
                        }
                    } catch (SQLException e) {
                        p.events.clear();
                        if (!rolledBackTo(c, sp)) {
                            // The database ended the whole transaction itself (H2 does on a deadlock or a lock
                            // timeout), so the group's earlier writes are gone too: run every one of them again.
                            lost = true;
                            for (Pending q : batch) {
                                q.events.clear();
                                if (again.contains(q)) {
                                    continue; // already queued for the next group, its try counted
                                }
                                if (q.tries++ < 3) {
                                    again.add(q);
                                } else {
                                    q.failure = Sql.failure("writing a transition", e);
                                }
                            }
                            break;
                        }
                        if (("40P01".equals(e.getSQLState()) || "40001".equals(e.getSQLState())) && p.tries++ < 3) {
                            again.add(p);
                        } else {
                            p.failure = Sql.failure("writing a transition", e);
                        }
                    } catch (RuntimeException e) {
                        c.rollback(sp);
                        p.failure = e;
                    }
                }
                // The chain's head is locked last, after every row lock the group takes, as a lone transition
                // does: no replica ever holds the head while it waits for a row another one holds.
                for (Pending p : lost ? List.<Pending>of() : batch) {
                    if (p.failure == null && p.result == Commit.DONE) {
                        for (AuditEvent e : p.events) {
                            JdbcAuditLog.append(c, e);
                        }
                    }
                }
                if (any && !lost) {
                    c.commit();
                } else {
                    c.rollback();
                }
            } catch (SQLException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException rollbackFailed) {
                    e.addSuppressed(rollbackFailed);
                }
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException | RuntimeException e) {
            RuntimeException failure = e instanceof RuntimeException r ? r : Sql.failure("writing a transition",
                    (SQLException) e);
            for (Pending p : batch) {
                if (p.failure == null) {
                    p.failure = failure;
                }
            }
        } finally {
            for (Pending p : batch) {
                if (!again.contains(p) || p.failure != null) {
                    p.done = true;
                    p.finished.countDown();
                }
            }
            // A write that met a deadlock with another replica goes into the next group instead of failing.
            for (Pending p : again) {
                if (p.failure == null) {
                    p.result = null;
                    queue.add(p);
                }
            }
        }
    }
}
