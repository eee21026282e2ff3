package dev.jitbot.core.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matching;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.jitbot.core.azure.AzureFakes.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.FakeDirectory;
import dev.jitbot.core.testing.MutableClock;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** PIM mode: AdminAssign with an expiration Azure enforces, AdminRemove, and PIM's policy refusals. */
class PimScheduleRequestsIT {

    private static final AzureScope RG = TestPolicies.RG_PAYMENTS;
    private static final String REQUESTS = "/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/";
    private static final String ALICE_ID = FakeDirectory.objectIdOf("alice@contoso.com");
    @RegisterExtension
    static final AzureFakes fakes = new AzureFakes();

    private AzureHarness core;

    @BeforeEach
    void wire() {
        fakes.reset();
        fakes.roleDefinition(RG, "Reader", AzureFakes.READER);
        MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
        core = new AzureHarness(clock, fakes.access("pim", clock).provider(), new FakeDirectory());
    }

    private static String provisioned(String name, String type) {
        return "{\"properties\":{\"targetRoleAssignmentScheduleId\":\"c9e264ff-3133-4776-a81a-ebc7c33c8ec6\","
                + "\"scope\":\"" + RG.id() + "\",\"roleDefinitionId\":\"/subscriptions/" + TestPolicies.SUB
                + "/providers/Microsoft.Authorization/roleDefinitions/" + AzureFakes.READER + "\",\"principalId\":\""
                + ALICE_ID + "\",\"principalType\":\"User\",\"requestType\":\"" + type + "\",\"status\":\"Provisioned\"},"
                + "\"name\":\"" + name + "\",\"id\":\"" + RG.id()
                + "/providers/Microsoft.Authorization/RoleAssignmentScheduleRequests/" + name + "\","
                + "\"type\":\"Microsoft.Authorization/RoleAssignmentScheduleRequests\"}";
    }

    private Outcome aliceAsksForReader() {
        return core.service.handle(TestPolicies.ALICE,
                "request Reader on rg-payments for 90m because INC-7 read the payment logs");
    }

    private AccessRequest only() {
        List<AccessRequest> all = core.store.findByState(List.of(State.values()));
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    @Test
    void aScheduledGrant_sendsNothingBeforeItsStart_thenAdminAssignWhoseStartDateTimeIsTheStart() {
        fakes.wm.stubFor(put(urlPathMatching(AzureFakes.path(RG, REQUESTS) + "[0-9a-f-]{36}"))
                .willReturn(json(201, provisioned("n", "AdminAssign"))));

        // Reader on rg-payments needs no approval in the test policy: scheduled at once.
        assertThat(core.service.handle(TestPolicies.ALICE, "request Reader on rg-payments from 12:00 for 90m "
                + "because INC-7 read the payment logs")).isInstanceOf(Outcome.Scheduled.class);
        core.advance(Duration.ofMinutes(119));
        fakes.wm.verify(0, putRequestedFor(urlPathMatching(AzureFakes.path(RG, REQUESTS) + ".*")));

        core.advance(Duration.ofMinutes(1));

        AccessRequest r = only();
        assertThat(r.state()).isEqualTo(State.ACTIVE);
        fakes.wm.verify(1, putRequestedFor(urlPathMatching(AzureFakes.path(RG, REQUESTS
                + ArmNames.scheduleRequestName(r.id(), "assign"))))
                .withRequestBody(matchingJsonPath("$.properties.requestType", equalTo("AdminAssign")))
                .withRequestBody(matchingJsonPath("$.properties.scheduleInfo.startDateTime",
                        matching("2026-11-25T12:00(:00(\\.0+)?)?Z")))
                .withRequestBody(matchingJsonPath("$.properties.scheduleInfo.expiration.duration", equalTo("PT1H30M"))));
    }

    @Test
    void grant_sendsAdminAssignWithTheGrantsDurationAsExpiration_andReleaseSendsAdminRemove() {
        fakes.wm.stubFor(put(urlPathMatching(AzureFakes.path(RG, REQUESTS) + "[0-9a-f-]{36}"))
                .withRequestBody(matchingJsonPath("$.properties.requestType", equalTo("AdminAssign")))
                .willReturn(json(201, provisioned("n", "AdminAssign"))));
        fakes.wm.stubFor(put(urlPathMatching(AzureFakes.path(RG, REQUESTS) + "[0-9a-f-]{36}"))
                .withRequestBody(matchingJsonPath("$.properties.requestType", equalTo("AdminRemove")))
                .willReturn(json(201, provisioned("m", "AdminRemove"))));

        assertThat(aliceAsksForReader()).isInstanceOf(Outcome.Activating.class);

        AccessRequest r = only();
        assertThat(r.state()).isEqualTo(State.ACTIVE);
        assertThat(r.expiresAt()).hasToString("2026-11-25T11:30:00Z");
        String assign = ArmNames.scheduleRequestName(r.id(), "assign");
        fakes.wm.verify(1, putRequestedFor(urlPathMatching(AzureFakes.path(RG, REQUESTS + assign)))
                .withQueryParam("api-version", equalTo("2020-10-01"))
                .withHeader("Authorization", equalTo("Bearer " + AzureFakes.TOKEN))
                .withRequestBody(matchingJsonPath("$.properties.requestType", equalTo("AdminAssign")))
                .withRequestBody(matchingJsonPath("$.properties.principalId", equalTo(ALICE_ID)))
                .withRequestBody(matchingJsonPath("$.properties.roleDefinitionId", matching(".*/" + AzureFakes.READER)))
                .withRequestBody(matchingJsonPath("$.properties.scheduleInfo.expiration.type", equalTo("AfterDuration")))
                .withRequestBody(matchingJsonPath("$.properties.scheduleInfo.expiration.duration", equalTo("PT1H30M")))
                .withRequestBody(matchingJsonPath("$.properties.scheduleInfo.startDateTime",
                        matching("2026-11-25T10:00(:00(\\.0+)?)?Z")))
                .withRequestBody(matchingJsonPath("$.properties.justification",
                        matching("jitbot:" + r.id() + " expires 2026-11-25T11:30:00Z — INC-7 read the payment logs"))));

        assertThat(core.service.handle(TestPolicies.ALICE, "release " + r.id())).isInstanceOf(Outcome.Revoking.class);

        assertThat(core.store.find(r.id()).orElseThrow().state()).isEqualTo(State.ENDED);
        fakes.wm.verify(1, putRequestedFor(urlPathMatching(AzureFakes.path(RG, REQUESTS
                + ArmNames.scheduleRequestName(r.id(), "remove"))))
                .withRequestBody(matchingJsonPath("$.properties.requestType", equalTo("AdminRemove")))
                .withRequestBody(matchingJsonPath("$.properties.principalId", equalTo(ALICE_ID)))
                .withRequestBody(matchingJsonPath("$.properties.roleDefinitionId", matching(".*/" + AzureFakes.READER))));
    }

    @Test
    void policyValidationFailed_failsTheRequestSayingWhichPimRuleRefused() {
        fakes.wm.stubFor(put(urlPathMatching(AzureFakes.path(RG, REQUESTS) + "[0-9a-f-]{36}")).willReturn(json(400,
                AzureFakes.armError("RoleAssignmentRequestPolicyValidationFailed",
                        "The following policy rules failed: [\\\"ExpirationRule\\\"]"))));

        assertThat(aliceAsksForReader()).isInstanceOf(Outcome.Activating.class);

        AccessRequest r = only();
        assertThat(r.state()).isEqualTo(State.FAILED);
        assertThat(r.note()).contains("PIM settings of Reader on " + RG.id()).contains("ExpirationRule")
                .contains("Ask for less time");
    }

    @Test
    void revoke_whenThePimAssignmentIsAlreadyGone_endsTheGrant() {
        fakes.wm.stubFor(put(urlPathMatching(AzureFakes.path(RG, REQUESTS) + "[0-9a-f-]{36}"))
                .withRequestBody(matchingJsonPath("$.properties.requestType", equalTo("AdminAssign")))
                .willReturn(json(201, provisioned("n", "AdminAssign"))));
        fakes.wm.stubFor(put(urlPathMatching(AzureFakes.path(RG, REQUESTS) + "[0-9a-f-]{36}"))
                .withRequestBody(matchingJsonPath("$.properties.requestType", equalTo("AdminRemove")))
                .willReturn(json(400, AzureFakes.armError("RoleAssignmentDoesNotExist",
                        "The Role assignment does not exist."))));
        assertThat(aliceAsksForReader()).isInstanceOf(Outcome.Activating.class);

        assertThat(core.service.handle(TestPolicies.ALICE, "release " + only().id())).isInstanceOf(Outcome.Revoking.class);
    }
}
