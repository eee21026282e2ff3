package dev.jitbot.teams;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.microsoft.bot.connector.authentication.MicrosoftAppCredentials;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * The bot's outbound identity: Bot Framework's {@link MicrosoftAppCredentials}, with the token fetched by a plain
 * client-credentials POST to {@code {authority}/{tenant}/oauth2/v2.0/token} instead of MSAL.
 *
 * <p>Why not MSAL: Bot Framework 4.14.3 was built against msal4j 1.11 while azure-identity brings 1.26 into the same
 * class path, and MSAL insists on instance discovery against the public login host, so it cannot talk to a fake
 * authority at all. One plain request is the whole protocol; it is cached until five minutes before expiry.
 */
class TokenCredentials extends MicrosoftAppCredentials {

    static final String DEFAULT_AUTHORITY = "https://login.microsoftonline.com";
    private static final Duration EARLY_REFRESH = Duration.ofMinutes(5);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String authority;
    private final Clock clock;
    private final HttpClient http;
    private String cachedToken;
    private Instant cachedUntil = Instant.MIN;

    TokenCredentials(String appId, String appPassword, String tenantId, String authority, Clock clock) {
        super(appId, appPassword, tenantId);
        this.authority = stripSlash(authority == null || authority.isBlank() ? DEFAULT_AUTHORITY : authority);
        this.clock = clock;
        this.http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    }

    /** The token endpoint this bot asks, e.g. {@code https://login.microsoftonline.com/botframework.com/oauth2/v2.0/token}. */
    String tokenEndpoint() {
        return authority + "/" + getChannelAuthTenant() + "/oauth2/v2.0/token";
    }

    @Override
    public CompletableFuture<String> getToken() {
        try {
            return CompletableFuture.completedFuture(token());
        } catch (RuntimeException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    private synchronized String token() {
        Instant now = clock.instant();
        if (cachedToken != null && now.isBefore(cachedUntil)) {
            return cachedToken;
        }
        String form = "grant_type=client_credentials"
                + "&client_id=" + enc(getAppId())
                + "&client_secret=" + enc(getAppPassword() == null ? "" : getAppPassword())
                + "&scope=" + enc(oAuthScope());
        HttpRequest request = HttpRequest.newBuilder(URI.create(tokenEndpoint()))
                .timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Accept", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(form))
                .build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new TokenException("could not reach the token endpoint " + tokenEndpoint() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TokenException("interrupted while fetching a Bot Framework token", e);
        }
        JsonNode body;
        try {
            body = JSON.readTree(response.body());
        } catch (IOException e) {
            throw new TokenException("token endpoint " + tokenEndpoint() + " answered " + response.statusCode()
                    + " with a body that is not JSON", e);
        }
        if (response.statusCode() != 200 || !body.hasNonNull("access_token")) {
            // error and error_description name the problem (bad secret, unknown app) without repeating the secret.
            throw new TokenException("token endpoint " + tokenEndpoint() + " answered " + response.statusCode() + ": "
                    + body.path("error").asText("no error code") + " " + firstLine(body.path("error_description").asText("")),
                    null);
        }
        long expiresIn = body.path("expires_in").asLong(3600);
        cachedToken = body.get("access_token").asText();
        cachedUntil = now.plusSeconds(expiresIn).minus(EARLY_REFRESH);
        return cachedToken;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String enc(String s) {
        return URLEncoder.encode(s == null ? "" : s, StandardCharsets.UTF_8);
    }

    private static String stripSlash(String s) {
        String t = s.strip();
        while (t.endsWith("/")) {
            t = t.substring(0, t.length() - 1);
        }
        return t;
    }

    /** The token endpoint could not be reached or refused the bot's credentials. */
    static final class TokenException extends RuntimeException {
        TokenException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
