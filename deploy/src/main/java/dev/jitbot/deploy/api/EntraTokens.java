package dev.jitbot.deploy.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.jitbot.core.domain.Principal;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.text.ParseException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks an Entra access token presented to {@code /api/v1}: an RS256 signature by a key from the tenant's JWKS
 * (found through its OpenID metadata, cached, fetched again for an unknown {@code kid} at most every 5 minutes),
 * the tenant's issuer, the configured audience, {@code exp}/{@code nbf} with 5 minutes' skew, and the app role.
 * The caller is the token's {@code oid}.
 */
public final class EntraTokens {

    private static final Logger log = LoggerFactory.getLogger(EntraTokens.class);
    static final Duration SKEW = Duration.ofMinutes(5);
    static final Duration MIN_REFRESH = Duration.ofMinutes(5);
    static final Duration MAX_AGE = Duration.ofHours(24);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Settings settings;
    private final HttpClient http;
    private final Clock clock;
    private volatile Keys keys;
    private Instant lastFetch = Instant.MIN;

    /**
     * @param authorityHost Entra's base URL ({@code AZURE_AUTHORITY_HOST}), https
     * @param tenant        the tenant whose tokens are accepted
     * @param audience      the {@code aud} tokens must carry ({@code JITBOT_API_AUDIENCE})
     * @param role          the app role tokens must carry in {@code roles}
     */
    public record Settings(String authorityHost, String tenant, String audience, String role) {
        public Settings {
            Objects.requireNonNull(authorityHost, "authorityHost");
            Objects.requireNonNull(tenant, "tenant");
            Objects.requireNonNull(audience, "audience");
            Objects.requireNonNull(role, "role");
            authorityHost = authorityHost.replaceAll("/+$", "");
        }

        URI metadata() {
            return URI.create(authorityHost + "/" + tenant + "/v2.0/.well-known/openid-configuration");
        }
    }

    /** What a token check found. */
    public sealed interface Verdict {
        /** A token jitbot accepts, from the workload with Entra object id {@code objectId}. */
        record Valid(String objectId, String appId) implements Verdict { }

        /** Refused; {@code why} is safe to show the caller (it never quotes the token). */
        record Invalid(String why) implements Verdict { }

        /** Entra's keys could not be fetched and none are known: the caller should try again later. */
        record Unavailable(String why) implements Verdict { }
    }

    /** The keys and the issuer from one fetch of the metadata and JWKS. */
    private record Keys(JWKSet set, String issuer, Instant fetched) { }

    public EntraTokens(Settings settings, HttpClient http, Clock clock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.http = Objects.requireNonNull(http, "http");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Settings settings() {
        return settings;
    }

    /** Checks the value of an {@code Authorization: Bearer} header (without the scheme). */
    public Verdict check(String token) {
        SignedJWT jwt;
        try {
            jwt = SignedJWT.parse(token);
        } catch (ParseException | RuntimeException e) {
            return new Verdict.Invalid("The bearer token is not a signed JWT.");
        }
        JWSHeader header = jwt.getHeader();
        if (!JWSAlgorithm.RS256.equals(header.getAlgorithm())) {
            return new Verdict.Invalid("The token is signed with " + header.getAlgorithm() + "; only RS256 tokens "
                    + "from Entra ID are accepted.");
        }
        String kid = header.getKeyID();
        if (kid == null || kid.isBlank()) {
            return new Verdict.Invalid("The token names no signing key (kid).");
        }
        Keys known = keys;
        if (known == null || known.set().getKeyByKeyId(kid) == null
                || Duration.between(known.fetched(), clock.instant()).compareTo(MAX_AGE) > 0) {
            Keys fresh = refresh(known);
            if (fresh == null && known == null) {
                return new Verdict.Unavailable("Entra ID's signing keys could not be fetched; try again shortly.");
            }
            known = fresh != null ? fresh : known;
        }
        JWK jwk = known.set().getKeyByKeyId(kid);
        if (!(jwk instanceof RSAKey rsa)) {
            return new Verdict.Invalid("The token is signed with a key the tenant does not publish.");
        }
        try {
            if (!jwt.verify(new RSASSAVerifier(rsa.toRSAPublicKey()))) {
                return new Verdict.Invalid("The token's signature does not verify.");
            }
        } catch (JOSEException e) {
            return new Verdict.Invalid("The token's signature does not verify.");
        }
        JWTClaimsSet claims;
        try {
            claims = jwt.getJWTClaimsSet();
        } catch (ParseException e) {
            return new Verdict.Invalid("The token's claims are not readable.");
        }
        return checkClaims(claims, known.issuer());
    }

    private Verdict checkClaims(JWTClaimsSet c, String metadataIssuer) {
        String v1Issuer = "https://sts.windows.net/" + settings.tenant() + "/";
        String issuer = c.getIssuer();
        if (issuer == null || !(issuer.equals(metadataIssuer) || issuer.equals(v1Issuer))) {
            return new Verdict.Invalid("The token was not issued by the configured tenant.");
        }
        List<String> aud = c.getAudience();
        if (aud == null || !aud.contains(settings.audience())) {
            return new Verdict.Invalid("The token is not meant for jitbot: its audience must be "
                    + settings.audience() + ".");
        }
        Instant now = clock.instant();
        Date exp = c.getExpirationTime();
        if (exp == null || !exp.toInstant().plus(SKEW).isAfter(now)) {
            return new Verdict.Invalid("The token expired; get a new one.");
        }
        Date nbf = c.getNotBeforeTime();
        if (nbf != null && nbf.toInstant().minus(SKEW).isAfter(now)) {
            return new Verdict.Invalid("The token is not valid yet.");
        }
        List<String> roles;
        try {
            roles = c.getStringListClaim("roles");
        } catch (ParseException e) {
            roles = null;
        }
        if (roles == null || !roles.contains(settings.role())) {
            return new Verdict.Invalid("The token lacks the app role " + settings.role() + "; assign it to the "
                    + "workload's service principal or managed identity.");
        }
        Object tid = c.getClaim("tid");
        if (tid != null && !settings.tenant().equalsIgnoreCase(tid.toString())) {
            return new Verdict.Invalid("The token was not issued by the configured tenant.");
        }
        Object oid = c.getClaim("oid");
        if (oid == null || !Principal.isObjectId(oid.toString())) {
            return new Verdict.Invalid("The token carries no object id (oid) of its caller.");
        }
        Object appId = c.getClaim("azp") != null ? c.getClaim("azp") : c.getClaim("appid");
        return new Verdict.Valid(oid.toString().toLowerCase(java.util.Locale.ROOT),
                appId == null ? null : appId.toString());
    }

    /**
     * Fetches the metadata and JWKS again unless that happened less than {@link #MIN_REFRESH} ago; keeps the last
     * good keys on failure. Null when no fetch was made or it failed.
     */
    private synchronized Keys refresh(Keys seen) {
        if (keys != seen && keys != null) {
            return keys;
        }
        Instant now = clock.instant();
        if (lastFetch != Instant.MIN && Duration.between(lastFetch, now).compareTo(MIN_REFRESH) < 0) {
            return null;
        }
        lastFetch = now;
        try {
            JsonNode metadata = JSON.readTree(get(settings.metadata()));
            String jwksUri = metadata.path("jwks_uri").asText(null);
            String issuer = metadata.path("issuer").asText(null);
            if (jwksUri == null || issuer == null || !jwksUri.startsWith("https://")) {
                log.warn("Entra metadata at {} has no usable jwks_uri or issuer", settings.metadata());
                return null;
            }
            JWKSet set = JWKSet.parse(get(URI.create(jwksUri)));
            Keys fresh = new Keys(set, issuer.replace("{tenantid}", settings.tenant()), now);
            keys = fresh;
            log.info("read {} signing keys of tenant {} from Entra ID", set.getKeys().size(), settings.tenant());
            return fresh;
        } catch (IOException | ParseException | RuntimeException e) {
            log.warn("could not read Entra ID's signing keys from {}: {}", settings.metadata(), e.toString());
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private String get(URI uri) throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("GET " + uri + " answered " + r.statusCode());
        }
        return r.body();
    }
}
