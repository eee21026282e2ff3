package dev.jitbot.core.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Refusal.Reason;
import dev.jitbot.core.domain.RoleRef;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** {@link Rules#choose}: which of the rules a person is eligible under a request is filed under, from policy alone. */
class RulesTest {

    private static Policy.Rule rule(String name, int approvals, Duration max, String ticket) {
        return new Policy.Rule(name, new RoleRef("Contributor", null), List.of(), List.of("devs"), List.of("leads"),
                approvals, max, Duration.ofHours(1), ticket == null ? null : Pattern.compile(ticket), List.of(),
                List.of(), 0);
    }

    @Test
    void choose_withSeveralRulesThatAllow_takesTheFewestApprovalsThenTheLongestMaximum() {
        Policy.Rule strict = rule("two leads", 2, Duration.ofHours(8), null);
        Policy.Rule shortOne = rule("one lead, short", 1, Duration.ofHours(1), null);
        Policy.Rule longOne = rule("one lead, long", 1, Duration.ofHours(4), null);

        Rules.Choice c = Rules.choose(List.of(strict, shortOne, longOne), "Contributor", "rg-payments",
                Duration.ofMinutes(30), null, "hotfix");

        assertThat(c).isEqualTo(new Rules.Choice.Chosen(longOne, null));
    }

    @Test
    void choose_whenTheLenientRuleIsTooShort_fallsBackToAStricterRuleThatAllowsTheDuration() {
        Policy.Rule lenient = rule("one lead", 1, Duration.ofHours(1), null);
        Policy.Rule strict = rule("two leads", 2, Duration.ofHours(8), null);

        Rules.Choice c = Rules.choose(List.of(lenient, strict), "Contributor", "rg-payments", Duration.ofHours(3),
                null, "hotfix");

        assertThat(c).isEqualTo(new Rules.Choice.Chosen(strict, null));
    }

    @Test
    void choose_whenTheRuleNeedsATicketAndNoneIsTyped_takesTheOneInTheJustification() {
        Policy.Rule r = rule("ticketed", 1, Duration.ofHours(2), "INC-\\d+");

        Rules.Choice c = Rules.choose(List.of(r), "Contributor", "rg-payments", Duration.ofHours(1), null,
                "INC-4411 hotfix");

        assertThat(c).isEqualTo(new Rules.Choice.Chosen(r, "INC-4411"));
    }

    @Test
    void choose_whenNoRuleTakesTheRequest_refusesAboutTheFirstRuleTriedWithAnExampleTicket() {
        Policy.Rule ticketed = rule("ticketed", 1, Duration.ofHours(2), "INC-\\d+");
        Policy.Rule strict = rule("two leads", 2, Duration.ofMinutes(30), null);

        Rules.Choice c = Rules.choose(List.of(strict, ticketed), "Contributor", "rg-payments", Duration.ofHours(1),
                null, "hotfix");

        assertThat(c).isInstanceOfSatisfying(Rules.Choice.None.class, none -> {
            assertThat(none.refusal().refusal().reason()).isEqualTo(Reason.TICKET_REQUIRED);
            assertThat(none.refusal().message()).isEqualTo("Contributor on rg-payments needs a ticket id matching "
                    + "`INC-\\d+`: add e.g. `ticket INC-1234` to your request.");
        });
    }

    @Test
    void rules_arePureFunctionsOfThePolicy_takingNoStoreOutboxClockOrDirectory() {
        List<Class<?>> world = List.of(RequestStore.class, Outbox.class, AuditLog.class, Clock.class,
                Directory.class, Membership.class, OnCall.class, Transition.class);

        assertThat(Rules.class.getDeclaredFields()).allMatch(f -> Modifier.isStatic(f.getModifiers()));
        for (Method m : Rules.class.getDeclaredMethods()) {
            assertThat(Modifier.isStatic(m.getModifiers())).as(m.getName() + " is static").isTrue();
            assertThat(Arrays.asList(m.getParameterTypes())).as(m.getName() + "'s parameters")
                    .doesNotContainAnyElementsOf(world);
        }
    }
}
