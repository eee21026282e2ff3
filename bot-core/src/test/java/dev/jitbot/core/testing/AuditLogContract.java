package dev.jitbot.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitbot.core.app.AuditLog;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.RequestId;
import java.io.StringWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * What every {@link AuditLog} must do. Subclasses supply a fresh, empty log per test; the in-memory fake and the
 * JDBC log (H2, PostgreSQL) both run it. Tampering is tested where a database can be tampered with.
 */
public abstract class AuditLogContract {

    protected static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    protected static final RequestId A = new RequestId("JIT-AAAA");
    protected static final RequestId B = new RequestId("JIT-BBBB");

    protected AuditLog log;

    /** A new, empty log. */
    protected abstract AuditLog newLog() throws Exception;

    /** Releases what {@link #newLog()} opened. */
    protected void closeLog() throws Exception {
    }

    @BeforeEach
    void openLog() throws Exception {
        log = newLog();
    }

    @AfterEach
    void releaseLog() throws Exception {
        closeLog();
    }

    protected static AuditEvent event(int second, String actor, String action, RequestId id, String details) {
        return AuditEvent.of(T0.plusSeconds(second), actor, Platform.SLACK, action, id, details);
    }

    @Nested
    class Append {

        @Test
        void append_numbersEventsFromOne_andHashesEach() {
            AuditEvent first = log.append(event(0, "alice@contoso.com", "requested", A, "Contributor on rg-payments"));
            AuditEvent second = log.append(event(1, "bob@contoso.com", "approved", A, "approval 1 of 1"));

            assertThat(first.seq()).isEqualTo(1);
            assertThat(second.seq()).isEqualTo(2);
            assertThat(first.hash()).isNotBlank();
            assertThat(second.hash()).isNotBlank().isNotEqualTo(first.hash());
        }

        @Test
        void append_keepsEveryField() {
            AuditEvent stored = log.append(AuditEvent.of(Instant.parse("2026-11-25T10:00:00.123456Z"),
                    "slack:U0ALICE", Platform.TEAMS, "denied", A, "ünïcode ✓ \"quoted\"\nsecond line"));
            AuditEvent system = log.append(AuditEvent.of(T0, "jitbot", Platform.SYSTEM, "forged-request", null, null));

            assertThat(log.recent(2)).containsExactly(stored, system);
            assertThat(stored.at()).isEqualTo(Instant.parse("2026-11-25T10:00:00.123456Z"));
            assertThat(stored.details()).isEqualTo("ünïcode ✓ \"quoted\"\nsecond line");
            assertThat(system.requestId()).isNull();
            assertThat(system.details()).isEmpty();
        }

        @Test
        void append_fromManyThreadsAtOnce_neverForksTheChain() throws Exception {
            int threads = 8;
            int each = 25;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<List<Long>>> results = new ArrayList<>();
            try {
                for (int t = 0; t < threads; t++) {
                    int thread = t;
                    results.add(pool.submit(() -> {
                        go.await();
                        List<Long> seqs = new ArrayList<>();
                        for (int i = 0; i < each; i++) {
                            seqs.add(log.append(event(i, "user" + thread + "@contoso.com", "approved", A, "n" + i)).seq());
                        }
                        return seqs;
                    }));
                }
                go.countDown();
                Set<Long> seqs = new TreeSet<>();
                for (Future<List<Long>> f : results) {
                    seqs.addAll(f.get(60, TimeUnit.SECONDS));
                }

                assertThat(seqs).hasSize(threads * each);
                assertThat(seqs).first().isEqualTo(1L);
                assertThat(seqs).last().isEqualTo((long) threads * each);
                assertThat(log.verify().intact()).isTrue();
                assertThat(log.verify().rows()).isEqualTo(threads * each);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Nested
    class Reading {

        @Test
        void forRequest_returnsOnlyThatRequestsEvents_oldestFirst() {
            AuditEvent a1 = log.append(event(0, "alice@contoso.com", "requested", A, ""));
            log.append(event(1, "alice@contoso.com", "requested", B, ""));
            AuditEvent a2 = log.append(event(2, "bob@contoso.com", "approved", A, ""));

            assertThat(log.forRequest(A)).containsExactly(a1, a2);
            assertThat(log.forRequest(new RequestId("JIT-CCCC"))).isEmpty();
        }

        @Test
        void byActor_ignoresCase_andReturnsTheNewest_newestLast() {
            AuditEvent a1 = log.append(event(0, "alice@contoso.com", "requested", A, ""));
            log.append(event(1, "bob@contoso.com", "approved", A, ""));
            AuditEvent a2 = log.append(event(2, "Alice@Contoso.com", "released", A, ""));
            AuditEvent a3 = log.append(event(3, "alice@contoso.com", "requested", B, ""));

            assertThat(log.byActor("ALICE@contoso.com", 10)).containsExactly(a1, a2, a3);
            assertThat(log.byActor("alice@contoso.com", 2)).containsExactly(a2, a3);
            assertThat(log.byActor("erin@contoso.com", 10)).isEmpty();
        }

        @Test
        void recent_returnsTheNewest_newestLast() {
            log.append(event(0, "alice@contoso.com", "requested", A, ""));
            AuditEvent second = log.append(event(1, "bob@contoso.com", "approved", A, ""));
            AuditEvent third = log.append(event(2, "jitbot", "granted", A, ""));

            assertThat(log.recent(2)).containsExactly(second, third);
            assertThat(log.recent(10)).hasSize(3);
        }
    }

    @Nested
    class VerifyAndExport {

        @Test
        void verify_onAnEmptyLog_isIntact() {
            AuditLog.Verification v = log.verify();

            assertThat(v.intact()).isTrue();
            assertThat(v.rows()).isZero();
            assertThat(v.firstBadSeq()).isNull();
        }

        @Test
        void verify_afterAppends_isIntactAndCountsRows() {
            for (int i = 0; i < 5; i++) {
                log.append(event(i, "alice@contoso.com", "requested", A, "n" + i));
            }

            AuditLog.Verification v = log.verify();

            assertThat(v.intact()).isTrue();
            assertThat(v.rows()).isEqualTo(5);
        }

        @Test
        void exportJsonLines_writesOneJsonObjectPerEvent_oldestFirst() throws Exception {
            log.append(event(0, "alice@contoso.com", "requested", A, "line one\nline two"));
            log.append(event(1, "bob@contoso.com", "approved", A, "\"quoted\""));
            log.append(event(2, "jitbot", "revoked", A, "expired"));
            StringWriter out = new StringWriter();

            log.exportJsonLines(out);

            String[] lines = out.toString().split("\n");
            assertThat(lines).hasSize(3);
            ObjectMapper json = new ObjectMapper();
            List<String> actions = new ArrayList<>();
            for (int i = 0; i < lines.length; i++) {
                JsonNode n = json.readTree(lines[i]);
                assertThat(n.get("seq").asLong()).isEqualTo(i + 1);
                actions.add(n.get("action").asText());
            }
            assertThat(actions).containsExactly("requested", "approved", "revoked");
        }
    }
}
