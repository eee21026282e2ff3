package dev.jitbot.deploy;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.EnumSet;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.servlet.FilterHolder;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

/**
 * The one HTTP server: chat endpoints added as their modules start, plus {@code /healthz} (the process answers),
 * {@code /readyz} (database and scheduler up) and {@code /metrics} (Prometheus). Every request passes
 * {@link InboundLimits} first: GET, HEAD and POST only, bodies up to 1 MiB.
 */
final class HttpServer implements AutoCloseable {

    static final String SLACK_PATH = "/slack/events";
    static final String TEAMS_PATH = "/api/messages";
    /** The automation API; mounted only when JITBOT_API_AUDIENCE is set, so without it {@code /api/v1} is 404. */
    static final String API_PATH = "/api/v1/*";

    private final Server server;
    private final ServletContextHandler context;
    private final ServerConnector metricsConnector;

    HttpServer(int port, BooleanSupplier ready, Supplier<String> readiness, Supplier<String> metrics) {
        this(port, -1, ready, readiness, metrics);
    }

    /**
     * @param metricsPort where {@code /metrics} is served instead of {@code port} (0: any free port), so that an
     *                    ingress forwarding {@code port} never exposes it; negative serves it on {@code port}
     */
    HttpServer(int port, int metricsPort, BooleanSupplier ready, Supplier<String> readiness, Supplier<String> metrics) {
        server = new Server();
        HttpConfiguration httpConfig = new HttpConfiguration();
        httpConfig.setSendServerVersion(false);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
        connector.setPort(port);
        server.addConnector(connector);
        if (metricsPort >= 0) {
            metricsConnector = new ServerConnector(server, new HttpConnectionFactory(httpConfig));
            metricsConnector.setPort(metricsPort);
            server.addConnector(metricsConnector);
        } else {
            metricsConnector = null;
        }
        server.setStopAtShutdown(false);
        context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
        context.setContextPath("/");
        context.addFilter(new FilterHolder(new InboundLimits()), "/*", EnumSet.of(DispatcherType.REQUEST));
        context.addServlet(new ServletHolder(new TextServlet(() -> true, () -> "ok")), "/healthz");
        context.addServlet(new ServletHolder(new TextServlet(ready, readiness)), "/readyz");
        context.addServlet(new ServletHolder(new MetricsServlet(metrics, this::metricsPort)), "/metrics");
        PlainErrors errors = new PlainErrors();
        context.setErrorHandler(errors);
        server.setErrorHandler(errors);
        server.setHandler(context);
    }

    /** Mounts a chat endpoint; call before {@link #start()}. */
    void mount(String path, HttpServlet servlet) {
        context.addServlet(new ServletHolder(servlet), path);
    }

    void start() throws Exception {
        server.start();
    }

    int port() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    /** The port {@code /metrics} answers on. */
    int metricsPort() {
        return metricsConnector == null ? port() : metricsConnector.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }

    /** 200 with the text when the condition holds, else 503 with it. */
    private static final class TextServlet extends HttpServlet {
        private final transient BooleanSupplier ok;
        private final transient Supplier<String> body;

        TextServlet(BooleanSupplier ok, Supplier<String> body) {
            this.ok = ok;
            this.body = body;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            boolean up = ok.getAsBoolean();
            resp.setStatus(up ? 200 : 503);
            resp.setContentType("text/plain; charset=utf-8");
            resp.setHeader("Cache-Control", "no-store");
            resp.getOutputStream().write((body.get() + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static final class MetricsServlet extends HttpServlet {
        private final transient Supplier<String> metrics;
        private final transient java.util.function.IntSupplier port;

        MetricsServlet(Supplier<String> metrics, java.util.function.IntSupplier port) {
            this.metrics = metrics;
            this.port = port;
        }

        @Override
        protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
            if (req.getLocalPort() != port.getAsInt()) {
                // The public port: metrics live on JITBOT_METRICS_PORT, which no ingress forwards.
                resp.sendError(HttpServletResponse.SC_NOT_FOUND);
                return;
            }
            resp.setStatus(200);
            resp.setContentType("text/plain; version=0.0.4; charset=utf-8");
            resp.getOutputStream().write(metrics.get().getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * Error answers in plain text without Jetty's page: an exception's message or stack trace (a chat SDK's, say)
     * stays in the log and never reaches whoever sent the request. A status an endpoint chose keeps its reason.
     */
    static final class PlainErrors extends ErrorHandler {
        @Override
        protected void generateAcceptableResponse(Request baseRequest, HttpServletRequest request,
                                                  HttpServletResponse response, int code, String message)
                throws IOException {
            boolean fromException = request.getAttribute(RequestDispatcher.ERROR_EXCEPTION) != null;
            String reason = fromException || message == null || message.isBlank() ? HttpStatus.getMessage(code)
                    : message;
            response.setContentType("text/plain; charset=utf-8");
            response.getOutputStream().write((code + " " + reason + "\n").getBytes(StandardCharsets.UTF_8));
        }
    }
}
