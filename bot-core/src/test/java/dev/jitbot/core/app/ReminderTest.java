package dev.jitbot.core.app;

import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.testing.CoreHarness;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The DM {@code remind_before} a grant ends, written with the grant and re-written with each extension. */
class ReminderTest {

    private final CoreHarness h = new CoreHarness();

    private RequestId activeContributor(String duration) {
        Outcome o = h.service.handle(ALICE, "request Contributor on rg-payments for " + duration + " because INC-1 fix");
        RequestId id = ((Outcome.Requested) o).request().id();
        h.service.approve(BOB, id);
        return id;
    }

    private java.util.List<String> reminders() {
        return h.slack.to("remind:U0ALICE");
    }

    @Test
    void reminder_arrivesTenMinutesBeforeExpiryAndNotBefore() {
        RequestId id = activeContributor("45m");
        AccessRequest r = h.store.find(id).orElseThrow();

        h.advance(Duration.ofMinutes(34).plusSeconds(59));
        assertThat(reminders()).isEmpty();
        h.advance(Duration.ofSeconds(1));

        assertThat(reminders()).singleElement().asString()
                .isEqualTo("Contributor on rg-payments (" + id + ") ends at " + Phrases.time(r.expiresAt())
                        + ". Extend it by 30 min, or release it now if you are done.");
    }

    @Test
    void reminder_forAGrantReleasedMeanwhile_isNotSent() {
        RequestId id = activeContributor("45m");
        h.service.release(ALICE, id);

        h.advance(Duration.ofMinutes(40));

        assertThat(reminders()).isEmpty();
        // The release's own DM was not held up behind the reminder waiting in the outbox.
        assertThat(h.slack.to("dm:U0ALICE")).anySatisfy(t -> assertThat(t).contains("revoked"));
    }

    @Test
    void reminder_afterAnExtension_comesBeforeTheNewEndOnly() {
        RequestId id = activeContributor("30m");
        h.advance(Duration.ofMinutes(5));
        h.service.extend(ALICE, id, Duration.ofMinutes(30), "still fixing");
        h.service.approve(BOB, id);
        AccessRequest extended = h.store.find(id).orElseThrow();

        h.advance(Duration.ofMinutes(20));
        assertThat(reminders()).as("the reminder of the old end").isEmpty();
        h.advance(Duration.ofMinutes(25));

        assertThat(reminders()).singleElement().asString().contains("ends at " + Phrases.time(extended.expiresAt()));
    }

    @Test
    void reminder_whenRemindBeforeIsOff_isNeverSent() {
        Policy p = h.policy.get();
        h.policy.set(new Policy(p.defaults(), p.scopeAliases(), p.groups(), p.channels(), p.oncallGroup(), p.rules(),
                p.principals(), p.users(), null, Duration.ZERO));
        activeContributor("45m");

        h.advance(Duration.ofMinutes(50));

        assertThat(reminders()).isEmpty();
    }
}
