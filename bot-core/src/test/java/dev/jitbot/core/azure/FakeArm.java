package dev.jitbot.core.azure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.io.IOException;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A stateful ARM role-assignment store behind WireMock: PUT creates (201), repeats (200) or conflicts with another
 * name for the same principal, role and scope (409 RoleAssignmentExists); DELETE answers 200 or 204; GET lists at
 * and below the asked scope. Still HTTP on the wire; only the bookkeeping is Java.
 */
final class FakeArm implements ResponseDefinitionTransformerV2 {

    static final String NAME = "fake-arm";
    private static final String MARK = "/providers/microsoft.authorization/roleassignments";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final Map<String, ObjectNode> byId = new ConcurrentHashMap<>();

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    void clear() {
        byId.clear();
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        String path = event.getRequest().getUrl().replaceAll("\\?.*", "").replaceAll("^/+", "/");
        String lower = path.toLowerCase(Locale.ROOT);
        int at = lower.indexOf(MARK);
        String scope = path.substring(0, at);
        String rest = path.substring(at + MARK.length()).replaceAll("^/", "");
        String method = event.getRequest().getMethod().getName();
        try {
            if (method.equals("GET") && rest.isEmpty()) {
                ObjectNode list = JSON.createObjectNode();
                var value = list.putArray("value");
                byId.values().stream().filter(a -> within(a.path("properties").path("scope").asText(), scope))
                        .forEach(value::add);
                return json(200, list.toString());
            }
            String id = (scope + "/providers/Microsoft.Authorization/roleAssignments/" + rest);
            String key = id.toLowerCase(Locale.ROOT);
            if (method.equals("DELETE")) {
                ObjectNode gone = byId.remove(key);
                return gone == null ? new ResponseDefinition(204, "") : json(200, gone.toString());
            }
            if (method.equals("PUT")) {
                JsonNode props = JSON.readTree(event.getRequest().getBodyAsString()).path("properties");
                for (ObjectNode other : byId.values()) {
                    JsonNode p = other.path("properties");
                    if (!other.path("id").asText().equalsIgnoreCase(id)
                            && p.path("principalId").asText().equals(props.path("principalId").asText())
                            && guid(p.path("roleDefinitionId").asText()).equals(guid(props.path("roleDefinitionId").asText()))
                            && p.path("scope").asText().equalsIgnoreCase(scope)) {
                        return json(409, AzureFakes.armError("RoleAssignmentExists", "The role assignment already exists."));
                    }
                }
                ObjectNode stored = JSON.createObjectNode();
                ObjectNode p = stored.putObject("properties");
                p.setAll((ObjectNode) props);
                p.put("scope", scope);
                stored.put("id", id).put("type", "Microsoft.Authorization/roleAssignments").put("name", rest);
                boolean existed = byId.put(key, stored) != null;
                return json(existed ? 200 : 201, stored.toString());
            }
            return json(405, AzureFakes.armError("MethodNotAllowed", method));
        } catch (IOException e) {
            return json(400, AzureFakes.armError("InvalidRequestContent", e.getMessage()));
        }
    }

    private static boolean within(String scope, String parent) {
        String s = scope.toLowerCase(Locale.ROOT);
        String p = parent.toLowerCase(Locale.ROOT);
        return s.equals(p) || s.startsWith(p + "/");
    }

    private static String guid(String definitionId) {
        return definitionId.substring(definitionId.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    }

    private static ResponseDefinition json(int status, String body) {
        return AzureFakes.json(status, body).build();
    }
}
