package dev.jitbot.core.oncall;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitbot.core.app.OnCallSource;
import dev.jitbot.core.domain.Policy;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Asks PagerDuty (REST API v2, {@code GET /oncalls}) or Opsgenie ({@code GET /v2/schedules/{id}/on-calls}) who is
 * on call now. The API key is read from the environment variable the policy names; it is sent only in the
 * {@code Authorization} header and never appears in a message or log line. Base URLs: the policy's
 * {@code base_url}, else {@code JITBOT_PAGERDUTY_API_URL} / {@code JITBOT_OPSGENIE_API_URL}, else the public API.
 */
public final class HttpOnCallSource implements OnCallSource {

    /** Environment variables that point a provider at another API base URL (a regional host, or a test fake). */
    public static final String PAGERDUTY_URL_ENV = "JITBOT_PAGERDUTY_API_URL";
    public static final String OPSGENIE_URL_ENV = "JITBOT_OPSGENIE_API_URL";
    /** PagerDuty pages /oncalls by offset; ten pages of 100 is more people than one schedule has on call. */
    private static final int PAGE = 100;
    private static final int MAX_PAGES = 10;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Map<String, String> env;
    private final HttpClient http;
    private final Duration timeout;

    /**
     * @param timeout how long one call may take: a request waits for it before it is filed, so keep it short
     */
    public HttpOnCallSource(Map<String, String> env, Duration timeout) {
        this.env = Map.copyOf(Objects.requireNonNull(env, "env"));
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.http = HttpClient.newBuilder().connectTimeout(timeout).followRedirects(HttpClient.Redirect.NEVER).build();
    }

    @Override
    public Roster onCallNow(Policy.OnCallSettings settings, String schedule) {
        String key = env.get(settings.apiKeyEnv());
        if (key == null || key.isBlank()) {
            throw new Unavailable(settings.apiKeyEnv() + " is not set, so jitbot cannot ask "
                    + settings.provider().title() + " who is on call");
        }
        return switch (settings.provider()) {
            case PAGERDUTY -> pagerDuty(base(settings, PAGERDUTY_URL_ENV), key.strip(), schedule);
            case OPSGENIE -> opsgenie(base(settings, OPSGENIE_URL_ENV), key.strip(), schedule);
        };
    }

    private String base(Policy.OnCallSettings settings, String envName) {
        String b = settings.baseUrl() != null ? settings.baseUrl()
                : env.getOrDefault(envName, settings.provider().publicUrl());
        return b.replaceAll("/+$", "");
    }

    private Roster pagerDuty(String base, String key, String schedule) {
        Set<String> emails = new LinkedHashSet<>();
        String name = null;
        for (int page = 0; page < MAX_PAGES; page++) {
            URI uri = URI.create(base + "/oncalls?schedule_ids%5B%5D=" + enc(schedule) + "&include%5B%5D=users&limit="
                    + PAGE + "&offset=" + page * PAGE);
            JsonNode answer = get("PagerDuty", uri, schedule, "Token token=" + key,
                    "application/vnd.pagerduty+json;version=2");
            for (JsonNode oncall : answer.path("oncalls")) {
                String email = oncall.path("user").path("email").asText("");
                if (!email.isBlank()) {
                    emails.add(email);
                }
                if (name == null && schedule.equals(oncall.path("schedule").path("id").asText(""))) {
                    name = oncall.path("schedule").path("summary").asText(null);
                }
            }
            if (!answer.path("more").asBoolean(false)) {
                break;
            }
        }
        return new Roster(schedule, name, emails);
    }

    private Roster opsgenie(String base, String key, String schedule) {
        URI uri = URI.create(base + "/v2/schedules/" + enc(schedule) + "/on-calls?flat=true");
        JsonNode answer = get("Opsgenie", uri, schedule, "GenieKey " + key, "application/json");
        Set<String> emails = new LinkedHashSet<>();
        for (JsonNode r : answer.path("data").path("onCallRecipients")) {
            if (!r.asText("").isBlank()) {
                emails.add(r.asText());
            }
        }
        return new Roster(schedule, answer.path("data").path("_parent").path("name").asText(null), emails);
    }

    private JsonNode get(String provider, URI uri, String schedule, String authorization, String accept) {
        HttpRequest request = HttpRequest.newBuilder(uri).timeout(timeout).GET()
                .header("Authorization", authorization).header("Accept", accept).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new Unavailable(provider + " could not be reached for schedule " + schedule + " ("
                    + e.getClass().getSimpleName() + ")", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unavailable(provider + " look-up of schedule " + schedule + " was interrupted", e);
        }
        int status = response.statusCode();
        if (status / 100 != 2) {
            throw new Unavailable(provider + " answered " + status + " for schedule " + schedule + switch (status) {
                case 401 -> ": the API key was refused";
                case 403 -> ": the API key may not read this schedule";
                case 404 -> ": no such schedule";
                case 429 -> ": rate limited";
                default -> "";
            });
        }
        try {
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new Unavailable(provider + " sent an unreadable answer for schedule " + schedule, e);
        }
    }

    private static String enc(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
