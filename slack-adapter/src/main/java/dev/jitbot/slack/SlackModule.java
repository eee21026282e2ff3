package dev.jitbot.slack;

import com.slack.api.Slack;
import com.slack.api.SlackConfig;
import com.slack.api.bolt.App;
import com.slack.api.bolt.AppConfig;
import com.slack.api.bolt.socket_mode.SocketModeApp;
import com.slack.api.methods.MethodsClient;
import com.slack.api.socket_mode.SocketModeClient;
import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.AuditLog;
import dev.jitbot.core.app.ChatNotifier;
import jakarta.servlet.http.HttpServlet;
import java.time.Clock;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Slack face of jitbot, wired: a Bolt app with the {@code /jit} command, buttons, modals and App Home, served
 * by {@link #servlet()} at {@code POST /slack/events} or over Socket Mode when an app token is given, and the
 * {@link #notifier()} through which the core posts and redraws request cards.
 */
public final class SlackModule implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(SlackModule.class);

    /**
     * How to reach Slack.
     *
     * @param botToken      {@code SLACK_BOT_TOKEN} ({@code xoxb-…})
     * @param signingSecret {@code SLACK_SIGNING_SECRET}; needed over HTTP, unused in Socket Mode
     * @param appToken      {@code SLACK_APP_TOKEN} ({@code xapp-…}); null serves HTTP, set switches on Socket Mode
     * @param apiUrl        {@code JITBOT_SLACK_API_URL}: the Web API base ending in {@code /}; null means Slack's
     */
    public record Settings(String botToken, String signingSecret, String appToken, String apiUrl) {
        public Settings {
            if (botToken == null || botToken.isBlank()) {
                throw new IllegalArgumentException("SLACK_BOT_TOKEN is not set; give the bot token, e.g. xoxb-1234-5678-abcd");
            }
            if ((appToken == null || appToken.isBlank()) && (signingSecret == null || signingSecret.isBlank())) {
                throw new IllegalArgumentException("SLACK_SIGNING_SECRET is not set; over HTTP every request must be "
                        + "verified (or set SLACK_APP_TOKEN, e.g. xapp-1-A0-1-abcd, for Socket Mode)");
            }
            appToken = appToken == null || appToken.isBlank() ? null : appToken.strip();
            apiUrl = apiUrl == null || apiUrl.isBlank() ? null : (apiUrl.endsWith("/") ? apiUrl : apiUrl + "/");
        }

        @Override
        public String toString() {
            return "Settings[botToken=***, signingSecret=***, appToken=" + (appToken == null ? "none" : "***")
                    + ", apiUrl=" + apiUrl + "]";
        }
    }

    private final Settings settings;
    private final Slack slack;
    private final App app;
    private final SlackChatNotifier notifier;
    private final SlackEventsServlet servlet;
    private volatile SocketModeApp socketMode;

    private SlackModule(Settings settings, Slack slack, App app, SlackChatNotifier notifier, SlackEventsServlet servlet) {
        this.settings = settings;
        this.slack = slack;
        this.app = app;
        this.notifier = notifier;
        this.servlet = servlet;
    }

    /** Builds the app and its listeners; nothing connects to Slack until a request arrives or {@link #start()}. */
    public static SlackModule create(Settings settings, AccessService service, AuditLog audit, Clock clock) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(clock, "clock");
        SlackConfig config = new SlackConfig();
        if (settings.apiUrl() != null) {
            config.setMethodsEndpointUrlPrefix(settings.apiUrl());
        }
        Slack slack = Slack.getInstance(config);
        AppConfig.AppConfigBuilder appConfig = AppConfig.builder().slack(slack)
                .singleTeamBotToken(settings.botToken())
                .requestVerificationEnabled(true);
        if (settings.signingSecret() != null) {
            appConfig.signingSecret(settings.signingSecret());
        }
        App app = new App(appConfig.build());
        MethodsClient client = slack.methods(settings.botToken());

        // The notifier makes one attempt per call; the outbox's workers retry, so no message waits in memory here.
        SlackChatNotifier notifier = new SlackChatNotifier(client, clock, service::blastRadius);
        SlackHandlers handlers = new SlackHandlers(service, new SlackUsers(client, clock), notifier, client,
                new Replies(clock), app.executorService(), clock);
        handlers.register(app);
        return new SlackModule(settings, slack, app, notifier, new SlackEventsServlet(app, audit, clock));
    }

    /** The notifier the core posts through; register it with {@code Notifications}. */
    public ChatNotifier notifier() {
        return notifier;
    }

    /** The servlet for {@code POST /slack/events}. */
    public HttpServlet servlet() {
        return servlet;
    }

    /**
     * Connects over Socket Mode when an app token is set. Over HTTP the servlet serves; starting Bolt here only
     * checks the bot token ({@code auth.test}) early, so the first slash command does not pay for it.
     */
    public void start() {
        if (settings.appToken() == null) {
            try {
                app.start();
            } catch (RuntimeException e) {
                log.warn("Slack: could not check the bot token at start-up ({}); will retry on the first request",
                        e.toString());
            }
            return;
        }
        try {
            SocketModeApp sm = new SocketModeApp(settings.appToken(), app, SocketModeClient.Backend.JavaWebSocket);
            sm.startAsync();
            socketMode = sm;
            log.info("Slack: connected over Socket Mode");
        } catch (Exception e) {
            throw new IllegalStateException("could not open the Slack Socket Mode connection; check SLACK_APP_TOKEN "
                    + "(xapp-…, with the connections:write scope)", e);
        }
    }

    /** The Bolt app itself: tests drive it without HTTP, as Socket Mode does. */
    App app() {
        return app;
    }

    @Override
    public void close() {
        SocketModeApp sm = socketMode;
        if (sm != null) {
            try {
                sm.close();
            } catch (Exception e) {
                log.warn("closing Socket Mode: {}", e.toString());
            }
        }
        app.stop();
        try {
            slack.close();
        } catch (Exception e) {
            log.warn("closing the Slack client: {}", e.toString());
        }
    }
}
