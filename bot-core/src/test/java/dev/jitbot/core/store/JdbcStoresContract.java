package dev.jitbot.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitbot.core.app.AuditLog;
import dev.jitbot.core.app.RequestStore;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.testing.AuditLogContract;
import dev.jitbot.core.testing.LifecycleContract;
import dev.jitbot.core.testing.RequestStoreContract;
import java.io.StringWriter;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store, audit and lifecycle contracts on the JDBC implementations, plus what only a database can show:
 * tampering with rows, two appenders on one database, upserts. Subclasses say which database.
 */
abstract class JdbcStoresContract {

    @TempDir
    Path dir;

    /** A fresh, migrated, empty database. */
    abstract Database open();

    void close(Database db) {
        TestDatabases.close(db);
    }

    @Nested
    class Requests extends RequestStoreContract {
        Database db;

        @Override
        protected RequestStore newStore() {
            db = open();
            return new JdbcRequestStore(db);
        }

        @Override
        protected void closeStore() {
            close(db);
        }
    }

    @Nested
    class Lifecycle extends LifecycleContract {
        Database db;

        @Override
        protected RequestStore newStore() {
            db = open();
            return new JdbcRequestStore(db);
        }

        @Override
        protected AuditLog newAuditLog() {
            return new JdbcAuditLog(db);
        }

        @Override
        protected void closeAll() {
            close(db);
        }
    }

    @Nested
    class Audit extends AuditLogContract {
        Database db;

        @Override
        protected AuditLog newLog() {
            db = open();
            return new JdbcAuditLog(db);
        }

        @Override
        protected void closeLog() {
            close(db);
        }

        private void appendFive() {
            for (int i = 0; i < 5; i++) {
                log.append(event(i, "alice@contoso.com", "requested", A, "n" + i));
            }
        }

        private void sql(String statement) throws SQLException {
            try (Connection c = db.dataSource().getConnection(); Statement s = c.createStatement()) {
                s.executeUpdate(statement);
            }
        }

        @Test
        void verify_whenOneRowIsEdited_namesThatRow() throws Exception {
            appendFive();

            sql("UPDATE audit_events SET details = 'nothing to see' WHERE seq = 3");

            AuditLog.Verification v = log.verify();
            assertThat(v.intact()).isFalse();
            assertThat(v.firstBadSeq()).isEqualTo(3);
            assertThat(v.problem()).contains("seq 3").contains("edited");
        }

        @Test
        void verify_whenOneRowsTimeIsEdited_namesThatRow() throws Exception {
            appendFive();

            sql("UPDATE audit_events SET at = at + INTERVAL '1' HOUR WHERE seq = 2");

            assertThat(log.verify().firstBadSeq()).isEqualTo(2);
        }

        @Test
        void verify_whenARowIsEditedAndItsHashRecomputed_stillNamesThatRow() throws Exception {
            appendFive();
            AuditEvent third = log.recent(5).get(2);
            String prev = log.recent(5).get(1).hash();
            String forged = JdbcAuditLog.chainHash(prev, 3, third.at(), "mallory@contoso.com", third.platform(),
                    third.action(), third.requestId().value(), third.details());

            sql("UPDATE audit_events SET actor = 'mallory@contoso.com', actor_key = 'mallory@contoso.com', hash = '"
                    + forged + "' WHERE seq = 3");

            AuditLog.Verification v = log.verify();
            assertThat(v.firstBadSeq()).isEqualTo(3);
            assertThat(v.problem()).contains("seq 3 was rewritten");
        }

        @Test
        void verify_whenARowIsDeleted_namesTheMissingRow() throws Exception {
            appendFive();

            sql("DELETE FROM audit_events WHERE seq = 3");

            AuditLog.Verification v = log.verify();
            assertThat(v.firstBadSeq()).isEqualTo(3);
            assertThat(v.problem()).contains("missing");
        }

        @Test
        void verify_whenTheNewestRowIsDeleted_namesIt() throws Exception {
            appendFive();

            sql("DELETE FROM audit_events WHERE seq = 5");

            assertThat(log.verify().firstBadSeq()).isEqualTo(5);
        }

        @Test
        void exportJsonLines_carriesEveryFieldAndTheChain() throws Exception {
            AuditEvent first = log.append(event(0, "alice@contoso.com", "requested", A, "Contributor on rg-payments"));
            AuditEvent second = log.append(AuditEvent.of(Instant.parse("2026-11-25T10:00:01Z"), "jitbot",
                    Platform.SYSTEM, "forged-request", null, "bad signature"));
            StringWriter out = new StringWriter();

            log.exportJsonLines(out);

            String[] lines = out.toString().split("\n");
            ObjectMapper json = new ObjectMapper();
            JsonNode a = json.readTree(lines[0]);
            JsonNode b = json.readTree(lines[1]);
            assertThat(a.get("at").asText()).isEqualTo("2026-11-25T10:00:00Z");
            assertThat(a.get("actor").asText()).isEqualTo("alice@contoso.com");
            assertThat(a.get("platform").asText()).isEqualTo("slack");
            assertThat(a.get("requestId").asText()).isEqualTo("JIT-AAAA");
            assertThat(a.get("details").asText()).isEqualTo("Contributor on rg-payments");
            assertThat(a.get("prevHash").asText()).isEqualTo(JdbcAuditLog.GENESIS);
            assertThat(a.get("hash").asText()).isEqualTo(first.hash());
            assertThat(b.get("requestId").isNull()).isTrue();
            assertThat(b.get("prevHash").asText()).isEqualTo(first.hash());
            assertThat(b.get("hash").asText()).isEqualTo(second.hash());
        }

        @Test
        void append_fromTwoProcessesOnOneDatabase_neverForksTheChain() throws Exception {
            // Each log is its own process as far as locking goes: only the audit_head row lock keeps them in line.
            Database other = TestDatabases.reopen(db);
            try {
                List<AuditLog> logs = List.of(log, new JdbcAuditLog(other));
                ExecutorService pool = Executors.newFixedThreadPool(4);
                CountDownLatch go = new CountDownLatch(1);
                List<Future<?>> done = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    AuditLog mine = logs.get(t % 2);
                    int thread = t;
                    done.add(pool.submit(() -> {
                        go.await();
                        for (int i = 0; i < 25; i++) {
                            mine.append(event(i, "user" + thread + "@contoso.com", "approved", A, "n" + i));
                        }
                        return null;
                    }));
                }
                go.countDown();
                for (Future<?> f : done) {
                    f.get(60, TimeUnit.SECONDS);
                }
                pool.shutdown();

                AuditLog.Verification v = log.verify();
                assertThat(v.intact()).as(v.problem()).isTrue();
                assertThat(v.rows()).isEqualTo(100);
            } finally {
                if (other != db) {
                    other.close();
                }
            }
        }

        @Test
        void verify_onManyRows_isIntact_andReportsHowLongItTook() throws Exception {
            for (int rows : benchmarkSizes()) {
                TestDatabases.close(db);
                db = open();
                log = new JdbcAuditLog(db);
                bulkAppend(db, rows);

                long t0 = System.nanoTime();
                AuditLog.Verification v = log.verify();
                long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

                System.out.printf("MEASURED audit verify on %s: %,d rows in %,d ms%n",
                        db.isPostgres() ? "PostgreSQL" : "H2", rows, ms);
                assertThat(v.intact()).as(v.problem()).isTrue();
                assertThat(v.rows()).isEqualTo(rows);
            }
        }
    }

    /** 10,000 rows by default; {@code -Djitbot.bench.auditRows=10000,100000} for more. */
    static List<Integer> benchmarkSizes() {
        List<Integer> sizes = new ArrayList<>();
        for (String s : System.getProperty("jitbot.bench.auditRows", "10000").split(",")) {
            sizes.add(Integer.parseInt(s.strip()));
        }
        return sizes;
    }

    /** Writes a valid chain of {@code rows} events in batches: appending one by one would measure the append. */
    static void bulkAppend(Database db, int rows) throws SQLException {
        String prev = JdbcAuditLog.GENESIS;
        Instant t0 = Instant.parse("2026-11-25T10:00:00Z");
        try (Connection c = db.dataSource().getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement("INSERT INTO audit_events (seq, at, actor, actor_key, "
                    + "platform, action, request_id, details, prev_hash, hash) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                for (int seq = 1; seq <= rows; seq++) {
                    Instant at = t0.plusMillis(seq * 250L);
                    String actor = "user" + (seq % 50) + "@contoso.com";
                    String details = "approval 1 of 1; Contributor on rg-payments for 1 h; because deploying release "
                            + seq;
                    String hash = JdbcAuditLog.chainHash(prev, seq, at, actor, Platform.SLACK, "approved", "JIT-AAAA",
                            details);
                    ps.setLong(1, seq);
                    Sql.setInstant(ps, 2, at);
                    ps.setString(3, actor);
                    ps.setString(4, actor);
                    ps.setString(5, Platform.SLACK.name());
                    ps.setString(6, "approved");
                    ps.setString(7, "JIT-AAAA");
                    ps.setString(8, details);
                    ps.setString(9, prev);
                    ps.setString(10, hash);
                    ps.addBatch();
                    prev = hash;
                    if (seq % 1000 == 0) {
                        ps.executeBatch();
                    }
                }
                ps.executeBatch();
            }
            try (PreparedStatement ps = c.prepareStatement("UPDATE audit_head SET seq = ?, hash = ? WHERE id = 1")) {
                ps.setLong(1, rows);
                ps.setString(2, prev);
                ps.executeUpdate();
            }
            c.commit();
        }
    }

    @Nested
    class Claims {

        @Test
        void claim_passesOverARowAnotherTransactionHolds_andTakesTheRest() throws Exception {
            Database db = open();
            try {
                JdbcRequestStore store = new JdbcRequestStore(db);
                JdbcOutbox outbox = new JdbcOutbox(db.dataSource(), new JdbcAuditLog(db), "claimer",
                        java.time.Duration.ofSeconds(20));
                List<dev.jitbot.core.domain.RequestId> ids = new ArrayList<>();
                for (String id : List.of("JIT-CAB2", "JIT-CAB3", "JIT-CAB4")) {
                    var r = RequestStoreContract.active(id, Instant.parse("2026-12-01T10:00:00Z"),
                            java.time.Duration.ofMinutes(30));
                    store.insert(r);
                    outbox.commit(dev.jitbot.core.app.Change.about(r)
                            .then(dev.jitbot.core.app.Work.updateCards(r.id())).build());
                    ids.add(r.id());
                }
                long held = outbox.pending(ids.get(1)).get(0).id();
                // Another transaction holds the second row (as a live writer would, or what H2's recovery can
                // leave behind after a kill -9): the claim must neither wait for it nor take it.
                try (Connection other = db.dataSource().getConnection()) {
                    other.setAutoCommit(false);
                    try (Statement st = other.createStatement()) {
                        st.executeUpdate("UPDATE work_items SET attempts = attempts WHERE id = " + held);
                        var claimed = outbox.claim(dev.jitbot.core.app.WorkKind.Lane.CHAT, 10,
                                Instant.now().plusSeconds(60), List.of());

                        assertThat(claimed).extracting(i -> i.work().requestId())
                                .containsExactlyInAnyOrder(ids.get(0), ids.get(2));
                    } finally {
                        other.rollback();
                    }
                }
                assertThat(outbox.claim(dev.jitbot.core.app.WorkKind.Lane.CHAT, 10, Instant.now().plusSeconds(60),
                        List.of())).extracting(i -> i.work().requestId()).containsExactly(ids.get(1));
            } finally {
                close(db);
            }
        }
    }

    @Nested
    class Conversations {

        @Test
        void save_thenSaveAgain_replacesTheReference_perPlatformAndKey() {
            Database db = open();
            try {
                JdbcConversationStore refs = new JdbcConversationStore(db);

                refs.save(Platform.TEAMS, "19:approvals@thread.tacv2", "{\"serviceUrl\":\"https://one\"}");
                refs.save(Platform.TEAMS, "19:approvals@thread.tacv2", "{\"serviceUrl\":\"https://two\"}");
                refs.save(Platform.SLACK, "19:approvals@thread.tacv2", "{\"other\":true}");

                assertThat(refs.find(Platform.TEAMS, "19:approvals@thread.tacv2")).contains("{\"serviceUrl\":\"https://two\"}");
                assertThat(refs.find(Platform.SLACK, "19:approvals@thread.tacv2")).contains("{\"other\":true}");
                assertThat(refs.find(Platform.TEAMS, "user:29:1abc")).isEmpty();
            } finally {
                close(db);
            }
        }
    }
}
