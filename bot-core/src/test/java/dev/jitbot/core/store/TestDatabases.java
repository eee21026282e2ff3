package dev.jitbot.core.store;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Databases for integration tests: an H2 file in a temporary directory, or a fresh schema on the PostgreSQL named
 * by {@code JITBOT_TEST_PG_URL} ({@code JITBOT_TEST_PG_USER}, {@code JITBOT_TEST_PG_PASSWORD}); PostgreSQL tests
 * are skipped when it is not set.
 */
public final class TestDatabases {

    public static final String PG_URL = System.getenv("JITBOT_TEST_PG_URL");
    public static final String PG_USER = System.getenv("JITBOT_TEST_PG_USER");
    public static final String PG_PASSWORD = System.getenv("JITBOT_TEST_PG_PASSWORD");

    private static final Map<Database, String> SCHEMAS = new ConcurrentHashMap<>();

    private TestDatabases() {
    }

    /** The JDBC URL of an H2 file database in {@code dir}. */
    public static String h2Url(Path dir) {
        return "jdbc:h2:file:" + dir.resolve("jitbot").toAbsolutePath();
    }

    public static Database h2(Path dir) {
        return Database.open(h2Url(dir), "sa", "");
    }

    /** Skips the calling test unless PostgreSQL is configured. */
    public static void assumePostgres() {
        assumeTrue(PG_URL != null && !PG_URL.isBlank(),
                "JITBOT_TEST_PG_URL is not set (e.g. jdbc:postgresql://localhost:55432/postgres): PostgreSQL tests skipped");
    }

    /** A fresh schema on the test PostgreSQL, migrated; {@link #close(Database)} drops it. */
    public static Database postgres() {
        assumePostgres();
        String schema = "jitbot_it_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12)
                .toLowerCase(Locale.ROOT);
        execute("CREATE SCHEMA " + schema);
        Database db = Database.open(withSchema(schema), PG_USER, PG_PASSWORD);
        SCHEMAS.put(db, schema);
        return db;
    }

    /** A second pool on the same database as {@code db} (which may be closed): what a second process would open. */
    public static Database reopen(Database db) {
        String schema = SCHEMAS.get(db);
        if (schema == null) {
            return Database.open(db.url(), "sa", "");
        }
        Database again = Database.open(withSchema(schema), PG_USER, PG_PASSWORD);
        SCHEMAS.put(again, schema);
        return again;
    }

    /** Closes the pool, and drops the schema on PostgreSQL. */
    public static void close(Database db) {
        if (db == null) {
            return;
        }
        db.close();
        String schema = SCHEMAS.remove(db);
        if (schema != null) {
            execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        }
    }

    private static String withSchema(String schema) {
        return PG_URL + (PG_URL.contains("?") ? "&" : "?") + "currentSchema=" + schema;
    }

    private static void execute(String sql) {
        try (Connection c = DriverManager.getConnection(PG_URL, PG_USER, PG_PASSWORD); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql + ": " + e.getMessage(), e);
        }
    }
}
