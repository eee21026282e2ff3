package dev.jitbot.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.RequestStoreContract;
import dev.jitbot.core.testing.TestPolicies;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rows an earlier jitbot stored with a scope the canonical grammar now refuses. */
class LegacyRowsIT {

    @TempDir
    Path dir;

    @Test
    void aDotSegmentScopeFromBeforeTheFix_isReadAsThePathArmResolved_andAnUnreadableRowStopsNothing() throws Exception {
        try (Database db = TestDatabases.h2(dir)) {
            JdbcRequestStore store = new JdbcRequestStore(db);
            Instant now = Instant.parse("2026-12-01T10:00:00Z");
            AccessRequest escaped = RequestStoreContract.active("JIT-ESC1", now, Duration.ofMinutes(10));
            AccessRequest broken = RequestStoreContract.active("JIT-BAD1", now, Duration.ofMinutes(10));
            AccessRequest fine = RequestStoreContract.active("JIT-G00D", now, Duration.ofMinutes(10));
            store.insert(escaped);
            store.insert(broken);
            store.insert(fine);
            String dotted = "/subscriptions/11111111-2222-4333-8444-555555555555/resourceGroups/rg-a/providers/"
                    + "Microsoft.Storage/storageAccounts/sa1/../../../../../../../../subscriptions/" + TestPolicies.SUB;
            setScope(db, escaped.id(), dotted);
            setScope(db, broken.id(), "/subscriptions/" + TestPolicies.SUB + "/resourceGroups/rg with space");

            List<AccessRequest> active = store.findByState(List.of(State.ACTIVE));

            assertThat(active).extracting(AccessRequest::id).containsExactlyInAnyOrder(escaped.id(), fine.id());
            assertThat(store.find(escaped.id()).orElseThrow().scope()).isEqualTo(TestPolicies.SUB_PROD);
            assertThat(store.find(broken.id())).isEmpty();
            assertThat(store.findExpiring(now.plus(Duration.ofHours(1)))).hasSize(2);
        }
    }

    private static void setScope(Database db, RequestId id, String scope) throws Exception {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE access_requests SET scope_id = ?, open_key = NULL WHERE id = ?")) {
            ps.setString(1, scope);
            ps.setString(2, id.value());
            ps.executeUpdate();
        }
    }
}
