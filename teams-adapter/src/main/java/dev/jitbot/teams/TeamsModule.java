package dev.jitbot.teams;

import com.microsoft.bot.builder.BotFrameworkAdapter;
import com.microsoft.bot.connector.authentication.AuthenticationConfiguration;
import com.microsoft.bot.connector.authentication.ChannelValidation;
import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.AuditLog;
import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.app.ConversationStore;
import jakarta.servlet.http.HttpServlet;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Teams face of jitbot, wired: a servlet for {@code POST /api/messages} and the {@link ChatNotifier} the core
 * posts through. Every Bot Framework type stays behind this class.
 */
public final class TeamsModule implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TeamsModule.class);

    /**
     * The bot's identity and where it checks and gets tokens; a null field means Bot Framework's default.
     *
     * @param appId             {@code MicrosoftAppId}; null or blank switches inbound JWT checks and outbound tokens
     *                          off (local development only)
     * @param appPassword       {@code MicrosoftAppPassword}
     * @param tenantId          {@code MicrosoftAppTenantId} for single-tenant bots (tokens come from that tenant)
     * @param openIdMetadataUrl where inbound token keys are published (default: Bot Framework's)
     * @param authority         the Entra authority outbound tokens come from (default: {@code https://login.microsoftonline.com})
     */
    public record Settings(String appId, String appPassword, String tenantId, String openIdMetadataUrl,
                           String authority) {

        public Settings {
            appId = blankToNull(appId);
            appPassword = blankToNull(appPassword);
            tenantId = blankToNull(tenantId);
            openIdMetadataUrl = blankToNull(openIdMetadataUrl);
            authority = blankToNull(authority);
        }

        /**
         * Reads Bot Framework's usual names ({@code MicrosoftAppId}, {@code MicrosoftAppPassword},
         * {@code MicrosoftAppTenantId}) and jitbot's overrides ({@code JITBOT_TEAMS_OPENID_METADATA},
         * {@code JITBOT_TEAMS_AUTHORITY}); a malformed value fails with a message naming the variable.
         */
        public static Settings fromEnvironment(Map<String, String> env) {
            Settings s = new Settings(env.get("MicrosoftAppId"), env.get("MicrosoftAppPassword"),
                    env.get("MicrosoftAppTenantId"), env.get("JITBOT_TEAMS_OPENID_METADATA"),
                    env.get("JITBOT_TEAMS_AUTHORITY"));
            if (s.appId() != null && s.appPassword() == null) {
                throw new IllegalArgumentException("MicrosoftAppId is set but MicrosoftAppPassword is not: set the "
                        + "bot's client secret, e.g. MicrosoftAppPassword=<secret from the Azure Bot resource>");
            }
            requireUrl("JITBOT_TEAMS_OPENID_METADATA", s.openIdMetadataUrl(),
                    "https://login.botframework.com/v1/.well-known/openidconfiguration");
            requireUrl("JITBOT_TEAMS_AUTHORITY", s.authority(), "https://login.microsoftonline.com");
            return s;
        }

        private static void requireUrl(String name, String value, String example) {
            if (value == null) {
                return;
            }
            try {
                URI uri = new URI(value);
                if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                    return;
                }
            } catch (URISyntaxException e) {
                // fall through to the message below
            }
            throw new IllegalArgumentException(name + " must be an http(s) URL, e.g. " + name + "=" + example);
        }

        /** True when inbound activities must carry a valid Bot Framework JWT. */
        public boolean authenticated() {
            return appId != null;
        }

        @Override
        public String toString() {
            return "Settings[appId=" + appId + ", appPassword=" + (appPassword == null ? "unset" : "***")
                    + ", tenantId=" + tenantId + ", openIdMetadataUrl=" + openIdMetadataUrl + ", authority="
                    + authority + "]";
        }

        private static String blankToNull(String s) {
            return s == null || s.isBlank() ? null : s.strip();
        }
    }

    private final TeamsChatNotifier notifier;
    private final MessagesServlet servlet;

    private TeamsModule(TeamsChatNotifier notifier, MessagesServlet servlet) {
        this.notifier = notifier;
        this.servlet = servlet;
    }

    /** Builds the adapter; the caller registers {@link #notifier()} and mounts {@link #servlet()}. */
    public static TeamsModule create(Settings settings, AccessService service, ConversationStore conversations,
                                     AuditLog audit, Clock clock) {
        return create(settings, service, conversations, audit, clock, false);
    }

    /**
     * As {@link #create(Settings, AccessService, ConversationStore, AuditLog, Clock)}, for tests: whether an
     * activity may name a plain-http serviceUrl (a local fake of the connector). jitbot itself always requires https.
     */
    static TeamsModule create(Settings settings, AccessService service, ConversationStore conversations,
                              AuditLog audit, Clock clock, boolean plainHttpServiceUrls) {
        Objects.requireNonNull(settings, "settings");
        Objects.requireNonNull(service, "service");
        Objects.requireNonNull(conversations, "conversations");
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(clock, "clock");
        if (settings.openIdMetadataUrl() != null) {
            // The SDK keeps this URL in a static field: one metadata URL per JVM.
            ChannelValidation.setOpenIdMetaDataUrl(settings.openIdMetadataUrl());
        }
        if (!settings.authenticated()) {
            log.warn("teams: MicrosoftAppId is not set, so inbound activities are NOT authenticated and outbound "
                    + "calls carry no token; use this only against a local emulator");
        }
        TokenCredentials credentials = new TokenCredentials(settings.appId(), settings.appPassword(),
                settings.tenantId(), settings.authority(), clock);
        BotFrameworkAdapter adapter = new BotFrameworkAdapter(credentials, new AuthenticationConfiguration(), null,
                null, null);
        ConversationRefs refs = new ConversationRefs(conversations);
        Roster roster = new Roster(clock);
        CardViews views = new CardViews(service, roster, clock);
        Words words = new Words(clock);
        JitBot bot = new JitBot(service, audit, clock, refs, roster, views, words);
        TeamsChatNotifier notifier = new TeamsChatNotifier(adapter, settings.appId(), refs, views);
        log.info("teams: ready ({}; tokens from {})", settings.authenticated() ? "JWT-checked" : "unauthenticated",
                settings.authenticated() ? credentials.tokenEndpoint() : "nowhere");
        return new TeamsModule(notifier, new MessagesServlet(adapter, bot, audit, clock,
                settings.authenticated(), plainHttpServiceUrls));
    }

    /** The notifier Main registers with the core's Notifications. */
    public ChatNotifier notifier() {
        return notifier;
    }

    /** The servlet Main mounts at {@code POST /api/messages}. */
    public HttpServlet servlet() {
        return servlet;
    }

    /** Nothing to stop: turns run on the servlet's threads, and the outbox's workers post the cards. */
    @Override
    public void close() {
    }
}
