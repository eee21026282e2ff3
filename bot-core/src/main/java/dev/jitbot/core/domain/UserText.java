package dev.jitbot.core.domain;

import java.util.Locale;
import java.util.Optional;

/**
 * Free text people type (reasons, tickets, whole command lines): cleaned of characters that would forge or hide
 * what a card, a log line or the audit trail shows, and held to lengths the store and a chat message can carry.
 */
public final class UserText {

    /** Longest justification or reason, in characters; longer detail belongs in the ticket. */
    public static final int MAX_REASON = 1000;
    /** Longest ticket id, in characters. */
    public static final int MAX_TICKET = 64;
    /** Longest command line jitbot reads, in characters. */
    public static final int MAX_COMMAND = 4000;
    /** The most characters of someone's text that a log line repeats. */
    public static final int MAX_LOGGED = 200;

    private UserText() {
    }

    /**
     * The text without control characters (C0, DEL, C1), bidirectional overrides and unpaired surrogates; line
     * breaks, tabs and every Unicode space become spaces, runs of spaces one, and the ends are stripped. Null stays
     * null.
     */
    public static String clean(String text) {
        if (text == null) {
            return null;
        }
        StringBuilder out = new StringBuilder(text.length());
        boolean space = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
                space = false;
                continue;
            }
            if (Character.isSurrogate(c) || isHidden(c)) {
                continue;
            }
            // Every Unicode space (no-break, ideographic, em …) too: pasted or typed on a phone, they separate words.
            if (c == '\t' || c == '\n' || c == '\r' || c == '\u000B' || c == '\u000C' || c == '\u0085'
                    || Character.isSpaceChar(c)) {
                if (!space) {
                    out.append(' ');
                }
                space = true;
                continue;
            }
            out.append(c);
            space = false;
        }
        return out.toString().strip();
    }

    private static boolean isHidden(char c) {
        return (c < 0x20 && c != '\t' && c != '\n' && c != '\r' && c != '\u000B' && c != '\u000C')
                || (c >= 0x7F && c <= 0x9F && c != '\u0085')
                || c == '\u200E' || c == '\u200F' || (c >= '\u202A' && c <= '\u202E')
                || (c >= '\u2066' && c <= '\u2069');
    }

    /** {@code text} as a refusal may quote it: at most {@code max} characters, with an ellipsis where it was cut. */
    public static String excerpt(String text, int max) {
        if (text.codePointCount(0, text.length()) <= max) {
            return text;
        }
        return text.substring(0, text.offsetByCodePoints(0, max)) + "…";
    }

    /** The number of characters as a person counts them (code points). */
    public static int length(String text) {
        return text.codePointCount(0, text.length());
    }

    /**
     * A refusal's words when {@code text} is longer than {@code max}: what it is, how long it is and the limit,
     * without echoing the text.
     */
    public static Optional<String> tooLong(String what, String text, int max, String advice) {
        if (text == null || length(text) <= max) {
            return Optional.empty();
        }
        return Optional.of(capitalised(what) + " is " + String.format(Locale.ROOT, "%,d", length(text)) + " characters long; "
                + "the limit is " + String.format(Locale.ROOT, "%,d", max) + ". " + advice);
    }

    private static String capitalised(String s) {
        return s.isEmpty() ? s : Character.toUpperCase(s.charAt(0)) + s.substring(1);
    }

    /**
     * {@code text} for a log line: control characters written as escapes ({@code \n}, {@code \r}, {@code \t},
     * {@code \u0007}), a backslash doubled so an escape cannot be faked, and at most {@code MAX_LOGGED}
     * characters of the original followed by how many more there were.
     */
    public static String forLog(Object text) {
        if (text == null) {
            return "null";
        }
        String s = text.toString();
        int shown = Math.min(s.length(), MAX_LOGGED);
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
