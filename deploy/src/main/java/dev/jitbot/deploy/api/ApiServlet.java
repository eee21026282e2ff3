package dev.jitbot.deploy.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.AuditLog;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Command;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Refusal;
import dev.jitbot.core.domain.RequestId;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/v1}: the automation API. JSON in and out, errors as RFC 9457 problem details whose {@code detail}
 * says what to do. Every call but the OpenAPI document needs an Entra access token ({@link EntraTokens}); the
 * caller is the token's object id, and {@link AccessService} decides everything else exactly as for chat.
 */
public final class ApiServlet extends HttpServlet {

    private static final Logger log = LoggerFactory.getLogger(ApiServlet.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ONE = Pattern.compile("/requests/([^/]+)");
    private static final Pattern ACTION = Pattern.compile("/requests/([^/]+)/(release|extend)");
    private static final Pattern WAIT = Pattern.compile("(\\d{1,3})s?");
    /** Longest long-poll: a caller that wants longer asks again. */
    static final Duration MAX_WAIT = Duration.ofSeconds(60);
    private static final Duration POLL = Duration.ofMillis(100);
    static final String PROBLEMS = "urn:jitbot:problem:";

    private final transient AccessService service;
    private final transient AuditLog audit;
    private final transient EntraTokens tokens;
    private final transient Clock clock;
    private final String openApi;

    /**
     * @param openApi the OpenAPI document served at {@code /api/v1/openapi.json}
     */
    public ApiServlet(AccessService service, AuditLog audit, EntraTokens tokens, Clock clock, String openApi) {
        this.service = Objects.requireNonNull(service, "service");
        this.audit = Objects.requireNonNull(audit, "audit");
        this.tokens = Objects.requireNonNull(tokens, "tokens");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.openApi = Objects.requireNonNull(openApi, "openApi");
    }

    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String path = req.getPathInfo() == null ? "" : req.getPathInfo();
        try {
            route(req, resp, path);
        } catch (BadRequest e) {
            problem(resp, 400, "bad-request", "Bad request", e.getMessage());
        } catch (RuntimeException e) {
            String id = UUID.randomUUID().toString().substring(0, 8);
            log.error("API {} {} failed (event {})", req.getMethod(), path, id, e);
            problem(resp, 500, "internal", "Internal error", "jitbot could not complete this; nothing was "
                    + "decided. Try again, and give event " + id + " to the jitbot operators if it keeps failing.");
        }
    }

    private void route(HttpServletRequest req, HttpServletResponse resp, String path) throws IOException {
        String method = req.getMethod();
        if (path.equals("/openapi.json") && (method.equals("GET") || method.equals("HEAD"))) {
            resp.setStatus(200);
            resp.setContentType("application/json");
            resp.getOutputStream().write(openApi.getBytes(StandardCharsets.UTF_8));
            return;
        }
        Optional<ChatUser> caller = authenticate(req, resp);
        if (caller.isEmpty()) {
            return;
        }
        ChatUser actor = caller.get();
        Matcher one = ONE.matcher(path);
        Matcher action = ACTION.matcher(path);
        if (path.equals("/requests") && method.equals("POST")) {
            fileRequest(actor, body(req), resp);
        } else if (path.equals("/breakglass") && method.equals("POST")) {
            JsonNode b = body(req);
            String duration = text(b, "duration", false);
            String reason = text(b, "reason", false);
            if (reason == null || reason.isBlank()) {
                throw new BadRequest("`reason` is missing: break-glass needs role, scope and reason, e.g. "
                        + "{\"role\":\"Owner\",\"scope\":\"sub-prod\",\"reason\":\"INC-4711 payments down\"}.");
            }
            answer(resp, service.breakGlass(actor, new Command.BreakGlass(text(b, "role", true),
                    text(b, "scope", true), duration == null ? null : duration(duration), reason)));
        } else if (path.equals("/requests") && method.equals("GET")) {
            Outcome o = service.list(actor, Command.ListRequests.Filter.MINE);
            if (o instanceof Outcome.Listing l) {
                ObjectNode out = JSON.createObjectNode();
                ArrayNode rows = out.putArray("requests");
                l.requests().forEach(r -> rows.add(view(r)));
                json(resp, 200, out);
            } else {
                answer(resp, o);
            }
        } else if (action.matches() && method.equals("POST")) {
            RequestId id = id(action.group(1));
            if (action.group(2).equals("release")) {
                answer(resp, service.release(actor, id));
            } else {
                JsonNode b = body(req);
                Duration by = duration(text(b, "duration", true));
                answer(resp, service.extend(actor, id, by, text(b, "justification", false)));
            }
        } else if (one.matches() && method.equals("GET")) {
            show(actor, id(one.group(1)), wait(req.getParameter("wait")), resp);
        } else {
            problem(resp, 404, "not-found", "Not found", "No such API call: " + method + " /api/v1" + path
                    + ". The calls are listed at /api/v1/openapi.json.");
        }
    }

    // ------------------------------------------------------------------------------------------ authentication

    private Optional<ChatUser> authenticate(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        String header = req.getHeader("Authorization");
        if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7) || header.length() <= 7) {
            refuse(req, resp, null, "no bearer token");
            return Optional.empty();
        }
        EntraTokens.Verdict v = tokens.check(header.substring(7).strip());
        if (v instanceof EntraTokens.Verdict.Valid valid) {
            return Optional.of(service.workloadCaller(valid.objectId()));
        }
        if (v instanceof EntraTokens.Verdict.Unavailable u) {
            resp.setHeader("Retry-After", "30");
            problem(resp, 503, "keys-unavailable", "Token check unavailable", u.why());
            return Optional.empty();
        }
        refuse(req, resp, ((EntraTokens.Verdict.Invalid) v).why(), "invalid token");
        return Optional.empty();
    }

    /** 401 with the Bearer challenge, and an audit event; never the token itself. */
    private void refuse(HttpServletRequest req, HttpServletResponse resp, String why, String what) throws IOException {
        String from = req.getRemoteAddr();
        log.warn("rejected an API call from {}: {}", from, why == null ? what : why);
        try {
            audit.append(AuditEvent.of(clock.instant(), "unverified", Platform.API, "rejected-request", null,
                    req.getMethod() + " /api/v1" + (req.getPathInfo() == null ? "" : req.getPathInfo()) + " from "
                            + from + ": " + (why == null ? what : why)));
        } catch (RuntimeException e) {
            log.warn("could not audit the rejected API call: {}", e.toString());
        }
        resp.setHeader("WWW-Authenticate", why == null ? "Bearer realm=\"jitbot\""
                : "Bearer realm=\"jitbot\", error=\"invalid_token\", error_description=\""
                + why.replace("\"", "'").replace("\\", "/") + "\"");
        problem(resp, 401, "unauthorized", "Unauthorized", (why == null ? "Send an Entra ID access token as "
                + "`Authorization: Bearer <token>`. " : why + " ") + "Get one for the audience "
                + tokens.settings().audience() + " (e.g. `az account get-access-token --resource "
                + tokens.settings().audience() + "`) as an identity holding the app role "
                + tokens.settings().role() + ".");
    }

    // ------------------------------------------------------------------------------------------ calls

    private void fileRequest(ChatUser actor, JsonNode b, HttpServletResponse resp) throws IOException {
        String role = text(b, "role", true);
        String scope = text(b, "scope", true);
        Duration duration = duration(text(b, "duration", true));
        String justification = text(b, "justification", true);
        Command.Request cmd = new Command.Request(role, scope, duration, justification, text(b, "ticket", false),
                text(b, "principal", false));
        answer(resp, service.request(actor, cmd));
    }

    private void show(ChatUser actor, RequestId id, Duration wait, HttpServletResponse resp) throws IOException {
        Optional<AccessRequest> found = service.find(actor, id);
        if (found.isEmpty()) {
            answer(resp, service.show(actor, id));
            return;
        }
        AccessRequest r = found.get();
        long deadline = System.nanoTime() + wait.toNanos();
        // Long-poll: answer as soon as the request moves on (state or version), or when the wait is over.
        while (!wait.isZero() && System.nanoTime() < deadline) {
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            Optional<AccessRequest> now = service.find(actor, id);
            if (now.isEmpty() || now.get().state() != r.state()) {
                r = now.orElse(r);
                break;
            }
        }
        json(resp, 200, view(r));
    }

    /** Renders an outcome: a request's view (202 for changes under way, 200 otherwise) or a problem. */
    private void answer(HttpServletResponse resp, Outcome o) throws IOException {
        if (o instanceof Outcome.Refused refused) {
            Refusal.Reason reason = refused.refusal().reason();
            int status = switch (reason) {
                case INVALID_INPUT, UNKNOWN_ROLE, UNKNOWN_SCOPE, OVER_MAX_DURATION, TICKET_REQUIRED -> 400;
                case UNKNOWN_PRINCIPAL, UNKNOWN_USER, NOT_ELIGIBLE, NOT_ALLOWED, NOT_APPROVER, SELF_APPROVAL,
                        APPROVER_NOT_LIVE -> 403;
                case UNKNOWN_REQUEST -> 404;
                case WRONG_STATE, ALREADY_VOTED -> 409;
            };
            problem(resp, status, reason.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'),
                    title(reason), refused.message());
            return;
        }
        AccessRequest r = request(o);
        if (r == null) {
            problem(resp, 400, "unsupported", "Not supported here", "That is not something the API does.");
            return;
        }
        boolean underWay = o instanceof Outcome.Requested || o instanceof Outcome.Activating
                || o instanceof Outcome.Scheduled
                || o instanceof Outcome.Revoking || o instanceof Outcome.ExtensionRequested;
        json(resp, underWay ? 202 : 200, view(r));
    }

    private static AccessRequest request(Outcome o) {
        if (o instanceof Outcome.Requested x) {
            return x.request();
        } else if (o instanceof Outcome.Activating x) {
            return x.request();
        } else if (o instanceof Outcome.Scheduled x) {
            return x.request();
        } else if (o instanceof Outcome.Approved x) {
            return x.request();
        } else if (o instanceof Outcome.Revoking x) {
            return x.request();
        } else if (o instanceof Outcome.Ended x) {
            return x.request();
        } else if (o instanceof Outcome.ExtensionRequested x) {
            return x.request();
        } else if (o instanceof Outcome.Extended x) {
            return x.request();
        } else if (o instanceof Outcome.Details x) {
            return x.request();
        } else if (o instanceof Outcome.Denied x) {
            return x.request();
        } else if (o instanceof Outcome.Cancelled x) {
            return x.request();
        } else if (o instanceof Outcome.Failed x) {
            return x.request();
        } else if (o instanceof Outcome.Reviewed x) {
            return x.request();
        }
        return null;
    }

    private static String title(Refusal.Reason reason) {
        return switch (reason) {
            case INVALID_INPUT -> "Invalid request";
            case UNKNOWN_ROLE -> "Unknown role";
            case UNKNOWN_SCOPE -> "Unknown scope";
            case OVER_MAX_DURATION -> "Too long";
            case TICKET_REQUIRED -> "Ticket required";
            case UNKNOWN_PRINCIPAL -> "Caller not in policy";
            case UNKNOWN_USER -> "Unknown caller";
            case NOT_ELIGIBLE -> "Not eligible";
            case NOT_ALLOWED, NOT_APPROVER, APPROVER_NOT_LIVE -> "Not allowed";
            case SELF_APPROVAL -> "Self-approval";
            case UNKNOWN_REQUEST -> "Unknown request";
            case WRONG_STATE -> "Wrong state";
            case ALREADY_VOTED -> "Already voted";
        };
    }

    /** The JSON shape of a request (docs/api.md, the OpenAPI document). */
    static ObjectNode view(AccessRequest r) {
        ObjectNode o = JSON.createObjectNode();
        o.put("id", r.id().value());
        o.put("state", r.state().label());
        o.put("role", r.role().name());
        o.put("scope", r.scope().id());
        o.put("scopeLabel", r.scopeLabel());
        ObjectNode p = o.putObject("principal");
        p.put("objectId", r.principal().objectId());
        p.put("type", r.principal().type().armName());
        p.put("name", r.principal().displayName());
        o.put("requester", r.requester().displayName());
        o.put("duration", Durations.compact(r.duration()));
        o.put("justification", r.justification());
        if (r.ticket() != null) {
            o.put("ticket", r.ticket());
        }
        if (r.state() == dev.jitbot.core.domain.State.PENDING) {
            o.put("decideBy", r.decideBy().toString());
        }
        if (r.activatedAt() != null) {
            o.put("activatedAt", r.activatedAt().toString());
        }
        if (r.expiresAt() != null) {
            o.put("expiresAt", r.expiresAt().toString());
        }
        if (r.endedAt() != null) {
            o.put("endedAt", r.endedAt().toString());
        }
        if (r.note() != null) {
            o.put("note", r.note());
        }
        if (r.isBreakGlass()) {
            ObjectNode bg = o.putObject("breakGlass");
            bg.put("reviewed", r.breakGlass().reviewed());
            if (r.breakGlass().reviewed()) {
                bg.put("reviewedBy", r.breakGlass().reviewer().displayName());
                bg.put("reviewedAt", r.breakGlass().reviewedAt().toString());
                bg.put("note", r.breakGlass().note());
            }
        }
        ObjectNode a = o.putObject("approvals");
        a.put("have", r.approvals());
        a.put("need", r.approvalsNeeded());
        return o;
    }

    // ------------------------------------------------------------------------------------------ reading input

    private static JsonNode body(HttpServletRequest req) throws IOException {
        String type = req.getContentType();
        if (type == null || !type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
            throw new BadRequest("Send the body as JSON with `Content-Type: application/json`.");
        }
        byte[] bytes = req.getInputStream().readAllBytes();
        JsonNode n;
        try {
            n = bytes.length == 0 ? JSON.createObjectNode() : JSON.readTree(bytes);
        } catch (IOException e) {
            throw new BadRequest("The body is not valid JSON. Send e.g. {\"role\":\"Reader\",\"scope\":\"sub-prod\","
                    + "\"duration\":\"30m\",\"justification\":\"deploy run 4411\"}.");
        }
        if (n == null || !n.isObject()) {
            throw new BadRequest("The body must be a JSON object.");
        }
        return n;
    }

    private static String text(JsonNode b, String field, boolean required) {
        JsonNode v = b.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                throw new BadRequest("`" + field + "` is missing. A request needs role, scope, duration and "
                        + "justification, e.g. {\"role\":\"Reader\",\"scope\":\"sub-prod\",\"duration\":\"30m\","
                        + "\"justification\":\"deploy run 4411\"}.");
            }
            return null;
        }
        if (!v.isTextual()) {
            throw new BadRequest("`" + field + "` must be a string.");
        }
        return v.asText();
    }

    private static Duration duration(String s) {
        Parsed<Duration> d = Durations.parse(s);
        if (!d.isOk()) {
            throw new BadRequest("`duration`: " + d.reason());
        }
        return d.orThrow();
    }

    private static RequestId id(String s) {
        Parsed<RequestId> id = RequestId.parse(s);
        if (!id.isOk()) {
            throw new BadRequest(id.reason());
        }
        return id.orThrow();
    }

    private static Duration wait(String s) {
        if (s == null || s.isBlank()) {
            return Duration.ZERO;
        }
        Matcher m = WAIT.matcher(s.strip());
        if (!m.matches()) {
            throw new BadRequest("`wait` takes seconds, e.g. `?wait=60s`.");
        }
        Duration d = Duration.ofSeconds(Long.parseLong(m.group(1)));
        return d.compareTo(MAX_WAIT) > 0 ? MAX_WAIT : d;
    }

    // ------------------------------------------------------------------------------------------ writing output

    private static void json(HttpServletResponse resp, int status, JsonNode body) throws IOException {
        resp.setStatus(status);
        resp.setContentType("application/json");
        resp.setHeader("Cache-Control", "no-store");
        resp.getOutputStream().write(JSON.writeValueAsBytes(body));
    }

    static void problem(HttpServletResponse resp, int status, String type, String title, String detail)
            throws IOException {
        ObjectNode p = JSON.createObjectNode();
        p.put("type", PROBLEMS + type);
        p.put("title", title);
        p.put("status", status);
        p.put("detail", detail);
        resp.setStatus(status);
        resp.setContentType("application/problem+json");
        resp.setHeader("Cache-Control", "no-store");
        resp.getOutputStream().write(JSON.writeValueAsBytes(p));
    }

    /** Input the API cannot read; the message says how to write it. */
    private static final class BadRequest extends RuntimeException {
        BadRequest(String message) {
            super(message, null, false, false);
        }
    }
}
