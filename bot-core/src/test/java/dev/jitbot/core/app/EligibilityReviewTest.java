package dev.jitbot.core.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.EndReason;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.PrincipalType;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.RoleRef;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.InMemoryRequestStore;
import dev.jitbot.core.testing.MutableClock;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class EligibilityReviewTest {

    static final Instant NOW = Instant.parse("2026-11-25T14:00:00Z");
    static final ChatUser CAROL = new ChatUser(Platform.SLACK, "U0CAROL", "Carol", "carol@contoso.com");
    final InMemoryRequestStore store = new InMemoryRequestStore();
    int n;

    void used(ChatUser who, String role, AzureScope scope, String rule, Duration length, Duration usedFor,
              EndReason end, Instant at) {
        RequestId id = new RequestId("JIT-" + "ABCDEFGH".charAt(n++) + "000");
        AccessRequest r = AccessRequest.pending(id, who, new Principal("9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
                        PrincipalType.USER, who.displayName()), RoleRef.named(role), scope, scope.id(), length,
                "work", null, rule, 0, at, at.plusSeconds(600))
                .to(State.ACTIVATING).to(State.ACTIVE).withActivation(at, "a").to(State.REVOKING).to(State.ENDED)
                .withEnd(at.plus(usedFor), end, who, null);
        store.insert(r);
    }

    @Test
    void review_listsExactlyTheCombinationsNobodyAskedFor_theUnusedRule_andTheOversizedOne() {
        Instant recent = NOW.minus(Duration.ofDays(10));
        AzureScope rg = TestPolicies.RG_PAYMENTS;
        used(TestPolicies.ALICE, "Reader", TestPolicies.SUB_PROD, "read production", Duration.ofHours(8),
                Duration.ofMinutes(10), EndReason.RELEASED, recent);
        used(TestPolicies.BOB, "Reader", rg, "read production", Duration.ofHours(8), Duration.ofMinutes(20),
                EndReason.RELEASED, recent);
        used(TestPolicies.ALICE, "Contributor", rg, "operate payments", Duration.ofHours(2), Duration.ofHours(2),
                EndReason.EXPIRED, recent);
        // Before the window: does not count as use.
        used(CAROL, "Owner", TestPolicies.SUB_PROD, "own the subscription", Duration.ofMinutes(30),
                Duration.ofMinutes(30), EndReason.EXPIRED, NOW.minus(Duration.ofDays(200)));

        EligibilityReview.Report report = new EligibilityReview(TestPolicies::design, store, new MutableClock(NOW))
                .run(Duration.ofDays(90));

        String rgs = "/subscriptions/" + TestPolicies.SUB + "/resourceGroups/*";
        assertThat(report.unused()).extracting(u -> u.rule() + "|" + u.requester() + "|" + u.scope())
                .containsExactlyInAnyOrder(
                        "read production|alice@contoso.com|" + rgs,
                        "read production|bob@contoso.com|sub-prod",
                        "read production|carol@contoso.com|sub-prod", "read production|carol@contoso.com|" + rgs,
                        "read production|dave@contoso.com|sub-prod", "read production|dave@contoso.com|" + rgs,
                        "operate payments|bob@contoso.com|rg-payments", "operate payments|carol@contoso.com|rg-payments",
                        "operate payments|dave@contoso.com|rg-payments",
                        "own the subscription|bob@contoso.com|sub-prod", "own the subscription|carol@contoso.com|sub-prod",
                        "own the subscription|dave@contoso.com|sub-prod");
        assertThat(report.unusedRules()).extracting(EligibilityReview.UnusedRule::rule)
                .containsExactly("own the subscription");
        assertThat(report.oversized()).singleElement().satisfies(o -> {
            assertThat(o.rule()).isEqualTo("read production");
            assertThat(o.suggested()).isEqualTo(Duration.ofMinutes(30));
        });
        assertThat(EligibilityReview.lines(report, "policy.yaml"))
                .anyMatch(l -> l.contains("policy.yaml:26") && l.contains("own the subscription"))
                .anyMatch(l -> l.contains("max_duration: 30m"));
    }
}
