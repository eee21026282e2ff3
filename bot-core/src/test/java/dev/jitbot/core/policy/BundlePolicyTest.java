package dev.jitbot.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.Policy;
import org.junit.jupiter.api.Test;

/** {@code bundles:} as policy.yaml spells it: a name and its (role, scope) pairs, each covered by a rule. */
class BundlePolicyTest {

    private static final String HEAD = """
            scopes:
              rg-payments: /subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6/resourceGroups/rg-payments
              sub-prod: /subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6
            groups:
              engineers: { members: [alice@contoso.com] }
              leads: { members: [bob@contoso.com] }
            rules:
              - name: operate payments
                role: Contributor
                scopes: [rg-payments]
                requesters: [engineers]
                approvers: [leads]
              - name: read production
                role: Reader
                scopes: [sub-prod]
                requesters: [engineers]
                approvals: 0
            """;

    private static PolicyLoader.Result load(String bundles) {
        return PolicyLoader.parse(HEAD + bundles, "policy.yaml");
    }

    @Test
    void bundles_inBothForms_loadWithTheirScopesResolved() {
        PolicyLoader.Result r = load("""
                bundles:
                  incident-payments: [Contributor on rg-payments, reader on SUB-PROD]
                  look-around:
                    - { role: Reader, scope: /subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6 }
                """);

        assertThat(r.isOk()).as(r.report()).isTrue();
        Policy p = r.file().policy();
        Policy.Bundle b = p.bundle("Incident-Payments").orElseThrow();
        assertThat(b.memberLabels()).isEqualTo("Contributor on rg-payments, Reader on sub-prod");
        assertThat(p.bundle("look-around").orElseThrow().members().get(0).scopeLabel()).isEqualTo("sub-prod");
    }

    @Test
    void bundle_withAMemberNoRuleGrants_namesTheMemberAndTheLine() {
        PolicyLoader.Result r = load("""
                bundles:
                  incident-payments: [Contributor on rg-payments, Owner on sub-prod]
                """);

        assertThat(r.isOk()).isFalse();
        assertThat(r.report()).contains("policy.yaml:19").contains("bundles: `incident-payments` member 2: no rule "
                + "grants Owner on sub-prod");
    }

    @Test
    void bundle_withBadShapes_saysWhatToWrite() {
        PolicyLoader.Result r = load("""
                bundles:
                  "bad name": [Reader on sub-prod]
                  empty: []
                  typo: [Reader at sub-prod, Reader on nowhere, Reader on sub-prod, Reader on sub-prod]
                """);

        assertThat(r.report()).contains("is not a usable bundle name")
                .contains("bundles: `empty` must list its (role, scope) pairs")
                .contains("`Reader at sub-prod` is not `<role> on <scope>`")
                .contains("`nowhere` is not under `scopes:`")
                .contains("Reader on sub-prod is listed twice");
    }

    @Test
    void lint_bundleWhoseMemberRulesShareNoApprover_warnsOnItsLine() {
        PolicyLoader.Result r = PolicyLoader.parse(HEAD + """
                  - name: owner
                    role: Owner
                    scopes: [sub-prod]
                    requesters: [engineers]
                    approvers: [alice@contoso.com]
                bundles:
                  ok: [Contributor on rg-payments, Reader on sub-prod]
                  stuck: [Contributor on rg-payments, Owner on sub-prod]
                """, "policy.yaml");

        assertThat(PolicyLint.lint(r.orThrow())).extracting(Finding::message)
                .filteredOn(m -> m.startsWith("bundle"))
                .containsExactly("bundle \"stuck\": nobody may approve every member (\"operate payments\": leads; "
                        + "\"owner\": alice@contoso.com), so nobody can approve it; give its member rules an approver "
                        + "in common.");
    }
}
