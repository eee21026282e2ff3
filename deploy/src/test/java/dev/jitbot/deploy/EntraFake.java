package dev.jitbot.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Entra ID's OpenID metadata and JWKS on an HTTPS WireMock (the {@link ArmFake}'s), and access tokens minted with a
 * test RSA key as Entra mints them for an app-only caller: v2.0 issuer, {@code aud}, {@code oid}, {@code roles}.
 */
final class EntraFake {

    static final String AUDIENCE = "api://jitbot";
    static final String KID = "test-key-1";
    /** The deploy pipeline's service principal, as examples/policy.yaml knows it. */
    static final String PIPELINE_OID = "3a7f5c1e-2b4d-4e6f-8a9b-0c1d2e3f4a5b";
    static final String PIPELINE_APP = "5d2e9f40-1c3b-4a6d-8e7f-9a0b1c2d3e4f";

    final RSAKey key;
    final RSAKey stranger;
    private final String base;

    EntraFake(WireMockServer wm, String base) throws Exception {
        this.base = base;
        key = new RSAKeyGenerator(2048).keyID(KID).generate();
        stranger = new RSAKeyGenerator(2048).keyID("not-published").generate();
        wm.stubFor(get(urlPathEqualTo("/" + ArmFake.TENANT + "/v2.0/.well-known/openid-configuration"))
                .willReturn(okJson("{\"issuer\":\"" + issuer() + "\",\"jwks_uri\":\"" + base + "/" + ArmFake.TENANT
                        + "/discovery/v2.0/keys\",\"token_endpoint\":\"" + base + "/" + ArmFake.TENANT
                        + "/oauth2/v2.0/token\",\"id_token_signing_alg_values_supported\":[\"RS256\"]}")));
        wm.stubFor(get(urlPathEqualTo("/" + ArmFake.TENANT + "/discovery/v2.0/keys"))
                .willReturn(okJson(new JWKSet(key.toPublicJWK()).toString())));
        // The pipeline's own client-credentials log-in (the CLI client): Entra answers with a token for jitbot.
        wm.stubFor(post(urlPathEqualTo("/" + ArmFake.TENANT + "/oauth2/v2.0/token"))
                .withRequestBody(containing("client_id=" + PIPELINE_APP)).atPriority(1)
                .willReturn(okJson("{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,"
                        + "\"access_token\":\"" + token(PIPELINE_OID, c -> c) + "\"}")));
    }

    String issuer() {
        return base.replace("https://localhost:", "https://localhost:") + "/" + ArmFake.TENANT + "/v2.0";
    }

    JWTClaimsSet.Builder claims(String oid) {
        Instant now = Instant.now();
        return new JWTClaimsSet.Builder().issuer(issuer()).audience(AUDIENCE).subject(oid)
                .claim("oid", oid).claim("tid", ArmFake.TENANT).claim("azp", PIPELINE_APP).claim("azpacr", "1")
                .claim("ver", "2.0").claim("roles", List.of("JitBot.Request"))
                .issueTime(Date.from(now)).notBeforeTime(Date.from(now)).expirationTime(Date.from(now.plusSeconds(3600)));
    }

    /** A valid token for {@code oid}, changed by {@code edit}. */
    String token(String oid, UnaryOperator<JWTClaimsSet.Builder> edit) throws Exception {
        return signed(key, edit.apply(claims(oid)).build());
    }

    static String signed(RSAKey with, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).type(JOSEObjectType.JWT)
                .keyID(with.getKeyID()).build(), claims);
        jwt.sign(new RSASSASigner(with));
        return jwt.serialize();
    }

    /** A token whose signature is made with another key under the published kid. */
    String wrongSignature(String oid) throws Exception {
        RSAKey forged = new RSAKeyGenerator(2048).keyID(KID).generate();
        return signed(forged, claims(oid).build());
    }

    String algNone(String oid) {
        return new PlainJWT(claims(oid).build()).serialize();
    }

    /** HS256 with the public key's bytes as the shared secret: the classic key-confusion attack. */
    String hs256WithPublicKey(String oid) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.HS256).keyID(KID).build(), claims(oid).build());
        byte[] secret = key.toPublicJWK().toJSONString().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        jwt.sign(new MACSigner(secret));
        return jwt.serialize();
    }

    String unknownKid(String oid) throws Exception {
        return signed(stranger, claims(oid).build());
    }
}
