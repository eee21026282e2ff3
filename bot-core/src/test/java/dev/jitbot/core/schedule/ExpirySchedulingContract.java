package dev.jitbot.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.EndReason;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.PrincipalType;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.RoleRef;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.store.Database;
import dev.jitbot.core.store.TestDatabases;
import dev.jitbot.core.testing.FakeDirectory;
import dev.jitbot.core.testing.RecordingAccessProvider;
import dev.jitbot.core.testing.RequestStoreContract;
import dev.jitbot.core.testing.TestPolicies;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 2's acceptance for scheduled revocation, on a real database with Quartz's JDBC job store, the real
 * AccessService and ExpiryService, the wall clock and a recording Azure. Subclasses say which database. Timings are
 * measured and printed ({@code MEASURED …}), never asserted: the machine is shared and noisy.
 */
abstract class ExpirySchedulingContract {

    @TempDir
    Path dir;

    Database db;
    DurableCore core;
    /** Real Quartz runs on real time, so these grants last seconds: the fake Azure takes grants of any length. */
    final RecordingAccessProvider azure = new RecordingAccessProvider().actAs("recording", Duration.ZERO);

    /** A fresh, migrated, empty database. */
    abstract Database open();

    @BeforeEach
    void openDatabase() {
        db = open();
    }

    @AfterEach
    void stopEverything() {
        if (core != null) {
            core.close();
        }
        TestDatabases.close(db);
    }

    /** The jobs, not the sweeper, must do the work in these tests: the sweeper runs only hourly. */
    QuartzExpiryScheduler.Settings settings(Database on) {
        return QuartzExpiryScheduler.Settings.defaults(on).withSweepEvery(Duration.ofHours(1));
    }

    DurableCore startCore(AccessProvider provider) {
        core = new DurableCore(db, provider, settings(db));
        core.scheduler.start();
        return core;
    }

    AccessRequest stored(RequestId id) {
        return core.store.find(id).orElseThrow();
    }

    List<String> actions(RequestId id) {
        return core.audit.forRequest(id).stream().map(AuditEvent::action).toList();
    }

    /** Waits for the audit event and the chat confirmation that follow the row's move to ENDED. */
    void awaitRevocationFinished(RequestId id) {
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(20)).untilAsserted(() -> {
            assertThat(actions(id)).contains("revoked");
            assertThat(core.slack.said).anySatisfy(s -> assertThat(s.text()).contains("revoked"));
        });
    }

    RequestId grantReader(String duration) {
        return grantReader(TestPolicies.ALICE, duration);
    }

    RequestId grantReader(ChatUser who, String duration) {
        Outcome o = core.service.handle(who,
                "request Reader on sub-prod for " + duration + " because read the payment logs");
        assertThat(o).isInstanceOf(Outcome.Activating.class);
        RequestId id = ((Outcome.Activating) o).request().id();
        // The outbox's worker asks Azure; the expiry clock starts when Azure confirms.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> stored(id).state() == State.ACTIVE);
        return id;
    }

    @Nested
    class Expiry {

        @Test
        void twoSecondGrant_isRevokedByItsJob_soonAfterExpiry() {
            startCore(azure);
            RequestId id = grantReader("2s");
            Instant expiresAt = stored(id).expiresAt();
            // The worker schedules the expiry right after it writes ACTIVE.
            await().atMost(Duration.ofSeconds(5)).until(() -> !core.scheduler.scheduled(id).isEmpty());
            assertThat(core.scheduler.scheduled(id)).singleElement().asString().startsWith("expire@");

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50))
                    .until(() -> stored(id).state() == State.ENDED);
            // the row ends first; the audit event and the confirmation follow it
            awaitRevocationFinished(id);

            AccessRequest ended = stored(id);
            long lagMs = Duration.between(expiresAt, ended.endedAt()).toMillis();
            System.out.printf("MEASURED %s: 2-second grant revoked %d ms after expiry%n", db(), lagMs);
            assertThat(ended.endReason()).isEqualTo(EndReason.EXPIRED);
            assertThat(azure.revokes).containsExactly(id);
            assertThat(azure.assignments).isEmpty();
            assertThat(actions(id)).containsSubsequence("requested", "approved", "granted", "revoked");
            assertThat(core.slack.said).anySatisfy(s -> assertThat(s.text()).contains("revoked").contains("expired"));
            assertThat(core.scheduler.scheduled(id)).isEmpty();
        }

        @Test
        void revocationFailingThreeTimes_isRetriedByJobs_untilTheFourthSucceeds_andEachAttemptIsAudited() {
            startCore(azure.failRevocations(3));
            RequestId id = grantReader("1s");

            // backoff 1 s, 2 s, 4 s after the first failure
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> stored(id).state() == State.ENDED);
            awaitRevocationFinished(id);

            assertThat(azure.revokeCalls(id)).isEqualTo(4);
            assertThat(actions(id).stream().filter(a -> a.startsWith("revoke")).toList())
                    .containsExactly("revoke-failed", "revoke-failed", "revoke-failed", "revoked");
            assertThat(core.audit.forRequest(id).stream().filter(e -> e.action().equals("revoke-failed"))
                    .map(AuditEvent::details).toList())
                    .satisfiesExactly(d -> assertThat(d).startsWith("attempt 1: Azure answered 503"),
                            d -> assertThat(d).startsWith("attempt 2:"),
                            d -> assertThat(d).startsWith("attempt 3:"));
            assertThat(core.audit.verify().intact()).isTrue();
        }

        @Test
        void undecidedRequest_lapsesByItsJob() {
            startCore(azure);
            Instant now = Instant.now();
            AccessRequest pending = AccessRequest.pending(new RequestId("JIT-PEND"), TestPolicies.ALICE,
                    new Principal(FakeDirectory.objectIdOf("alice@contoso.com"), PrincipalType.USER, "Alice"),
                    RoleRef.named("Contributor"), TestPolicies.RG_PAYMENTS, "rg-payments",
                    Duration.ofHours(1), "deploy", null, "operate payments", 1, now, now.plusSeconds(1));
            core.store.insert(pending);
            core.scheduler.scheduleLapse(pending.id(), pending.decideBy());

            await().atMost(Duration.ofSeconds(30)).until(() -> stored(pending.id()).state() == State.LAPSED);

            // the row lapses first; its audit event follows
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(actions(pending.id())).containsExactly("lapsed"));
            assertThat(azure.grants).isEmpty();
        }
    }

    @Nested
    class Restart {

        @Test
        void aScheduledStart_survivesARestart_andGrantsOnlyAtTheStart() throws Exception {
            core = new DurableCore(db, azure, settings(db));
            java.time.Instant start = java.time.Instant.now().plusSeconds(4).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
            Outcome o = core.service.handle(TestPolicies.ALICE, "request Contributor on rg-payments from " + start
                    + " for 2s because migration window");
            RequestId id = ((Outcome.Requested) o).request().id();
            assertThat(core.service.approve(TestPolicies.BOB, id)).isInstanceOf(Outcome.Scheduled.class);
            core.close();
            db.close();

            db = TestDatabases.reopen(db);
            core = new DurableCore(db, azure, settings(db));
            core.scheduler.start();
            assertThat(stored(id).state()).isEqualTo(State.SCHEDULED);

            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(20))
                    .until(() -> stored(id).state() == State.ACTIVE || stored(id).state() == State.ENDED);
            AccessRequest granted = stored(id);
            assertThat(azure.grants).containsExactly(id);
            assertThat(granted.activatedAt()).isAfterOrEqualTo(start);
            System.out.printf("MEASURED %s: scheduled start %s, activated %d ms after it, across a restart%n", db(),
                    start, Duration.between(start, granted.activatedAt()).toMillis());
            awaitRevocationFinished(id);
        }

        @Test
        void grantsThatExpiredWhileNothingRan_areRevokedAtStart() throws Exception {
            // The first process grants and stores the expiry jobs, then stops before any fires (its scheduler
            // never leaves stand-by, so no job can race the shutdown).
            core = new DurableCore(db, azure, settings(db));
            // one person holds one grant of a role on a scope at a time
            List<RequestId> ids = List.of(grantReader(TestPolicies.ALICE, "1s"), grantReader(TestPolicies.BOB, "1s"),
                    grantReader(TestPolicies.CAROL, "1s"));
            for (RequestId id : ids) {
                // The worker schedules the expiry right after it writes ACTIVE, so it may come a moment later.
                await().atMost(Duration.ofSeconds(5)).until(() -> core.scheduler.scheduled(id).stream()
                        .anyMatch(j -> j.startsWith("expire@")));
                assertThat(core.scheduler.scheduled(id)).filteredOn(j -> j.startsWith("expire@")).singleElement().asString().startsWith("expire@");
            }
            core.close();
            db.close();
            Thread.sleep(2_000);

            db = TestDatabases.reopen(db);
            core = new DurableCore(db, azure, settings(db));
            for (RequestId id : ids) {
                assertThat(stored(id).state()).as("still active before start").isEqualTo(State.ACTIVE);
            }
            assertThat(azure.revokes).isEmpty();

            long t0 = System.nanoTime();
            core.scheduler.start();
            long startMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

            for (RequestId id : ids) {
                await().atMost(Duration.ofSeconds(10)).until(() -> stored(id).state() == State.ENDED);
            }
            startMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
            System.out.printf("MEASURED %s: start() revoked %d overdue grants in %d ms%n", db(), ids.size(), startMs);
            for (RequestId id : ids) {
                assertThat(stored(id).state()).isEqualTo(State.ENDED);
                assertThat(stored(id).endReason()).isEqualTo(EndReason.EXPIRED);
                assertThat(core.scheduler.scheduled(id)).isEmpty();
            }
            assertThat(azure.revokes).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(azure.assignments).isEmpty();
        }
    }

    @Nested
    class Concurrency {

        @Test
        void fiftyThreadsSendingTheSameRequestAtOnce_makeOneAssignment_andFortyNineRefusals() throws Exception {
            startCore(azure);
            ExecutorService threads = Executors.newFixedThreadPool(50);
            CountDownLatch ready = new CountDownLatch(50);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Outcome>> outcomes = new ArrayList<>();
            try {
                for (int i = 0; i < 50; i++) {
                    outcomes.add(threads.submit(() -> {
                        ready.countDown();
                        go.await();
                        return core.service.handle(TestPolicies.ALICE,
                                "request Reader on sub-prod for 1h because read the payment logs");
                    }));
                }
                ready.await();
                go.countDown();
                List<Outcome> all = new ArrayList<>();
                for (Future<Outcome> f : outcomes) {
                    all.add(f.get(30, TimeUnit.SECONDS));
                }
                List<Outcome> filed = all.stream().filter(o -> o instanceof Outcome.Activating).toList();
                assertThat(filed).hasSize(1);
                assertThat(all).filteredOn(o -> o instanceof Outcome.Refused).hasSize(49)
                        .allSatisfy(o -> assertThat(((Outcome.Refused) o).refusal().reason())
                                .isEqualTo(dev.jitbot.core.domain.Refusal.Reason.WRONG_STATE));
                RequestId id = ((Outcome.Activating) filed.get(0)).request().id();
                await().atMost(Duration.ofSeconds(10)).until(() -> stored(id).state() == State.ACTIVE);
                assertThat(azure.grants).containsExactly(id);
                assertThat(core.store.findOpenFor(stored(id).principal().objectId())).hasSize(1);
            } finally {
                threads.shutdownNow();
            }
        }

        @Test
        void fiftyThreadsApprovingOneRequest_grantExactlyOnce_andScheduleOneExpiry() throws Exception {
            startCore(azure);
            Outcome requested = core.service.handle(TestPolicies.ALICE,
                    "request Contributor on rg-payments for 1h because deploy the hotfix");
            RequestId id = ((Outcome.Requested) requested).request().id();
            List<ChatUser> leads = List.of(TestPolicies.BOB, TestPolicies.CAROL, TestPolicies.DAVE);
            ExecutorService threads = Executors.newFixedThreadPool(50);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Outcome>> outcomes = new ArrayList<>();
            try {
                for (int i = 0; i < 50; i++) {
                    ChatUser who = leads.get(i % leads.size());
                    outcomes.add(threads.submit(() -> {
                        go.await();
                        return core.service.approve(who, id);
                    }));
                }
                go.countDown();
                int granted = 0;
                for (Future<Outcome> f : outcomes) {
                    if (f.get(60, TimeUnit.SECONDS) instanceof Outcome.Activating) {
                        granted++;
                    }
                }

                assertThat(granted).isEqualTo(1);
                await().atMost(Duration.ofSeconds(10)).until(() -> stored(id).state() == State.ACTIVE);
                assertThat(azure.grants).containsExactly(id);
                assertThat(stored(id).state()).isEqualTo(State.ACTIVE);
                assertThat(actions(id).stream().filter("granted"::equals)).hasSize(1);
                assertThat(core.scheduler.scheduled(id)).filteredOn(j -> j.startsWith("expire@")).singleElement().asString()
                        .isEqualTo("expire@" + stored(id).expiresAt().truncatedTo(ChronoUnit.MILLIS));
            } finally {
                threads.shutdownNow();
            }
        }
    }

    @Nested
    class Jobs {

        @Test
        void schedulingAgain_replacesTheEarlierJob() {
            core = new DurableCore(db, azure, settings(db));
            RequestId id = new RequestId("JIT-RESC");
            Instant first = Instant.parse("2030-01-01T10:00:00Z");
            Instant later = Instant.parse("2030-01-01T11:00:00Z");

            core.scheduler.scheduleExpiry(id, first);
            core.scheduler.scheduleExpiry(id, later);

            assertThat(core.scheduler.scheduled(id)).containsExactly("expire@" + later);
        }

        @Test
        void cancel_removesEveryJobOfTheRequest_andNoOtherRequests() {
            core = new DurableCore(db, azure, settings(db));
            RequestId id = new RequestId("JIT-CANC");
            RequestId other = new RequestId("JIT-KEEP");
            Instant at = Instant.parse("2030-01-01T10:00:00Z");
            core.scheduler.scheduleExpiry(id, at);
            core.scheduler.scheduleLapse(id, at);
            core.scheduler.scheduleExpiry(other, at);

            core.scheduler.cancel(id);

            assertThat(core.scheduler.scheduled(id)).isEmpty();
            assertThat(core.scheduler.scheduled(other)).containsExactly("expire@" + at);
        }

        @Test
        void isStarted_isTrueOnlyBetweenStartAndShutdown() {
            core = new DurableCore(db, azure, settings(db));
            assertThat(core.scheduler.isStarted()).isFalse();

            core.scheduler.start();
            assertThat(core.scheduler.isStarted()).isTrue();

            core.scheduler.shutdown(true);
            assertThat(core.scheduler.isStarted()).isFalse();
        }

        @Test
        void sweeper_revokesAnOverdueGrantThatHasNoJob() {
            core = new DurableCore(db, azure, settings(db).withSweepEvery(Duration.ofMillis(300)));
            core.scheduler.start();
            AccessRequest lost = RequestStoreContract.active("JIT-G0NE", Instant.now().minusSeconds(120),
                    Duration.ofSeconds(60));
            core.store.insert(lost);

            await().atMost(Duration.ofSeconds(30)).until(() -> stored(lost.id()).state() == State.ENDED);

            assertThat(azure.revokes).containsExactly(lost.id());
        }
    }

    @Nested
    class Burst {

        @Test
        void aThousandGrantsExpiringWithinAMinute_areRevokedConcurrently() {
            SlowAzure slow = new SlowAzure(azure, 50);
            startCore(slow);
            int n = 1000;
            Instant t0 = Instant.now();
            Instant firstExpiry = t0.plusSeconds(5);
            List<RequestId> ids = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                // spread over 10 s, the first 5 s from now: jobs fire while the rest are still being scheduled
                Instant expiresAt = firstExpiry.plusMillis(i * 10L);
                AccessRequest grant = RequestStoreContract.active(String.format("JIT-B%04d", i),
                        expiresAt.minus(Duration.ofHours(1)), Duration.ofHours(1));
                core.store.insert(grant);
                core.scheduler.scheduleExpiry(grant.id(), grant.expiresAt());
                ids.add(grant.id());
            }
            long prepMs = Duration.between(t0, Instant.now()).toMillis();
            Instant lastExpiry = firstExpiry.plusMillis((n - 1) * 10L);

            await().atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofMillis(250))
                    .until(() -> core.store.findByState(List.of(State.ACTIVE, State.REVOKING)).isEmpty());

            List<Long> lags = new ArrayList<>();
            Instant lastEnd = Instant.MIN;
            for (RequestId id : ids) {
                AccessRequest r = stored(id);
                assertThat(r.state()).isEqualTo(State.ENDED);
                lags.add(Duration.between(r.expiresAt(), r.endedAt()).toMillis());
                lastEnd = r.endedAt().isAfter(lastEnd) ? r.endedAt() : lastEnd;
            }
            lags.sort(null);
            System.out.printf("MEASURED %s: %d grants expiring over 10 s, provider sleeping 50 ms per call, %d Quartz "
                            + "threads: inserting+scheduling took %d ms; last revoked %d ms after the last expiry; lag "
                            + "p50 %d ms, p95 %d ms, max %d ms; at most %d revocations ran at once%n",
                    db(), n, settings(db).threads(), prepMs, Duration.between(lastExpiry, lastEnd).toMillis(),
                    lags.get(n / 2), lags.get(n * 95 / 100), lags.get(n - 1), slow.maxInFlight.get());
            assertThat(azure.revokes).hasSize(n).doesNotHaveDuplicates();
            assertThat(slow.maxInFlight.get()).as("revocations ran side by side, not behind one thread")
                    .isGreaterThan(1);
            assertThat(core.audit.verify().intact()).isTrue();
        }
    }

    String db() {
        return db.isPostgres() ? "PostgreSQL" : "H2";
    }

    /** Azure answering slowly (an ARM call takes tens of milliseconds), counting calls in flight. */
    static final class SlowAzure implements AccessProvider {
        private final RecordingAccessProvider delegate;
        private final long sleepMs;
        final AtomicInteger inFlight = new AtomicInteger();
        final AtomicInteger maxInFlight = new AtomicInteger();

        SlowAzure(RecordingAccessProvider delegate, long sleepMs) {
            this.delegate = delegate;
            this.sleepMs = sleepMs;
        }

        @Override
        public String mode() {
            return "slow-recording";
        }

        @Override
        public GrantResult grant(AccessRequest request, Instant expiresAt) {
            return delegate.grant(request, expiresAt);
        }

        @Override
        public void revoke(AccessRequest request) {
            int now = inFlight.incrementAndGet();
            maxInFlight.accumulateAndGet(now, Math::max);
            try {
                Thread.sleep(sleepMs);
                delegate.revoke(request);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            } finally {
                inFlight.decrementAndGet();
            }
        }

        @Override
        public List<ProviderAssignment> list(Collection<AzureScope> scopes) {
            return delegate.list(scopes);
        }

        @Override
        public void delete(ProviderAssignment orphan) {
            delegate.delete(orphan);
        }
    }
}
