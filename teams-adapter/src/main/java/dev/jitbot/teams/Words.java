package dev.jitbot.teams;

import dev.jitbot.core.app.Messages;
import dev.jitbot.core.app.Phrases;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Text;
import dev.jitbot.core.app.StoreException;
import java.sql.SQLException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the Teams adapter says to a person: outcomes as the core words them ({@link Messages}) in Teams markdown,
 * and failures.
 * Failures never show an exception or an SDK message: the detail is logged with an event id the person sees.
 */
final class Words {

    private static final Logger log = LoggerFactory.getLogger(Words.class);

    private final Messages messages;

    Words(Clock clock) {
        this.messages = new Messages(clock);
    }

    /** What came of a command, as the core words it ({@link Messages}), in Teams markdown. */
    String render(Outcome outcome) {
        return TeamsText.markdown(text(outcome));
    }

    /**
     * The line on top of a card after a button, in the card's style (no backticks: a card's text block shows
     * them as they are). A button is pressed by an approver or on-call, never for an auto-approved request, so the
     * core's Activating message already speaks to the approver there.
     */
    String onCard(Outcome outcome) {
        return TeamsText.card(text(outcome));
    }

    private Text text(Outcome outcome) {
        if (outcome instanceof Outcome.Help h) {
            return help(h);
        }
        if (outcome instanceof Outcome.Requested r) {
            return receipt(r);
        }
        return messages.of(outcome);
    }

    /**
     * The reply to a request: a short receipt. The core also messages the requester the whole sentence
     * ({@link Phrases#awaiting}), in the same chat, so the reply says only what that message does not.
     */
    private static Text receipt(Outcome.Requested o) {
        AccessRequest r = o.request();
        Text.Builder b = Text.of(Text.Tone.WAITING).plain("Filed as " + r.id()
                + (r.startsAt() != null ? ", starting " + Phrases.starts(r) : "")
                + ": I asked the approvers in the approvals channel, and I'll message you at each step. Cancel with ")
                .command("cancel " + r.id()).plain(".");
        if (o.notice() != null) {
            b.plain(" ").text(Text.parse(o.notice()));
        }
        return b.done();
    }

    /** A fresh event id, which a person's message and the log line (and audit event) about it both show. */
    static String eventId() {
        return dev.jitbot.core.domain.EventIds.next();
    }

    /** Why nothing was done for a turn whose sender the roster did not confirm, with the event id it was logged as. */
    String identityRefused(Roster.Identity identity, String eventId) {
        if (identity instanceof Roster.Identity.Contradicted) {
            return "I did nothing: the identity in this message is not the one Teams has for your account. If you "
                    + "did not expect this, tell the operators event id " + eventId + ".";
        }
        if (identity instanceof Roster.Identity.Unconfirmed) {
            return "I could not confirm who you are with Teams just now, so I did nothing. Try again in a minute; "
                    + "if it keeps failing, tell the operators event id " + eventId + ".";
        }
        throw new IllegalArgumentException("a confirmed sender is not refused");
    }

    /** Logs {@code e} with a fresh event id and says, kindly, that {@code what} did not work. */
    String failure(String what, Throwable e) {
        String eventId = eventId();
        if (databaseDown(e)) {
            // The one failure worth naming: the transition was not written, so trying again is the right move.
            log.error("teams: {} failed: the database is unreachable [{}]", what, eventId, e);
            return "jitbot cannot reach its database right now; nothing was changed — try again in a minute. If it "
                    + "keeps happening, tell the operators event id " + eventId + ".";
        }
        log.error("teams: {} failed [{}]", what, eventId, e);
        return "Sorry, something went wrong on my side while " + what + ", so I could not finish it. "
                + "Nothing changed unless you saw it confirmed; `list` shows where things stand. If it keeps "
                + "happening, tell the operators event id " + eventId + ".";
    }

    /** Whether {@code e} came from the store: the core writes nothing else during a turn. */
    static boolean databaseDown(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreException || t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    /** Teams' only addition to the core's help: in a channel, people mention the bot first. */
    private Text help(Outcome.Help o) {
        return messages.help(o).then(Text.of().plain("\n\nIn a channel, mention me first: ").code("@jitbot list")
                .plain(".").done());
    }
}
