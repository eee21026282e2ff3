package dev.jitbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code JITBOT_METRICS_PORT}: with it, {@code /metrics} answers only on its own port, which the Bicep ingress does
 * not forward; the public port answers 404 there and serves everything else as before.
 */
class MetricsPortIT {

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private HttpResponse<String> get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void withAMetricsPort_metricsAreServedThereOnly_andThePublicPortAnswers404() throws Exception {
        try (HttpServer server = new HttpServer(0, 0, () -> true, () -> "ready", () -> "jitbot_grants_active 3\n")) {
            server.start();
            assertThat(server.metricsPort()).isNotEqualTo(server.port());

            assertThat(get(server.metricsPort(), "/metrics").body()).contains("jitbot_grants_active 3");
            HttpResponse<String> exposed = get(server.port(), "/metrics");
            assertThat(exposed.statusCode()).isEqualTo(404);
            assertThat(exposed.body()).doesNotContain("jitbot_grants_active");
            assertThat(get(server.port(), "/readyz").statusCode()).isEqualTo(200);
        }
    }

    @Test
    void withoutOne_metricsStayOnTheHttpPort() throws Exception {
        try (HttpServer server = new HttpServer(0, () -> true, () -> "ready", () -> "jitbot_grants_active 3\n")) {
            server.start();
            assertThat(get(server.port(), "/metrics").body()).contains("jitbot_grants_active 3");
        }
    }
}
