package dev.jitbot.core.schedule;

import dev.jitbot.core.store.Database;
import dev.jitbot.core.store.TestDatabases;
import org.junit.jupiter.api.BeforeAll;

/**
 * Scheduled revocation on PostgreSQL (Quartz clustered, PostgreSQLDelegate); skipped unless
 * {@code JITBOT_TEST_PG_URL} is set.
 */
class PostgresExpirySchedulingIT extends ExpirySchedulingContract {

    @BeforeAll
    static void needsPostgres() {
        TestDatabases.assumePostgres();
    }

    @Override
    Database open() {
        return TestDatabases.postgres();
    }
}
