package dev.jitbot.core.domain;

import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The id a person is shown and the log line carries for the same failure ({@code E3F9A1C0B}), so an operator can
 * find the detail a chat message leaves out.
 */
public final class EventIds {

    private EventIds() {
    }

    /** A fresh id: {@code E} and eight upper-case hex digits. */
    public static String next() {
        return next("E");
    }

    /** A fresh id with {@code prefix}, e.g. {@code AZ-} for failures Azure answered. */
    public static String next(String prefix) {
        return prefix + HexFormat.of().withUpperCase().toHexDigits(ThreadLocalRandom.current().nextInt());
    }
}
