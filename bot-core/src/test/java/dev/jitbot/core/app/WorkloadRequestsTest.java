package dev.jitbot.core.app;

import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Command;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.PrincipalType;
import dev.jitbot.core.domain.Refusal.Reason;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.policy.PolicyLoader;
import dev.jitbot.core.testing.CoreHarness;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** A workload asking for itself through the API (platform API, its token's object id), and its owners deciding. */
class WorkloadRequestsTest {

    static final String PIPELINE = "3a7f5c1e-2b4d-4e6f-8a9b-0c1d2e3f4a5b";
    static final String POLICY = """
            defaults: { max_duration: 1h, request_ttl: 30m, approvals: 1 }
            scopes:
              rg-payments: /subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6/resourceGroups/rg-payments
              rg-sandbox: /subscriptions/0b1c2d3e-4f5a-4b6c-8d7e-9f0a1b2c3d4e/resourceGroups/rg-sandbox
              rg-ledger: /subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6/resourceGroups/rg-ledger
            groups:
              engineers: { members: [alice@contoso.com, bob@contoso.com] }
              leads: { members: [bob@contoso.com] }
            channels:
              approvals: { slack: C0APPROVALS }
            rules:
              - name: pipeline deploys payments
                role: Contributor
                scopes: [rg-payments]
                requesters: [principal:deploy-pipeline, engineers]
                principals: [deploy-pipeline]
                approvers: [owners]
              - name: pipeline reads its sandbox
                role: Reader
                scopes: [rg-sandbox]
                requesters: [principal:deploy-pipeline]
                approvals: 0
              - name: people only
                role: Reader
                scopes: [rg-ledger]
                requesters: [engineers]
                approvers: [leads]
            principals:
              deploy-pipeline: { object_id: 3a7f5c1e-2b4d-4e6f-8a9b-0c1d2e3f4a5b, type: ServicePrincipal, owners: [alice@contoso.com] }
            """;

    CoreHarness h;
    ChatUser pipeline;

    @BeforeEach
    void setUp() {
        h = new CoreHarness();
        PolicyLoader.Result loaded = PolicyLoader.parse(POLICY, "policy.yaml");
        assertThat(loaded.errors()).isEmpty();
        h.policy.set(loaded.file().policy());
        pipeline = h.service.workloadCaller(PIPELINE);
    }

    private Outcome ask(ChatUser who, String role, String scope) {
        return h.service.request(who, new Command.Request(role, scope, Duration.ofMinutes(30), "deploy run 4411",
                null, null));
    }

    @Nested
    class AskingForItself {
        @Test
        void request_grantsTheRoleToTheWorkloadsOwnObjectId_andWaitsForAnOwner() {
            Outcome o = ask(pipeline, "Contributor", "rg-payments");
            assertThat(o).isInstanceOf(Outcome.Requested.class);
            var r = ((Outcome.Requested) o).request();
            assertThat(r.principal().objectId()).isEqualTo(PIPELINE);
            assertThat(r.principal().type()).isEqualTo(PrincipalType.SERVICE_PRINCIPAL);
            assertThat(r.requester().displayName()).contains("deploy-pipeline").contains("alice@contoso.com");
            assertThat(h.slack.to("dm:alice@contoso.com")).singleElement().asString()
                    .contains("deploy-pipeline").contains("alice@contoso.com").contains(r.id().value());
        }

        @Test
        void autoApprovedRule_grantsAtOnce() {
            Outcome o = ask(pipeline, "Reader", "rg-sandbox");
            assertThat(o).isInstanceOf(Outcome.Activating.class);
            assertThat(h.provider.toString()).isNotNull();
            var r = h.store.find(((Outcome.Activating) o).request().id()).orElseThrow();
            assertThat(r.state()).isEqualTo(State.ACTIVE);
            assertThat(r.principal().objectId()).isEqualTo(PIPELINE);
        }

        @Test
        void aRuleThatDoesNotListTheWorkload_refusesAndSaysWhatToAdd() {
            Outcome o = ask(pipeline, "Reader", "rg-ledger");
            assertThat(o).isInstanceOf(Outcome.Refused.class);
            assertThat(((Outcome.Refused) o).message()).contains("principal:deploy-pipeline").contains("requesters:");
        }

        @Test
        void aWorkloadPolicyDoesNotKnow_isRefusedWithTheEntryToAdd() {
            Outcome o = ask(h.service.workloadCaller("0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b"), "Reader", "rg-sandbox");
            assertThat(((Outcome.Refused) o).refusal().reason()).isEqualTo(Reason.UNKNOWN_PRINCIPAL);
            assertThat(((Outcome.Refused) o).message()).contains("principals:")
                    .contains("0e1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b");
        }

        @Test
        void askingForAnotherIdentity_isRefused() {
            Outcome o = h.service.request(pipeline, new Command.Request("Reader", "rg-sandbox", Duration.ofMinutes(30),
                    "x", null, "someone-else"));
            assertThat(((Outcome.Refused) o).refusal().reason()).isEqualTo(Reason.NOT_ALLOWED);
        }
    }

    @Nested
    class Owners {
        @Test
        void theOwnerApproves_andTheRoleGoesToTheWorkload() {
            var id = ((Outcome.Requested) ask(pipeline, "Contributor", "rg-payments")).request().id();
            assertThat(h.service.approve(BOB, id)).isInstanceOf(Outcome.Refused.class);
            assertThat(h.service.approve(ALICE, id)).isInstanceOf(Outcome.Activating.class);
            assertThat(h.store.find(id).orElseThrow().state()).isEqualTo(State.ACTIVE);
            assertThat(h.slack.to("dm:alice@contoso.com")).anySatisfy(t -> assertThat(t).contains("is granted to"));
        }

        @Test
        void anOwnerWhoAskedAsTheWorkload_cannotApproveTheirOwnRequest() {
            Outcome o = h.service.request(ALICE, new Command.Request("Contributor", "rg-payments",
                    Duration.ofMinutes(30), "hotfix", null, "deploy-pipeline"));
            var id = ((Outcome.Requested) o).request().id();
            Outcome self = h.service.approve(ALICE, id);
            assertThat(((Outcome.Refused) self).refusal().reason()).isEqualTo(Reason.SELF_APPROVAL);
        }

        @Test
        void theWorkloadReleases_itsOwnGrant() {
            var id = ((Outcome.Activating) ask(pipeline, "Reader", "rg-sandbox")).request().id();
            assertThat(h.service.release(pipeline, id)).isInstanceOf(Outcome.Revoking.class);
            assertThat(h.store.find(id).orElseThrow().state()).isEqualTo(State.ENDED);
        }
    }
}
