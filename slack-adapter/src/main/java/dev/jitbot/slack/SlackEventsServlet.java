package dev.jitbot.slack;

import com.slack.api.app_backend.SlackSignature;
import com.slack.api.bolt.App;
import com.slack.api.bolt.jakarta_servlet.SlackAppServletAdapter;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.response.Response;
import dev.jitbot.core.app.AuditLog;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.Platform;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Clock;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /slack/events}: hands each request to Bolt (whose signature check is on) and writes Bolt's answer.
 * A request Bolt rejects as unsigned, forged or stale (401) leaves an audit event, since it may be an attack.
 */
final class SlackEventsServlet extends HttpServlet {

    private static final Logger log = LoggerFactory.getLogger(SlackEventsServlet.class);
    private static final long STALE_SECONDS = 5 * 60;

    private final transient App app;
    private final transient SlackAppServletAdapter adapter;
    private final transient AuditLog audit;
    private final transient Clock clock;
    private final transient SlackSignature.Verifier verifier;

    SlackEventsServlet(App app, AuditLog audit, Clock clock) {
        this.app = Objects.requireNonNull(app, "app");
        this.adapter = new SlackAppServletAdapter(app.config());
        String secret = app.config().getSigningSecret();
        this.verifier = app.config().isRequestVerificationEnabled() && secret != null
                ? new SlackSignature.Verifier(new SlackSignature.Generator(secret)) : null;
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        Request<?> slackRequest;
        try {
            slackRequest = adapter.buildSlackRequest(req);
        } catch (IllegalArgumentException e) {
            // Bolt decodes the form before anything can check its signature; a bad %-escape is the sender's fault.
            log.warn("undecodable Slack request from {}: {}", req.getRemoteAddr(), e.toString());
            resp.sendError(HttpServletResponse.SC_BAD_REQUEST);
            return;
        }
        if (slackRequest == null) {
            resp.sendError(HttpServletResponse.SC_BAD_REQUEST);
            return;
        }
        // Checked here before Bolt runs: Bolt may call Slack (auth.test) first, and an unreachable Slack must not
        // turn a forged request into a 500.
        if (verifier != null && !verifier.isValid(
                slackRequest.getHeaders().getFirstValue(SlackSignature.HeaderNames.X_SLACK_REQUEST_TIMESTAMP),
                slackRequest.getRequestBodyAsString(),
                slackRequest.getHeaders().getFirstValue(SlackSignature.HeaderNames.X_SLACK_SIGNATURE))) {
            rejected(req);
            resp.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            resp.setContentType("application/json");
            resp.getWriter().write("{\"error\":\"invalid request\"}");
            return;
        }
        Response slackResponse;
        try {
            slackResponse = app.run(slackRequest);
        } catch (Exception e) {
            log.error("Bolt failed on a {} request", slackRequest.getRequestType(), e);
            resp.sendError(HttpServletResponse.SC_INTERNAL_SERVER_ERROR);
            return;
        }
        if (slackResponse.getStatusCode() == HttpServletResponse.SC_UNAUTHORIZED) {
            rejected(req);
        }
        adapter.writeResponse(resp, slackResponse);
    }

    private void rejected(HttpServletRequest req) {
        String ts = req.getHeader("X-Slack-Request-Timestamp");
        String signature = req.getHeader("X-Slack-Signature");
        String why;
        if (ts == null || signature == null) {
            why = "no Slack signature headers";
        } else {
            long age;
            try {
                // Bolt checks the timestamp against wall-clock time, so the reason must too.
                age = System.currentTimeMillis() / 1000 - Long.parseLong(ts.strip());
                why = age > STALE_SECONDS ? "timestamp " + age + " s old (limit " + STALE_SECONDS + " s): a replay?"
                        : "signature does not match the signing secret";
            } catch (NumberFormatException e) {
                why = "timestamp header is not a number";
            }
        }
        String from = req.getRemoteAddr();
        log.warn("rejected a Slack request from {}: {}", from, why);
        try {
            audit.append(AuditEvent.of(clock.instant(), "unverified", Platform.SLACK, "rejected-request", null,
                    why + "; from " + from + "; " + req.getRequestURI()));
        } catch (RuntimeException e) {
            log.error("could not audit a rejected Slack request", e);
        }
    }
}
