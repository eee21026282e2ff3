package dev.jitbot.core.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.jitbot.core.azure.AzureFakes.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.app.Reconciler;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.EndReason;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.FakeDirectory;
import dev.jitbot.core.testing.MutableClock;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Reconciliation in RBAC mode against the ARM fake's list of role assignments. */
class ReconcileIT {

    private static final AzureScope RG = TestPolicies.RG_PAYMENTS;
    private static final String ASSIGNMENTS = "/providers/Microsoft.Authorization/roleAssignments/";
    private static final String ORPHAN = "0d6f2a1b-3c4d-4e5f-8a9b-0c1d2e3f4a5b";
    private static final String FOREIGN = "1e7a3b2c-4d5e-4f6a-9b0c-1d2e3f4a5b6c";
    @RegisterExtension
    static final AzureFakes fakes = new AzureFakes();

    private AzureHarness core;

    @BeforeEach
    void wire() {
        fakes.reset();
        fakes.roleDefinition(RG, "Reader", AzureFakes.READER);
        fakes.wm.stubFor(put(urlPathMatching(AzureFakes.path(RG, ASSIGNMENTS) + "[0-9a-f-]{36}"))
                .willReturn(json(201, "{}")));
        fakes.wm.stubFor(delete(urlPathMatching(AzureFakes.path(RG, ASSIGNMENTS) + "[0-9a-f-]{36}"))
                .willReturn(aResponse().withStatus(204)));
        MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
        core = new AzureHarness(clock, fakes.access("rbac", clock).provider(), new FakeDirectory());
    }

    private RequestId grantReader(dev.jitbot.core.domain.ChatUser who) {
        Outcome o = core.service.handle(who, "request Reader on rg-payments for 2h because INC-9 audit");
        assertThat(o).isInstanceOf(Outcome.Activating.class);
        return ((Outcome.Activating) o).request().id();
    }

    private static String assignment(String name, String principalId, String description) {
        return "{\"properties\":{\"roleDefinitionId\":\"/providers/Microsoft.Authorization/roleDefinitions/"
                + AzureFakes.READER + "\",\"principalId\":\"" + principalId + "\",\"principalType\":\"User\","
                + "\"scope\":\"" + RG.id() + "\"" + (description == null ? "" : ",\"description\":\"" + description + "\"")
                + "},\"id\":\"" + RG.id() + ASSIGNMENTS + name + "\",\"type\":\"Microsoft.Authorization/roleAssignments\","
                + "\"name\":\"" + name + "\"}";
    }

    @Test
    void taggedOrphanIsDeletedAndAudited_activeGrantMissingFromAzureIsClosedAndReported() {
        RequestId alice = grantReader(TestPolicies.ALICE);
        RequestId bob = grantReader(TestPolicies.BOB);
        core.advance(Duration.ofMinutes(5));
        String aliceName = ArmNames.assignmentName(alice);
        fakes.wm.stubFor(get(urlPathMatching(AzureFakes.path(TestPolicies.SUB_PROD,
                "/providers/Microsoft.Authorization/roleAssignments"))).willReturn(json(200, "{\"value\":["
                + assignment(aliceName, FakeDirectory.objectIdOf("alice@contoso.com"),
                        "jitbot:" + alice + " expires 2026-11-25T12:00:00Z") + ","
                + assignment(ORPHAN, "3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c",
                        "jitbot:JIT-0RPH expires 2026-11-25T09:00:00Z") + ","
                + assignment(FOREIGN, "4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d", "standing access, not jitbot's")
                + "]}")));

        Reconciler.Report report = core.reconciler.reconcile();

        assertThat(report.listed()).isEqualTo(2);
        assertThat(report.orphansRevoked()).isEqualTo(1);
        assertThat(report.vanished()).isEqualTo(1);
        fakes.wm.verify(getRequestedFor(urlPathMatching(AzureFakes.path(TestPolicies.SUB_PROD,
                "/providers/Microsoft.Authorization/roleAssignments")))
                .withHeader("Authorization", equalTo("Bearer " + AzureFakes.TOKEN)));
        fakes.wm.verify(1, deleteRequestedFor(urlPathMatching(AzureFakes.path(RG, ASSIGNMENTS + ORPHAN))));
        fakes.wm.verify(0, deleteRequestedFor(urlPathMatching(AzureFakes.path(RG, ASSIGNMENTS + FOREIGN))));
        fakes.wm.verify(0, deleteRequestedFor(urlPathMatching(AzureFakes.path(RG, ASSIGNMENTS + aliceName))));
        assertThat(core.audit.recent(20)).anyMatch(e -> e.action().equals("orphan-revoked")
                && e.details().contains(ORPHAN) && e.details().contains("the store has no request JIT-0RPH"));

        assertThat(core.store.find(alice).orElseThrow().state()).isEqualTo(State.ACTIVE);
        AccessRequest closed = core.store.find(bob).orElseThrow();
        assertThat(closed.state()).isEqualTo(State.ENDED);
        assertThat(closed.endReason()).isEqualTo(EndReason.VANISHED);
        assertThat(core.audit.forRequest(bob)).anyMatch(e -> e.action().equals("vanished"));
        assertThat(report.lines()).anyMatch(l -> l.contains(bob.value()) && l.contains("no longer in Azure"))
                .anyMatch(l -> l.contains("Revoked orphan") && l.contains(ORPHAN));
        assertThat(core.slack.to("dm:U0BOB")).anyMatch(t -> t.contains(bob.value()) && t.contains("no longer in Azure"));
    }

    @Test
    void pimMode_revokesATaggedOrphanWithAdminRemove_andKeepsTheGrantItHolds() {
        String requests = "/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/";
        String orphanPrincipal = "3f4a5b6c-7d8e-4f9a-8b0c-1d2e3f4a5b6c";
        String aliceId = FakeDirectory.objectIdOf("alice@contoso.com");
        fakes.wm.stubFor(put(urlPathMatching(AzureFakes.path(RG, requests) + "[0-9a-f-]{36}"))
                .willReturn(json(201, "{\"properties\":{\"status\":\"Provisioned\"}}")));
        MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
        core = new AzureHarness(clock, fakes.access("pim", clock).provider(), new FakeDirectory());
        RequestId alice = grantReader(TestPolicies.ALICE);
        core.advance(Duration.ofMinutes(5));
        String definition = "/subscriptions/" + TestPolicies.SUB + "/providers/Microsoft.Authorization/roleDefinitions/"
                + AzureFakes.READER;
        String orphanRequestId = RG.id() + requests + "5a6b7c8d-9e0f-4a1b-8c2d-3e4f5a6b7c8d";
        fakes.wm.stubFor(get(urlPathMatching(AzureFakes.path(TestPolicies.SUB_PROD,
                "/providers/Microsoft.Authorization/roleAssignmentScheduleInstances"))).willReturn(json(200,
                "{\"value\":[" + instance(aliceId, definition) + "," + instance(orphanPrincipal, definition) + "]}")));
        fakes.wm.stubFor(get(urlPathMatching(AzureFakes.path(TestPolicies.SUB_PROD,
                "/providers/Microsoft.Authorization/roleAssignmentScheduleRequests"))).willReturn(json(200,
                "{\"value\":["
                + scheduleRequest(RG.id() + requests + ArmNames.scheduleRequestName(alice, "assign"), aliceId, definition,
                        "jitbot:" + alice + " expires 2026-11-25T12:00:00Z — INC-9 audit") + ","
                + scheduleRequest(RG.id() + requests + "7c8d9e0f-1a2b-4c3d-8e4f-5a6b7c8d9e0f", aliceId, definition,
                        "jitbot:JIT-0LD2 expires 2026-11-25T09:00:00Z — Alice's earlier grant, same role") + ","
                + scheduleRequest(orphanRequestId, orphanPrincipal, definition,
                        "jitbot:JIT-0RPH expires 2026-11-25T10:30:00Z — left over") + ","
                + scheduleRequest(RG.id() + requests + "6b7c8d9e-0f1a-4b2c-9d3e-4f5a6b7c8d9e",
                        "4a5b6c7d-8e9f-4a0b-9c1d-2e3f4a5b6c7d", definition,
                        "jitbot:JIT-0LD1 expires 2026-11-25T08:00:00Z — PIM already ended it")
                + "]}")));

        Reconciler.Report report = core.reconciler.reconcile();

        assertThat(report.listed()).isEqualTo(2);
        assertThat(report.orphansRevoked()).isEqualTo(1);
        assertThat(report.vanished()).isZero();
        fakes.wm.verify(1, com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor(urlPathMatching(
                AzureFakes.path(RG, requests + ArmNames.orphanRemovalName(orphanRequestId))))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath(
                        "$.properties.requestType", equalTo("AdminRemove")))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath(
                        "$.properties.principalId", equalTo(orphanPrincipal))));
        fakes.wm.verify(0, com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor(urlPathMatching(
                AzureFakes.path(RG, requests) + ".*"))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath(
                        "$.properties.requestType", equalTo("AdminRemove")))
                .withRequestBody(com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath(
                        "$.properties.principalId", equalTo(aliceId))));
        assertThat(core.store.find(alice).orElseThrow().state()).isEqualTo(State.ACTIVE);
        assertThat(core.audit.recent(20)).anyMatch(e -> e.action().equals("orphan-revoked")
                && e.details().contains("JIT-0RPH") && e.details().endsWith("pim"));
    }

    private static String instance(String principalId, String definition) {
        return "{\"properties\":{\"scope\":\"" + RG.id() + "\",\"roleDefinitionId\":\"" + definition + "\","
                + "\"principalId\":\"" + principalId + "\",\"principalType\":\"User\",\"status\":\"Provisioned\","
                + "\"assignmentType\":\"Assigned\",\"memberType\":\"Direct\"},\"id\":\"" + RG.id()
                + "/providers/Microsoft.Authorization/roleAssignmentScheduleInstances/" + principalId + "\","
                + "\"type\":\"Microsoft.Authorization/roleAssignmentScheduleInstances\",\"name\":\"" + principalId + "\"}";
    }

    private static String scheduleRequest(String id, String principalId, String definition, String justification) {
        return "{\"properties\":{\"scope\":\"" + RG.id() + "\",\"roleDefinitionId\":\"" + definition + "\","
                + "\"principalId\":\"" + principalId + "\",\"principalType\":\"User\",\"requestType\":\"AdminAssign\","
                + "\"status\":\"Provisioned\",\"justification\":\"" + justification + "\"},\"id\":\"" + id + "\","
                + "\"type\":\"Microsoft.Authorization/RoleAssignmentScheduleRequests\",\"name\":\""
                + id.substring(id.lastIndexOf('/') + 1) + "\"}";
    }
}
