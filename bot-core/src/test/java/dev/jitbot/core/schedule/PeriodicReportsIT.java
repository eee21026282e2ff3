package dev.jitbot.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jitbot.core.app.EligibilityReview;
import dev.jitbot.core.app.SecurityReports;
import dev.jitbot.core.app.WorkKind;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.store.Database;
import dev.jitbot.core.testing.RecordingAccessProvider;
import dev.jitbot.core.store.TestDatabases;
import dev.jitbot.core.testing.TestPolicies;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scheduled reports on a real H2 database: a periodic Quartz task fires on its own and keeps its next run across
 * a restart, and a digest, which belongs to no request, goes through the JDBC outbox to the channel.
 */
class PeriodicReportsIT {

    @TempDir
    Path dir;
    Database db;
    DurableCore core;
    final RecordingAccessProvider azure = new RecordingAccessProvider().actAs("recording", Duration.ZERO);

    @BeforeEach
    void open() {
        db = TestDatabases.h2(dir);
    }

    @AfterEach
    void stop() {
        if (core != null) {
            core.close();
        }
        TestDatabases.close(db);
    }

    private DurableCore start() {
        core = new DurableCore(db, azure, QuartzExpiryScheduler.Settings.defaults(db).withSweepEvery(Duration.ofHours(1)));
        return core;
    }

    @Test
    void periodicTask_firesOnItsOwn_andARestartKeepsItsNextRun_whileANewIntervalReschedulesIt() {
        AtomicInteger runs = new AtomicInteger();
        start().scheduler.every("often", Duration.ofSeconds(1), runs::incrementAndGet);
        core.scheduler.every("weekly", Duration.ofDays(7), () -> { });
        Instant weekly = core.scheduler.nextRun("weekly").orElseThrow();
        core.scheduler.start();
        await().atMost(Duration.ofSeconds(30)).until(() -> runs.get() >= 2);
        core.close();
        // A restart is a new process: it opens the database anew (a thread interrupted inside H2 as Quartz shuts
        // down may leave this JVM's handle on the file closed, which a real restart never sees).
        TestDatabases.close(db);
        db = TestDatabases.h2(dir);

        // A restart: the same interval keeps the stored trigger, so the weekly run is not pushed back.
        start().scheduler.every("weekly", Duration.ofDays(7), () -> { });
        assertThat(core.scheduler.nextRun("weekly")).contains(weekly);
        core.scheduler.every("weekly", Duration.ofDays(14), () -> { });
        assertThat(core.scheduler.nextRun("weekly").orElseThrow()).isAfter(weekly.plus(Duration.ofDays(6)));
        core.scheduler.stopEvery("weekly");
        assertThat(core.scheduler.nextRun("weekly")).isEmpty();
    }

    @Test
    void reviewDigest_belongsToNoRequest_andReachesTheChannelThroughTheJdbcOutbox() {
        Policy base = TestPolicies.design();
        Policy p = new Policy(base.defaults(), base.scopeAliases(), base.groups(), base.channels(), base.oncallGroup(),
                base.rules(), base.principals(), base.users(), null, base.remindBefore(), base.maxLead(), base.breakGlass(),
                new Policy.Reports(new Policy.Schedule(Duration.ofDays(7), "approvals", null),
                        new Policy.Schedule(Duration.ofDays(30), "approvals", Duration.ofDays(90))));
        start();
        SecurityReports reports = new SecurityReports(() -> p, null, new EligibilityReview(() -> p, core.store,
                core.clock), core.outbox, core.notifications, core.clock, "policy.yaml");

        SecurityReports.Posted review = reports.postReview();
        SecurityReports.Posted scan = reports.postScan();

        assertThat(review.channels()).isEqualTo(1);
        String channel = "channel:" + TestPolicies.SLACK_APPROVALS;
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(core.slack.to(channel)).hasSize(2));
        assertThat(core.slack.to(channel)).anyMatch(t -> t.startsWith("Eligibility review (last 90d): ")
                && t.contains("Rules never used: 3") && t.contains("policy.yaml:14"));
        // No Azure identity: the scan's card says it did not run, and why.
        assertThat(scan.digest().title()).isEqualTo("Standing access scan did not run");
        assertThat(core.slack.to(channel)).anyMatch(t -> t.contains("no Azure identity"));
        assertThat(core.audit.recent(10)).extracting(AuditEvent::action).contains("review-digest", "scan-digest");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(core.outbox.depth(Instant.now()).get(WorkKind.DIGEST).items()).isZero());
    }
}
