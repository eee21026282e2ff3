package dev.jitbot.core.store;

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

    private static final String COLUMNS = "id, request_id, kind, platform, channel, user_json, body, created_at, "
            + "due_at, attempts, last_error";

    private final DataSource dataSource;
    private final JdbcAuditLog audit;
    private final String owner;
    private final Duration lease;
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();

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

    @Override
    public Commit commit(Change change) {
        Commit result = inTransaction(change.events().isEmpty() ? null : audit.appendLock(), c -> write(c, change));
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
                + " ORDER BY w.priority, w.due_at, w.id FETCH FIRST " + (max * 2) + " ROWS ONLY";
        List<WorkItem> candidates = new ArrayList<>();
        List<WorkItem> claimed = new ArrayList<>();
        try (Connection c = dataSource.getConnection()) {
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
            try (PreparedStatement ps = c.prepareStatement("UPDATE work_items SET lease_owner = ?, lease_until = ?, "
                    + "attempts = attempts + 1 WHERE id = ? AND (lease_until IS NULL OR lease_until < ?)")) {
                for (WorkItem item : candidates) {
                    if (claimed.size() >= max) {
                        break;
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
            return claimed;
        } catch (SQLException e) {
            throw Sql.failure("claiming " + lane + " work", e);
        }
    }

    @Override
    public Commit complete(WorkItem item, Change change, MessageRef posted, Instant now) {
        Commit result = inTransaction(change == null || change.events().isEmpty() ? null : audit.appendLock(), c -> {
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
            return change == null ? Commit.DONE : write(c, change);
        });
        if (result == Commit.DONE && change != null && !change.work().isEmpty()) {
            listeners.forEach(Runnable::run);
        }
        return result;
    }

    @Override
    public Commit retry(WorkItem item, Instant due, String error, Change change, Instant now) {
        return inTransaction(change == null || change.events().isEmpty() ? null : audit.appendLock(), c -> {
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
            return change == null ? Commit.DONE : write(c, change);
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

    private Commit write(Connection c, Change change) throws SQLException {
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
                    + "bucket, platform, channel, user_json, body, created_at, due_at, attempts, chain) "
                    + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?)")) {
                for (Work w : change.work()) {
                    Instant created = change.events().isEmpty() ? createdAt : change.events().get(0).at();
                    ps.setString(1, w.requestId().value());
                    ps.setString(2, w.kind().name());
                    ps.setString(3, w.kind().lane().name());
                    ps.setInt(4, w.kind().priority());
                    Sql.setString(ps, 5, w.kind().lane() == WorkKind.Lane.AZURE && subject != null
                            ? WorkHandlers.bucket(subject, w.kind()) : null);
                    Sql.setString(ps, 6, w.platform() == null ? null : w.platform().name());
                    Sql.setString(ps, 7, w.channel());
                    Sql.setString(ps, 8, w.user() == null ? null : RowJson.user(w.user()));
                    Sql.setString(ps, 9, w.text());
                    Sql.setInstant(ps, 10, created);
                    Sql.setInstant(ps, 11, w.notBefore() != null ? w.notBefore() : created);
                    ps.setString(12, w.kind().chain());
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        }
        for (AuditEvent e : change.events()) {
            JdbcAuditLog.append(c, e);
        }
        return Commit.DONE;
    }

    private static String prefixed(String alias) {
        return java.util.Arrays.stream(COLUMNS.split(", ")).map(c -> alias + "." + c).collect(Collectors.joining(", "));
    }

    private static WorkItem read(ResultSet rs) throws SQLException {
        String platform = rs.getString("platform");
        Work w = new Work(WorkKind.valueOf(rs.getString("kind")), new RequestId(rs.getString("request_id")),
                platform == null ? null : Platform.valueOf(platform), rs.getString("channel"),
                RowJson.user(rs.getString("user_json")), rs.getString("body"), null);
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
        Commit run(Connection c) throws SQLException;
    }

    private Commit inTransaction(ReentrantLock lock, TxBody body) {
        if (lock != null) {
            lock.lock();
        }
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                Commit result = body.run(c);
                if (result == Commit.DONE) {
                    c.commit();
                } else {
                    c.rollback();
                }
                return result;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw Sql.failure("writing a transition", e);
        } finally {
            if (lock != null) {
                lock.unlock();
            }
        }
    }
}
