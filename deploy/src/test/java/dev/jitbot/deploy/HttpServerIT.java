package dev.jitbot.deploy;

import dev.jitbot.core.testing.RawHttp;
import static org.assertj.core.api.Assertions.assertThat;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one HTTP server as a caller sees it when an endpoint fails or is missing, and what it refuses before any
 * endpoint runs: methods other than GET, HEAD and POST, and bodies over 1 MiB.
 */
class HttpServerIT {

    private static final String DETAIL = "URLDecoder: Illegal hex characters; token xoxb-1234-secret";
    private static final String SECRET_TOKEN = "eyJhbGciOiJSUzI1NiJ9.stolen-if-echoed";
    private static final int MIB = 1024 * 1024;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private HttpServer server;

    private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();

    @BeforeEach
    void start() throws Exception {
        server = new HttpServer(0, () -> true, () -> "ready", () -> "");
        for (String path : new String[] {HttpServer.SLACK_PATH, HttpServer.TEAMS_PATH}) {
            server.mount(path, new HttpServlet() {
                @Override
                protected void service(HttpServletRequest req, HttpServletResponse resp)
                        throws IOException, jakarta.servlet.ServletException {
                    calls.computeIfAbsent(path, p -> new AtomicInteger()).incrementAndGet();
                    if ("TRACE".equals(req.getMethod())) {
                        super.service(req, resp); // HttpServlet's own TRACE: echoes every request header
                        return;
                    }
                    byte[] body = req.getInputStream().readAllBytes();
                    resp.setContentType("text/plain");
                    resp.getWriter().print("read " + body.length + " bytes");
                }
            });
        }
        server.mount("/throws", new HttpServlet() {
            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) {
                throw new IllegalArgumentException(DETAIL, new IllegalStateException("inner " + DETAIL));
            }
        });
        server.mount("/refuses", new HttpServlet() {
            @Override
            protected void doPost(HttpServletRequest req, HttpServletResponse resp) throws IOException {
                resp.sendError(400, "expected a Bot Framework activity");
            }
        });
        server.start();
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
    }

    @Nested
    class WhenAnEndpointThrows {
        @Test
        void answers500_withoutTheExceptionItsStackOrTheServerVersion() throws Exception {
            for (String accept : new String[] {"text/html", "application/json", "text/plain", "*/*"}) {
                HttpResponse<String> r = post("/throws", accept);
                assertThat(r.statusCode()).isEqualTo(500);
                assertThat(r.body()).as(accept).contains("500").doesNotContain("Illegal hex").doesNotContain("xoxb")
                        .doesNotContain("IllegalArgumentException").doesNotContain("\tat ").doesNotContain("Jetty")
                        .doesNotContain("Servlet").doesNotContain("HttpServerIT");
                assertThat(r.headers().firstValue("Server")).as("Server header").isEmpty();
            }
        }
    }

    @Nested
    class WhenAnEndpointRefusesOnPurpose {
        @Test
        void keepsTheReasonItChose() throws Exception {
            HttpResponse<String> r = post("/refuses", "*/*");
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("expected a Bot Framework activity").doesNotContain("<html");
        }
    }

    @Nested
    class WhenThePathIsUnknown {
        @Test
        void answers404InPlainText() throws Exception {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/nope")).header("Accept", "text/html").build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(404);
            assertThat(r.body()).contains("404").doesNotContain("<html").doesNotContain("Jetty");
        }
    }

    @Nested
    class UnusedMethods {

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {HttpServer.SLACK_PATH, HttpServer.TEAMS_PATH, "/healthz", "/nope"})
        void answer405_withoutEchoingAHeader_andReachNoEndpoint(String path) throws Exception {
            for (String method : new String[] {"TRACE", "TRACK", "OPTIONS", "PUT", "DELETE", "PATCH"}) {
                RawHttp.Reply r = RawHttp.exchange(server.port(), RawHttp.head(method, path, RawHttp.headers(
                        "Authorization", "Bearer " + SECRET_TOKEN, "Cookie", "s=" + SECRET_TOKEN)));

                assertThat(r.status()).as(method + " " + path).isEqualTo(405);
                assertThat(r.head() + r.body()).as(method + " " + path).doesNotContain(SECRET_TOKEN)
                        .doesNotContain("Jetty");
                assertThat(r.head()).as(method + " " + path).contains("Allow: GET, HEAD, POST");
            }
            assertThat(calls).isEmpty();
        }
    }

    @Nested
    class BodyCap {

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {HttpServer.SLACK_PATH, HttpServer.TEAMS_PATH})
        void contentLengthOverOneMiB_is413_beforeTheEndpointRunsOrTheBodyArrives(String path) throws Exception {
            // 50 MiB announced, 64 KiB sent: an answer at all shows nothing waited for the rest.
            RawHttp.Reply r = RawHttp.exchange(server.port(), RawHttp.head("POST", path, RawHttp.headers(
                    "Content-Type", "application/json", "Content-Length", Integer.toString(50 * MIB))),
                    new byte[64 * 1024]);

            assertThat(r.status()).isEqualTo(413);
            assertThat(r.body()).contains("1 MiB").doesNotContain("Jetty");
            assertThat(calls).isEmpty();
        }

        @ParameterizedTest(name = "{0}")
        @ValueSource(strings = {HttpServer.SLACK_PATH, HttpServer.TEAMS_PATH})
        void chunkedBodyOverOneMiB_is413_andNeverReachesTheEndpoint_whileOneAtTheCapArrivesWhole(String path)
                throws Exception {
            RawHttp.Reply atCap = chunked(path, MIB);
            assertThat(atCap.status()).isEqualTo(200);
            assertThat(atCap.body()).isEqualTo("read " + MIB + " bytes");
            calls.clear();

            RawHttp.Reply over = chunked(path, MIB + 1);

            assertThat(over.status()).isEqualTo(413);
            assertThat(over.body()).contains("1 MiB");
            assertThat(calls).isEmpty();
        }

        private RawHttp.Reply chunked(String path, int size) throws Exception {
            return RawHttp.exchange(server.port(), RawHttp.head("POST", path, RawHttp.headers(
                    "Content-Type", "application/json", "Transfer-Encoding", "chunked")),
                    RawHttp.chunked(new byte[size], 100_000));
        }
    }

    private HttpResponse<String> post(String path, String accept) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).header("Accept", accept).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
