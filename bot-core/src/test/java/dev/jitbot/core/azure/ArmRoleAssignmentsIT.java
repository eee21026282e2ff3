package dev.jitbot.core.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.putRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.stubbing.Scenario.STARTED;
import static dev.jitbot.core.azure.AzureFakes.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.http.Fault;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.FakeDirectory;
import dev.jitbot.core.testing.MutableClock;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** RBAC mode against HTTPS fakes of Entra and ARM, driven through the core's AccessService and ExpiryService. */
class ArmRoleAssignmentsIT {

    private static final AzureScope RG = TestPolicies.RG_PAYMENTS;
    private static final String ASSIGNMENTS = "/providers/Microsoft.Authorization/roleAssignments/";
    private static final String ALICE_ID = FakeDirectory.objectIdOf("alice@contoso.com");
    @RegisterExtension
    static final AzureFakes fakes = new AzureFakes();

    private AzureHarness core;

    @BeforeEach
    void wire() {
        fakes.reset();
        fakes.roleDefinition(RG, "Reader", AzureFakes.READER);
        MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
        AzureAccess access = fakes.access("rbac", clock);
        core = new AzureHarness(clock, access.provider(), new FakeDirectory());
    }

    private Outcome aliceAsksForReader() {
        return core.service.handle(TestPolicies.ALICE, "request Reader on rg-payments for 1h because INC-1 checking logs");
    }

    private static String putPath() {
        return AzureFakes.path(RG, ASSIGNMENTS) + "[0-9a-f-]{36}";
    }

    private static String created(String name) {
        return "{\"properties\":{\"roleDefinitionId\":\"/providers/Microsoft.Authorization/roleDefinitions/"
                + AzureFakes.READER + "\",\"principalId\":\"" + ALICE_ID + "\",\"principalType\":\"User\",\"scope\":\""
                + RG.id() + "\"},\"id\":\"" + RG.id() + ASSIGNMENTS + name + "\",\"type\":"
                + "\"Microsoft.Authorization/roleAssignments\",\"name\":\"" + name + "\"}";
    }

    private AccessRequest only() {
        List<AccessRequest> all = core.store.findByState(List.of(State.values()));
        assertThat(all).hasSize(1);
        return all.get(0);
    }

    private static List<ServeEvent> puts() {
        return fakes.wm.getAllServeEvents().stream()
                .filter(e -> e.getRequest().getMethod().getName().equals("PUT"))
                .sorted(Comparator.comparing(e -> e.getRequest().getLoggedDate()))
                .toList();
    }

    @Nested
    class Granting {

        @Test
        void grant_putsRoleDefinitionPrincipalTypeAndTag_withBearerToken_andDeletesAtExpiry() {
            fakes.wm.stubFor(put(urlPathMatching(putPath())).willReturn(json(201, created("x"))));
            fakes.wm.stubFor(delete(urlPathMatching(putPath())).willReturn(aResponse().withStatus(204)));

            Outcome outcome = aliceAsksForReader();

            assertThat(outcome).isInstanceOf(Outcome.Activating.class);
            AccessRequest r = only();
            assertThat(r.state()).isEqualTo(State.ACTIVE);
            String name = ArmNames.assignmentName(r.id());
            fakes.wm.verify(1, putRequestedFor(urlPathMatching(AzureFakes.path(RG, ASSIGNMENTS + name)))
                    .withHeader("Authorization", equalTo("Bearer " + AzureFakes.TOKEN))
                    .withRequestBody(matchingJsonPath("$.properties.roleDefinitionId",
                            equalTo("/subscriptions/" + TestPolicies.SUB
                                    + "/providers/Microsoft.Authorization/roleDefinitions/" + AzureFakes.READER)))
                    .withRequestBody(matchingJsonPath("$.properties.principalId", equalTo(ALICE_ID)))
                    .withRequestBody(matchingJsonPath("$.properties.principalType", equalTo("User")))
                    .withRequestBody(matchingJsonPath("$.properties.description",
                            equalTo("jitbot:" + r.id() + " expires 2026-11-25T11:00:00Z"))));
            fakes.wm.verify(postRequestedFor(urlPathEqualTo("/" + AzureFakes.TENANT + "/oauth2/v2.0/token"))
                    .withRequestBody(containing("grant_type=client_credentials"))
                    .withRequestBody(containing("client_id=" + AzureFakes.CLIENT)));
            assertThat(core.audit.forRequest(r.id())).anyMatch(e -> e.action().equals("granted")
                    && e.details().startsWith("rbac assignment " + RG.id() + ASSIGNMENTS));

            core.advance(Duration.ofHours(1));

            assertThat(core.store.find(r.id()).orElseThrow().state()).isEqualTo(State.ENDED);
            fakes.wm.verify(1, deleteRequestedFor(urlPathMatching(AzureFakes.path(RG, ASSIGNMENTS + name)))
                    .withHeader("Authorization", equalTo("Bearer " + AzureFakes.TOKEN)));
            assertThat(core.slack.to("dm:U0ALICE")).anyMatch(t -> t.contains("revoked") && t.contains("expired"));
        }

        @Test
        void throttled_retriesNoSoonerThanRetryAfter() {
            fakes.wm.stubFor(put(urlPathMatching(putPath())).inScenario("throttle").whenScenarioStateIs(STARTED)
                    .willReturn(json(429, AzureFakes.armError("SubscriptionRequestsThrottled",
                            "Please try again after '2' seconds.")).withHeader("Retry-After", "2")
                            .withHeader("x-ms-ratelimit-remaining-subscription-writes", "0"))
                    .willSetStateTo("open"));
            fakes.wm.stubFor(put(urlPathMatching(putPath())).inScenario("throttle").whenScenarioStateIs("open")
                    .willReturn(json(201, created("x"))));

            assertThat(aliceAsksForReader()).isInstanceOf(Outcome.Activating.class);

            // The SDK does not sleep on it: the outbox pauses the subscription for every worker until Retry-After.
            assertThat(puts()).hasSize(1);
            assertThat(only().state()).isEqualTo(State.ACTIVATING);
            assertThat(core.work.limiter().paused(core.clock.instant())).containsExactly(dev.jitbot.core.testing.TestPolicies.SUB + "/writes");
            core.advance(Duration.ofMillis(1900));
            assertThat(puts()).hasSize(1);

            core.advance(Duration.ofMillis(100));

            assertThat(puts()).hasSize(2);
            assertThat(only().state()).isEqualTo(State.ACTIVE);
            assertThat(core.work.limiter().throttled()).containsEntry(dev.jitbot.core.testing.TestPolicies.SUB + "/writes", 1L);
        }

        @Test
        void twoServerErrorsThenCreated_isGranted() {
            fakes.wm.stubFor(put(urlPathMatching(putPath())).inScenario("flaky").whenScenarioStateIs(STARTED)
                    .willReturn(json(500, AzureFakes.armError("InternalServerError", "boom"))).willSetStateTo("one"));
            fakes.wm.stubFor(put(urlPathMatching(putPath())).inScenario("flaky").whenScenarioStateIs("one")
                    .willReturn(json(503, AzureFakes.armError("ServiceUnavailable", "busy"))).willSetStateTo("two"));
            fakes.wm.stubFor(put(urlPathMatching(putPath())).inScenario("flaky").whenScenarioStateIs("two")
                    .willReturn(json(201, created("x"))));

            assertThat(aliceAsksForReader()).isInstanceOf(Outcome.Activating.class);

            assertThat(only().state()).isEqualTo(State.ACTIVE);
            assertThat(puts()).hasSize(3);
        }

        @Test
        void conflictOnRetriedPut_countsAsGranted() {
            // The first PUT reached Azure but its answer was lost; the retry meets the assignment it created.
            fakes.wm.stubFor(put(urlPathMatching(putPath())).inScenario("lost").whenScenarioStateIs(STARTED)
                    .willReturn(aResponse().withFault(Fault.CONNECTION_RESET_BY_PEER)).willSetStateTo("exists"));
            fakes.wm.stubFor(put(urlPathMatching(putPath())).inScenario("lost").whenScenarioStateIs("exists")
                    .willReturn(json(409, AzureFakes.armError("RoleAssignmentExists",
                            "The role assignment already exists."))));
            fakes.wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathMatching(putPath()))
                    .willReturn(json(200, created("x"))));

            assertThat(aliceAsksForReader()).isInstanceOf(Outcome.Activating.class);

            AccessRequest r = only();
            assertThat(r.state()).isEqualTo(State.ACTIVE);
            assertThat(r.assignmentId()).isEqualTo(RG.id() + ASSIGNMENTS + ArmNames.assignmentName(r.id()));
            assertThat(puts()).hasSize(2);
            assertThat(puts()).allMatch(e -> e.getRequest().getUrl().contains(ArmNames.assignmentName(r.id())));
        }

        @Test
        void conflictWithAnAssignmentJitbotDidNotMake_failsAndClaimsNothing() {
            fakes.wm.stubFor(put(urlPathMatching(putPath())).willReturn(json(409, AzureFakes.armError(
                    "RoleAssignmentExists", "The role assignment already exists."))));
            fakes.wm.stubFor(com.github.tomakehurst.wiremock.client.WireMock.get(urlPathMatching(putPath()))
                    .willReturn(json(404, AzureFakes.armError("RoleAssignmentNotFound", "not found"))));

            aliceAsksForReader();

            AccessRequest r = only();
            assertThat(r.state()).isEqualTo(State.FAILED);
            assertThat(r.note()).contains("already holds Reader").contains("jitbot did not make");
            assertThat(core.slack.to("dm:U0ALICE")).anySatisfy(t -> assertThat(t).contains("jitbot did not make"));
            fakes.wm.verify(0, deleteRequestedFor(urlPathMatching(putPath())));
        }

        @Test
        void timeout_isRetried_thenGranted() {
            fakes.wm.stubFor(put(urlPathMatching(putPath())).inScenario("slow").whenScenarioStateIs(STARTED)
                    .willReturn(json(201, created("x")).withFixedDelay(3000)).willSetStateTo("fast"));
            fakes.wm.stubFor(put(urlPathMatching(putPath())).inScenario("slow").whenScenarioStateIs("fast")
                    .willReturn(json(201, created("x"))));
            AzureTuning t = AzureFakes.fastTuning();
            AzureTuning oneSecond = new AzureTuning(t.maxRetries(), t.baseDelay(), t.maxDelay(), Duration.ofSeconds(1),
                    t.principalNotFoundWindow(), t.principalNotFoundPause(), t.directoryTtl());
            core = new AzureHarness(core.clock, fakes.access("rbac", core.clock, oneSecond).provider(),
                    new FakeDirectory());
            java.time.Instant started = java.time.Instant.now();

            assertThat(aliceAsksForReader()).isInstanceOf(Outcome.Activating.class);

            System.out.println("[measure] grant with one timed-out PUT (response timeout 1 s) took "
                    + Duration.between(started, java.time.Instant.now()).toMillis() + " ms");
            assertThat(puts()).hasSize(2);
        }

        @Test
        void principalNotFound_isRetriedUntilEntraReplicates_thenGranted() {
            String notFound = AzureFakes.armError("PrincipalNotFound", "Principal " + ALICE_ID
                    + " does not exist in the directory " + AzureFakes.TENANT + ".");
            fakes.wm.stubFor(put(urlPathMatching(putPath())).inScenario("replication").whenScenarioStateIs(STARTED)
                    .willReturn(json(400, notFound)).willSetStateTo("still"));
            fakes.wm.stubFor(put(urlPathMatching(putPath())).inScenario("replication").whenScenarioStateIs("still")
                    .willReturn(json(400, notFound)).willSetStateTo("replicated"));
            fakes.wm.stubFor(put(urlPathMatching(putPath())).inScenario("replication")
                    .whenScenarioStateIs("replicated").willReturn(json(201, created("x"))));

            assertThat(aliceAsksForReader()).isInstanceOf(Outcome.Activating.class);
            assertThat(only().state()).isEqualTo(State.ACTIVATING);
            core.advance(Duration.ofSeconds(1));
            core.advance(Duration.ofSeconds(2));

            assertThat(only().state()).isEqualTo(State.ACTIVE);
            assertThat(puts()).hasSize(3);
            fakes.wm.verify(3, putRequestedFor(urlPathMatching(putPath()))
                    .withRequestBody(matchingJsonPath("$.properties.principalType", equalTo("User"))));
        }

        @Test
        void forbidden_failsTheRequestWithTheMissingPermissionAndScope() {
            fakes.wm.stubFor(put(urlPathMatching(putPath())).willReturn(json(403, AzureFakes.armError(
                    "AuthorizationFailed", "The client 'jitbot' with object id '" + AzureFakes.CLIENT + "' does not "
                            + "have authorization to perform action 'Microsoft.Authorization/roleAssignments/write' "
                            + "over scope '" + RG.id() + ASSIGNMENTS + "x' or the scope is invalid."))));

            Outcome outcome = aliceAsksForReader();

            assertThat(outcome).isInstanceOf(Outcome.Activating.class);
            AccessRequest r = only();
            assertThat(r.state()).isEqualTo(State.FAILED);
            assertThat(r.note()).contains("jitbot's Azure identity lacks the permission "
                    + "Microsoft.Authorization/roleAssignments/write on " + RG.id())
                    .contains("Role Based Access Control Administrator").doesNotContain("does not have authorization");
            assertThat(core.audit.forRequest(r.id())).anyMatch(e -> e.action().equals("failed")
                    && e.details().contains("roleAssignments/write"));
            assertThat(core.slack.to("dm:U0ALICE")).anyMatch(t -> t.contains("Azure did not grant Reader on rg-payments")
                    && t.contains("roleAssignments/write"));
            assertThat(puts()).hasSize(1);
        }
    }

    @Nested
    class Revoking {

        private RequestId granted() {
            fakes.wm.stubFor(put(urlPathMatching(putPath())).willReturn(json(201, created("x"))));
            assertThat(aliceAsksForReader()).isInstanceOf(Outcome.Activating.class);
            return only().id();
        }

        @Test
        void release_delete204_endsTheGrant() {
            RequestId id = granted();
            fakes.wm.stubFor(delete(urlPathMatching(putPath())).willReturn(aResponse().withStatus(204)));

            Outcome outcome = core.service.handle(TestPolicies.ALICE, "release " + id);

            assertThat(outcome).isInstanceOf(Outcome.Revoking.class);
            assertThat(core.store.find(id).orElseThrow().state()).isEqualTo(State.ENDED);
            fakes.wm.verify(1, deleteRequestedFor(urlPathMatching(
                    AzureFakes.path(RG, ASSIGNMENTS + ArmNames.assignmentName(id)))));
        }

        @Test
        void release_whenAlreadyGone404_endsTheGrant() {
            RequestId id = granted();
            fakes.wm.stubFor(delete(urlPathMatching(putPath())).willReturn(json(404,
                    AzureFakes.armError("RoleAssignmentNotFound", "gone"))));

            assertThat(core.service.handle(TestPolicies.ALICE, "release " + id)).isInstanceOf(Outcome.Revoking.class);
        }

        @Test
        void expiry_whenAzureKeepsFailing_staysRevokingAndRetriesLater() {
            RequestId id = granted();
            fakes.wm.stubFor(delete(urlPathMatching(putPath())).willReturn(json(503,
                    AzureFakes.armError("ServiceUnavailable", "busy"))));

            core.advance(Duration.ofHours(1));

            AccessRequest r = core.store.find(id).orElseThrow();
            assertThat(r.state()).isEqualTo(State.REVOKING);
            assertThat(core.outbox.pending(id)).filteredOn(i -> i.kind() == dev.jitbot.core.app.WorkKind.REVOKE)
                    .singleElement().satisfies(i -> assertThat(i.lastError()).contains("status 503"));
            assertThat(core.audit.forRequest(id)).anyMatch(e -> e.action().equals("revoke-failed"));
            // 1 try + 3 pipeline retries (fast tuning)
            fakes.wm.verify(4, deleteRequestedFor(urlPathMatching(putPath())));

            fakes.wm.stubFor(delete(urlPathMatching(putPath())).willReturn(aResponse().withStatus(204)));
            core.advance(Duration.ofSeconds(2));

            assertThat(core.store.find(id).orElseThrow().state()).isEqualTo(State.ENDED);
        }
    }
}
