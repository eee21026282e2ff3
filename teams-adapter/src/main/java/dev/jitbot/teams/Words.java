package dev.jitbot.teams;

import dev.jitbot.core.app.Failures;
import dev.jitbot.core.app.Messages;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Text;
import java.time.Clock;

/**
 * What the Teams adapter says to a person: outcomes as the core words them ({@link Messages}) and failures as
 * {@link Failures} words them (an event id in chat, the detail in the log), in Teams markdown or a card's text.
 */
final class Words {

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

    /**
     * The core's words, with what only Teams adds to the help, and a short receipt for a request: the core also
     * messages the requester the whole sentence, in the same chat ({@link Messages#receipt}).
     */
    private Text text(Outcome outcome) {
        if (outcome instanceof Outcome.Help h) {
            return messages.help(h, Platform.TEAMS);
        }
        return outcome instanceof Outcome.Requested r ? Messages.receipt(r) : messages.of(outcome);
    }

    /** Logs {@code e} with a fresh event id and says, kindly, that {@code what} (a verb phrase) did not work. */
    String failure(String what, Throwable e) {
        return TeamsText.markdown(Failures.of(what, e).text());
    }
}
