package dev.jitbot.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.Platform;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class JdbcAuditLogTest {

    // Computed outside Java (Python's hashlib) from the encoding documented on chainHash: logs already written
    // must keep verifying after any refactoring, and an auditor can check the chain with their own tools.
    private static final String FIRST = "0b5557669bd1352933153c8213f424e6d711543aa397e1146575c16a0342b6cd";
    private static final String SECOND = "15db2fcaa0037ca059c5277b35c77b5312faf9d85b80f776034b306f1cf257da";

    @Test
    void chainHash_matchesTheDocumentedEncoding() {
        String first = JdbcAuditLog.chainHash(JdbcAuditLog.GENESIS, 1, Instant.parse("2026-11-25T10:00:00Z"),
                "alice@contoso.com", Platform.SLACK, "requested", "JIT-AAAA",
                "Contributor on rg-payments for 1 h; because: deploy ✓");
        String second = JdbcAuditLog.chainHash(first, 2, Instant.parse("2026-11-25T10:00:01.123456789Z"), "jitbot",
                Platform.SYSTEM, "forged-request", null, null);

        assertThat(first).isEqualTo(FIRST);
        assertThat(second).as("nanoseconds are cut to the microseconds the database keeps").isEqualTo(SECOND);
    }

    @Test
    void chainHash_changesWithEveryField() {
        Instant at = Instant.parse("2026-11-25T10:00:00Z");
        String base = JdbcAuditLog.chainHash(JdbcAuditLog.GENESIS, 1, at, "a", Platform.SLACK, "x", "JIT-AAAA", "d");

        assertThat(JdbcAuditLog.chainHash("1".repeat(64), 1, at, "a", Platform.SLACK, "x", "JIT-AAAA", "d")).isNotEqualTo(base);
        assertThat(JdbcAuditLog.chainHash(JdbcAuditLog.GENESIS, 2, at, "a", Platform.SLACK, "x", "JIT-AAAA", "d")).isNotEqualTo(base);
        assertThat(JdbcAuditLog.chainHash(JdbcAuditLog.GENESIS, 1, at.plusMillis(1), "a", Platform.SLACK, "x", "JIT-AAAA", "d")).isNotEqualTo(base);
        assertThat(JdbcAuditLog.chainHash(JdbcAuditLog.GENESIS, 1, at, "b", Platform.SLACK, "x", "JIT-AAAA", "d")).isNotEqualTo(base);
        assertThat(JdbcAuditLog.chainHash(JdbcAuditLog.GENESIS, 1, at, "a", Platform.TEAMS, "x", "JIT-AAAA", "d")).isNotEqualTo(base);
        assertThat(JdbcAuditLog.chainHash(JdbcAuditLog.GENESIS, 1, at, "a", Platform.SLACK, "y", "JIT-AAAA", "d")).isNotEqualTo(base);
        assertThat(JdbcAuditLog.chainHash(JdbcAuditLog.GENESIS, 1, at, "a", Platform.SLACK, "x", "JIT-BBBB", "d")).isNotEqualTo(base);
        assertThat(JdbcAuditLog.chainHash(JdbcAuditLog.GENESIS, 1, at, "a", Platform.SLACK, "x", "JIT-AAAA", "e")).isNotEqualTo(base);
        // moving a character across a field boundary must not give the same hash
        assertThat(JdbcAuditLog.chainHash(JdbcAuditLog.GENESIS, 1, at, "ab", Platform.SLACK, "x", "JIT-AAAA", "d"))
                .isNotEqualTo(JdbcAuditLog.chainHash(JdbcAuditLog.GENESIS, 1, at, "a", Platform.SLACK, "bx", "JIT-AAAA", "d"));
    }
}
