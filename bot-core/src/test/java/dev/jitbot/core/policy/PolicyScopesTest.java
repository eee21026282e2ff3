package dev.jitbot.core.policy;

import static dev.jitbot.core.policy.PolicyLoaderTest.GOOD_RULE;
import static dev.jitbot.core.policy.PolicyLoaderTest.onlyError;
import static dev.jitbot.core.policy.PolicyLoaderTest.withRule;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.Policy;
import org.junit.jupiter.api.Test;

/** Issue 15, finding 1 at load time: aliases and rule patterns that are not canonical scopes stop the policy. */
class PolicyScopesTest {

    static final String SUB = "/subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6";

    @Test
    void load_anAliasWithDotSegments_isAnErrorOnItsLine() {
        String yaml = withRule(GOOD_RULE).replace("rg-payments: " + SUB + "/resourceGroups/rg-payments",
                "rg-payments: " + SUB + "/resourceGroups/rg-payments\n  sneaky: " + SUB + "/resourceGroups/rg-a/../..");
        Finding e = onlyError(yaml);
        assertThat(e.line()).isEqualTo(3);
        assertThat(e.message()).contains("alias `sneaky`").contains("`..`");
    }

    @Test
    void load_anAliasWithPercentEncoding_isAnErrorOnItsLine() {
        String yaml = withRule(GOOD_RULE).replace("/resourceGroups/rg-payments", "/resourceGroups/rg-payments/%2e%2e");
        Finding e = onlyError(yaml);
        assertThat(e.line()).isEqualTo(2);
        assertThat(e.message()).contains("percent-encoded");
    }

    @Test
    void load_aRuleScopePatternWithDots_isAnErrorOnItsLine() {
        String yaml = withRule(GOOD_RULE.replace("scopes: [rg-payments]",
                "scopes: [rg-payments, \"/subscriptions/*/resourceGroups/*/./..\"]"));
        Finding e = onlyError(yaml);
        assertThat(e.line()).isEqualTo(13);
        assertThat(e.message()).contains("rule \"operate payments\"").contains("/subscriptions/*/resourceGroups/*/./..");
    }

    @Test
    void load_aRuleScopePatternInOddCase_isKeptInCanonicalForm() {
        PolicyLoader.Result r = PolicyLoader.parse(withRule(GOOD_RULE.replace("scopes: [rg-payments]",
                "scopes: [\"/SUBSCRIPTIONS/5F0C6A4E-1B2C-4D3E-8F90-A1B2C3D4E5F6/resourcegroups/*\"]")), "policy.yaml");
        Policy.Rule rule = r.file().policy().rules().get(0);
        assertThat(rule.scopes()).singleElement().satisfies(p -> assertThat(p.pattern())
                .isEqualTo(SUB + "/resourceGroups/*"));
    }
}
