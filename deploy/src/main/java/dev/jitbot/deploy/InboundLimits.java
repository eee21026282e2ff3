package dev.jitbot.deploy;

import jakarta.servlet.Filter;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every request to the HTTP server meets before any endpoint (and so before Bolt or the Bot Framework SDK)
 * sees it: only GET, HEAD and POST are served, so TRACE cannot echo an {@code Authorization} header back; and a
 * body over {@link #MAX_BODY} bytes is answered 413 without reaching an endpoint, counted as it arrives when the
 * sender gave no Content-Length.
 */
final class InboundLimits implements Filter {

    private static final Logger log = LoggerFactory.getLogger(InboundLimits.class);
    /** 1 MiB: Slack's and Bot Framework's payloads are kilobytes; the cap keeps a flood of bodies out of memory. */
    static final int MAX_BODY = 1024 * 1024;
    static final String ALLOWED = "GET, HEAD, POST";
    private static final Set<String> METHODS = Set.of("GET", "HEAD", "POST");

    @Override
    public void doFilter(ServletRequest request, ServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        HttpServletRequest req = (HttpServletRequest) request;
        HttpServletResponse resp = (HttpServletResponse) response;
        if (!METHODS.contains(req.getMethod())) {
            resp.setHeader("Allow", ALLOWED);
            answer(resp, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "405 Only " + ALLOWED + " are served here.");
            return;
        }
        long declared = req.getContentLengthLong();
        if (declared > MAX_BODY) {
            tooLarge(req, resp);
            return;
        }
        if (declared < 0 && "POST".equals(req.getMethod())) {
            // No Content-Length (chunked): read at most one byte past the cap before any endpoint does. With a
            // Content-Length Jetty itself stops at the declared size, so those bodies pass through unread.
            byte[] body = req.getInputStream().readNBytes(MAX_BODY + 1);
            if (body.length > MAX_BODY) {
                tooLarge(req, resp);
                return;
            }
            chain.doFilter(new ReadBody(req, body), response);
            return;
        }
        chain.doFilter(request, response);
    }

    private static void tooLarge(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        log.warn("refused a request to {} from {}: body over {} bytes", req.getRequestURI().length() > 100
                ? req.getRequestURI().substring(0, 100) + "…" : req.getRequestURI(), req.getRemoteAddr(), MAX_BODY);
        // The rest of the body is never read; closing is cheaper than draining it.
        resp.setHeader("Connection", "close");
        answer(resp, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                "413 The body is over 1 MiB, the most this server reads.");
    }

    private static void answer(HttpServletResponse resp, int status, String text) throws IOException {
        resp.setStatus(status);
        resp.setContentType("text/plain; charset=utf-8");
        resp.getOutputStream().write((text + "\n").getBytes(StandardCharsets.UTF_8));
    }

    /**
     * A request whose body was already read in full: endpoints read these bytes instead. Form parameters are not
     * parsed from it; no endpoint here reads a body through {@code getParameter}.
     */
    private static final class ReadBody extends HttpServletRequestWrapper {
        private final byte[] body;

        ReadBody(HttpServletRequest request, byte[] body) {
            super(request);
            this.body = body;
        }

        @Override
        public ServletInputStream getInputStream() {
            ByteArrayInputStream in = new ByteArrayInputStream(body);
            return new ServletInputStream() {
                @Override
                public int read() {
                    return in.read();
                }

                @Override
                public int read(byte[] b, int off, int len) {
                    return in.read(b, off, len);
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(ReadListener listener) {
                    throw new IllegalStateException("the body was read already; read it blocking");
                }
            };
        }

        @Override
        public BufferedReader getReader() {
            Charset charset = StandardCharsets.UTF_8;
            String enc = getCharacterEncoding();
            if (enc != null) {
                try {
                    charset = Charset.forName(enc);
                } catch (IllegalArgumentException e) {
                    // An unknown charset name from the sender: read the bytes as UTF-8, as the endpoints expect.
                }
            }
            return new BufferedReader(new InputStreamReader(getInputStream(), charset));
        }

        @Override
        public int getContentLength() {
            return body.length;
        }

        @Override
        public long getContentLengthLong() {
            return body.length;
        }
    }
}
