package dev.jitbot.core.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitbot.core.app.AccessProviderException;
import dev.jitbot.core.app.Directory;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.PrincipalType;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entra look-ups through Microsoft Graph v1.0 with the bot's own token: users by email or UPN, service principals
 * and managed identities by object id or app id, and transitive group membership ({@code checkMemberGroups}).
 * Answers are reused for a while (the TTL); a missing account is remembered for at most a minute, so a freshly
 * created one is found soon.
 */
final class GraphDirectory implements Directory {

    private static final Logger log = LoggerFactory.getLogger(GraphDirectory.class);
    private static final Duration NEGATIVE_TTL = Duration.ofMinutes(1);
    /** Account state ({@code accountEnabled}) is reused for at most this long: a disabled approver stops counting soon. */
    private static final Duration LIVE_TTL = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpPipeline pipeline;
    private final String base;
    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Cached<Parsed<Principal>>> principals = new ConcurrentHashMap<>();
    private final Map<String, Cached<Boolean>> memberships = new ConcurrentHashMap<>();
    private final Map<String, Cached<Optional<String>>> liveness = new ConcurrentHashMap<>();

    private record Cached<T>(T value, Instant until, Instant at) { }

    GraphDirectory(HttpPipeline pipeline, URI graphEndpoint, Clock clock, Duration ttl) {
        this.pipeline = pipeline;
        this.base = graphEndpoint.toString().replaceAll("/+$", "") + "/v1.0";
        this.clock = clock;
        this.ttl = ttl;
    }

    @Override
    public Parsed<Principal> user(ChatUser user) {
        if (user.aadObjectId() != null) {
            return Parsed.ok(new Principal(user.aadObjectId(), PrincipalType.USER, user.displayName()));
        }
        if (user.email() == null) {
            return Parsed.invalid("I cannot see an email address for " + user.displayName() + ", so I cannot find "
                    + "your Entra account; an admin can map you under `users:` in policy.yaml.");
        }
        String email = user.email();
        return cached(principals, "user|" + email, () -> findUser(email, user.displayName()),
                p -> p.isOk() ? ttl : NEGATIVE_TTL);
    }

    private Parsed<Principal> findUser(String email, String chatName) {
        JsonNode direct = get("/users/" + encodePath(email) + "?$select=id,displayName,userPrincipalName,mail");
        if (direct != null) {
            return Parsed.ok(userPrincipal(direct, chatName));
        }
        // Guests and people whose UPN differs from their mail are found by mail instead.
        String quoted = "'" + email.replace("'", "''") + "'";
        JsonNode found = get("/users?$filter=" + encodeQuery("mail eq " + quoted + " or userPrincipalName eq " + quoted)
                + "&$select=id,displayName,userPrincipalName,mail");
        if (found != null && found.path("value").isArray() && !found.path("value").isEmpty()) {
            if (found.path("value").size() > 1) {
                // Granting to "the first" could hand the role to someone else's account (a guest with that mail).
                log.warn("Graph knows {} accounts with the address {}; refusing to guess", found.path("value").size(),
                        email);
                return Parsed.invalid("More than one Entra account has the address " + email + ", so jitbot cannot "
                        + "tell which is yours; an admin can map you under `users:` in policy.yaml.");
            }
            return Parsed.ok(userPrincipal(found.path("value").get(0), chatName));
        }
        return Parsed.invalid("No Entra account for " + email + "; an admin can map it under `users:` in policy.yaml.");
    }

    private static Principal userPrincipal(JsonNode node, String chatName) {
        String name = node.path("displayName").asText(null);
        return new Principal(node.path("id").asText(), PrincipalType.USER, name != null ? name : chatName);
    }

    @Override
    public Parsed<Principal> servicePrincipal(String objectOrAppId) {
        if (objectOrAppId == null || !Principal.isObjectId(objectOrAppId)) {
            return Parsed.invalid("`" + objectOrAppId + "` is not an object id or app id; both are GUIDs such as "
                    + "`3a7f5c1e-2b4d-4e6f-8a9b-0c1d2e3f4a5b`.");
        }
        String id = objectOrAppId.strip().toLowerCase(Locale.ROOT);
        return cached(principals, "sp|" + id, () -> findServicePrincipal(id), p -> p.isOk() ? ttl : NEGATIVE_TTL);
    }

    private Parsed<Principal> findServicePrincipal(String id) {
        String select = "?$select=id,appId,displayName,servicePrincipalType";
        JsonNode sp = get("/servicePrincipals/" + id + select);
        if (sp == null) {
            sp = get("/servicePrincipals(appId='" + id + "')" + select);
        }
        if (sp == null) {
            return Parsed.invalid("No service principal or managed identity in Entra has the object id or app id "
                    + id + "; check the id under `principals:` in policy.yaml.");
        }
        PrincipalType type = "ManagedIdentity".equalsIgnoreCase(sp.path("servicePrincipalType").asText())
                ? PrincipalType.MANAGED_IDENTITY : PrincipalType.SERVICE_PRINCIPAL;
        return Parsed.ok(new Principal(sp.path("id").asText(), type, sp.path("displayName").asText(null)));
    }

    @Override
    public boolean isMember(Principal principal, String groupObjectId) {
        String group = groupObjectId.strip().toLowerCase(Locale.ROOT);
        return cached(memberships, principal.objectId() + "|" + group, () -> checkMember(principal, group), v -> ttl);
    }

    @Override
    public boolean isMember(Principal principal, String groupObjectId, Duration maxAge) {
        String group = groupObjectId.strip().toLowerCase(Locale.ROOT);
        String key = principal.objectId() + "|" + group;
        Cached<Boolean> hit = memberships.get(key);
        if (hit != null && hit.at().plus(maxAge).isBefore(clock.instant())) {
            memberships.remove(key, hit);
        }
        return isMember(principal, groupObjectId);
    }

    @Override
    public Optional<String> whyNotLive(ChatUser user) {
        Parsed<Principal> found = user(user);
        if (!found.isOk()) {
            return Optional.of(found.reason().replaceAll("[;.].*$", ""));
        }
        return whyNotLive(user, found.orThrow());
    }

    @Override
    public Optional<String> whyNotLive(ChatUser user, Principal account) {
        String id = account.objectId();
        Duration life = ttl.compareTo(LIVE_TTL) < 0 ? ttl : LIVE_TTL;
        return cached(liveness, id, () -> {
            JsonNode u = get("/users/" + encodePath(id) + "?$select=id,displayName,accountEnabled");
            if (u == null) {
                return Optional.of("No Entra account " + id + " exists any more");
            }
            // Selected explicitly, so an answer without it is not taken as enabled.
            if (!u.path("accountEnabled").asBoolean(false)) {
                return Optional.of("Your Entra account (" + u.path("displayName").asText(id) + ") is disabled");
            }
            return Optional.empty();
        }, v -> life);
    }

    private boolean checkMember(Principal principal, String group) {
        String body = "{\"groupIds\":[\"" + group + "\"]}";
        JsonNode answer = send(HttpMethod.POST, "/directoryObjects/" + principal.objectId() + "/checkMemberGroups",
                body);
        if (answer == null) {
            return false;
        }
        for (JsonNode id : answer.path("value")) {
            if (group.equalsIgnoreCase(id.asText())) {
                return true;
            }
        }
        return false;
    }

    private <T> T cached(Map<String, Cached<T>> cache, String key, Supplier<T> load,
                         java.util.function.Function<T, Duration> lifetime) {
        Instant now = clock.instant();
        Cached<T> hit = cache.get(key);
        if (hit != null && now.isBefore(hit.until())) {
            return hit.value();
        }
        T value = load.get();
        cache.put(key, new Cached<>(value, now.plus(lifetime.apply(value)), now));
        return value;
    }

    /** The JSON answer, or null on 404; anything else that is not 2xx throws. */
    private JsonNode get(String path) {
        return send(HttpMethod.GET, path, null);
    }

    private JsonNode send(HttpMethod method, String path, String body) {
        HttpRequest request = new HttpRequest(method, base + path)
                .setHeader(HttpHeaderName.ACCEPT, "application/json");
        if (body != null) {
            request.setHeader(HttpHeaderName.CONTENT_TYPE, "application/json").setBody(BinaryData.fromString(body));
        }
        try (HttpResponse response = pipeline.sendSync(request, com.azure.core.util.Context.NONE)) {
            int status = response.getStatusCode();
            String text = response.getBodyAsBinaryData() == null ? "" : response.getBodyAsBinaryData().toString();
            if (status == 404) {
                return null;
            }
            if (status / 100 != 2) {
                String event = AzureFailures.eventId();
                log.error("Graph {} {} answered {} [{}]: {}", method, path, status, event, text);
                throw new AccessProviderException("Microsoft Graph answered " + status + " to " + method + " "
                        + path.replaceAll("\\?.*", "") + (status == 403 ? "; the bot's identity needs the Graph "
                        + "application permissions User.Read.All, Application.Read.All and GroupMember.Read.All" : "") + " [" + event + "]");
            }
            return text.isBlank() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw new AccessProviderException("Microsoft Graph sent an unreadable answer to " + method + " "
                    + path.replaceAll("\\?.*", ""), e);
        } catch (AccessProviderException e) {
            throw e;
        } catch (RuntimeException e) {
            String event = AzureFailures.eventId();
            log.error("Graph {} {} failed [{}]", method, path, event, e);
            throw new AccessProviderException("Microsoft Graph could not be reached (" + e.getClass().getSimpleName()
                    + ") [" + event + "]", e);
        }
    }

    private static String encodePath(String s) {
        // '@' is legal in a path segment and Graph documents /users/{userPrincipalName} with it unencoded.
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20").replace("%40", "@");
    }

    private static String encodeQuery(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
