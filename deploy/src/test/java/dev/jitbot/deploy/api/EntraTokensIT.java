package dev.jitbot.deploy.api;

import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.jitbot.core.testing.MutableClock;
import java.net.http.HttpClient;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The token check against Entra's metadata and JWKS over HTTPS (WireMock), on a mutable clock: key rollover is
 * picked up on an unknown kid, but no more often than every 5 minutes; skew is 5 minutes. Prints the cost of a check.
 */
class EntraTokensIT {

    static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    static final String OID = "3a7f5c1e-2b4d-4e6f-8a9b-0c1d2e3f4a5b";

    private final WireMockServer wm = new WireMockServer(WireMockConfiguration.options().dynamicHttpsPort()
            .httpDisabled(true));
    private final MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
    private RSAKey key;
    private EntraTokens tokens;

    @BeforeEach
    void start() throws Exception {
        wm.start();
        key = new RSAKeyGenerator(2048).keyID("k1").generate();
        String base = "https://localhost:" + wm.httpsPort();
        wm.stubFor(get(urlPathEqualTo("/" + TENANT + "/v2.0/.well-known/openid-configuration")).willReturn(okJson(
                "{\"issuer\":\"https://login.microsoftonline.com/" + TENANT + "/v2.0\",\"jwks_uri\":\"" + base + "/"
                        + TENANT + "/discovery/v2.0/keys\"}")));
        publish(key);
        tokens = new EntraTokens(new EntraTokens.Settings(base, TENANT, "api://jitbot", "JitBot.Request"),
                trustingClient(), clock);
    }

    @AfterEach
    void stop() {
        wm.stop();
    }

    private void publish(RSAKey... keys) {
        wm.stubFor(get(urlPathEqualTo("/" + TENANT + "/discovery/v2.0/keys")).willReturn(okJson(new JWKSet(
                java.util.Arrays.stream(keys).map(k -> (com.nimbusds.jose.jwk.JWK) k.toPublicJWK()).toList())
                .toString())));
    }

    private String token(RSAKey with, Instant exp) throws Exception {
        JWTClaimsSet c = new JWTClaimsSet.Builder().issuer("https://login.microsoftonline.com/" + TENANT + "/v2.0")
                .audience("api://jitbot").claim("oid", OID).claim("tid", TENANT)
                .claim("roles", List.of("JitBot.Request")).expirationTime(Date.from(exp))
                .notBeforeTime(Date.from(exp.minusSeconds(3600))).build();
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(with.getKeyID()).build(), c);
        jwt.sign(new RSASSASigner(with));
        return jwt.serialize();
    }

    @Test
    void aValidToken_namesItsCallerByObjectId() throws Exception {
        EntraTokens.Verdict v = tokens.check(token(key, clock.instant().plusSeconds(600)));
        assertThat(v).isEqualTo(new EntraTokens.Verdict.Valid(OID, null));
    }

    @Test
    void expiry_allowsFiveMinutesOfSkew_andNoMore() throws Exception {
        String t = token(key, clock.instant());
        clock.advance(Duration.ofMinutes(4));
        assertThat(tokens.check(t)).isInstanceOf(EntraTokens.Verdict.Valid.class);
        clock.advance(Duration.ofMinutes(2));
        assertThat(tokens.check(t)).isInstanceOf(EntraTokens.Verdict.Invalid.class);
    }

    @Test
    void aRolledKey_isFetchedOnItsUnknownKid_butNotMoreOftenThanEveryFiveMinutes() throws Exception {
        assertThat(tokens.check(token(key, clock.instant().plusSeconds(3600)))).isInstanceOf(EntraTokens.Verdict.Valid.class);
        RSAKey next = new RSAKeyGenerator(2048).keyID("k2").generate();
        publish(key, next);
        String rolled = token(next, clock.instant().plusSeconds(3600));
        clock.advance(Duration.ofMinutes(1));
        assertThat(tokens.check(rolled)).as("within 5 min of the last fetch").isInstanceOf(EntraTokens.Verdict.Invalid.class);
        assertThat(tokens.check(rolled)).isInstanceOf(EntraTokens.Verdict.Invalid.class);
        assertThat(wm.findAll(getRequestedFor(urlPathEqualTo("/" + TENANT + "/discovery/v2.0/keys")))).hasSize(1);
        clock.advance(Duration.ofMinutes(5));
        assertThat(tokens.check(rolled)).isInstanceOf(EntraTokens.Verdict.Valid.class);
        assertThat(wm.findAll(getRequestedFor(urlPathEqualTo("/" + TENANT + "/discovery/v2.0/keys")))).hasSize(2);
    }

    @Test
    void entraUnreachableBeforeAnyKeys_isUnavailableNotInvalid() throws Exception {
        wm.resetAll();
        assertThat(tokens.check(token(key, clock.instant().plusSeconds(600))))
                .isInstanceOf(EntraTokens.Verdict.Unavailable.class);
    }

    @Test
    void theCostOfACheck_isPrinted() throws Exception {
        String t = token(key, clock.instant().plusSeconds(3600));
        tokens.check(t);
        for (int i = 0; i < 2000; i++) {
            tokens.check(t);
        }
        int n = 20000;
        long t0 = System.nanoTime();
        for (int i = 0; i < n; i++) {
            tokens.check(t);
        }
        long per = (System.nanoTime() - t0) / n;
        System.out.println("token validation (parse + RS256 verify + claims, keys cached): " + per / 1000.0
                + " µs per token over " + n + " checks");
    }

    private static HttpClient trustingClient() throws Exception {
        // Test only: WireMock's own self-signed certificate for localhost.
        TrustManager trustAll = new X509TrustManager() {
            public void checkClientTrusted(X509Certificate[] c, String a) { }
            public void checkServerTrusted(X509Certificate[] c, String a) { }
            public X509Certificate[] getAcceptedIssuers() {
                return new X509Certificate[0];
            }
        };
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, new TrustManager[] {trustAll}, null);
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        return HttpClient.newBuilder().sslContext(ssl).build();
    }
}
