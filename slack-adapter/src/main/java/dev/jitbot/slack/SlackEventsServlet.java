package dev.jitbot.slack;

import com.slack.api.bolt.App;
import com.slack.api.bolt.jakarta_servlet.ServletAdapterOps;
import com.slack.api.bolt.jakarta_servlet.SlackAppServletAdapter;
import com.slack.api.bolt.request.Request;
import com.slack.api.bolt.request.RequestHeaders;
import com.slack.api.bolt.response.Response;
import com.slack.api.bolt.util.QueryStringParser;
import com.slack.api.bolt.util.SlackRequestParser;
import dev.jitbot.core.app.AuditLog;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.UserText;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /slack/events}: reads at most {@link #MAX_BODY} bytes, checks Slack's signature and timestamp on
 * those raw bytes, checks the body's shape, and only then hands it to Bolt and writes Bolt's answer. Until the
 * signature holds nothing about the body is logged or parsed. A request turned away as unsigned, forged or stale
 * (401) leaves an audit event, since it may be an attack.
 */
final class SlackEventsServlet extends HttpServlet {

    private static final Logger log = LoggerFactory.getLogger(SlackEventsServlet.class);
    /** The largest body read; Slack's own payloads are a few kilobytes, a big modal some tens. */
    static final int MAX_BODY = 1024 * 1024;
    /** Slack's rule: a request timestamp more than five minutes from now, either way, is refused. */
    static final long SKEW_SECONDS = 5 * 60;
    private static final String TIMESTAMP = "X-Slack-Request-Timestamp";
    private static final String SIGNATURE = "X-Slack-Signature";
    /** Slack stamps requests with its wall-clock time: measured against this machine's, not the app's clock. */
    private static final Clock WALL = Clock.systemUTC();

    private final transient App app;
    private final transient SlackRequestParser parser;
    private final transient SlackAppServletAdapter adapter;
    private final transient AuditLog audit;
    private final transient Clock clock;
    private final transient byte[] signingSecret;

    SlackEventsServlet(App app, AuditLog audit, Clock clock) {
        this.app = Objects.requireNonNull(app, "app");
        this.parser = new SlackRequestParser(app.config());
        this.adapter = new SlackAppServletAdapter(app.config());
        String secret = app.config().getSigningSecret();
        this.signingSecret = secret == null || secret.isBlank() ? null : secret.getBytes(StandardCharsets.UTF_8);
        this.audit = Objects.requireNonNull(audit, "audit");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** POST only: HttpServlet's own TRACE would echo the request's headers back, OPTIONS would list methods. */
    @Override
    protected void service(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        if (!"POST".equals(req.getMethod())) {
            resp.setHeader("Allow", "POST");
            plain(resp, HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                    "Only POST is served here: this is Slack's URL for events and interactivity.");
            return;
        }
        doPost(req, resp);
    }

    @Override
    protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        byte[] body = readAtMost(req, MAX_BODY);
        if (body == null) {
            log.warn("refused a Slack request from {}: body over {} bytes", UserText.forLog(req.getRemoteAddr()),
                    MAX_BODY);
            resp.setHeader("Connection", "close");
            plain(resp, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                    "The body is over 1 MiB, the most this endpoint reads; Slack never sends one that large.");
            return;
        }
        // Checked here before Bolt runs: Bolt parses (and may log) the body before its own check, and may call
        // Slack (auth.test) first, where an unreachable Slack would turn a forged request into a 500.
        Optional<String> unverified = unverified(req.getHeader(TIMESTAMP), req.getHeader(SIGNATURE), body);
        if (unverified.isPresent()) {
            rejected(req, unverified.get());
            resp.setStatus(HttpServletResponse.SC_UNAUTHORIZED);
            resp.setContentType("application/json");
            resp.getWriter().write("{\"error\":\"invalid request\"}");
            return;
        }
        String text = new String(body, StandardCharsets.UTF_8);
        Optional<String> malformed = PayloadCheck.problem(text);
        if (malformed.isPresent()) {
            log.warn("turned away a signed Slack request from {}: {}", UserText.forLog(req.getRemoteAddr()),
                    malformed.get());
            plain(resp, HttpServletResponse.SC_BAD_REQUEST, "Not a Slack request jitbot can read: "
                    + malformed.get() + ".");
            return;
        }
        Request<?> slackRequest = null;
        try {
            slackRequest = parser.parse(SlackRequestParser.HttpRequest.builder()
                    .requestUri(req.getRequestURI())
                    .queryString(QueryStringParser.toMap(req.getQueryString()))
                    .headers(new RequestHeaders(ServletAdapterOps.toHeaderMap(req)))
                    .requestBody(text)
                    .remoteAddress(req.getRemoteAddr())
                    .build());
        } catch (RuntimeException e) {
            // A bad %-escape or a field of the wrong JSON type in a signed body: the sender's fault, not a 500.
            log.warn("Bolt could not read a signed Slack request from {}: {}", UserText.forLog(req.getRemoteAddr()),
                    e.getClass().getSimpleName());
        }
        if (slackRequest == null) {
            plain(resp, HttpServletResponse.SC_BAD_REQUEST, "Not a Slack request jitbot can read.");
            return;
        }
        Response slackResponse;
        try {
            slackResponse = app.run(slackRequest);
        } catch (Exception e) {
            log.error("Bolt failed on a {} request", slackRequest.getRequestType(), e);
            plain(resp, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "jitbot could not handle this request.");
            return;
        }
        if (slackResponse.getStatusCode() == HttpServletResponse.SC_UNAUTHORIZED) {
            rejected(req, "Bolt refused the signature");
        }
        adapter.writeResponse(resp, slackResponse);
    }

    /**
     * The body, counted as it is read so neither a missing nor a false Content-Length lets more through; null when
     * it has more than {@code max} bytes.
     */
    static byte[] readAtMost(HttpServletRequest req, int max) throws IOException {
        if (req.getContentLengthLong() > max) {
            return null;
        }
        byte[] body = req.getInputStream().readNBytes(max + 1);
        return body.length > max ? null : body;
    }

    /** Why the request is not Slack's, or empty when its signature and timestamp hold. */
    private Optional<String> unverified(String ts, String signature, byte[] body) {
        if (signingSecret == null) {
            return Optional.of("no SLACK_SIGNING_SECRET is set, so nothing over HTTP can be verified");
        }
        if (ts == null || signature == null) {
            return Optional.of("no Slack signature headers");
        }
        long sent;
        try {
            sent = Long.parseLong(ts.strip());
        } catch (NumberFormatException e) {
            return Optional.of("timestamp header is not a number");
        }
        long age = WALL.instant().getEpochSecond() - sent;
        if (age > SKEW_SECONDS) {
            return Optional.of("timestamp " + age + " s old (limit " + SKEW_SECONDS + " s): a replay?");
        }
        if (-age > SKEW_SECONDS) {
            return Optional.of("timestamp " + -age + " s in the future (limit " + SKEW_SECONDS + " s)");
        }
        byte[] expected = ("v0=" + HexFormat.of().formatHex(hmac(ts, body))).getBytes(StandardCharsets.US_ASCII);
        if (!MessageDigest.isEqual(expected, signature.strip().getBytes(StandardCharsets.UTF_8))) {
            return Optional.of("signature does not match the signing secret");
        }
        return Optional.empty();
    }

    /** Slack's v0 signature: HMAC-SHA256 of {@code v0:<timestamp>:<raw body bytes>}. */
    private byte[] hmac(String ts, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(signingSecret, "HmacSHA256"));
            mac.update(("v0:" + ts + ":").getBytes(StandardCharsets.UTF_8));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
        }
    }

    private void rejected(HttpServletRequest req, String why) {
        String from = UserText.forLog(req.getRemoteAddr());
        log.warn("rejected a Slack request from {}: {}", from, why);
        try {
            audit.append(AuditEvent.of(clock.instant(), "unverified", Platform.SLACK, "rejected-request", null,
                    why + "; from " + from + "; " + UserText.forLog(req.getRequestURI())));
        } catch (RuntimeException e) {
            log.error("could not audit a rejected Slack request", e);
        }
    }

    private static void plain(HttpServletResponse resp, int status, String text) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/plain; charset=utf-8");
        resp.getOutputStream().write((text + "\n").getBytes(StandardCharsets.UTF_8));
    }
}
