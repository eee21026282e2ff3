package dev.jitbot.core.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ValuesTest {

    private static final String SUB = "/subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6";

    @Nested
    class Scopes {

        @Test
        void parse_normalisesKeywordCaseAndTrailingSlashes() {
            AzureScope s = AzureScope.parse("/SUBSCRIPTIONS/5F0C6A4E-1B2C-4D3E-8F90-A1B2C3D4E5F6/resourcegroups/rg-payments/")
                    .orThrow();
            assertThat(s.id()).isEqualTo(SUB + "/resourceGroups/rg-payments");
            assertThat(s.kind()).isEqualTo(ScopeKind.RESOURCE_GROUP);
        }

        @Test
        void parse_knowsEveryKind() {
            assertThat(AzureScope.parse(SUB).orThrow().kind()).isEqualTo(ScopeKind.SUBSCRIPTION);
            assertThat(AzureScope.parse(SUB + "/resourceGroups/rg/providers/Microsoft.KeyVault/vaults/kv").orThrow().kind())
                    .isEqualTo(ScopeKind.RESOURCE);
            assertThat(AzureScope.parse("/providers/microsoft.management/managementgroups/platform").orThrow().id())
                    .isEqualTo("/providers/Microsoft.Management/managementGroups/platform");
        }

        @Test
        void parse_refusesWithAReasonAndAnExample() {
            assertThat(AzureScope.parse("rg-payments").reason()).contains("starts with `/subscriptions/");
            assertThat(AzureScope.parse("/subscriptions/abc").reason()).contains("GUID");
            assertThat(AzureScope.parse(SUB + "/resourceGroups").reason()).contains("/resourceGroups/<name>");
            assertThat(AzureScope.parse(SUB + "/resourceGroups/rg/providers/Microsoft.Web").reason())
                    .contains("<namespace>/<type>/<name>");
            assertThat(AzureScope.parse("/").reason()).contains("root scope");
        }

        @Test
        void isWithin_comparesWholeSegmentsIgnoringCase() {
            AzureScope rg = new AzureScope(SUB + "/resourceGroups/rg-pay");
            assertThat(rg.isWithin(new AzureScope(SUB.toUpperCase().replace("SUBSCRIPTIONS", "subscriptions")))).isTrue();
            assertThat(new AzureScope(SUB + "/resourceGroups/rg-payments").isWithin(rg)).isFalse();
        }

        @Test
        void pattern_wildcardCoversOneSegmentAndEverythingBelow() {
            ScopePattern p = new ScopePattern(SUB + "/resourceGroups/*");
            assertThat(p.covers(new AzureScope(SUB + "/resourceGroups/anything"))).isTrue();
            assertThat(p.covers(new AzureScope(SUB + "/resourceGroups/rg/providers/Microsoft.Web/sites/app"))).isTrue();
            assertThat(p.covers(new AzureScope(SUB))).isFalse();
            assertThat(p.kind()).isEqualTo(ScopeKind.RESOURCE_GROUP);
        }
    }

    @Nested
    class Durations_ {

        @Test
        void parse_acceptsTheFormsPeopleType() {
            assertThat(Durations.parse("45m").orThrow()).isEqualTo(Duration.ofMinutes(45));
            assertThat(Durations.parse("2h").orThrow()).isEqualTo(Duration.ofHours(2));
            assertThat(Durations.parse("1h30m").orThrow()).isEqualTo(Duration.ofMinutes(90));
            assertThat(Durations.parse("PT1H").orThrow()).isEqualTo(Duration.ofHours(1));
            assertThat(Durations.parse("20s").orThrow()).isEqualTo(Duration.ofSeconds(20));
            assertThat(Durations.parse("1 hour 15 minutes").orThrow()).isEqualTo(Duration.ofMinutes(75));
        }

        @Test
        void parse_refusesZeroNegativeAndNonsense() {
            assertThat(Durations.parse("0m").reason()).contains("positive");
            assertThat(Durations.parse("soon").reason()).contains("`45m`");
            assertThat(Durations.parse("PT-1H").reason()).contains("positive");
        }

        @Test
        void format_isShortAndCompactRoundTrips() {
            assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1 h 30 min");
            assertThat(Durations.format(Duration.ofSeconds(20))).isEqualTo("20 s");
            assertThat(Durations.parse(Durations.compact(Duration.ofMinutes(90))).orThrow()).isEqualTo(Duration.ofMinutes(90));
        }
    }

    @Nested
    class Owners {

        private final Policy.NonHuman pipeline = new Policy.NonHuman("deploy-pipeline",
                new Principal("3a7f5c1e-2b4d-4e6f-8a9b-0c1d2e3f4a5b", PrincipalType.SERVICE_PRINCIPAL, "deploy"),
                java.util.Set.of("slack:U024BE7LH", "9B8A7C6D-5E4F-4A3B-9C2D-1E0F9A8B7C6D"));

        @Test
        void ownedBy_matchesAnOwnerListedByChatKey_asTheChatPlatformSpellsIt() {
            assertThat(pipeline.ownedBy(new ChatUser(Platform.SLACK, "U024BE7LH", "Alice", null))).isTrue();
            assertThat(pipeline.ownedBy(new ChatUser(Platform.SLACK, "U0OTHER", "Mallory", null))).isFalse();
        }

        @Test
        void ownedBy_matchesAnOwnerListedByEntraObjectId() {
            assertThat(pipeline.ownedBy(new ChatUser(Platform.TEAMS, "29:1abc", "Alice", null,
                    "9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"))).isTrue();
        }
    }

    @Nested
    class Ids {

        @Test
        void random_isTypableAndParsesBack() {
            RequestId id = RequestId.random(new Random(1), 4);
            assertThat(id.value()).matches("JIT-[0-9A-Z]{4}");
            assertThat(RequestId.parse(id.value().toLowerCase()).orThrow()).isEqualTo(id);
        }

        @Test
        void constructor_rejectsMalformedIds() {
            assertThatThrownBy(() -> new RequestId("JIT-12")).hasMessageContaining("JIT-7K3F");
        }
    }

    @Nested
    class Lifecycle {

        @Test
        void finalStates_goNowhere() {
            for (State s : new State[] {State.ENDED, State.DENIED, State.CANCELLED, State.LAPSED, State.FAILED}) {
                assertThat(s.isFinal()).isTrue();
            }
        }

        @Test
        void pending_cannotJumpToActive() {
            assertThat(State.PENDING.canMoveTo(State.ACTIVE)).isFalse();
            assertThat(State.ENDED.canMoveTo(State.ACTIVE)).isFalse();
            assertThat(State.REVOKING.canMoveTo(State.ENDED)).isTrue();
        }
    }
}
