package dev.jitbot.core.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.jitbot.core.azure.AzureFakes.json;

import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.testing.AccessProviderContract;
import dev.jitbot.core.testing.MutableClock;
import dev.jitbot.core.testing.TestPolicies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/** The AccessProvider contract for RBAC mode, against a stateful ARM fake over HTTPS. */
class ArmRoleAssignmentsContractIT extends AccessProviderContract {

    private static final FakeArm ARM = new FakeArm();
    private static AzureFakes fakes;
    private AccessProvider provider;

    @BeforeAll
    static void startFakes() {
        fakes = new AzureFakes(ARM);
    }

    @AfterAll
    static void stopFakes() {
        fakes.close();
    }

    @BeforeEach
    void wire() {
        ARM.clear();
        fakes.wm.resetAll();
        fakes.wm.stubFor(post(urlPathEqualTo("/" + AzureFakes.TENANT + "/oauth2/v2.0/token")).willReturn(json(200,
                "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"access_token\":\"" + AzureFakes.TOKEN + "\"}")));
        fakes.roleDefinition(TestPolicies.RG_PAYMENTS, "Reader", AzureFakes.READER);
        fakes.wm.stubFor(any(urlPathMatching(".*/providers/Microsoft.Authorization/roleAssignments.*"))
                .willReturn(json(500, "{}").withTransformers(FakeArm.NAME)));
        provider = fakes.access("rbac", MutableClock.at("2026-11-25T10:00:00Z")).provider();
    }

    @Override
    protected AccessProvider provider() {
        return provider;
    }
}
