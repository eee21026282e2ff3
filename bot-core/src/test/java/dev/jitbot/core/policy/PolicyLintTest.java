package dev.jitbot.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.testing.TestPolicies;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class PolicyLintTest {

    static final String HEAD = """
            scopes:
              sub-prod: /subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6
              rg-payments: /subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6/resourceGroups/rg-payments
            groups:
              engineers: { members: [alice@contoso.com, bob@contoso.com, carol@contoso.com] }
              leads: { members: [bob@contoso.com, carol@contoso.com] }
            rules:
            """;

    static List<Finding> lint(String rules) {
        return PolicyLint.lint(PolicyLoader.parse(HEAD + rules, "policy.yaml").orThrow());
    }

    static String rule(String role, String scopes, String extra) {
        return "  - name: the rule\n"
                + "    role: " + role + "\n"
                + "    scopes: " + scopes + "\n"
                + "    requesters: [engineers]\n"
                + "    approvers: [leads]\n"
                + extra;
    }

    @Nested
    class BroadRoles {

        @Test
        void lint_ownerOnSubscription_warnsOnTheScopeLine() {
            List<Finding> findings = lint(rule("Owner", "[rg-payments, sub-prod]", ""));

            assertThat(findings).singleElement().satisfies(f -> {
                assertThat(f.severity()).isEqualTo(Finding.Severity.WARNING);
                assertThat(f.line()).isEqualTo(10);
                assertThat(f.message()).contains("Owner on a whole subscription (sub-prod) is broad");
                assertThat(f).hasToString("policy.yaml:10: warning: " + f.message());
            });
        }

        @Test
        void lint_eachBroadRoleOnSubscriptionOrManagementGroup_warns() {
            for (String role : List.of("Owner", "Contributor", "User Access Administrator",
                    "Role Based Access Control Administrator", "contributor")) {
                assertThat(lint(rule(role, "[\"/subscriptions/*\"]", ""))).as(role)
                        .anySatisfy(f -> assertThat(f.message()).contains("on a whole subscription"));
                assertThat(lint(rule(role, "[/providers/Microsoft.Management/managementGroups/mg-prod]", "")))
                        .as(role).anySatisfy(f -> assertThat(f.message()).contains("on a whole management group"));
            }
        }

        @Test
        void lint_broadRoleOnResourceGroupOrReaderOnSubscription_isQuiet() {
            assertThat(lint(rule("Contributor", "[rg-payments, \"/subscriptions/*/resourceGroups/rg-payments\"]", "")))
                    .isEmpty();
            assertThat(lint(rule("Reader", "[sub-prod]", ""))).isEmpty();
        }
    }

    @Nested
    class AutoApproval {

        @Test
        void lint_privilegedRoleAutoApproved_warnsOnTheApprovalsLine() {
            List<Finding> findings = lint(rule("Contributor", "[rg-payments]", "    approvals: 0\n"));

            assertThat(findings).singleElement().satisfies(f -> {
                assertThat(f.line()).isEqualTo(13);
                assertThat(f.message()).contains("Contributor is auto-approved", "approvals: 1");
            });
        }

        @Test
        void lint_anyAdministratorRoleAutoApproved_warns() {
            assertThat(lint(rule("Key Vault Administrator", "[rg-payments]", "    approvals: 0\n")))
                    .singleElement().satisfies(f -> assertThat(f.message()).contains("auto-approved"));
        }

        @Test
        void lint_readerAutoApproved_isQuiet() {
            assertThat(lint(rule("Reader", "[rg-payments]", "    approvals: 0\n"))).isEmpty();
        }

        @Test
        void lint_autoApprovalFromDefaults_pointsAtTheDefault() {
            String yaml = "defaults: { approvals: 0 }\n" + HEAD + rule("Owner", "[rg-payments]", "");

            assertThat(PolicyLint.lint(PolicyLoader.parse(yaml, "policy.yaml").orThrow()))
                    .singleElement().satisfies(f -> assertThat(f.line()).isEqualTo(1));
        }
    }

    @Nested
    class LongGrants {

        @Test
        void lint_maxDurationOver8h_saysRightSize() {
            List<Finding> findings = lint(rule("Reader", "[rg-payments]", "    max_duration: 12h\n"));

            assertThat(findings).singleElement().satisfies(f -> {
                assertThat(f.line()).isEqualTo(13);
                assertThat(f.message()).contains("max_duration 12h is longer than 8h",
                        "right-size before you make it eligible");
            });
        }

        @Test
        void lint_exactly8h_isQuiet() {
            assertThat(lint(rule("Reader", "[rg-payments]", "    max_duration: 8h\n"))).isEmpty();
        }
    }

    @Nested
    class CustomRoles {

        @Test
        void lint_customRoleWithWildcardActions_warnsOnEachActionLine() {
            String yaml = HEAD + rule("Restarter", "[rg-payments]", "") + """
                    custom_roles:
                      Restarter:
                        description: restarts the payments app
                        actions:
                          - Microsoft.Web/sites/restart/action
                          - "*"
                          - Microsoft.Web/*
                          - Microsoft.Compute/*/read
                        data_actions: ["*"]
                    """;

            List<Finding> findings = PolicyLint.lint(PolicyLoader.parse(yaml, "policy.yaml").orThrow());

            assertThat(findings).extracting(Finding::line).containsExactly(18, 19, 21);
            assertThat(findings.get(0).message()).contains("custom role \"Restarter\": action `*` allows every action");
            assertThat(findings.get(1).message()).contains("`Microsoft.Web/*`", "writes and deletes");
            assertThat(findings.get(2).message()).contains("data action `*`");
        }
    }

    @Nested
    class Unapprovable {

        @Test
        void lint_requesterWhoIsOneOfTooFewApprovers_isNamed() {
            List<Finding> findings = lint(rule("Reader", "[rg-payments]", "    approvals: 2\n"));

            assertThat(findings).singleElement().satisfies(f -> {
                assertThat(f.line()).isEqualTo(13);
                assertThat(f.message()).contains("nobody can approve a request from bob@contoso.com, carol@contoso.com",
                        "leaves 1 of the 2 approvals");
            });
        }

        @Test
        void lint_policyBuiltInCodeWithoutApprovers_warnsNobodyCanApprove() {
            var design = TestPolicies.design();
            var broken = new dev.jitbot.core.domain.Policy(design.defaults(), design.scopeAliases(), design.groups(),
                    design.channels(), design.oncallGroup(), List.of(new dev.jitbot.core.domain.Policy.Rule("x",
                    dev.jitbot.core.domain.RoleRef.named("Reader"), List.of(), List.of("engineers"), List.of(), 1,
                    java.time.Duration.ofHours(1), java.time.Duration.ofMinutes(30), null, List.of(), List.of(), 7)),
                    design.principals(), design.users());

            assertThat(PolicyLint.lint(broken)).singleElement().satisfies(f -> {
                assertThat(f.line()).isEqualTo(7);
                assertThat(f.message()).contains("nobody can approve it");
            });
        }
    }

    @Test
    void check_brokenFile_givesItsErrors_andAGoodFile_itsWarnings() {
        assertThat(PolicyLint.check(PolicyLoader.load(PolicyLoaderTest.resource("broken.yaml"))))
                .hasSize(13).allMatch(Finding::isError);
        assertThat(PolicyLint.check(PolicyLoader.load(PolicyLoaderTest.resource("design.yaml"))))
                .singleElement().matches(f -> f.severity() == Finding.Severity.WARNING);
    }

    @Test
    void lint_designExample_warnsOnlyAboutOwnerOnTheSubscription() {
        List<Finding> findings = PolicyLint.lint(PolicyLoader.load(PolicyLoaderTest.resource("design.yaml")).orThrow());

        assertThat(findings).singleElement().satisfies(f -> {
            assertThat(f.line()).isEqualTo(28);
            assertThat(f.message()).startsWith("rule \"own the subscription\": Owner on a whole subscription");
        });
    }

    @Test
    void lint_testPoliciesDesign_agreesWithTheFile() {
        assertThat(PolicyLint.lint(TestPolicies.design())).extracting(Finding::message)
                .containsExactly("rule \"own the subscription\": Owner on a whole subscription (sub-prod) is broad; "
                        + "grant it on the resource groups the task needs, or use a narrower role.");
    }

    @Test
    void lint_demoPolicy_hasNoErrorsAndOnlyTheOwnerWarning() {
        List<Finding> findings = PolicyLint.lint(PolicyLoader.demoFile());

        assertThat(findings).noneMatch(Finding::isError);
        assertThat(findings).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("Owner on a whole subscription (sub-demo)"));
    }

    @Nested
    class OnCallAutoApproval {
        static final String SOURCE = "oncall_source: { provider: pagerduty, schedules: [PI7DH85] }\n";

        List<Finding> lintWithSource(String rules) {
            return PolicyLint.lint(PolicyLoader.parse(SOURCE + HEAD + rules, "policy.yaml").orThrow());
        }

        @Test
        void lint_oncallWithoutACapOfAtMostAnHour_warnsOnTheAutoApproveLine() {
            List<Finding> findings = lintWithSource(rule("Reader", "[rg-payments]",
                    "    max_duration: 4h\n    auto_approve_if: oncall\n"));

            assertThat(findings).singleElement().satisfies(f -> {
                assertThat(f.line()).isEqualTo(15);
                assertThat(f.message()).contains("auto_approve_if: oncall grants up to 4h without a vote")
                        .contains("max_duration: 1h");
            });
        }

        @Test
        void lint_oncallCappedAtAnHour_passes() {
            assertThat(lintWithSource(rule("Reader", "[rg-payments]",
                    "    max_duration: 4h\n    auto_approve_if: { oncall: true, max_duration: 1h }\n"))).isEmpty();
        }

        @Test
        void lint_oncallOnAPrivilegedRole_warnsEvenWithACap() {
            List<Finding> findings = lintWithSource(rule("User Access Administrator", "[rg-payments]",
                    "    max_duration: 30m\n    auto_approve_if: oncall\n"));

            assertThat(findings).singleElement().satisfies(f -> assertThat(f.message())
                    .contains("User Access Administrator is auto-approved for whoever is on call"));
        }
    }
}
