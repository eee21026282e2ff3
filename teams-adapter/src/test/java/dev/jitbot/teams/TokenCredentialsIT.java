package dev.jitbot.teams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.jitbot.core.testing.MutableClock;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The bot's outbound token, fetched from a fake Entra authority over HTTP. */
class TokenCredentialsIT {

    static final String SECRET = "very-secret-client-password";

    final WireMockServer entra = new WireMockServer(wireMockConfig().dynamicPort());
    final MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");

    @BeforeEach
    void start() {
        entra.start();
    }

    @AfterEach
    void stop() {
        entra.stop();
    }

    TokenCredentials credentials(String tenant) {
        return new TokenCredentials("5a1c2e3f-0b4d-4c6e-8f7a-9b0c1d2e3f4a", SECRET, tenant,
                "http://localhost:" + entra.port() + "/", clock);
    }

    @Test
    void token_isCachedUntilFiveMinutesBeforeItExpires() throws Exception {
        entra.stubFor(post(urlPathEqualTo("/contoso.onmicrosoft.com/oauth2/v2.0/token"))
                .willReturn(okJson("{\"token_type\":\"Bearer\",\"expires_in\":3600,\"access_token\":\"tok-1\"}")));
        TokenCredentials c = credentials("contoso.onmicrosoft.com");

        assertThat(c.getToken().get()).isEqualTo("tok-1");
        clock.advance(Duration.ofMinutes(54));
        assertThat(c.getToken().get()).isEqualTo("tok-1");
        entra.verify(1, postRequestedFor(urlPathEqualTo("/contoso.onmicrosoft.com/oauth2/v2.0/token")));

        clock.advance(Duration.ofMinutes(2));
        c.getToken().get();
        entra.verify(2, postRequestedFor(urlPathEqualTo("/contoso.onmicrosoft.com/oauth2/v2.0/token")));
    }

    @Test
    void refusedCredentials_failWithEntrasErrorCodeAndNeverTheSecret() {
        entra.stubFor(post(urlPathEqualTo("/botframework.com/oauth2/v2.0/token")).willReturn(aResponse()
                .withStatus(401).withHeader("Content-Type", "application/json")
                .withBody("{\"error\":\"invalid_client\",\"error_description\":\"AADSTS7000215: Invalid client "
                        + "secret provided.\\r\\nTrace ID: 1\"}")));

        assertThatThrownBy(() -> credentials(null).getToken().get())
                .isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(TokenCredentials.TokenException.class)
                .hasMessageContaining("401").hasMessageContaining("invalid_client")
                .hasMessageContaining("AADSTS7000215")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SECRET));
    }
}
