package dev.jitbot.slack;

import com.slack.api.methods.MethodsClient;
import com.slack.api.methods.SlackApiException;
import com.slack.api.methods.response.users.UsersInfoResponse;
import com.slack.api.model.User;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.UserText;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who a Slack user is: their email from {@code users.info} (scope {@code users:read.email}) and the time zone of
 * their profile ({@code tz}), cached for a while so a busy approver does not cost a Web API call per click. The
 * email is what policy and Entra know them by.
 */
final class SlackUsers {

    private static final Logger log = LoggerFactory.getLogger(SlackUsers.class);
    static final Duration TTL = Duration.ofMinutes(15);

    private record Entry(ChatUser user, Instant fetched) { }

    private final MethodsClient client;
    private final Clock clock;
    private final Map<String, Entry> cache = new ConcurrentHashMap<>();

    SlackUsers(MethodsClient client, Clock clock) {
        this.client = Objects.requireNonNull(client, "client");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** {@code history @someone}: the one command whose argument is a person, as Slack writes a mention. */
    private static final java.util.regex.Pattern HISTORY_OF = java.util.regex.Pattern.compile(
            "(?i)(history|audit)\\s+<@([UW][A-Z0-9]+)(?:\\|[^>]*)?>\\s*");

    /**
     * {@code text} with a Slack mention that names whose history to read ({@code history <@U024BE7LH|alice>})
     * written as the name the audit log keeps for that person: their email, else the core's person key
     * ({@code slack:U024BE7LH}), so the core never reads Slack's markup. A mention anywhere else (in a reason, say)
     * is the person's own words and stays as written.
     */
    String personMentioned(String text) {
        java.util.regex.Matcher m = HISTORY_OF.matcher(text);
        if (!m.matches()) {
            return text;
        }
        ChatUser who = resolve(m.group(2), null);
        return m.group(1) + " " + (who.email() != null ? who.email() : who.key());
    }

    /** The user behind a Slack user id; without an email when Slack would not say (the core then refuses kindly). */
    ChatUser resolve(String userId, String fallbackName) {
        Instant now = clock.instant();
        Entry hit = cache.get(userId);
        if (hit != null && hit.fetched().plus(TTL).isAfter(now)) {
            return hit.user();
        }
        try {
            UsersInfoResponse r = client.usersInfo(q -> q.user(userId));
            if (r.isOk() && r.getUser() != null) {
                User u = r.getUser();
                String email = u.getProfile() == null ? null : u.getProfile().getEmail();
                String name = firstNonBlank(u.getProfile() == null ? null : u.getProfile().getDisplayName(),
                        u.getRealName(), u.getName(), fallbackName);
                if (email == null) {
                    log.warn("users.info gave no email for {}; is the users:read.email scope granted?",
                            UserText.forLog(userId));
                }
                // tz: the IANA zone of the user's Slack profile, in which a start without a zone is read.
                ChatUser user = new ChatUser(Platform.SLACK, userId, name, email, null, u.getTz());
                cache.put(userId, new Entry(user, now));
                return user;
            }
            log.warn("users.info for {} answered {}", UserText.forLog(userId), r.getError());
        } catch (IOException | SlackApiException e) {
            log.warn("users.info for {} failed: {}", UserText.forLog(userId), e.toString());
        }
        if (hit != null) {
            return hit.user();
        }
        return new ChatUser(Platform.SLACK, userId, fallbackName, null);
    }

    private static String firstNonBlank(String... values) {
        for (String v : values) {
            if (v != null && !v.isBlank()) {
                return v;
            }
        }
        return null;
    }
}
