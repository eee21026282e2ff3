package dev.jitbot.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.Policy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code oncall_source:}, a rule's {@code auto_approve_if} and {@code remind_before:} as policy.yaml spells them. */
class OnCallPolicyTest {

    private static String policy(String top, String ruleExtra) {
        return top + """
                scopes:
                  rg-payments: /subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6/resourceGroups/rg-payments
                groups:
                  engineers: { members: [alice@contoso.com, bob@contoso.com] }
                  leads: { members: [bob@contoso.com, carol@contoso.com] }
                  oncall: { members: [carol@contoso.com] }
                rules:
                  - name: operate payments
                    role: Contributor
                    scopes: [rg-payments]
                    requesters: [engineers]
                    approvers: [leads]
                    max_duration: 2h
                """ + ruleExtra;
    }

    private static PolicyLoader.Result load(String yaml) {
        return PolicyLoader.parse(yaml, "policy.yaml");
    }

    private static final String PAGERDUTY = "oncall_source: { provider: pagerduty, schedules: [PI7DH85] }\n";

    @Test
    void oncallSource_withScalarCondition_capsAtTheRuleMaximumAndReadsTheDefaultKeyVariable() {
        PolicyLoader.Result r = load(policy(PAGERDUTY, "    auto_approve_if: oncall\n"));

        assertThat(r.isOk()).as(r.report()).isTrue();
        Policy p = r.file().policy();
        assertThat(p.oncallSource().provider()).isEqualTo(Policy.OnCallProvider.PAGERDUTY);
        assertThat(p.oncallSource().schedules()).containsExactly("PI7DH85");
        assertThat(p.oncallSource().apiKeyEnv()).isEqualTo("JITBOT_PAGERDUTY_API_KEY");
        assertThat(p.rules().get(0).oncallApproval().maxDuration()).isEqualTo(Duration.ofHours(2));
        assertThat(p.remindBefore()).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void autoApprove_withItsOwnCap_andOpsgenieWithKeyVariableAndGroup_loads() {
        PolicyLoader.Result r = load(policy("""
                oncall_source:
                  provider: opsgenie
                  schedules: [payments-rota]
                  base_url: https://api.eu.opsgenie.com
                  api_key_env: OPSGENIE_KEY
                  group: oncall
                remind_before: 5m
                """, "    auto_approve_if: { oncall: true, max_duration: 1h }\n"));

        assertThat(r.isOk()).as(r.report()).isTrue();
        Policy p = r.file().policy();
        assertThat(p.oncallSource().apiKeyEnv()).isEqualTo("OPSGENIE_KEY");
        assertThat(p.oncallSource().baseUrl()).isEqualTo("https://api.eu.opsgenie.com");
        assertThat(p.oncallSource().group()).isEqualTo("oncall");
        assertThat(p.rules().get(0).oncallApproval().maxDuration()).isEqualTo(Duration.ofHours(1));
        assertThat(p.remindBefore()).isEqualTo(Duration.ofMinutes(5));
    }

    @Test
    void remindBefore_off_switchesRemindersOff() {
        PolicyLoader.Result r = load(policy("remind_before: off\n", ""));

        assertThat(r.file().policy().remindBefore()).isZero();
    }

    @Test
    void autoApprove_withoutAnOncallSource_isAnErrorOnItsLine() {
        Finding f = PolicyLoaderTest.onlyError(policy("", "    auto_approve_if: oncall\n"));

        assertThat(f.line()).isEqualTo(14);
        assertThat(f.message()).contains("auto_approve_if: oncall needs an `oncall_source:`");
    }

    @Test
    void autoApprove_withACapPastTheRuleMaximum_saysWhatToLowerItTo() {
        Finding f = PolicyLoaderTest.onlyError(policy(PAGERDUTY,
                "    auto_approve_if: { oncall: true, max_duration: 3h }\n"));

        assertThat(f.line()).isEqualTo(15);
        assertThat(f.message()).contains("longer than the rule's max_duration 2h; lower it to 2h or less");
    }

    @Test
    void autoApprove_withAnUnknownCondition_namesTheOnlyOne() {
        Finding f = PolicyLoaderTest.onlyError(policy(PAGERDUTY, "    auto_approve_if: weekend\n"));

        assertThat(f.message()).contains("`weekend` is not a condition jitbot knows; the only one is `oncall`");
    }

    @Test
    void oncallSource_withAnUnknownProviderOrNoSchedules_reportsBoth() {
        var errors = PolicyLoaderTest.errors(policy("oncall_source: { provider: victorops }\n", ""));

        assertThat(errors).extracting(Finding::message).anySatisfy(m -> assertThat(m)
                .contains("provider `victorops` is not one jitbot can ask; write `pagerduty` or `opsgenie`"));
        assertThat(errors).extracting(Finding::message).anySatisfy(m -> assertThat(m)
                .contains("oncall_source needs `schedules`"));
    }

    @Test
    void oncallSource_withAKeyInPlaceOfAVariableName_refusesWithoutEchoingIt() {
        Finding f = PolicyLoaderTest.onlyError(policy("oncall_source: { provider: pagerduty, schedules: [P1], "
                + "api_key_env: \"u+Ab3-secret/key\" }\n", ""));

        assertThat(f.message()).contains("must name an environment variable").doesNotContain("u+Ab3-secret/key");
    }
}
