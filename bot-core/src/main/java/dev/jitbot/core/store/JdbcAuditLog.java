package dev.jitbot.core.store;

import dev.jitbot.core.app.StoreException;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.jitbot.core.app.AuditLog;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.RequestId;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.locks.ReentrantLock;
import javax.sql.DataSource;

/**
 * The audit trail in the {@code audit_events} table, chained by SHA-256: each row's hash covers the previous row's
 * hash and its own fields, so editing, deleting or inserting a row breaks the chain at that row. Appends lock the
 * one-row {@code audit_head} table in the same transaction, so the chain never forks, not even across processes.
 */
public final class JdbcAuditLog implements AuditLog {

    /** The "previous hash" of the first row. */
    static final String GENESIS = "0".repeat(64);
    private static final String COLUMNS = "seq, at, actor, actor_key, platform, action, request_id, details, prev_hash, hash";
    private static final int FETCH = 1000;

    private final DataSource dataSource;
    /** Saves this process's appenders from queueing on the database row lock; the row lock guards other processes. */
    private final ReentrantLock appendLock = new ReentrantLock();

    public JdbcAuditLog(Database database) {
        this(database.dataSource());
    }

    public JdbcAuditLog(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public AuditEvent append(AuditEvent event) {
        Objects.requireNonNull(event, "event");
        appendLock.lock();
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                AuditEvent written = append(c, event);
                c.commit();
                return written;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw Sql.failure("appending to the audit log", e);
        } finally {
            appendLock.unlock();
        }
    }

    /**
     * The lock this process's appenders take before the database row lock; a caller writing audit events inside a
     * transaction of its own takes it first (and holds it until its commit) via {@link #append(Connection, AuditEvent)}.
     */
    ReentrantLock appendLock() {
        return appendLock;
    }

    /**
     * Appends on the caller's connection, inside the caller's transaction: the chain head stays locked until the
     * caller commits. The caller holds {@link #appendLock()}.
     */
    static AuditEvent append(Connection c, AuditEvent event) throws SQLException {
        long seq;
        String prev;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1 FOR UPDATE");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                throw new StoreException("audit_head has no row: the schema was not migrated", null);
            }
            seq = rs.getLong(1) + 1;
            prev = rs.getString(2);
        }
        Instant at = Sql.micros(event.at());
        String rid = event.requestId() == null ? null : event.requestId().value();
        String hash = chainHash(prev, seq, at, event.actor(), event.platform(), event.action(), rid,
                event.details());
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_events (" + COLUMNS
                + ") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            ps.setLong(1, seq);
            Sql.setInstant(ps, 2, at);
            ps.setString(3, event.actor());
            ps.setString(4, event.actor().toLowerCase(Locale.ROOT));
            ps.setString(5, event.platform().name());
            ps.setString(6, event.action());
            Sql.setString(ps, 7, rid);
            ps.setString(8, event.details());
            ps.setString(9, prev);
            ps.setString(10, hash);
            ps.executeUpdate();
        }
        try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
            ps.setLong(1, seq);
            ps.setString(2, hash);
            ps.executeUpdate();
        }
        return new AuditEvent(seq, at, event.actor(), event.platform(), event.action(), event.requestId(),
                event.details(), hash);
    }

    @Override
    public List<AuditEvent> forRequest(RequestId id) {
        return query("SELECT " + COLUMNS + " FROM audit_events WHERE request_id = ? ORDER BY seq", id.value());
    }

    @Override
    public List<AuditEvent> byActor(String actor, int limit) {
        List<AuditEvent> newestFirst = query("SELECT " + COLUMNS + " FROM audit_events WHERE actor_key = ?"
                + " ORDER BY seq DESC FETCH FIRST " + Math.max(0, limit) + " ROWS ONLY", actor.toLowerCase(Locale.ROOT));
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    @Override
    public List<AuditEvent> recent(int limit) {
        List<AuditEvent> newestFirst = query("SELECT " + COLUMNS + " FROM audit_events ORDER BY seq DESC FETCH FIRST "
                + Math.max(0, limit) + " ROWS ONLY", null);
        Collections.reverse(newestFirst);
        return newestFirst;
    }

    @Override
    public Verification verify() {
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            // PostgreSQL streams with a fetch size only inside a transaction.
            c.setAutoCommit(false);
            try {
                return verify(c);
            } finally {
                c.rollback();
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw Sql.failure("verifying the audit log", e);
        }
    }

    private static Verification verify(Connection c) throws SQLException {
        long headSeq;
        String headHash;
        try (PreparedStatement ps = c.prepareStatement("SELECT seq, hash FROM audit_head WHERE id = 1");
             ResultSet rs = ps.executeQuery()) {
            if (!rs.next()) {
                return Verification.broken(0, 1, "the audit_head row is missing");
            }
            headSeq = rs.getLong(1);
            headHash = rs.getString(2);
        }
        long rows = 0;
        long lastSeq = 0;
        String lastHash = GENESIS;
        try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM audit_events ORDER BY seq")) {
            ps.setFetchSize(FETCH);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows++;
                    long seq = rs.getLong("seq");
                    if (seq != lastSeq + 1) {
                        return Verification.broken(rows, lastSeq + 1, seq > lastSeq + 1
                                ? "seq " + (lastSeq + 1) + (seq - lastSeq > 2 ? " to " + (seq - 1) : "")
                                + " missing: rows were deleted"
                                : "seq " + seq + " appears twice");
                    }
                    String stored = rs.getString("hash");
                    String prev = rs.getString("prev_hash");
                    String actor = rs.getString("actor");
                    Platform platform;
                    try {
                        platform = Platform.valueOf(rs.getString("platform"));
                    } catch (IllegalArgumentException e) {
                        return Verification.broken(rows, seq, "seq " + seq + " has an unknown platform \""
                                + rs.getString("platform") + "\": the row was edited");
                    }
                    String computed = chainHash(prev, seq, Sql.instant(rs, "at"), actor, platform,
                            rs.getString("action"), rs.getString("request_id"), rs.getString("details"));
                    if (!computed.equals(stored)) {
                        return Verification.broken(rows, seq, "seq " + seq
                                + " does not match its hash: the row was edited after it was written");
                    }
                    if (!prev.equals(lastHash)) {
                        long culprit = Math.max(1, lastSeq);
                        return Verification.broken(rows, culprit, lastSeq == 0
                                ? "seq 1 does not start the chain: the row was rewritten"
                                : "seq " + lastSeq + "'s hash is not the one seq " + seq + " was chained to: seq "
                                + lastSeq + " was rewritten after the fact");
                    }
                    if (!actor.toLowerCase(Locale.ROOT).equals(rs.getString("actor_key"))) {
                        return Verification.broken(rows, seq, "seq " + seq + "'s actor_key does not match its actor:"
                                + " the row was edited");
                    }
                    lastSeq = seq;
                    lastHash = stored;
                }
            }
        }
        if (headSeq > lastSeq) {
            return Verification.broken(rows, lastSeq + 1, "seq " + (lastSeq + 1)
                    + (headSeq > lastSeq + 1 ? " to " + headSeq : "") + " missing: the newest rows were deleted");
        }
        if (headSeq < lastSeq) {
            return Verification.broken(rows, headSeq + 1, "seq " + (headSeq + 1)
                    + " was added outside jitbot (the chain's head is seq " + headSeq + ")");
        }
        if (!headHash.equals(lastHash)) {
            return Verification.broken(rows, lastSeq, "seq " + lastSeq
                    + "'s hash is not the chain's head: the row was rewritten after the fact");
        }
        return Verification.ok(rows);
    }

    @Override
    public void exportJsonLines(Writer out) throws IOException {
        JsonGenerator g = RowJson.MAPPER.getFactory().createGenerator(out);
        g.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        try (Connection c = dataSource.getConnection()) {
            boolean autoCommit = c.getAutoCommit();
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("SELECT " + COLUMNS + " FROM audit_events ORDER BY seq")) {
                ps.setFetchSize(FETCH);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        AuditEvent e = read(rs);
                        g.writeStartObject();
                        g.writeNumberField("seq", e.seq());
                        g.writeStringField("at", e.at().toString());
                        g.writeStringField("actor", e.actor());
                        g.writeStringField("platform", e.platform().key());
                        g.writeStringField("action", e.action());
                        g.writeStringField("requestId", e.requestId() == null ? null : e.requestId().value());
                        g.writeStringField("details", e.details());
                        g.writeStringField("prevHash", rs.getString("prev_hash"));
                        g.writeStringField("hash", e.hash());
                        g.writeEndObject();
                        g.writeRaw('\n');
                    }
                }
            } finally {
                c.rollback();
                c.setAutoCommit(autoCommit);
            }
        } catch (SQLException e) {
            throw Sql.failure("exporting the audit log", e);
        }
        g.flush();
    }

    private List<AuditEvent> query(String sql, String param) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (param != null) {
                ps.setString(1, param);
            }
            List<AuditEvent> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs));
                }
            }
            return out;
        } catch (SQLException e) {
            throw Sql.failure("reading the audit log", e);
        }
    }

    private static AuditEvent read(ResultSet rs) throws SQLException {
        String rid = rs.getString("request_id");
        return new AuditEvent(rs.getLong("seq"), Sql.instant(rs, "at"), rs.getString("actor"),
                Platform.valueOf(rs.getString("platform")), rs.getString("action"),
                rid == null ? null : new RequestId(rid), rs.getString("details"), rs.getString("hash"));
    }

    /**
     * SHA-256 (lower-case hex) over the previous hash and the event's fields, each written as its UTF-8 byte length
     * in decimal, a colon, the bytes and a newline; a null request id is the empty string, {@code at} is ISO-8601 UTC
     * at microsecond precision, the platform is its enum name. Length prefixes make the encoding unambiguous.
     */
    static String chainHash(String prevHash, long seq, Instant at, String actor, Platform platform, String action,
                            String requestId, String details) {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
        for (String field : new String[] {prevHash, Long.toString(seq), Sql.micros(at).toString(), actor,
                platform.name(), action, requestId == null ? "" : requestId, details == null ? "" : details}) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            sha.update(Integer.toString(bytes.length).getBytes(StandardCharsets.US_ASCII));
            sha.update((byte) ':');
            sha.update(bytes);
            sha.update((byte) '\n');
        }
        return HexFormat.of().formatHex(sha.digest());
    }
}
