package dev.jitbot.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.extension.ResponseDefinitionTransformerV2;
import com.github.tomakehurst.wiremock.http.Request;
import com.github.tomakehurst.wiremock.http.ResponseDefinition;
import com.github.tomakehurst.wiremock.stubbing.ServeEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * ARM's role assignments and PIM's schedule requests with state, as a WireMock transformer: a PUT creates (201),
 * a repeat of the same name updates (200), another name for a held principal, role and scope is refused (409
 * {@code RoleAssignmentExists}); DELETE removes (200) or answers 204 when gone (protocols.md A.3); GET lists what
 * is held. PIM {@code AdminAssign} holds the role until its {@code AfterDuration} ends or an {@code AdminRemove}
 * takes it away, as Azure enforces it (B.3). Every call and every assignment's life is kept with its wall-clock
 * time, so a test can say how long each assignment outlived its request.
 */
final class ArmState implements ResponseDefinitionTransformerV2 {

    static final String NAME = "arm-state";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern PATH = Pattern.compile("^/*(.*?)/providers/Microsoft\\.Authorization/"
            + "(roleAssignmentScheduleRequests|roleAssignmentScheduleInstances|roleAssignments)(?:/([^/?]+))?/*$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern TAG = Pattern.compile("jitbot:(JIT-[0-9A-Z]+)");

    /** One call as Azure saw it. */
    record Call(Instant at, String method, String api, String name, String key, String requestType, int status,
                String requestId) {
    }

    /** One assignment's life in Azure: {@code to} is null while it is held. */
    static final class Life {
        final String name;
        final String key;
        final String requestId;
        final String principalId;
        final String scope;
        final Instant from;
        final Instant ends;
        Instant to;
        String description;

        Life(String name, String key, String requestId, String principalId, String scope, Instant from, Instant ends,
             String description) {
            this.name = name;
            this.scope = scope;
            this.key = key;
            this.requestId = requestId;
            this.principalId = principalId;
            this.from = from;
            this.ends = ends;
            this.description = description;
        }

        /** When Azure stopped holding it (removed, or its PIM expiration passed), or null while held at {@code now}. */
        Instant endedAt(Instant now) {
            Instant end = to;
            if (ends != null && (end == null || ends.isBefore(end))) {
                end = ends;
            }
            return end != null && !end.isAfter(now) ? end : null;
        }
    }

    private final List<Call> calls = new ArrayList<>();
    private final List<Life> lives = new ArrayList<>();
    /** PIM schedule requests by name: their JSON as listed. */
    private final Map<String, ObjectNode> scheduleRequests = new LinkedHashMap<>();

    @Override
    public String getName() {
        return NAME;
    }

    @Override
    public boolean applyGlobally() {
        return false;
    }

    @Override
    public ResponseDefinition transform(ServeEvent event) {
        Request req = event.getRequest();
        String path = req.getUrl().replaceAll("\\?.*$", "");
        Matcher m = PATH.matcher(path);
        if (!m.find()) {
            return error(404, "NotFound", "no such path in the fake: " + path);
        }
        String scope = "/" + m.group(1).replaceAll("/+$", "");
        String api = m.group(2);
        String name = m.group(3);
        try {
            synchronized (this) {
                return switch (req.getMethod().getName() + " " + api.toLowerCase(Locale.ROOT)) {
                    case "PUT roleassignments" -> putAssignment(scope, name, JSON.readTree(req.getBodyAsString()));
                    case "DELETE roleassignments" -> deleteAssignment(scope, name);
                    case "GET roleassignments" -> name == null ? listAssignments(scope) : getAssignment(scope, name);
                    case "PUT roleassignmentschedulerequests" ->
                            putScheduleRequest(scope, name, JSON.readTree(req.getBodyAsString()));
                    case "GET roleassignmentschedulerequests" -> listScheduleRequests(scope);
                    case "GET roleassignmentscheduleinstances" -> listInstances(scope);
                    default -> error(405, "MethodNotAllowed", req.getMethod() + " " + path);
                };
            }
        } catch (java.io.IOException e) {
            return error(400, "InvalidRequestContent", e.getMessage());
        }
    }

    synchronized List<Call> calls() {
        return List.copyOf(calls);
    }

    synchronized List<Life> lives() {
        return List.copyOf(lives);
    }

    // ------------------------------------------------------------------------------------------------ RBAC

    private ResponseDefinition putAssignment(String scope, String name, JsonNode body) {
        JsonNode p = body.path("properties");
        String principal = p.path("principalId").asText();
        String role = guid(p.path("roleDefinitionId").asText());
        String key = key(principal, role, scope);
        String description = p.path("description").asText(null);
        Instant now = Instant.now();
        Life same = held(l -> l.name.equalsIgnoreCase(name), now);
        int status;
        if (same != null) {
            same.description = description;
            status = 200;
        } else if (held(l -> l.key.equals(key), now) != null) {
            calls.add(new Call(now, "PUT", "rbac", name, key, null, 409, tag(description)));
            return error(409, "RoleAssignmentExists", "The role assignment already exists.");
        } else {
            lives.add(new Life(name, key, tag(description), principal, scope, now, null, description));
            status = 201;
        }
        calls.add(new Call(now, "PUT", "rbac", name, key, null, status, tag(description)));
        return json(status, assignment(scope, name, principal, p.path("roleDefinitionId").asText(),
                p.path("principalType").asText("User"), description));
    }

    private ResponseDefinition deleteAssignment(String scope, String name) {
        Instant now = Instant.now();
        Life l = held(x -> x.name.equalsIgnoreCase(name), now);
        if (l == null) {
            calls.add(new Call(now, "DELETE", "rbac", name, null, null, 204, null));
            return ResponseDefinition.noContent();
        }
        l.to = now;
        calls.add(new Call(now, "DELETE", "rbac", name, l.key, null, 200, l.requestId));
        return json(200, assignment(scope, name, l.principalId, roleId(l.key), "User", l.description));
    }

    private ResponseDefinition getAssignment(String scope, String name) {
        Life l = held(x -> x.name.equalsIgnoreCase(name), Instant.now());
        if (l == null) {
            return error(404, "RoleAssignmentNotFound", "The role assignment '" + name + "' is not found.");
        }
        return json(200, assignment(l.scope, name, l.principalId, roleId(l.key), "User", l.description));
    }

    private ResponseDefinition listAssignments(String scope) {
        ArrayNode value = JSON.createArrayNode();
        Instant now = Instant.now();
        for (Life l : lives) {
            if (l.endedAt(now) == null && l.to == null && within(l.scope, scope)) {
                value.add(assignment(l.scope, l.name, l.principalId, roleId(l.key), "User", l.description));
            }
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("value", value);
        return json(200, out);
    }

    private static ObjectNode assignment(String scope, String name, String principal, String roleDefinitionId,
                                         String principalType, String description) {
        ObjectNode a = JSON.createObjectNode();
        ObjectNode p = a.putObject("properties");
        p.put("roleDefinitionId", roleDefinitionId);
        p.put("principalId", principal);
        p.put("principalType", principalType);
        p.put("scope", scope);
        if (description != null) {
            p.put("description", description);
        }
        a.put("id", scope + "/providers/Microsoft.Authorization/roleAssignments/" + name);
        a.put("type", "Microsoft.Authorization/roleAssignments");
        a.put("name", name);
        return a;
    }

    // ------------------------------------------------------------------------------------------------ PIM

    private ResponseDefinition putScheduleRequest(String scope, String name, JsonNode body) {
        JsonNode p = body.path("properties");
        String type = p.path("requestType").asText();
        String principal = p.path("principalId").asText();
        String roleDefinitionId = p.path("roleDefinitionId").asText();
        String key = key(principal, guid(roleDefinitionId), scope);
        String justification = p.path("justification").asText(null);
        Instant now = Instant.now();
        String api = "pim";
        if (scheduleRequests.containsKey(name.toLowerCase(Locale.ROOT))) {
            // [DERIVED] PIM wants a new name per request; a repeat of a name it holds is a conflict.
            calls.add(new Call(now, "PUT", api, name, key, type, 409, tag(justification)));
            return error(409, "RoleAssignmentRequestExists", "The role assignment request already exists.");
        }
        String status;
        if ("AdminAssign".equals(type)) {
            if (held(l -> l.key.equals(key), now) != null) {
                calls.add(new Call(now, "PUT", api, name, key, type, 409, tag(justification)));
                return error(409, "RoleAssignmentExists", "The Role assignment already exists.");
            }
            JsonNode schedule = p.path("scheduleInfo");
            Instant start = schedule.hasNonNull("startDateTime")
                    ? java.time.OffsetDateTime.parse(schedule.path("startDateTime").asText()).toInstant() : now;
            Duration duration = Duration.parse(schedule.path("expiration").path("duration").asText("PT1H"));
            Instant from = start.isAfter(now) ? start : now;
            lives.add(new Life(name, key, tag(justification), principal, scope, from, start.plus(duration), justification));
            status = "Provisioned";
        } else if ("AdminRemove".equals(type)) {
            Life l = held(x -> x.key.equals(key), now);
            if (l == null) {
                calls.add(new Call(now, "PUT", api, name, key, type, 400, tag(justification)));
                return error(400, "RoleAssignmentDoesNotExist", "The Role assignment does not exist.");
            }
            l.to = now;
            status = "Revoked";
        } else {
            return error(400, "InvalidRequestType", "the fake knows AdminAssign and AdminRemove, not " + type);
        }
        ObjectNode q = JSON.createObjectNode();
        ObjectNode qp = q.putObject("properties");
        qp.put("scope", scope);
        qp.put("roleDefinitionId", roleDefinitionId);
        qp.put("principalId", principal);
        qp.put("principalType", "User");
        qp.put("requestType", type);
        qp.put("status", status);
        if (justification != null) {
            qp.put("justification", justification);
        }
        qp.put("createdOn", now.toString());
        if (p.has("scheduleInfo")) {
            qp.set("scheduleInfo", p.get("scheduleInfo"));
        }
        q.put("name", name);
        q.put("id", scope + "/providers/Microsoft.Authorization/RoleAssignmentScheduleRequests/" + name);
        q.put("type", "Microsoft.Authorization/RoleAssignmentScheduleRequests");
        scheduleRequests.put(name.toLowerCase(Locale.ROOT), q);
        calls.add(new Call(now, "PUT", api, name, key, type, 201, tag(justification)));
        return json(201, q);
    }

    private ResponseDefinition listScheduleRequests(String scope) {
        ArrayNode value = JSON.createArrayNode();
        for (ObjectNode q : scheduleRequests.values()) {
            if (within(q.path("properties").path("scope").asText(), scope)) {
                value.add(q);
            }
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("value", value);
        return json(200, out);
    }

    private ResponseDefinition listInstances(String scope) {
        ArrayNode value = JSON.createArrayNode();
        Instant now = Instant.now();
        for (Life l : lives) {
            if (l.endedAt(now) != null || l.to != null || !within(l.scope, scope)) {
                continue;
            }
            ObjectNode i = value.addObject();
            ObjectNode p = i.putObject("properties");
            p.put("scope", l.scope);
            p.put("roleDefinitionId", roleId(l.key));
            p.put("principalId", l.principalId);
            p.put("principalType", "User");
            p.put("status", "Provisioned");
            p.put("assignmentType", "Assigned");
            p.put("memberType", "Direct");
            p.put("startDateTime", l.from.toString());
            p.put("endDateTime", l.ends.toString());
            i.put("name", l.name);
            i.put("id", l.scope + "/providers/Microsoft.Authorization/roleAssignmentScheduleInstances/" + l.name);
            i.put("type", "Microsoft.Authorization/roleAssignmentScheduleInstances");
        }
        ObjectNode out = JSON.createObjectNode();
        out.set("value", value);
        return json(200, out);
    }

    // ------------------------------------------------------------------------------------------------ helpers

    private Life held(java.util.function.Predicate<Life> which, Instant now) {
        for (Life l : lives) {
            if (l.to == null && l.endedAt(now) == null && which.test(l)) {
                return l;
            }
        }
        return null;
    }

    /** principal|role guid|scope, all lower case. */
    static String key(String principal, String roleGuid, String scope) {
        return principal.toLowerCase(Locale.ROOT) + "|" + roleGuid.toLowerCase(Locale.ROOT) + "|"
                + scope.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
    }

    private static String scopeOf(String key) {
        return key.substring(key.lastIndexOf('|') + 1);
    }

    private static String roleId(String key) {
        String[] parts = key.split("\\|");
        return "/providers/Microsoft.Authorization/roleDefinitions/" + parts[1];
    }

    private static String guid(String roleDefinitionId) {
        return roleDefinitionId.substring(roleDefinitionId.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    }

    private static boolean within(String scope, String listed) {
        String s = scope.toLowerCase(Locale.ROOT);
        String at = listed.toLowerCase(Locale.ROOT).replaceAll("/+$", "");
        return s.equals(at) || s.startsWith(at + "/");
    }

    private static String tag(String text) {
        if (text == null) {
            return null;
        }
        Matcher m = TAG.matcher(text);
        return m.find() ? m.group(1) : null;
    }

    private static ResponseDefinition json(int status, JsonNode body) {
        return new com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder().withStatus(status)
                .withHeader("Content-Type", "application/json").withBody(body.toString()).build();
    }

    private static ResponseDefinition error(int status, String code, String message) {
        ObjectNode e = JSON.createObjectNode();
        ObjectNode inner = e.putObject("error");
        inner.put("code", code);
        inner.put("message", message);
        return json(status, e);
    }
}
