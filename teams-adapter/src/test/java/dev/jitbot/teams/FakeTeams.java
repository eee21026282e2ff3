package dev.jitbot.teams;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;

import com.auth0.jwt.JWT;
import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.List;

/**
 * Microsoft's side of a Teams bot, at the wire: Bot Framework's OpenID metadata and signing keys (one test key,
 * endorsed for {@code msteams}), Entra's token endpoint, and the Teams connector with a small roster. Also mints
 * the JWTs that Teams would send with each activity.
 */
final class FakeTeams implements AutoCloseable {

    static final String APP_ID = "5a1c2e3f-0b4d-4c6e-8f7a-9b0c1d2e3f4a";
    static final String APP_PASSWORD = "test-app-password-not-a-secret";
    static final String ACCESS_TOKEN = "eyJ0eXAiOiJKV1QifQ.fake-connector-token.sig";
    static final String ISSUER = "https://api.botframework.com";
    static final String KID = "test-kid";
    static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    static final String CARD_ID = "1700000000001";
    static final String NEW_CHAT = "a:1created-personal-chat";

    /** A Teams user of the tests: chat id, Entra object id, email (policy names people by email). */
    record User(String id, String name, String aadObjectId, String email) { }

    static final User ALICE = new User("29:alice", "Alice", "9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", "alice@contoso.com");
    static final User BOB = new User("29:bob", "Bob", "2c4e6a8b-0d1f-4a3c-8e5b-7d9f1b3c5e7a", "bob@contoso.com");
    static final User CAROL = new User("29:carol", "Carol", "3d5f7b9c-1e2a-4b4d-9f6c-8e0a2c4d6f8b", "carol@contoso.com");
    static final User ERIN = new User("29:erin", "Erin", "4e6a8c0d-2f3b-4c5e-8a7d-9f1b3d5e7a9c", "erin@contoso.com");
    static final List<User> TEAM = List.of(ALICE, BOB, CAROL, ERIN);

    private static final ObjectMapper JSON = new ObjectMapper();

    final WireMockServer wm = new WireMockServer(wireMockConfig().dynamicPort());
    final KeyPair key = rsa();
    final KeyPair otherKey = rsa();

    FakeTeams() {
        wm.start();
        stubAll();
    }

    String serviceUrl() {
        return "http://localhost:" + wm.port() + "/";
    }

    String openIdMetadataUrl() {
        return "http://localhost:" + wm.port() + "/v1/.well-known/openidconfiguration";
    }

    String authority() {
        return "http://localhost:" + wm.port();
    }

    void reset() {
        wm.resetRequests();
    }

    void stubAll() {
        wm.stubFor(get(urlPathEqualTo("/v1/.well-known/openidconfiguration")).willReturn(okJson("{\"issuer\":\""
                + ISSUER + "\",\"jwks_uri\":\"http://localhost:" + wm.port() + "/v1/.well-known/keys\","
                + "\"id_token_signing_alg_values_supported\":[\"RS256\"]}")));
        RSAPublicKey pub = (RSAPublicKey) key.getPublic();
        ObjectNode jwk = JSON.createObjectNode().put("kty", "RSA").put("use", "sig").put("kid", KID)
                .put("n", b64(pub.getModulus().toByteArray())).put("e", b64(pub.getPublicExponent().toByteArray()));
        jwk.putArray("endorsements").add("msteams");
        ObjectNode jwks = JSON.createObjectNode();
        jwks.putArray("keys").add(jwk);
        wm.stubFor(get(urlPathEqualTo("/v1/.well-known/keys")).willReturn(okJson(jwks.toString())));

        wm.stubFor(post(urlPathEqualTo("/botframework.com/oauth2/v2.0/token")).willReturn(okJson(
                "{\"token_type\":\"Bearer\",\"expires_in\":3599,\"ext_expires_in\":3599,\"access_token\":\""
                        + ACCESS_TOKEN + "\"}")));

        // Connector: new posts into the approvals channel are the card; everything else gets its own id.
        wm.stubFor(post(urlPathMatching("/v3/conversations/[^/]+/activities")).willReturn(okJson("{\"id\":\"1700000000999\"}")));
        wm.stubFor(post(urlPathMatching("/v3/conversations/19(:|%3A)approvals(@|%40)thread\\.tacv2/activities"))
                .atPriority(1).willReturn(okJson("{\"id\":\"" + CARD_ID + "\"}")));
        wm.stubFor(post(urlPathMatching("/v3/conversations/[^/]+/activities/[^/]+")).willReturn(okJson("{\"id\":\"1700000000777\"}")));
        wm.stubFor(put(urlPathMatching("/v3/conversations/[^/]+/activities/[^/]+")).willReturn(okJson("{\"id\":\"" + CARD_ID + "\"}")));

        wm.stubFor(post(urlPathEqualTo("/v3/conversations")).willReturn(okJson("{\"id\":\"" + NEW_CHAT
                + "\",\"activityId\":\"1700000000555\"}")));

        ArrayNode roster = JSON.createArrayNode();
        for (User u : TEAM) {
            roster.add(member(u));
            wm.stubFor(get(urlPathMatching("/v3/conversations/[^/]+/members/" + u.id().replace(":", "(:|%3A)")))
                    .willReturn(okJson(member(u).toString())));
        }
        wm.stubFor(get(urlPathMatching("/v3/conversations/[^/]+/members")).willReturn(okJson(roster.toString())));
        // Teams also finds a member by Entra object id, and answers with their roster id.
        wm.stubFor(get(urlPathMatching("/v3/conversations/[^/]+/members/" + BOB.aadObjectId()))
                .willReturn(okJson(member(BOB).toString())));
    }

    private static ObjectNode member(User u) {
        return JSON.createObjectNode().put("id", u.id()).put("name", u.name()).put("aadObjectId", u.aadObjectId())
                .put("email", u.email()).put("userPrincipalName", u.email()).put("tenantId", TENANT);
    }

    // ------------------------------------------------------------------------------------------------ tokens

    /** A token as Bot Framework signs it for this bot and {@code serviceUrl}. */
    String token() {
        return token(key, APP_ID, serviceUrl(), Instant.now().plus(Duration.ofMinutes(30)));
    }

    String token(KeyPair signer, String audience, String serviceUrlClaim, Instant expires) {
        return JWT.create()
                .withKeyId(KID)
                .withIssuer(ISSUER)
                .withAudience(audience)
                .withClaim("serviceurl", serviceUrlClaim)
                .withNotBefore(Date.from(expires.minus(Duration.ofHours(1))))
                .withIssuedAt(Date.from(expires.minus(Duration.ofHours(1))))
                .withExpiresAt(Date.from(expires))
                .sign(Algorithm.RSA256((RSAPublicKey) signer.getPublic(), (RSAPrivateKey) signer.getPrivate()));
    }

    // ------------------------------------------------------------------------------------------------ activities

    private int activitySeq = 100;

    String message(User from, String conversationId, String conversationType, String text) {
        ObjectNode a = base("message", from, conversationId, conversationType);
        a.put("text", text).put("textFormat", "plain");
        return a.toString();
    }

    String install(String conversationId, String conversationType, User addedBy) {
        ObjectNode a = base("conversationUpdate", addedBy, conversationId, conversationType);
        a.putArray("membersAdded").addObject().put("id", "28:" + APP_ID);
        return a.toString();
    }

    /** An Action.Execute whose card input {@code field} (e.g. a review's {@code note}) holds {@code value}. */
    String invokeWith(User from, String verb, String requestId, String field, String value) {
        ObjectNode a = (ObjectNode) json(invoke(from, verb, requestId, null));
        ((ObjectNode) a.at("/value/action/data")).put(field, value);
        return a.toString();
    }

    String invoke(User from, String verb, String requestId, String reason) {
        ObjectNode a = base("invoke", from, "19:approvals@thread.tacv2;messageid=" + CARD_ID, "channel");
        a.put("name", "adaptiveCard/action").put("replyToId", CARD_ID);
        ObjectNode action = a.putObject("value").put("trigger", "manual").putObject("action");
        action.put("type", "Action.Execute").put("id", "act-" + verb).put("verb", verb);
        ObjectNode data = action.putObject("data").put("requestId", requestId);
        if (reason != null) {
            data.put("reason", reason);
        }
        return a.toString();
    }

    private ObjectNode base(String type, User from, String conversationId, String conversationType) {
        ObjectNode a = JSON.createObjectNode();
        a.put("type", type).put("id", "f:" + (activitySeq++)).put("timestamp", Instant.now().toString())
                .put("serviceUrl", serviceUrl()).put("channelId", "msteams").put("locale", "en-US");
        a.putObject("from").put("id", from.id()).put("name", from.name()).put("aadObjectId", from.aadObjectId());
        a.putObject("conversation").put("id", conversationId).put("conversationType", conversationType)
                .put("tenantId", TENANT).put("isGroup", !"personal".equals(conversationType));
        a.putObject("recipient").put("id", "28:" + APP_ID).put("name", "jitbot");
        a.putObject("channelData").putObject("tenant").put("id", TENANT);
        return a;
    }

    /** {@code activity} with {@code field} of its {@code from} set to {@code value}, or removed when null. */
    static String withFrom(String activity, String field, String value) {
        ObjectNode a = json(activity);
        ObjectNode from = (ObjectNode) a.path("from");
        if (value == null) {
            from.remove(field);
        } else {
            from.put(field, value);
        }
        return a.toString();
    }

    /** {@code activity} with the top-level {@code field} set to {@code value}, or removed when null. */
    static String with(String activity, String field, String value) {
        ObjectNode a = json(activity);
        if (value == null) {
            a.remove(field);
        } else {
            a.put(field, value);
        }
        return a.toString();
    }

    /** Makes the connector's member look-up of {@code u} fail with {@code status} until the stub is removed. */
    com.github.tomakehurst.wiremock.stubbing.StubMapping failMemberLookUp(User u, int status) {
        return wm.stubFor(get(urlPathMatching("/v3/conversations/[^/]+/members/" + u.id().replace(":", "(:|%3A)")))
                .atPriority(1).willReturn(aResponse().withStatus(status)
                        .withBody("{\"error\":{\"code\":\"ServiceUnavailable\",\"message\":\"try later\"}}")));
    }

    // ------------------------------------------------------------------------------------------------ what it got

    /** The connector's look-ups of {@code u}'s own member record ({@code GET …/members/{id}}). */
    List<LoggedRequest> memberLookUps(User u) {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile("/v3/conversations/[^/]+/members/"
                + java.util.regex.Pattern.quote(u.id()));
        return connectorCalls().stream().filter(r -> r.getMethod().getName().equals("GET"))
                .filter(r -> p.matcher(java.net.URLDecoder.decode(r.getUrl(), java.nio.charset.StandardCharsets.UTF_8))
                        .matches()).toList();
    }

    List<LoggedRequest> connectorCalls() {
        return wm.getAllServeEvents().stream().map(e -> e.getRequest())
                .filter(r -> r.getUrl().startsWith("/v3/")).toList();
    }

    List<LoggedRequest> connectorWrites() {
        return connectorCalls().stream().filter(r -> !r.getMethod().getName().equals("GET")).toList();
    }

    static ObjectNode json(String s) {
        try {
            return (ObjectNode) JSON.readTree(s);
        } catch (Exception e) {
            throw new IllegalArgumentException("not JSON: " + s, e);
        }
    }

    @Override
    public void close() {
        wm.stop();
    }

    private static String b64(byte[] bigEndian) {
        int skip = 0;
        while (skip < bigEndian.length - 1 && bigEndian[skip] == 0) {
            skip++;
        }
        byte[] unsigned = java.util.Arrays.copyOfRange(bigEndian, skip, bigEndian.length);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(unsigned);
    }

    private static KeyPair rsa() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
            g.initialize(2048);
            return g.generateKeyPair();
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
