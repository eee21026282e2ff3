package dev.jitbot.deploy;

import com.azure.core.credential.TokenRequestContext;
import com.azure.identity.DefaultAzureCredentialBuilder;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code jitbot request --api …} and {@code jitbot release --api …}: the API's client for pipelines without curl.
 * The token comes from {@code DefaultAzureCredential} (workload identity, managed identity, environment, CLI
 * login). Exit codes: 0 granted (or filed, without {@code --wait}; released), 2 refused or denied, 3 lapsed, 1 error.
 */
final class ClientCommands {

    static final int GRANTED = 0;
    static final int ERROR = 1;
    static final int REFUSED = 2;
    static final int LAPSED = 3;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> OVER = Set.of("ended", "denied", "cancelled", "lapsed", "failed");

    private ClientCommands() {
    }

    /** What both commands share: where the API is, which audience to get a token for, and the HTTP calls. */
    abstract static class Client extends Main.Env {
        @Option(names = "--api", required = true, paramLabel = "URL",
                description = "jitbot's base URL, e.g. https://jitbot.contoso.com (the API is under /api/v1)")
        String api;

        @Option(names = "--audience", paramLabel = "URI", description = "the API's token audience; default: read "
                + "from the server's /api/v1/openapi.json")
        String audience;

        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        private String token;

        /** Checks --api; null when it is fine, else the message. */
        String badApi() {
            URI u;
            try {
                u = URI.create(api.replaceAll("/+$", ""));
            } catch (IllegalArgumentException e) {
                return "--api " + api + " is not a URL; give e.g. --api https://jitbot.contoso.com.";
            }
            boolean local = u.getHost() != null && (u.getHost().equals("localhost") || u.getHost().equals("127.0.0.1"));
            if (!"https".equalsIgnoreCase(u.getScheme()) && !("http".equalsIgnoreCase(u.getScheme()) && local)) {
                return "--api must be an https URL (plain http only to localhost): the token would travel in the "
                        + "clear. Give e.g. --api https://jitbot.contoso.com.";
            }
            api = u.toString();
            return null;
        }

        HttpResponse<String> call(String method, String path, JsonNode body) throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api + "/api/v1" + path))
                    .timeout(Duration.ofSeconds(90)).header("Authorization", "Bearer " + token())
                    .header("Accept", "application/json");
            if (body != null) {
                b.header("Content-Type", "application/json")
                        .method(method, HttpRequest.BodyPublishers.ofString(body.toString()));
            } else {
                b.method(method, HttpRequest.BodyPublishers.noBody());
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        private String token() throws IOException, InterruptedException {
            if (token != null) {
                return token;
            }
            if (audience == null) {
                HttpResponse<String> doc = http.send(HttpRequest.newBuilder(URI.create(api + "/api/v1/openapi.json"))
                        .timeout(Duration.ofSeconds(30)).GET().build(), HttpResponse.BodyHandlers.ofString());
                if (doc.statusCode() == 404) {
                    throw new ClientProblem("The jitbot at " + api + " has its API switched off (no "
                            + "JITBOT_API_AUDIENCE); ask its operators to turn it on.");
                }
                JsonNode scopes = JSON.readTree(doc.body()).at("/components/securitySchemes/entra/flows/"
                        + "clientCredentials/scopes");
                if (!scopes.isObject() || !scopes.fieldNames().hasNext()) {
                    throw new ClientProblem("The jitbot at " + api + " did not say which token audience it takes; "
                            + "give --audience api://jitbot.");
                }
                String scope = scopes.fieldNames().next();
                audience = scope.endsWith("/.default") ? scope.substring(0, scope.length() - "/.default".length())
                        : scope;
            }
            DefaultAzureCredentialBuilder cb = new DefaultAzureCredentialBuilder();
            String authority = env.get("AZURE_AUTHORITY_HOST");
            if (authority != null && !authority.isBlank()) {
                // A sovereign cloud or a test double: nothing to discover from the public cloud.
                cb.authorityHost(authority).disableInstanceDiscovery();
            }
            try {
                var t = cb.build().getTokenSync(new TokenRequestContext().addScopes(audience + "/.default"));
                token = t.getToken();
                return token;
            } catch (RuntimeException e) {
                throw new ClientProblem("No Azure identity could get a token for " + audience + " ("
                        + ServeCommand.rootMessage(e).replaceAll("\\s+", " ") + "). In a pipeline, log in with "
                        + "azure/login or AzureCLI@2 first, or set AZURE_CLIENT_ID, AZURE_TENANT_ID and a secret, "
                        + "certificate or federated token file.");
            }
        }

        /** The problem detail of an error answer, or its status. */
        static String detail(HttpResponse<String> r) {
            try {
                JsonNode p = JSON.readTree(r.body());
                if (p.hasNonNull("detail")) {
                    return p.get("title").asText("") + ": " + p.get("detail").asText();
                }
            } catch (IOException e) {
                // not JSON
            }
            return "HTTP " + r.statusCode();
        }

        static JsonNode body(HttpResponse<String> r) throws IOException {
            return JSON.readTree(r.body());
        }

        static String line(JsonNode v) {
            return v.path("id").asText() + " " + v.path("role").asText() + " on " + v.path("scopeLabel").asText()
                    + " for " + v.path("principal").path("name").asText() + ": " + v.path("state").asText()
                    + (v.hasNonNull("expiresAt") ? " until " + v.get("expiresAt").asText() : "")
                    + (v.path("state").asText().equals("pending") ? " (approvals " + v.path("approvals").path("have")
                    .asInt() + " of " + v.path("approvals").path("need").asInt() + ")" : "");
        }

        /** An error status: 2 for refusals (4xx), 1 for anything else. */
        int failed(String what, HttpResponse<String> r) {
            err.println(what + " refused: " + detail(r));
            return r.statusCode() >= 400 && r.statusCode() < 500 && r.statusCode() != 401 ? REFUSED : ERROR;
        }
    }

    /** A failure the user can fix, in words. */
    static final class ClientProblem extends RuntimeException {
        ClientProblem(String message) {
            super(message, null, false, false);
        }
    }

    @Command(name = "request", description = "Ask a jitbot API for a role for this workload's own identity "
            + "(exit 0 granted, 2 refused or denied, 3 lapsed, 1 error).")
    static final class Request extends Client implements Callable<Integer> {
        @Option(names = "--role", required = true, description = "e.g. Contributor")
        String role;

        @Option(names = "--scope", required = true, description = "a scope alias from policy.yaml or an ARM id")
        String scope;

        @Option(names = "--for", required = true, paramLabel = "DURATION", description = "the ceiling, e.g. 30m")
        String duration;

        @Option(names = "--because", required = true, paramLabel = "REASON", description = "why, for approvers")
        String because;

        @Option(names = "--ticket", description = "a ticket id where the rule wants one")
        String ticket;

        @Option(names = "--wait", description = "wait until the role is granted, denied or lapsed")
        boolean waitForIt;

        @Override
        public Integer call() {
            String bad = badApi();
            if (bad != null) {
                err.println(bad);
                return REFUSED;
            }
            try {
                ObjectNode b = JSON.createObjectNode().put("role", role).put("scope", scope).put("duration", duration)
                        .put("justification", because);
                if (ticket != null) {
                    b.put("ticket", ticket);
                }
                HttpResponse<String> r = call("POST", "/requests", b);
                if (r.statusCode() != 202 && r.statusCode() != 200) {
                    return failed("The request was", r);
                }
                JsonNode v = body(r);
                out.println(line(v));
                if (!waitForIt) {
                    return GRANTED;
                }
                String id = v.path("id").asText();
                while (!v.path("state").asText().equals("active") && !OVER.contains(v.path("state").asText())) {
                    HttpResponse<String> w = call("GET", "/requests/" + id + "?wait=60s", null);
                    if (w.statusCode() != 200) {
                        return failed("Reading " + id + " was", w);
                    }
                    JsonNode next = body(w);
                    if (!next.path("state").asText().equals(v.path("state").asText())) {
                        out.println(line(next));
                    }
                    v = next;
                }
                return switch (v.path("state").asText()) {
                    case "active" -> GRANTED;
                    case "lapsed" -> LAPSED;
                    case "denied", "cancelled" -> REFUSED;
                    default -> ERROR;
                };
            } catch (ClientProblem e) {
                err.println(e.getMessage());
                return ERROR;
            } catch (IOException e) {
                err.println("Could not reach " + api + ": " + e.getMessage() + ". Check --api and the network.");
                return ERROR;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ERROR;
            }
        }
    }

    @Command(name = "release", description = "Give a role back through a jitbot API when the job ends "
            + "(exit 0 released, 2 refused, 1 error).")
    static final class Release extends Client implements Callable<Integer> {
        @Parameters(paramLabel = "ID", description = "the request id, e.g. JIT-7K3F")
        String id;

        @Override
        public Integer call() {
            String bad = badApi();
            if (bad != null) {
                err.println(bad);
                return REFUSED;
            }
            try {
                HttpResponse<String> r = call("POST", "/requests/" + id.strip() + "/release", null);
                if (r.statusCode() != 202 && r.statusCode() != 200) {
                    return failed("Releasing " + id + " was", r);
                }
                out.println(line(body(r)));
                return GRANTED;
            } catch (ClientProblem e) {
                err.println(e.getMessage());
                return ERROR;
            } catch (IOException e) {
                err.println("Could not reach " + api + ": " + e.getMessage() + ". Check --api and the network.");
                return ERROR;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return ERROR;
            }
        }
    }
}
