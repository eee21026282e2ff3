package dev.jitbot.core.app;

import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.Command;
import dev.jitbot.core.domain.Refusal;
import dev.jitbot.core.testing.CoreHarness;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link AccessService#check}: the request's own checks as a dry run, each refusal naming the field it is about. */
class AccessCheckTest {

    private final CoreHarness h = new CoreHarness();

    private List<Refusal> check(String role, String scope, String duration, String why, String ticket) {
        return h.service.check(BOB, new Command.Request(role, scope,
                dev.jitbot.core.domain.Durations.parse(duration).orThrow(), why, ticket, null));
    }

    @Test
    void aRequestThatWouldBeFiled_hasNoRefusals_andNothingIsWritten() {
        assertThat(check("Owner", "sub-prod", "30m", "INC-77 outage", null)).isEmpty();

        assertThat(h.store.findOpenFor(dev.jitbot.core.testing.FakeDirectory.objectIdOf("bob@contoso.com"))).isEmpty();
        assertThat(h.memoryAudit.all()).isEmpty();
        assertThat(h.provider.grants).isEmpty();
    }

    @Test
    void eachRefusal_namesItsField() {
        assertThat(check("Owner", "sub-prod", "2h", "INC-77 outage", null)).singleElement()
                .satisfies(r -> assertThat(r.field()).isEqualTo(Refusal.Field.DURATION));
        assertThat(check("Owner", "sub-prod", "30m", "outage", "CHG-1")).singleElement()
                .satisfies(r -> assertThat(r.field()).isEqualTo(Refusal.Field.TICKET));
        assertThat(check("Owner", "sub-prod", "30m", " ", null)).singleElement()
                .satisfies(r -> assertThat(r.field()).isEqualTo(Refusal.Field.JUSTIFICATION));
        assertThat(check("Owner", "rg-nowhere", "30m", "INC-77", null)).singleElement()
                .satisfies(r -> assertThat(r.field()).isEqualTo(Refusal.Field.SCOPE));
        assertThat(check("Wizard", "sub-prod", "30m", "INC-77", null)).singleElement()
                .satisfies(r -> assertThat(r.field()).isEqualTo(Refusal.Field.ROLE));
    }

    @Test
    void whatCheckRefuses_requestRefusesTheSameWay() {
        Command.Request typed = new Command.Request("Owner", "sub-prod", Duration.ofHours(2), "INC-77 outage", null, null);

        Refusal dry = h.service.check(ALICE, typed).get(0);
        Refusal real = ((dev.jitbot.core.domain.Outcome.Refused) h.service.request(ALICE, typed)).refusal();

        assertThat(real).isEqualTo(dry);
    }
}
