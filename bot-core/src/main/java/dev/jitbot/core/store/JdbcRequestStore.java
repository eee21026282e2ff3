package dev.jitbot.core.store;

import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.RequestStore;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.BreakGlass;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.EndReason;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.PrincipalType;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.RoleRef;
import dev.jitbot.core.domain.State;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Requests in the {@code access_requests} table, one row each; every change is an {@code UPDATE … WHERE id = ? AND
 * state = ? AND version = ?} whose update count decides who won, so concurrent approvers can never grant twice.
 */
public final class JdbcRequestStore implements RequestStore {

    private static final Logger log = LoggerFactory.getLogger(JdbcRequestStore.class);

    /** Every column but the id, in the order {@link #bind} sets them. */
    private static final List<String> COLUMNS = List.of("version", "state", "requester_platform", "requester_id",
            "requester_name", "requester_email", "requester_aad", "requester_key", "requester_chat_key",
            "principal_id", "principal_type", "principal_name", "role_name", "role_definition_id", "scope_id",
            "scope_label", "duration", "justification", "ticket", "rule_name", "approvals_needed", "votes_json",
            "created_at", "decide_by", "activated_at", "expires_at", "ended_at", "end_reason", "ended_by_json", "note",
            "assignment_id", "extension_json", "revoke_attempts", "overdue_alerted", "open_key", "auto_approval",
            "starts_at", "start_zone", "break_glass", "reviewed_by_json", "reviewed_at", "review_note", "bundle_name",
            "members_json");

    private static final String INSERT = "INSERT INTO access_requests (id, " + String.join(", ", COLUMNS)
            + ") VALUES (?" + ", ?".repeat(COLUMNS.size()) + ")";
    private static final String CAS = "UPDATE access_requests SET "
            + COLUMNS.stream().map(c -> c + " = ?").collect(Collectors.joining(", "))
            + " WHERE id = ? AND state = ? AND version = ?";
    private static final String SELECT = "SELECT id, " + String.join(", ", COLUMNS) + " FROM access_requests";

    private final DataSource dataSource;

    public JdbcRequestStore(Database database) {
        this(database.dataSource());
    }

    public JdbcRequestStore(DataSource dataSource) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
    }

    @Override
    public boolean insert(AccessRequest request) {
        Objects.requireNonNull(request, "request");
        try (Connection c = dataSource.getConnection()) {
            insert(c, request);
            return true;
        } catch (SQLException e) {
            if (Sql.UNIQUE_VIOLATION.equals(e.getSQLState())) {
                return false;
            }
            throw Sql.failure("inserting request " + request.id(), e);
        }
    }

    @Override
    public Optional<AccessRequest> find(RequestId id) {
        List<AccessRequest> rows = query(SELECT + " WHERE id = ?", List.of(id.value()), "finding " + id);
        return rows.isEmpty() ? Optional.empty() : Optional.of(rows.get(0));
    }

    @Override
    public boolean compareAndSet(AccessRequest previous, AccessRequest next) {
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(next, "next");
        if (!previous.id().equals(next.id())) {
            throw new IllegalArgumentException("compareAndSet across requests: " + previous.id() + " -> " + next.id());
        }
        try (Connection c = dataSource.getConnection()) {
            return compareAndSet(c, previous, next);
        } catch (SQLException e) {
            throw Sql.failure("updating request " + previous.id(), e);
        }
    }

    /** Inserts a new row on the caller's connection (and transaction). */
    static void insert(Connection c, AccessRequest request) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(INSERT)) {
            ps.setString(1, request.id().value());
            bind(ps, 2, request);
            ps.executeUpdate();
        }
        // Every grant's key, a single request's and each bundle member's, under the one unique index of
        // request_members: a single request and a bundle member for the same key can never both be open.
        try (PreparedStatement ps = c.prepareStatement(
                "INSERT INTO request_members (request_id, member_index, open_key) VALUES (?, ?, ?)")) {
            List<String> keys = grantKeys(request);
            for (int i = 0; i < keys.size(); i++) {
                ps.setString(1, request.id().value());
                ps.setInt(2, i);
                Sql.setString(ps, 3, open(request) ? keys.get(i) : null);
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private static boolean open(AccessRequest r) {
        return r.state().isOpen();
    }

    /** The keys of what a request grants: its own, or each bundle member's in member order. */
    private static List<String> grantKeys(AccessRequest r) {
        return r.grantsToMake().stream().map(g -> (g.principal().objectId() + "|" + g.role().name() + "|"
                + g.scope().id()).toLowerCase(Locale.ROOT)).toList();
    }

    /** The compare-and-set on the caller's connection (and transaction); true when this write won. */
    static boolean compareAndSet(Connection c, AccessRequest previous, AccessRequest next) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(CAS)) {
            int i = bind(ps, 1, next);
            ps.setString(i++, previous.id().value());
            ps.setString(i++, previous.state().name());
            ps.setLong(i, previous.version());
            if (ps.executeUpdate() != 1) {
                return false;
            }
        }
        if (open(previous) && !open(next)) {
            try (PreparedStatement ps = c.prepareStatement(
                    "UPDATE request_members SET open_key = NULL WHERE request_id = ?")) {
                ps.setString(1, next.id().value());
                ps.executeUpdate();
            }
        }
        return true;
    }

    /**
     * What the unique index on {@code open_key} keeps to one open request: principal, role and scope, set while the
     * request is open and null once it ends.
     */
    static String openKey(AccessRequest r) {
        // A bundle's members hold their keys in request_members.
        return open(r) && !r.isBundle() ? (r.principal().objectId() + "|" + r.role().name() + "|" + r.scope().id()).toLowerCase(Locale.ROOT)
                : null;
    }

    /** True when a request with this id exists (on the caller's connection). */
    static boolean exists(Connection c, RequestId id) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM access_requests WHERE id = ?")) {
            ps.setString(1, id.value());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    @Override
    public List<AccessRequest> findByState(Collection<State> states) {
        if (states.isEmpty()) {
            return List.of();
        }
        String marks = states.stream().map(s -> "?").collect(Collectors.joining(", "));
        return query(SELECT + " WHERE state IN (" + marks + ") ORDER BY created_at, id",
                states.stream().map(State::name).collect(Collectors.toList()), "finding requests by state");
    }

    @Override
    public List<AccessRequest> findOpenFor(String principalObjectId) {
        return query(SELECT + " WHERE principal_id = ? AND state IN ('PENDING', 'SCHEDULED', 'ACTIVATING', 'ACTIVE', 'REVOKING')"
                + " ORDER BY created_at, id", List.of(principalObjectId.toLowerCase(Locale.ROOT)),
                "finding open requests of a principal");
    }

    @Override
    public List<AccessRequest> findExpiring(Instant cutoff) {
        return query(SELECT + " WHERE state IN ('ACTIVE', 'REVOKING') AND expires_at IS NOT NULL AND expires_at <= ?"
                + " ORDER BY expires_at, id", List.of(cutoff), "finding expiring grants");
    }

    @Override
    public List<AccessRequest> findUndecided(Instant cutoff) {
        return query(SELECT + " WHERE state = 'PENDING' AND decide_by <= ? ORDER BY decide_by, id", List.of(cutoff),
                "finding undecided requests");
    }

    @Override
    public List<AccessRequest> findByRequester(String requesterKey, int limit) {
        String key = requesterKey.strip().toLowerCase(Locale.ROOT);
        return query(SELECT + " WHERE requester_key = ? OR requester_chat_key = ? ORDER BY created_at DESC, id DESC"
                + " FETCH FIRST " + Math.max(0, limit) + " ROWS ONLY", List.of(key, key), "finding requests of a person");
    }

    @Override
    public List<AccessRequest> findBreakGlass(Instant since) {
        return query(SELECT + " WHERE break_glass = TRUE AND created_at >= ? ORDER BY created_at DESC, id DESC",
                List.of(since), "finding break-glass requests");
    }

    @Override
    public void addMessage(RequestId id, MessageRef message) {
        try (Connection c = dataSource.getConnection()) {
            addMessage(c, id, message);
        } catch (SQLException e) {
            throw Sql.failure("remembering a message of " + id, e);
        }
    }

    static void addMessage(Connection c, RequestId id, MessageRef message) throws SQLException {
        String sql = "INSERT INTO request_messages (request_id, platform, channel, message_id, kind) VALUES (?, ?, ?, ?, ?)";
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id.value());
            ps.setString(2, message.platform().name());
            ps.setString(3, message.channel());
            ps.setString(4, message.messageId());
            ps.setString(5, message.kind().wireName());
            ps.executeUpdate();
        }
    }

    @Override
    public List<MessageRef> messages(RequestId id) {
        String sql = "SELECT platform, channel, message_id, kind FROM request_messages WHERE request_id = ? ORDER BY id";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, id.value());
            List<MessageRef> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new MessageRef(Platform.valueOf(rs.getString(1)), rs.getString(2), rs.getString(3),
                            MessageRef.Kind.fromWire(rs.getString(4))));
                }
            }
            return out;
        } catch (SQLException e) {
            throw Sql.failure("reading the messages of " + id, e);
        }
    }

    private List<AccessRequest> query(String sql, List<?> params, String what) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            for (int i = 0; i < params.size(); i++) {
                Object p = params.get(i);
                if (p instanceof Instant t) {
                    Sql.setInstant(ps, i + 1, t);
                } else {
                    ps.setString(i + 1, (String) p);
                }
            }
            List<AccessRequest> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    try {
                        out.add(read(rs));
                    } catch (IllegalArgumentException unreadable) {
                        // One row no longer valid (a scope stored before the canonical grammar) must not stop the
                        // sweeper, start-up or anyone's listing. It is left out: reconciliation then finds its
                        // tagged assignment with no request behind it and removes it.
                        log.error("request {} is left out: its stored row is no longer valid ({}); `jitbot "
                                + "reconcile` removes its Azure assignment", rs.getString("id"), unreadable.getMessage());
                    }
                }
            }
            return out;
        } catch (SQLException e) {
            throw Sql.failure(what, e);
        }
    }

    /**
     * A scope as stored. Rows written before scopes were canonical may hold dot segments ({@code …/sa1/../..}); ARM
     * resolved those when it made the assignment, so the resolved path is where the assignment lives, and it is
     * read as that. A path that is still not a valid scope throws {@link IllegalArgumentException}.
     */
    static AzureScope storedScope(String id) {
        if (!id.contains("/.")) {
            return new AzureScope(id);
        }
        java.util.Deque<String> parts = new java.util.ArrayDeque<>();
        for (String seg : id.split("/")) {
            if (seg.isEmpty() || seg.equals(".")) {
                continue;
            }
            if (seg.equals("..")) {
                parts.pollLast();
            } else {
                parts.addLast(seg);
            }
        }
        return new AzureScope("/" + String.join("/", parts));
    }

    /** Sets every column but the id from {@code r}, starting at {@code i}; returns the next parameter index. */
    private static int bind(PreparedStatement ps, int i, AccessRequest r) throws SQLException {
        ChatUser q = r.requester();
        ps.setLong(i++, r.version());
        ps.setString(i++, r.state().name());
        ps.setString(i++, q.platform().name());
        ps.setString(i++, q.id());
        ps.setString(i++, q.displayName());
        Sql.setString(ps, i++, q.email());
        Sql.setString(ps, i++, q.aadObjectId());
        ps.setString(i++, AccessService.actorKey(q).toLowerCase(Locale.ROOT));
        ps.setString(i++, q.key().toLowerCase(Locale.ROOT));
        ps.setString(i++, r.principal().objectId());
        ps.setString(i++, r.principal().type().name());
        ps.setString(i++, r.principal().displayName());
        ps.setString(i++, r.role().name());
        Sql.setString(ps, i++, r.role().definitionId());
        ps.setString(i++, r.scope().id());
        ps.setString(i++, r.scopeLabel());
        ps.setString(i++, r.duration().toString());
        ps.setString(i++, r.justification());
        Sql.setString(ps, i++, r.ticket());
        ps.setString(i++, r.ruleName());
        ps.setInt(i++, r.approvalsNeeded());
        ps.setString(i++, RowJson.votes(r.votes()));
        Sql.setInstant(ps, i++, r.createdAt());
        Sql.setInstant(ps, i++, r.decideBy());
        Sql.setInstant(ps, i++, r.activatedAt());
        Sql.setInstant(ps, i++, r.expiresAt());
        Sql.setInstant(ps, i++, r.endedAt());
        Sql.setString(ps, i++, r.endReason() == null ? null : r.endReason().name());
        Sql.setString(ps, i++, RowJson.user(r.endedBy()));
        Sql.setString(ps, i++, r.note());
        Sql.setString(ps, i++, r.assignmentId());
        Sql.setString(ps, i++, RowJson.extension(r.extension()));
        ps.setInt(i++, r.revokeAttempts());
        ps.setBoolean(i++, r.overdueAlerted());
        Sql.setString(ps, i++, openKey(r));
        Sql.setString(ps, i++, r.autoApproval());
        Sql.setInstant(ps, i++, r.startsAt());
        Sql.setString(ps, i++, r.startZone());
        BreakGlass bg = r.breakGlass();
        ps.setBoolean(i++, bg != null);
        Sql.setString(ps, i++, bg == null ? null : RowJson.user(bg.reviewer()));
        Sql.setInstant(ps, i++, bg == null ? null : bg.reviewedAt());
        Sql.setString(ps, i++, bg == null ? null : bg.note());
        Sql.setString(ps, i++, r.bundle() == null ? null : r.bundle().name());
        Sql.setString(ps, i++, RowJson.bundle(r.bundle()));
        return i;
    }

    private static AccessRequest read(ResultSet rs) throws SQLException {
        ChatUser requester = new ChatUser(Platform.valueOf(rs.getString("requester_platform")),
                rs.getString("requester_id"), rs.getString("requester_name"), rs.getString("requester_email"),
                rs.getString("requester_aad"));
        Principal principal = new Principal(rs.getString("principal_id"),
                PrincipalType.valueOf(rs.getString("principal_type")), rs.getString("principal_name"));
        String endReason = rs.getString("end_reason");
        return new AccessRequest(
                new RequestId(rs.getString("id")),
                rs.getLong("version"),
                State.valueOf(rs.getString("state")),
                requester,
                principal,
                new RoleRef(rs.getString("role_name"), rs.getString("role_definition_id")),
                storedScope(rs.getString("scope_id")),
                rs.getString("scope_label"),
                Duration.parse(rs.getString("duration")),
                rs.getString("justification"),
                rs.getString("ticket"),
                rs.getString("rule_name"),
                rs.getInt("approvals_needed"),
                RowJson.votes(rs.getString("votes_json")),
                Sql.instant(rs, "created_at"),
                Sql.instant(rs, "decide_by"),
                Sql.instant(rs, "activated_at"),
                Sql.instant(rs, "expires_at"),
                Sql.instant(rs, "ended_at"),
                endReason == null ? null : EndReason.valueOf(endReason),
                RowJson.user(rs.getString("ended_by_json")),
                rs.getString("note"),
                rs.getString("assignment_id"),
                RowJson.extension(rs.getString("extension_json")),
                rs.getInt("revoke_attempts"),
                rs.getBoolean("overdue_alerted"),
                rs.getString("auto_approval"),
                Sql.instant(rs, "starts_at"),
                rs.getString("start_zone"),
                rs.getBoolean("break_glass") ? new BreakGlass(RowJson.user(rs.getString("reviewed_by_json")),
                        Sql.instant(rs, "reviewed_at"), rs.getString("review_note")) : null,
                RowJson.bundle(rs.getString("members_json")));
    }
}
