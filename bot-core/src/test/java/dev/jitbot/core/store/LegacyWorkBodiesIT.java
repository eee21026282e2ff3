package dev.jitbot.core.store;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.app.AzureLimiter;
import dev.jitbot.core.app.Change;
import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.app.Notifications;
import dev.jitbot.core.app.Work;
import dev.jitbot.core.app.WorkHandlers;
import dev.jitbot.core.app.WorkItem;
import dev.jitbot.core.app.WorkKind;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Text;
import dev.jitbot.core.testing.ManualScheduler;
import dev.jitbot.core.testing.MutableClock;
import dev.jitbot.core.testing.RecordingAccessProvider;
import dev.jitbot.core.testing.RecordingNotifier;
import dev.jitbot.core.testing.RequestStoreContract;
import dev.jitbot.core.testing.TestPolicies;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Notification work an earlier jitbot queued, whose body is a plain sentence rather than {@code StoredText}: an
 * upgrade with DMs, thread replies and alerts still in the outbox delivers them, commands and all.
 */
class LegacyWorkBodiesIT {

    @TempDir
    Path dir;

    @Test
    void aQueuedDmReplyAndAlert_fromThePreviousRelease_areDeliveredAsTheyWereMeant_besideOnesWrittenNow()
            throws Exception {
        try (Database db = TestDatabases.h2(dir)) {
            MutableClock clock = MutableClock.at("2026-12-01T10:00:00Z");
            Instant now = clock.instant();
            JdbcRequestStore store = new JdbcRequestStore(db);
            JdbcAuditLog audit = new JdbcAuditLog(db);
            JdbcOutbox outbox = new JdbcOutbox(db.dataSource(), audit, "legacy-test", Duration.ofSeconds(20));
            RecordingNotifier slack = new RecordingNotifier(Platform.SLACK);
            Notifications notifications = new Notifications(store, List.<ChatNotifier>of(slack));
            WorkHandlers handlers = new WorkHandlers(TestPolicies::design, store, outbox,
                    new RecordingAccessProvider(), notifications, new ManualScheduler(clock),
                    new AzureLimiter(AzureLimiter.Limits.arm()), clock);
            AccessRequest r = RequestStoreContract.active("JIT-0BD1", now.minusSeconds(60), Duration.ofMinutes(30));
            store.insert(r);
            store.addMessage(r.id(), new MessageRef(Platform.SLACK, "C0APPROVALS", "1.1", MessageRef.CARD));
            String oldDm = "Contributor on rg-payments is yours until 10:29 UTC (30 min). Release early with "
                    + "`release JIT-0BD1`.";
            String oldReply = "Reviewed by Bob: looked fine; see `show JIT-0BD1`.";
            String oldAlert = "Contributor on rg-payments for Alice (JIT-0BD1) expired; check the assignment.";
            Text now1 = Text.of().person(TestPolicies.BOB).plain(" approved it; ").command("release JIT-0BD1").done();
            outbox.commit(Change.about(r).audit(AuditEvent.of(now, "jitbot", Platform.SYSTEM, "test", r.id(), ""))
                    .then(Work.dm(r.id(), TestPolicies.ALICE, Text.plain("placeholder")))
                    .then(Work.replyOnCards(r.id(), Text.plain("placeholder")))
                    .then(Work.alert(r.id(), Platform.SLACK, "C0APPROVALS", Text.plain("placeholder")))
                    .then(Work.dm(r.id(), TestPolicies.ALICE, now1))
                    .build());
            // What the previous release wrote: the sentence itself in body, no text_json.
            setBody(db, WorkKind.DM, "%placeholder%", oldDm);
            setBody(db, WorkKind.THREAD_REPLY, "%placeholder%", oldReply);
            setBody(db, WorkKind.ALERT, "%placeholder%", oldAlert);

            for (int round = 0; round < 4; round++) {
                for (WorkItem item : outbox.claim(WorkKind.Lane.CHAT, 10, clock.instant(), Set.of())) {
                    handlers.run(item);
                }
            }

            assertThat(slack.messagesTo("dm:U0ALICE")).containsExactly(Text.parse(oldDm), now1);
            assertThat(slack.to("dm:U0ALICE").get(0)).isEqualTo(oldDm);
            assertThat(slack.messagesTo("dm:U0ALICE").get(0).segments()).contains(new Text.Command("release JIT-0BD1"));
            assertThat(slack.messagesTo("dm:U0ALICE").get(1).segments().get(0))
                    .isEqualTo(new Text.Person(TestPolicies.BOB));
            assertThat(slack.messagesTo("thread:1.1")).containsExactly(Text.parse(oldReply));
            assertThat(slack.to("channel:C0APPROVALS")).containsExactly(oldAlert);
            assertThat(outbox.pending(r.id())).isEmpty();
        }
    }

    @Test
    void aNotificationWrittenNow_keepsThePlainSentenceInBody_forAnOlderReplica_andItsSegmentsInTextJson()
            throws Exception {
        try (Database db = TestDatabases.h2(dir)) {
            Instant now = Instant.parse("2026-12-01T10:00:00Z");
            JdbcRequestStore store = new JdbcRequestStore(db);
            JdbcOutbox outbox = new JdbcOutbox(db.dataSource(), new JdbcAuditLog(db), "t", Duration.ofSeconds(20));
            AccessRequest r = RequestStoreContract.active("JIT-NEW1", now.minusSeconds(60), Duration.ofMinutes(30));
            store.insert(r);
            Text approved = Text.of().person(TestPolicies.BOB).plain(" approved it; ").command("release JIT-NEW1")
                    .done();

            outbox.commit(Change.about(r).then(Work.dm(r.id(), TestPolicies.ALICE, approved)).build());

            try (Connection c = db.dataSource().getConnection();
                 PreparedStatement ps = c.prepareStatement("SELECT body, text_json FROM work_items WHERE kind = ?")) {
                ps.setString(1, WorkKind.DM.name());
                var rs = ps.executeQuery();
                assertThat(rs.next()).isTrue();
                // What the previous release reads (and parses for commands) during a rolling upgrade or a rollback.
                assertThat(rs.getString(1)).isEqualTo("Bob approved it; `release JIT-NEW1`")
                        .doesNotContain("{").doesNotContain("bob@contoso.com");
                assertThat(rs.getString(2)).startsWith("{\"v\":1,").contains("{\"command\":\"release JIT-NEW1\"}");
            }
            assertThat(outbox.pending(r.id())).singleElement()
                    .satisfies(i -> assertThat(i.work().message()).isEqualTo(approved));
        }
    }

    private static void setBody(Database db, WorkKind kind, String like, String body) throws Exception {
        try (Connection c = db.dataSource().getConnection();
             PreparedStatement ps = c.prepareStatement("UPDATE work_items SET body = ?, text_json = NULL WHERE kind = ? AND body LIKE ?")) {
            ps.setString(1, body);
            ps.setString(2, kind.name());
            ps.setString(3, like);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }
}
