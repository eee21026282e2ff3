package dev.jitbot.teams;

import com.auth0.jwt.exceptions.JWTVerificationException;
import com.fasterxml.jackson.databind.JsonNode;
import com.microsoft.bot.builder.BotFrameworkAdapter;
import com.microsoft.bot.builder.InvokeResponse;
import com.microsoft.bot.connector.authentication.AuthenticationException;
import com.microsoft.bot.schema.Activity;
import com.microsoft.bot.schema.ActivityTypes;
import com.microsoft.bot.schema.RoleTypes;
import com.microsoft.bot.schema.Serialization;
import dev.jitbot.core.app.AuditLog;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.Platform;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.IllformedLocaleException;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /api/messages}: reads the activity with the SDK's own serializer, lets
 * {@link BotFrameworkAdapter#processActivity} check its JWT and run the turn, and answers with the invoke response
 * (for invokes) or 202. A request whose token does not check out gets 401 and an audit event, and reaches no bot code.
 */
final class MessagesServlet extends HttpServlet {

    private static final Logger log = LoggerFactory.getLogger(MessagesServlet.class);
    private static final long serialVersionUID = 1L;
    private static final int MAX_BODY = 256 * 1024;
    private static final long TURN_TIMEOUT_SECONDS = 120;

    private final transient BotFrameworkAdapter adapter;
    private final transient JitBot bot;
    private final transient AuditLog audit;
    private final transient Clock clock;
    private final boolean authenticated;
    private final boolean plainHttpServiceUrls;

    /**
     * @param authenticated        whether activities must carry a Bot Framework token (false: local emulator only)
     * @param plainHttpServiceUrls whether a serviceUrl may be plain http (tests against a local fake only)
     */
    MessagesServlet(BotFrameworkAdapter adapter, JitBot bot, AuditLog audit, Clock clock, boolean authenticated,
                    boolean plainHttpServiceUrls) {
        this.adapter = adapter;
        this.bot = bot;
        this.audit = audit;
        this.clock = clock;
        this.authenticated = authenticated;
        this.plainHttpServiceUrls = plainHttpServiceUrls;
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        byte[] body = req.getInputStream().readNBytes(MAX_BODY + 1);
        if (body.length > MAX_BODY) {
            resp.sendError(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE);
            return;
        }
        Activity activity;
        try {
            JsonNode tree = Serialization.jsonToTree(new String(body, StandardCharsets.UTF_8));
            activity = Serialization.treeToValue(tree, Activity.class);
        } catch (IOException | RuntimeException e) {
            activity = null;
        }
        if (activity == null || activity.getType() == null) {
            resp.sendError(HttpServletResponse.SC_BAD_REQUEST, "expected a Bot Framework activity");
            return;
        }
        String authHeader = req.getHeader("Authorization");
        // A request with no credentials at all is 401 (below, audited) whatever its body; one with credentials
        // must name where its connector is, and who sent it, before the SDK sees it (it fails with an NPE, 500).
        if (!authenticated || (authHeader != null && !authHeader.isBlank())) {
            String problem = malformed(activity);
            if (problem != null) {
                log.info("teams: refused a malformed {} activity: {}", Roster.shown(activity.getType()), problem);
                resp.sendError(HttpServletResponse.SC_BAD_REQUEST, problem);
                return;
            }
        }
        // SDK trap: authenticateRequest dereferences recipient.role without a null check (NPE on the anonymous
        // path). The recipient of an inbound activity is always this bot, so say so when the channel did not.
        if (activity.getRecipient() != null && activity.getRecipient().getRole() == null) {
            activity.getRecipient().setRole(RoleTypes.BOT);
        }
        // SDK trap: a null among membersAdded or membersRemoved is dereferenced (NPE, a 500); it names nobody.
        if (activity.getMembersAdded() != null) {
            activity.setMembersAdded(activity.getMembersAdded().stream().filter(Objects::nonNull).toList());
        }
        if (activity.getMembersRemoved() != null) {
            activity.setMembersRemoved(activity.getMembersRemoved().stream().filter(Objects::nonNull).toList());
        }

        AtomicBoolean turnStarted = new AtomicBoolean();
        InvokeResponse invokeResponse;
        try {
            invokeResponse = adapter.processActivity(authHeader, activity, ctx -> {
                turnStarted.set(true);
                return bot.onTurn(ctx);
            }).get(TURN_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException | CompletionException | AuthenticationException | JWTVerificationException e) {
            Throwable cause = unwrap(e);
            if (!turnStarted.get() && (cause instanceof AuthenticationException
                    || cause instanceof JWTVerificationException)) {
                reject(activity, resp, cause);
                return;
            }
            log.error("teams: the turn for a {} activity failed", Roster.shown(activity.getType()), cause);
            resp.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            return;
        } catch (RuntimeException e) {
            log.error("teams: a {} activity could not be processed", Roster.shown(activity.getType()), e);
            resp.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            return;
        } catch (TimeoutException e) {
            log.error("teams: the turn for a {} activity took over {} s", Roster.shown(activity.getType()),
                    TURN_TIMEOUT_SECONDS);
            resp.sendError(HttpServletResponse.SC_GATEWAY_TIMEOUT);
            return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            resp.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            return;
        }

        if (activity.isType(ActivityTypes.INVOKE)) {
            int status = invokeResponse == null ? HttpServletResponse.SC_NOT_IMPLEMENTED : invokeResponse.getStatus();
            resp.setStatus(status);
            if (invokeResponse != null && invokeResponse.getBody() != null) {
                resp.setContentType("application/json; charset=utf-8");
                resp.getOutputStream().write(Serialization.toString(invokeResponse.getBody())
                        .getBytes(StandardCharsets.UTF_8));
            }
            return;
        }
        resp.setStatus(invokeResponse == null ? HttpServletResponse.SC_ACCEPTED : invokeResponse.getStatus());
    }

    /**
     * What makes {@code activity} unfit for a turn, or null: every activity names its sender, its conversation and
     * an absolute https serviceUrl (the token's {@code serviceurl} claim must then equal it; the SDK checks that).
     */
    private String malformed(Activity activity) {
        if (activity.getFrom() == null || activity.getFrom().getId() == null || activity.getFrom().getId().isBlank()) {
            return "the activity has no from.id";
        }
        if (activity.getConversation() == null || activity.getConversation().getId() == null
                || activity.getConversation().getId().isBlank()) {
            return "the activity has no conversation.id";
        }
        // SDK trap: the turn sets its locale from the activity and fails (IllformedLocaleException, a 500) on one
        // that is not a language tag.
        if (activity.getLocale() != null) {
            try {
                new Locale.Builder().setLanguageTag(activity.getLocale());
            } catch (IllformedLocaleException e) {
                return "the activity's locale is not a language tag such as en-US";
            }
        }
        String serviceUrl = activity.getServiceUrl();
        if (serviceUrl == null || serviceUrl.isBlank()) {
            return "the activity has no serviceUrl";
        }
        try {
            URI uri = new URI(serviceUrl);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            boolean schemeOk = "https".equals(scheme) || (plainHttpServiceUrls && "http".equals(scheme));
            if (uri.isAbsolute() && schemeOk && uri.getHost() != null && uri.getRawUserInfo() == null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null) {
                return null;
            }
        } catch (URISyntaxException e) {
            // fall through to the message below
        }
        return "the activity's serviceUrl must be an absolute https URL";
    }

    private void reject(Activity activity, HttpServletResponse resp, Throwable cause) throws IOException {
        // Everything in the activity is unverified here: it is recorded as claimed, never trusted.
        // Control characters are replaced and each value clipped: none of them can forge a log line.
        String claimedFrom = activity.getFrom() == null ? "unknown" : Roster.shown(activity.getFrom().getId());
        String details = "invalid Bot Framework token (" + cause.getClass().getSimpleName() + ": "
                + Roster.shown(String.valueOf(cause.getMessage()).lines().findFirst().orElse("")) + "); claimed sender "
                + claimedFrom + ", serviceUrl " + Roster.shown(activity.getServiceUrl()) + ", type "
                + Roster.shown(activity.getType());
        log.warn("teams: rejected a request: {}", details);
        try {
            audit.append(AuditEvent.of(clock.instant(), "anonymous", Platform.TEAMS, "rejected-request", null, details));
        } catch (RuntimeException e) {
            log.error("teams: could not audit a rejected request", e);
        }
        resp.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
        resp.setHeader("WWW-Authenticate", "Bearer");
    }

    private static Throwable unwrap(Throwable e) {
        Throwable t = e;
        while ((t instanceof ExecutionException || t instanceof CompletionException) && t.getCause() != null) {
            t = t.getCause();
        }
        // The SDK wraps verification failures: AuthenticationException(JWTVerificationException).
        return t;
    }
}
