package dev.jitbot.core.store;

import org.junit.jupiter.api.BeforeAll;

/** The JDBC stores on PostgreSQL, each test in a fresh schema; skipped unless {@code JITBOT_TEST_PG_URL} is set. */
class PostgresStoresIT extends JdbcStoresContract {

    @BeforeAll
    static void needsPostgres() {
        TestDatabases.assumePostgres();
    }

    @Override
    Database open() {
        return TestDatabases.postgres();
    }
}
