package dev.jitbot.core.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.jitbot.core.azure.AzureFakes.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.stubbing.Scenario;
import dev.jitbot.core.app.AccessInventory;
import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.RoleDefinition;
import dev.jitbot.core.domain.RoleRef;
import dev.jitbot.core.testing.MutableClock;
import dev.jitbot.core.testing.TestPolicies;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A role definition asked of ARM while ARM throttles (429 with Retry-After), through the real SDK: a scan waits the
 * throttle out, a chat worker drawing a card's blast radius does not wait at all.
 */
class RoleDefinitionThrottlingIT {

    private static final AzureScope RG = TestPolicies.RG_PAYMENTS;
    private static final String DEFINITIONS = "/subscriptions/.*/providers/Microsoft\\.Authorization/roleDefinitions";
    @RegisterExtension
    static final AzureFakes fakes = new AzureFakes();
    private AccessInventory inventory;

    @BeforeEach
    void setUp() {
        fakes.reset();
        inventory = fakes.access("rbac", MutableClock.at("2026-12-01T10:00:00Z")).inventory().orElseThrow();
    }

    @Test
    void withoutWaiting_aThrottledLookUpIsThrownAtOnce_afterOneCall() {
        fakes.wm.stubFor(get(urlPathMatching(DEFINITIONS)).willReturn(json(429, AzureFakes.armError("TooManyRequests",
                "Too many requests")).withHeader("Retry-After", "30")));

        assertThatThrownBy(() -> inventory.definitionWithoutWaiting(RoleRef.named("Reader"), RG))
                .isInstanceOf(RuntimeException.class);

        fakes.wm.verify(1, getRequestedFor(urlPathMatching(DEFINITIONS)));
    }

    @Test
    void aScansLookUp_waitsOutTheRetryAfter_andThenReadsTheDefinition() {
        fakes.wm.stubFor(get(urlPathMatching(DEFINITIONS)).inScenario("throttle").whenScenarioStateIs(Scenario.STARTED)
                .willReturn(json(429, AzureFakes.armError("TooManyRequests", "Too many requests"))
                        .withHeader("Retry-After", "1"))
                .willSetStateTo("open"));
        fakes.wm.stubFor(get(urlPathMatching(DEFINITIONS)).inScenario("throttle").whenScenarioStateIs("open")
                .willReturn(json(200, "{\"value\":[{\"properties\":{\"roleName\":\"Reader\",\"type\":\"BuiltInRole\","
                        + "\"description\":\"\",\"assignableScopes\":[\"/\"],\"permissions\":[]},\"id\":\"/subscriptions/"
                        + RG.subscriptionId() + "/providers/Microsoft.Authorization/roleDefinitions/" + AzureFakes.READER
                        + "\",\"type\":\"Microsoft.Authorization/roleDefinitions\",\"name\":\"" + AzureFakes.READER
                        + "\"}]}")));

        Optional<RoleDefinition> d = inventory.definition(RoleRef.named("Reader"), RG);

        assertThat(d).map(RoleDefinition::name).contains("Reader");
        fakes.wm.verify(2, getRequestedFor(urlPathMatching(DEFINITIONS)));
    }
}
