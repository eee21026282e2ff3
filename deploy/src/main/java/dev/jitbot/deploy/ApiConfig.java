package dev.jitbot.deploy;

import dev.jitbot.deploy.api.EntraTokens;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The automation API's settings: on when {@code JITBOT_API_AUDIENCE} is set, accepting tokens of the tenant
 * {@code JITBOT_API_TENANT_ID} (default {@code AZURE_TENANT_ID}) issued by {@code AZURE_AUTHORITY_HOST}.
 */
final class ApiConfig {

    static final String DEFAULT_AUTHORITY = "https://login.microsoftonline.com";
    static final String DEFAULT_ROLE = "JitBot.Request";

    private ApiConfig() {
    }

    /** The token settings, or empty when the API is off; throws {@link Config.Invalid} naming each bad variable. */
    static Optional<EntraTokens.Settings> from(Map<String, String> env) {
        String audience = get(env, "JITBOT_API_AUDIENCE");
        if (audience == null) {
            return Optional.empty();
        }
        List<String> problems = new ArrayList<>();
        String tenant = get(env, "JITBOT_API_TENANT_ID");
        if (tenant == null) {
            tenant = get(env, "AZURE_TENANT_ID");
        }
        if (tenant == null) {
            problems.add("JITBOT_API_AUDIENCE is set, so the API needs the tenant whose tokens it accepts: set "
                    + "AZURE_TENANT_ID (or JITBOT_API_TENANT_ID), e.g. AZURE_TENANT_ID=72f988bf-86f1-41af-91ab-2d7cd011db47.");
        }
        String authority = get(env, "AZURE_AUTHORITY_HOST");
        if (authority == null) {
            authority = DEFAULT_AUTHORITY;
        }
        try {
            URI u = URI.create(authority);
            if (!"https".equalsIgnoreCase(u.getScheme()) || u.getHost() == null) {
                problems.add("AZURE_AUTHORITY_HOST must be an https URL, e.g. " + DEFAULT_AUTHORITY
                        + " (got \"" + authority + "\"): token keys are only fetched over TLS.");
            }
        } catch (IllegalArgumentException e) {
            problems.add("AZURE_AUTHORITY_HOST is not a URL; use e.g. " + DEFAULT_AUTHORITY + ".");
        }
        String role = get(env, "JITBOT_API_ROLE");
        if (!problems.isEmpty()) {
            throw new Config.Invalid(problems);
        }
        return Optional.of(new EntraTokens.Settings(authority, tenant, audience, role == null ? DEFAULT_ROLE : role));
    }

    private static String get(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }
}
