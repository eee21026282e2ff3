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

    /**
     * {@code text} for a log line: control characters written as escapes ({@code \n}, {@code \r}, {@code \t},
     * {@code \u0007}), a backslash doubled so an escape cannot be faked, and at most {@link #MAX_QUOTED}
     * characters of the original followed by how many more there were.
     */
    static String forLog(Object text) {
        if (text == null) {
            return "null";
        }
        String s = text.toString();
        int shown = Math.min(s.length(), MAX_QUOTED);
        StringBuilder out = new StringBuilder(shown + 16);
        for (int i = 0; i < shown; i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '\\' -> out.append("\\\\");
                default -> {
                    // C0, DEL, C1 and the Unicode line and paragraph separators all break or fake log lines.
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029') {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        if (s.length() > shown) {
            out.append("… (").append(s.length() - shown).append(" more characters)");
        }
        return out.toString();
    }
}
