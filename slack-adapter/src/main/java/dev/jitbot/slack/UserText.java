package dev.jitbot.slack;

/**
 * Text a Slack user typed, made safe to repeat: clipped before jitbot quotes it back in chat, and escaped and
 * clipped before it reaches a log line, where a raw CR or LF would let the sender forge a line of their own.
 */
final class UserText {

    /** The most characters of someone's text that jitbot repeats back to them or writes to a log line. */
    static final int MAX_QUOTED = 200;

    private UserText() {
    }

    /** At most {@link #MAX_QUOTED} characters of {@code text}, with "…" where it was cut; raw, to escape after. */
    static String clip(String text) {
        if (text == null) {
            return "";
        }
        if (text.length() <= MAX_QUOTED) {
            return text;
        }
        int end = MAX_QUOTED - 1;
        if (Character.isHighSurrogate(text.charAt(end - 1))) {
            end--;
        }
        return text.substring(0, end) + "…";
    }

    /** {@code text} for a log line, as the core writes it ({@link dev.jitbot.core.domain.UserText#forLog}). */
    static String forLog(Object text) {
        return dev.jitbot.core.domain.UserText.forLog(text);
    }
}
