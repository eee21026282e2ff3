package dev.jitbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.BreakGlass;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.RequestStoreContract;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** What {@code jitbot audit breakglass} counts as overdue (its exit code 1) and how far back it reads. */
class BreakGlassAuditTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    static AccessRequest breakGlass() {
        return RequestStoreContract.pending("JIT-BG01", TestPolicies.ALICE, T0).withBreakGlass(BreakGlass.UNREVIEWED)
                .to(State.ACTIVATING);
    }

    @Test
    void unreviewed_isOverdueOnlyAfter24h() {
        assertThat(BreakGlassAudit.overdue(breakGlass(), T0.plus(Duration.ofHours(23)))).isFalse();
        assertThat(BreakGlassAudit.overdue(breakGlass(), T0.plus(Duration.ofHours(24)).plusSeconds(1))).isTrue();
    }

    @Test
    void reviewed_isNeverOverdue() {
        AccessRequest reviewed = breakGlass().withBreakGlass(BreakGlass.reviewedBy(TestPolicies.CAROL,
                T0.plus(Duration.ofDays(3)), "late but fine"));
        assertThat(BreakGlassAudit.overdue(reviewed, T0.plus(Duration.ofDays(5)))).isFalse();
    }

    @Test
    void since_readsDaysAndJitbotDurations_andRefusesTheRest() {
        assertThat(BreakGlassAudit.back("30d")).isEqualTo(Duration.ofDays(30));
        assertThat(BreakGlassAudit.back("24h")).isEqualTo(Duration.ofHours(24));
        assertThat(BreakGlassAudit.back("last week")).isNull();
    }
}
