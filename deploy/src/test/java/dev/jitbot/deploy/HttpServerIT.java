package dev.jitbot.deploy;

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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The one HTTP server as a caller sees it when an endpoint fails or is missing. */
class HttpServerIT {

    private static final String DETAIL = "URLDecoder: Illegal hex characters; token xoxb-1234-secret";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private HttpServer server;

    @BeforeEach
    void start() throws Exception {
        server = new HttpServer(0, () -> true, () -> "ready", () -> "");
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

    private HttpResponse<String> post(String path, String accept) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(10)).header("Accept", accept).POST(HttpRequest.BodyPublishers.noBody())
                .build(), HttpResponse.BodyHandlers.ofString());
    }
}
