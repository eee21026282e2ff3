package dev.jitbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.store.Database;
import dev.jitbot.core.store.JdbcAuditLog;
import dev.jitbot.core.store.JdbcRequestStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jitbot serve} (the built jar) against an ARM that fails 30 % of its role-assignment PUTs and DELETEs at
 * random: 429 with {@code Retry-After}, 500, 503, a connection closed with no answer, and a 35 s stall, past the
 * ARM client's 30 s response timeout (which no setting shortens, so the stall outlasts it rather than the timeout
 * being cut; at most 8 stalls, to keep the run near 2 minutes). The PUTs and DELETEs of one assignment in 20 also
 * fail 7 times in a row, more than the Azure client's own 5 retries absorb, so the failure reaches the outbox. 200
 * one-minute grants are requested through signed Slack commands and left to expire. Every grant and every
 * revocation must complete, no grant twice, and each grant and revocation retry the outbox makes must be audited
 * once (the
 * client's own retries inside one attempt are not audit events; a 429 is a wait, not a failure).
 */
class ArmFaultsIT {

    private static final Pattern ATTEMPT = Pattern.compile("^attempt (\\d+):");

    @TempDir
    Path work;

    @Test
    void everyGrantAndRevocationCompletes_whenArmFailsThirtyPercentOfCalls() throws Exception {
        int grants = 200;
        // 30 % at random, at most 8 of them stalls (each costs the client's 30 s timeout, and the run its 2-minute
        // budget); and the DELETEs of one assignment in 20 fail 7 times in a row, past the client's own 5 retries,
        // so the outbox retries them and audits each retry; their PUTs do the same.
        BenchArm.Faults faults = new BenchArm.Faults(0.30, Duration.ofSeconds(35), 8, 20, 7, 14);
        String h2;
        List<FireBench.Sent> sent;
        List<BenchArm.Assignment> made = new ArrayList<>();
        Map<BenchArm.Fault, Long> injected;
        long start = System.nanoTime();
        try (FireBench.Rig rig = new FireBench.Rig(work, BenchArm.Throttle.NONE, BenchArm.Throttle.NONE,
                Duration.ZERO, faults, JarProcess.jar().toAbsolutePath().toString())) {
            h2 = rig.h2Url();
            BurstBench.Serve serve = rig.start("serve", null);
            sent = rig.file(List.of(serve), grants, 0, FireBench.SUB, "fault", Duration.ofMinutes(1), 10);
            assertThat(sent).as("every request is acked as granting").allMatch(FireBench.Sent::accepted);
            boolean done = rig.await(() -> rig.revoked(sent) >= grants, Duration.ofMinutes(4));
            for (FireBench.Sent x : sent) {
                BenchArm.Assignment a = rig.arm.find(FireBench.key(x.principal(), x.scope()));
                if (a != null) {
                    made.add(a);
                }
            }
            injected = rig.arm.faults();
            System.out.printf("arm faults: %d grants made, %d revoked in %d s; faults injected %s%n", made.size(),
                    made.stream().filter(a -> a.deleted != null).count(),
                    Duration.ofNanos(System.nanoTime() - start).toSeconds(), injected);
            assertThat(done).as("every grant made and revoked within 4 minutes; serve's last lines:\n"
                    + serve.tail()).isTrue();
        }
        assertThat(injected.values().stream().mapToLong(Long::longValue).sum()).as("faults were injected")
                .isGreaterThan(50);
        assertThat(injected.values()).as("each kind of fault happened").allMatch(n -> n > 0);
        assertThat(made).as("one assignment per request").hasSize(grants);
        assertThat(made).as("nobody granted twice: a failed PUT changed nothing, so one got through for each")
                .allMatch(a -> a.puts.get() == 1);

        try (Database db = Database.open(h2, null, null)) {
            JdbcRequestStore store = new JdbcRequestStore(db);
            JdbcAuditLog audit = new JdbcAuditLog(db);
            List<AccessRequest> requests = store.findByState(List.of(State.values()));
            assertThat(requests).hasSize(grants + 0);
            int retriesAudited = 0;
            int grantRetriesAudited = 0;
            for (AccessRequest r : requests) {
                assertThat(r.state()).as(r.id() + " ended").isEqualTo(State.ENDED);
                List<AuditEvent> events = audit.forRequest(r.id());
                assertThat(events.stream().filter(e -> e.action().equals("granted")).count())
                        .as(r.id() + " granted once in the audit trail").isEqualTo(1);
                assertThat(events.stream().filter(e -> e.action().equals("revoked")).count())
                        .as(r.id() + " revoked once in the audit trail").isEqualTo(1);
                List<Integer> grantAttempts = auditedAttempts(r, events, "grant-failed");
                grantRetriesAudited += grantAttempts.size();
                List<Integer> attempts = auditedAttempts(r, events, "revoke-failed");
                assertThat(r.revokeAttempts()).as(r.id() + ": as many audited as counted")
                        .isEqualTo(attempts.size());
                retriesAudited += attempts.size();
            }
            assertThat(grantRetriesAudited).as("the outbox retried some grants (the 7-failure streaks)")
                    .isGreaterThan(0);
            assertThat(retriesAudited).as("the outbox retried some revocations (the 7-failure streaks)")
                    .isGreaterThan(0);
            assertThat(audit.verify().intact()).as("the audit chain is intact").isTrue();
            System.out.printf("arm faults: %d grant and %d revocation retries audited, each once%n",
                    grantRetriesAudited, retriesAudited);
        }
    }

    /** The attempt numbers of {@code action}'s events, which must run 1, 2, 3 … : each retry audited once. */
    private static List<Integer> auditedAttempts(AccessRequest r, List<AuditEvent> events, String action) {
        List<Integer> attempts = new ArrayList<>();
        for (AuditEvent e : events) {
            if (e.action().equals(action)) {
                Matcher m = ATTEMPT.matcher(e.details());
                assertThat(m.find()).as(action + " names its attempt: " + e.details()).isTrue();
                attempts.add(Integer.parseInt(m.group(1)));
            }
        }
        List<Integer> once = new ArrayList<>();
        for (int i = 1; i <= attempts.size(); i++) {
            once.add(i);
        }
        assertThat(attempts).as(r.id() + ": each failed " + action + " attempt audited once, in order")
                .isEqualTo(once);
        return attempts;
    }
}
