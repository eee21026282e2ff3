package dev.jitbot.slack;

import dev.jitbot.core.app.Messages;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.EventIds;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.app.StoreException;
import dev.jitbot.core.domain.Text;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Slack adapter says to a person: every {@link Outcome} as the core words it ({@link Messages}) drawn
 * as mrkdwn, and every failure into what happened, what to do next and an event id (the detail goes to
 * the log under the same id, never to chat).
 */
final class Replies {

    private static final Logger log = LoggerFactory.getLogger(Replies.class);

    private final Messages messages;

    Replies(Clock clock) {
        this.messages = new Messages(Objects.requireNonNull(clock, "clock"));
    }

    /** What came of a command, as the core words it, in mrkdwn. */
    String render(Outcome outcome) {
        return outcome instanceof Outcome.Help h ? help(h) : SlackText.mrkdwn(messages.of(outcome));
    }

    /**
     * Logs {@code error} under a fresh event id and returns the sentence the person sees. A database that cannot be
     * reached is the one failure worth naming: the transition was not written, so the person knows to try again.
     */
    String failure(String whatWasAttempted, Throwable error) {
        String eventId = EventIds.next();
        if (databaseDown(error)) {
            log.error("{} failed: the database is unreachable [event {}]", UserText.forLog(whatWasAttempted), eventId,
                    error);
            return ":warning: jitbot cannot reach its database right now; nothing was changed — try again in a "
                    + "minute. If it keeps happening, tell the jitbot operators event id `" + eventId + "`.";
        }
        // What was attempted may carry the person's own words (a slash command's text): escaped and clipped.
        log.error("{} failed [event {}]", UserText.forLog(whatWasAttempted), eventId, error);
        return ":warning: Something went wrong on my side while I tried to "
                + Cards.esc(UserText.clip(whatWasAttempted)) + ". Check where "
                + "things stand with `/jit list`, and try again in a minute; if it keeps happening, tell the jitbot "
                + "operators event id `" + eventId + "`.";
    }

    /** Whether {@code error} came from the store: the core writes nothing else on a request thread. */
    static boolean databaseDown(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreException || t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    /** Deny pressed by someone the core would not let decide: said at once, not after they type a reason. */
    static String cannotDeny(AccessRequest r, ChatUser actor) {
        if (r.requester().samePerson(actor)) {
            return ":no_entry_sign: You cannot deny your own request `" + r.id() + "`. To withdraw it, `/jit cancel "
                    + r.id() + "`.";
        }
        return ":no_entry_sign: Only the approvers of " + Cards.esc(r.label()) + " (`" + r.id() + "`) can deny it.";
    }

    /** Slack's only addition to the core's help: the bare command opens a form. */
    private String help(Outcome.Help o) {
        return SlackText.mrkdwn(messages.help(o)).replaceFirst("\\*\n", "*\n`/jit` alone opens a form.\n");
    }

    /** A refusal shown under a modal field, which Slack renders as plain text. */
    String forField(Outcome.Refused o) {
        return messages.refused(o).tone(Text.Tone.NONE).render(SlackText.PLAIN);
    }

    /** Modal errors are plain text: mrkdwn code and emphasis marks would show as is. */
    static String plain(String s) {
        return s.replace("`", "").replace("*", "");
    }
}
