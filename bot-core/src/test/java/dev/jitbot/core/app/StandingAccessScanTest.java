package dev.jitbot.core.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.BlastRadius;
import dev.jitbot.core.domain.KnownRoles;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.PrincipalType;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.RoleDefinition;
import dev.jitbot.core.domain.RoleRef;
import dev.jitbot.core.policy.PolicyLint;
import dev.jitbot.core.testing.MutableClock;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class StandingAccessScanTest {

    static final Instant T0 = Instant.parse("2026-11-25T14:00:00Z");
    static final String OID = "9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";
    static final AzureScope RG = TestPolicies.RG_PAYMENTS;

    static RoleDefinition known(String name) {
        return KnownRoles.named(name).orElseThrow();
    }

    static StandingAccessScan.Finding rate(String role, AzureScope scope, PrincipalType type, String description) {
        RoleDefinition d = known(role);
        AccessInventory.Holding h = new AccessInventory.Holding(scope.id() + "/providers/Microsoft.Authorization/"
                + "roleAssignments/1", new Principal(OID, type, null), new RoleRef(d.guid(), d.id()), scope,
                AccessInventory.Source.ROLE_ASSIGNMENT, description, null);
        return StandingAccessScan.rate(TestPolicies.design(), h, h.principal(), d);
    }

    @Nested
    class Risk {
        @Test
        void ownerForAUserOnASubscription_isCritical_becauseItCanChangeWhoHasAccess() {
            var f = rate("Owner", TestPolicies.SUB_PROD, PrincipalType.USER, null);
            assertThat(f.kind()).isEqualTo(StandingAccessScan.Kind.STANDING);
            assertThat(f.risk()).isEqualTo(StandingAccessScan.Risk.CRITICAL);
            assertThat(f.reasons()).contains("can change who has access", "subscription scope", "held by a user");
        }

        @Test
        void contributorOnAResourceGroup_isHigh_andCannotChangeAccess() {
            var f = rate("Contributor", RG, PrincipalType.MANAGED_IDENTITY, null);
            assertThat(f.risk()).isEqualTo(StandingAccessScan.Risk.HIGH);
            assertThat(f.reasons()).doesNotContain("can change who has access").contains("held by a managed identity");
        }

        @Test
        void readerAnywhere_isLow_andCoveredByTheRuleThatGrantsIt() {
            var f = rate("Reader", TestPolicies.SUB_PROD, PrincipalType.GROUP, null);
            assertThat(f.risk()).isEqualTo(StandingAccessScan.Risk.LOW);
            assertThat(f.coveredByRule()).isEqualTo("read production");
        }

        @Test
        void keyVaultSecretsUser_readsSecrets() {
            assertThat(BlastRadius.reachOf(known("Key Vault Secrets User")))
                    .containsExactly(BlastRadius.Reach.READS_SECRETS);
        }

        @Test
        void aJitbotTaggedAssignment_isJitbotsOwn_notStanding() {
            var f = rate("Owner", TestPolicies.SUB_PROD, PrincipalType.USER, "jitbot:JIT-7K3F expires 2030-01-01T00:00:00Z");
            assertThat(f.kind()).isEqualTo(StandingAccessScan.Kind.JITBOT);
            assertThat(f.reasons().get(0)).isEqualTo("granted by jitbot (JIT-7K3F)");
        }
    }

    @Nested
    class Suggestions {
        @Test
        void aRoleNoRuleCovers_getsItsOwnScope_aShortGrant_andApprovers() {
            var f = rate("User Access Administrator", RG, PrincipalType.USER, null);
            String yaml = String.join("", RuleSuggestions.suggest(TestPolicies.design(), List.of(f)));
            assertThat(yaml).contains("role: \"User Access Administrator\"", "scopes: [\"rg-payments\"]", "max_duration: 1h",
                    "approvers: [oncall]", "approvals: 1");
        }

        @Test
        void anOwnerARuleAlreadyCovers_isRedundant_andGetsNoNewRule() {
            var f = rate("Owner", TestPolicies.SUB_PROD, PrincipalType.USER, null);
            assertThat(f.coveredByRule()).isEqualTo("own the subscription");
            assertThat(RuleSuggestions.suggest(TestPolicies.design(), List.of(f))).isEmpty();
        }

        @Test
        void aCoveredOrReadOnlyAssignment_getsNoRule() {
            var f = rate("Reader", TestPolicies.SUB_PROD, PrincipalType.USER, null);
            assertThat(RuleSuggestions.suggest(TestPolicies.design(), List.of(f))).isEmpty();
        }
    }

    @Nested
    class Cards {
        AccessRequest owner() {
            return AccessRequest.pending(RequestId.parse("JIT-8M4G").orThrow(), TestPolicies.ALICE,
                    new Principal(OID, PrincipalType.USER, "Alice"), RoleRef.named("Owner"), TestPolicies.SUB_PROD,
                    "sub-prod", Duration.ofMinutes(30), "INC-1 outage", "INC-1", "own the subscription", 2, T0,
                    T0.plusSeconds(1800));
        }

        @Test
        void blastRadius_carriesThePolicyLintWarningsOfTheRule() {
            var radii = new BlastRadii(TestPolicies::design, null, PolicyLint::forRule, new MutableClock(T0),
                    BlastRadii.TTL);
            BlastRadius b = radii.of(owner());
            assertThat(b.line()).startsWith("can change who has access").endsWith("on a whole subscription");
            assertThat(b.warnings()).anyMatch(w -> w.contains("Owner on a whole subscription"));
        }
    }
}
