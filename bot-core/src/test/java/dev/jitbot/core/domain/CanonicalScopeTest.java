package dev.jitbot.core.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Issue 15, finding 1: a scope is ARM's canonical id or it is refused, so no policy check can be walked around. */
class CanonicalScopeTest {

    static final String SUB = "/subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6";
    static final String SUB2 = "/subscriptions/0b7e4c1d-9a2f-4e3b-8c5d-6f1a2b3c4d5e";
    static final String SA = SUB2 + "/resourceGroups/rg-a/providers/Microsoft.Storage/storageAccounts/sa1";

    @Nested
    class DotSegments {

        @Test
        void parse_theEscalationFromTheIssue_isRefusedNamingTheDotStep() {
            Parsed<AzureScope> p = AzureScope.parse(SA + "/../../../../../../../.." + SUB);
            assertThat(p.isOk()).isFalse();
            assertThat(p.reason()).contains("`..`").contains("without `.` or `..` steps").contains(AzureScope.EXAMPLE);
        }

        @ParameterizedTest
        @ValueSource(strings = {
                SUB2 + "/resourceGroups/rg-a/..",
                SUB2 + "/resourceGroups/rg-a/./providers/Microsoft.Storage/storageAccounts/sa1",
                SUB2 + "/resourceGroups/rg-a/providers/Microsoft.Storage/storageAccounts/...",
                SUB2 + "/resourceGroups/rg-a/providers/Microsoft.Storage/storageAccounts/....",
                SUB2 + "/./resourceGroups/rg-a",
                "/providers/Microsoft.Management/managementGroups/.."})
        void parse_anySegmentMadeOfDots_isRefused(String scope) {
            assertThat(AzureScope.parse(scope).reason()).contains("without `.` or `..` steps");
        }

        @ParameterizedTest
        @ValueSource(strings = {
                SA + "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e" + SUB,
                SA + "/%2E%2E",
                SA + "/sa%2fx",
                SA + "%00"})
        void parse_percentEncoding_isRefused(String scope) {
            assertThat(AzureScope.parse(scope).reason()).contains("contains `%`").contains("not percent-encoded");
        }

        @Test
        void parse_climbingFromAResourceGroupToAManagementGroup_isRefused() {
            String climb = SUB2 + "/resourceGroups/rg-a/../../../providers/Microsoft.Management/managementGroups/root";
            assertThat(AzureScope.parse(climb).isOk()).isFalse();
            // Spelled as a resource, it is one: a name inside the resource group, never the management group itself.
            AzureScope inside = AzureScope.parse(SUB2 + "/resourceGroups/rg-a/providers/Microsoft.Management/"
                    + "managementGroups/root").orThrow();
            assertThat(inside.kind()).isEqualTo(ScopeKind.RESOURCE);
            assertThat(inside.isWithin(new AzureScope(SUB2 + "/resourceGroups/rg-a"))).isTrue();
        }

        @Test
        void parse_lookAlikeDotsAndBackslashes_areRefused() {
            assertThat(AzureScope.parse(SA + "/\uFF0E\uFF0E").reason()).contains("plain ASCII");
            assertThat(AzureScope.parse(SA + "\\..\\..").reason()).contains("`\\`");
            assertThat(AzureScope.parse("/\u017Fubscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6").reason())
                    .contains("plain ASCII");
        }

        @Test
        void constructor_refusesWhatParseRefuses_soNoDotSegmentReachesTheStoreOrArm() {
            assertThatThrownBy(() -> new AzureScope(SA + "/../../../../../../../.." + SUB))
                    .isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Nested
    class Grammar {

        @Test
        void parse_resourceNamesEndingInADot_areRefused() {
            assertThat(AzureScope.parse(SA + ".").reason()).contains("not ending in `.`");
            assertThat(AzureScope.parse(SUB + "/resourceGroups/rg.").reason()).contains("not ending in `.`");
        }

        @Test
        void parse_emptySegmentsSpacesAndControlCharacters_areRefused() {
            assertThat(AzureScope.parse(SUB + "//resourceGroups/rg").reason()).contains("empty part");
            assertThat(AzureScope.parse(SUB + "/resourceGroups/rg a").reason()).contains("space or control");
            assertThat(AzureScope.parse(SUB + "/resourceGroups/rg\u0000").reason()).contains("space or control");
            assertThat(AzureScope.parse(SUB + "/resourceGroups/rg\u001b[31m").reason()).contains("space or control");
        }

        @Test
        void parse_nestedTypesComeInPairs() {
            assertThat(AzureScope.parse(SA + "/blobServices/default/containers/logs").orThrow().kind())
                    .isEqualTo(ScopeKind.RESOURCE);
            assertThat(AzureScope.parse(SA + "/blobServices").reason()).contains("`/<type>/<name>` pairs");
            assertThat(AzureScope.parse(SA + "/blob-services/default").reason()).contains("not a resource type");
        }

        @Test
        void parse_resourceGroupNamesFollowArmsCharacterSet() {
            assertThat(AzureScope.parse(SUB + "/resourceGroups/rg_(payments).eu-1").isOk()).isTrue();
            assertThat(AzureScope.parse(SUB + "/resourceGroups/" + "r".repeat(90)).isOk()).isTrue();
            assertThat(AzureScope.parse(SUB + "/resourceGroups/" + "r".repeat(91)).reason()).contains("1 to 90");
            assertThat(AzureScope.parse(SUB + "/resourceGroups/rg*").reason()).contains("resource group name");
        }

        @Test
        void parse_tooLong_isRefusedWithoutEchoingIt() {
            String huge = SA + "/x".repeat(3000);
            String reason = AzureScope.parse(huge).reason();
            assertThat(reason).contains("at most 2000").hasSizeLessThan(300);
        }

        @Test
        void parse_givesTheCanonicalForm_whichParsesToItself() {
            AzureScope s = AzureScope.parse(SUB.toUpperCase().replace("SUBSCRIPTIONS", "Subscriptions")
                    + "/RESOURCEGROUPS/rg-a/PROVIDERS/Microsoft.Storage/storageAccounts/sa1/").orThrow();
            assertThat(s.id()).isEqualTo(SUB + "/resourceGroups/rg-a/providers/Microsoft.Storage/storageAccounts/sa1");
            assertThat(AzureScope.parse(s.id()).orThrow().id()).isEqualTo(s.id());
        }
    }

    @Nested
    class Patterns {

        @Test
        void pattern_isKeptInCanonicalForm() {
            ScopePattern p = ScopePattern.parse(SUB.toUpperCase().replace("SUBSCRIPTIONS", "subscriptions")
                    + "/resourcegroups/*").orThrow();
            assertThat(p.pattern()).isEqualTo(SUB + "/resourceGroups/*");
        }

        @Test
        void pattern_withDotSegments_isRefused() {
            assertThat(ScopePattern.parse(SUB + "/resourceGroups/*/..").reason()).contains("`..`");
            assertThat(ScopePattern.parse("/subscriptions/*/resourceGroups/%2e%2e").reason()).contains("`%`");
        }

        @Test
        void pattern_errorsShowTheWildcardNotItsStandIn() {
            assertThat(ScopePattern.parse("/subscriptions/*/resourceGroups/rg-a/..").reason())
                    .contains("/subscriptions/*/resourceGroups/rg-a/..").doesNotContain("00000000");
        }

        @Test
        void covers_cannotBeFooledByCase() {
            ScopePattern p = new ScopePattern(SUB2 + "/resourceGroups/*");
            assertThat(p.covers(AzureScope.parse(SUB2.toUpperCase().replace("SUBSCRIPTIONS", "subscriptions")
                    + "/RESOURCEGROUPS/RG-A").orThrow())).isTrue();
            assertThat(p.covers(AzureScope.parse(SUB).orThrow())).isFalse();
        }
    }
}
