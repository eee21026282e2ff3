package dev.jitbot.slack;

import dev.jitbot.core.app.Failures;
import dev.jitbot.core.app.Messages;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Text;
import java.time.Clock;
import java.util.Objects;

/**
 * What the Slack adapter says to a person: every {@link Outcome} as the core words it ({@link Messages}) and
 * every failure as {@link Failures} words it (an event id in chat, the detail in the log), drawn as mrkdwn.
 */
final class Replies {

    private final Messages messages;

    Replies(Clock clock) {
        this.messages = new Messages(Objects.requireNonNull(clock, "clock"));
    }

    /** What came of a command, as the core words it, in mrkdwn. */
    String render(Outcome outcome) {
        return outcome instanceof Outcome.Help h ? help(h) : SlackText.mrkdwn(messages.of(outcome));
    }

    /** Logs {@code error} under a fresh event id and returns what the person sees ({@link Failures}), in mrkdwn. */
    String failure(String whatWasAttempted, Throwable error) {
        return SlackText.mrkdwn(Failures.of(whatWasAttempted, error).text());
    }

    /** The core's help with what only Slack adds (the bare command opens a form). */
    private String help(Outcome.Help o) {
        return SlackText.mrkdwn(messages.help(o, Platform.SLACK));
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
