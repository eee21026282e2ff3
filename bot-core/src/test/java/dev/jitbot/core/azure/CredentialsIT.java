package dev.jitbot.core.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.jitbot.core.azure.AzureFakes.json;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.testing.FakeDirectory;
import dev.jitbot.core.testing.MutableClock;
import dev.jitbot.core.testing.TestPolicies;
import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The bot's identity: certificate credential against the Entra fake, and no secret or token in any log line. */
class CredentialsIT {

    private static final AzureScope RG = TestPolicies.RG_PAYMENTS;
    @RegisterExtension
    static final AzureFakes fakes = new AzureFakes();
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    private final Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    private Level rootLevel;

    @BeforeEach
    void capture() {
        fakes.reset();
        fakes.roleDefinition(RG, "Reader", AzureFakes.READER);
        rootLevel = root.getLevel();
        root.setLevel(Level.DEBUG);
        logs.start();
        root.addAppender(logs);
    }

    @AfterEach
    void release() {
        root.detachAppender(logs);
        root.setLevel(rootLevel);
    }

    @Test
    void certificateCredential_signsAnAssertionForTheTokenThatArmThenReceives() {
        Map<String, String> env = fakes.env("rbac");
        env.remove("AZURE_CLIENT_SECRET");
        env.put("AZURE_CLIENT_CERTIFICATE_PATH", AzureFakes.keystore().toString());
        env.put("AZURE_CLIENT_CERTIFICATE_PASSWORD", "changeit");
        fakes.wm.stubFor(put(urlPathMatching(AzureFakes.path(RG, "/providers/Microsoft.Authorization/roleAssignments/")
                + "[0-9a-f-]{36}")).willReturn(json(201, "{}")));
        MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
        AzureAccess access = AzureAccess.create(AzureSettings.fromEnvironment(env), clock, AzureFakes.fastTuning(),
                HttpClient.newBuilder().sslContext(AzureFakes.trusting()));
        AzureHarness core = new AzureHarness(clock, access.provider(), new FakeDirectory());

        Outcome o = core.service.handle(TestPolicies.ALICE, "request Reader on rg-payments for 1h because INC-2 logs");

        assertThat(o).isInstanceOf(Outcome.Activating.class);
        fakes.wm.verify(postRequestedFor(urlPathEqualTo("/" + AzureFakes.TENANT + "/oauth2/v2.0/token"))
                .withRequestBody(containing("client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type"
                        + "%3Ajwt-bearer"))
                .withRequestBody(containing("client_assertion=")));
        fakes.wm.verify(getRequestedFor(urlPathMatching(AzureFakes.path(RG,
                "/providers/Microsoft.Authorization/roleDefinitions")))
                .withHeader("Authorization", equalTo("Bearer " + AzureFakes.TOKEN)));
        assertNothingSecretLogged();
    }

    @Test
    void secretAndToken_neverReachALogLine_evenWhenAzureRefuses() {
        fakes.wm.stubFor(put(urlPathMatching(".*/roleAssignments/.*")).willReturn(json(403,
                AzureFakes.armError("AuthorizationFailed", "does not have authorization to perform action "
                        + "'Microsoft.Authorization/roleAssignments/write' over scope '" + RG.id() + "'"))));
        fakes.wm.stubFor(get(urlPathMatching("/v1.0/users/.*")).willReturn(json(200,
                "{\"id\":\"9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d\",\"displayName\":\"Alice\"}")));
        MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
        AzureAccess access = fakes.access("rbac", clock);
        AzureHarness core = new AzureHarness(clock, access.provider(), access.directory().orElseThrow());

        Outcome o = core.service.handle(TestPolicies.ALICE, "request Reader on rg-payments for 1h because INC-3 logs");

        assertThat(o).isInstanceOf(Outcome.Activating.class);
        assertThat(logged()).anyMatch(e -> e.getLoggerName().startsWith("com.azure"))
                .anyMatch(e -> e.getLoggerName().startsWith("dev.jitbot.core.azure"));
        assertNothingSecretLogged();
    }

    /** A snapshot: the fake server's threads keep appending while the test reads (AppenderBase locks itself). */
    private List<ILoggingEvent> logged() {
        synchronized (logs) {
            return new ArrayList<>(logs.list);
        }
    }

    private void assertNothingSecretLogged() {
        for (ILoggingEvent e : logged()) {
            if (e.getLoggerName().startsWith("org.eclipse.jetty") || e.getLoggerName().startsWith("WireMock")
                    || e.getLoggerName().startsWith("com.github.tomakehurst")) {
                continue; // the fake server's own debug output, not jitbot's side of the wire
            }
            String line = e.getFormattedMessage() + (e.getThrowableProxy() != null
                    ? e.getThrowableProxy().getMessage() : "");
            assertThat(line).doesNotContain(AzureFakes.TOKEN).doesNotContain(AzureFakes.SECRET)
                    .doesNotContain("changeit");
        }
    }
}
