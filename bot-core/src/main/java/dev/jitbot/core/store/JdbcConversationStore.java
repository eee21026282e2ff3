package dev.jitbot.core.store;

import dev.jitbot.core.app.ConversationStore;
import dev.jitbot.core.domain.Platform;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Objects;
import java.util.Optional;
import javax.sql.DataSource;

/** Conversation references in the {@code conversation_refs} table, one row per (platform, key). */
public final class JdbcConversationStore implements ConversationStore {

    // Neither spelling of an upsert runs on both databases (H2 has no ON CONFLICT … DO UPDATE; MERGE arrived
    // only in PostgreSQL 15), so each gets its own.
    private static final String UPSERT_POSTGRES = "INSERT INTO conversation_refs (platform, conv_key, reference_json)"
            + " VALUES (?, ?, ?) ON CONFLICT (platform, conv_key) DO UPDATE SET reference_json = EXCLUDED.reference_json";
    private static final String UPSERT_H2 = "MERGE INTO conversation_refs (platform, conv_key, reference_json)"
            + " KEY (platform, conv_key) VALUES (?, ?, ?)";

    private final DataSource dataSource;
    private final String upsert;

    public JdbcConversationStore(Database database) {
        this(database.dataSource(), database.isPostgres());
    }

    JdbcConversationStore(DataSource dataSource, boolean postgres) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.upsert = postgres ? UPSERT_POSTGRES : UPSERT_H2;
    }

    @Override
    public void save(Platform platform, String key, String referenceJson) {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(referenceJson, "referenceJson");
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(upsert)) {
            ps.setString(1, platform.name());
            ps.setString(2, key);
            ps.setString(3, referenceJson);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw Sql.failure("saving a conversation reference", e);
        }
    }

    @Override
    public Optional<String> find(Platform platform, String key) {
        String sql = "SELECT reference_json FROM conversation_refs WHERE platform = ? AND conv_key = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, platform.name());
            ps.setString(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getString(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw Sql.failure("reading a conversation reference", e);
        }
    }
}
