package dev.jitbot.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** {@code principal:<alias>} in requesters and {@code owners} in approvers: accepted where they fit, else an error on their line. */
class WorkloadRefsTest {

    private static String policy(String requesters, String approvers) {
        return """
                scopes:
                  rg-payments: /subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6/resourceGroups/rg-payments
                groups:
                  leads: { members: [bob@contoso.com] }
                rules:
                  - name: pipeline deploys
                    role: Contributor
                    scopes: [rg-payments]
                    requesters: %s
                    approvers: %s
                principals:
                  deploy-pipeline: { object_id: 3a7f5c1e-2b4d-4e6f-8a9b-0c1d2e3f4a5b, type: ServicePrincipal, owners: [alice@contoso.com] }
                """.formatted(requesters, approvers);
    }

    private static List<Finding> errors(String yaml) {
        return PolicyLoader.parse(yaml, "policy.yaml").errors();
    }

    @Test
    void aWorkloadAsRequester_andOwnersAsApprovers_areAccepted() {
        PolicyLoader.Result r = PolicyLoader.parse(policy("[principal:deploy-pipeline]", "[owners, leads]"), "policy.yaml");
        assertThat(r.errors()).isEmpty();
        assertThat(r.file().policy().rules().get(0).requesters()).containsExactly("principal:deploy-pipeline");
        assertThat(r.file().policy().rules().get(0).approvers()).containsExactly("owners", "leads");
    }

    @Test
    void anUndeclaredWorkload_isAnErrorOnItsLine_sayingWhatToAdd() {
        List<Finding> e = errors(policy("[principal:nightly-job]", "[owners]"));
        assertThat(e).singleElement().satisfies(f -> {
            assertThat(f.line()).isEqualTo(9);
            assertThat(f.message()).contains("principal:nightly-job").contains("principals:")
                    .contains("nightly-job: { object_id:");
        });
    }

    @Test
    void ownersAsRequesters_andAWorkloadAsApprover_areErrors() {
        assertThat(errors(policy("[owners]", "[leads]"))).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("only fits `approvers:`"));
        assertThat(errors(policy("[leads]", "[principal:deploy-pipeline]"))).singleElement()
                .satisfies(f -> assertThat(f.message()).contains("can ask for access but not decide it"));
    }
}
