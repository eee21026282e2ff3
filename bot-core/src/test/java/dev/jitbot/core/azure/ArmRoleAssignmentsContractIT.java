package dev.jitbot.core.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.any;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.jitbot.core.azure.AzureFakes.json;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.State;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import dev.jitbot.core.testing.AccessProviderContract;
import dev.jitbot.core.testing.MutableClock;
import dev.jitbot.core.testing.TestPolicies;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The AccessProvider contract for RBAC mode, against a stateful ARM fake over HTTPS. */
class ArmRoleAssignmentsContractIT extends AccessProviderContract {

    private static final FakeArm ARM = new FakeArm();
    @RegisterExtension
    static final AzureFakes fakes = new AzureFakes(ARM);
    private AccessProvider provider;

    @BeforeEach
    void wire() {
        ARM.clear();
        fakes.reset();
        fakes.roleDefinition(TestPolicies.RG_PAYMENTS, "Reader", AzureFakes.READER);
        fakes.wm.stubFor(any(urlPathMatching(".*/providers/Microsoft.Authorization/roleAssignments.*"))
                .willReturn(json(500, "{}").withTransformers(FakeArm.NAME)));
        provider = fakes.access("rbac", MutableClock.at("2026-11-25T10:00:00Z")).provider();
    }

    @Test
    void measure_sequentialGrantAndRevokeLatencyOverHttps() {
        int n = 30;
        long[] grants = new long[n];
        long[] revokes = new long[n];
        for (int i = 0; i < n; i++) {
            AccessRequest r = activating("JIT-M" + String.format("%03d", i), "user" + i + "@contoso.com");
            long t0 = System.nanoTime();
            AccessProvider.GrantResult g = provider.grant(r, NOW.plus(Duration.ofHours(1)));
            long t1 = System.nanoTime();
            provider.revoke(r.to(State.ACTIVE).withActivation(NOW, ((AccessProvider.GrantResult.Granted) g).assignmentId()));
            long t2 = System.nanoTime();
            grants[i] = (t1 - t0) / 1_000;
            revokes[i] = (t2 - t1) / 1_000;
        }
        Arrays.sort(grants);
        Arrays.sort(revokes);
        System.out.printf("[measure] rbac over HTTPS fake, %d sequential ops: grant median %.1f ms p90 %.1f ms; "
                + "revoke median %.1f ms p90 %.1f ms%n", n, grants[n / 2] / 1000.0, grants[n * 9 / 10] / 1000.0,
                revokes[n / 2] / 1000.0, revokes[n * 9 / 10] / 1000.0);
        assertThat(provider.list(List.of(TestPolicies.SUB_PROD))).isEmpty();
    }

    @Override
    protected AccessProvider provider() {
        return provider;
    }
}
