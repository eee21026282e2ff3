package dev.jitbot.core.domain;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads durations as people type them ({@code 45m}, {@code 2h}, {@code 1h30m}, {@code 20s}, {@code PT1H}) and writes them back. */
public final class Durations {

    private static final Pattern PART = Pattern.compile(
            "(\\d{1,6})\\s*(days?|d|hours?|hrs?|h|minutes?|mins?|m|seconds?|secs?|s)");
    public static final String EXAMPLE = "`45m`, `2h` or `1h30m`";
    /**
     * The longest duration read: far past any grant or request TTL a policy allows (24 h), and short enough that
     * {@link #compact} writes every duration read back in digits {@link #parse} reads again.
     */
    public static final Duration LONGEST = Duration.ofDays(366);
    /** Longer input than this is not a duration anyone typed on purpose; it is refused without echoing it. */
    private static final int MAX_INPUT = 64;

    private Durations() {
    }

    /** Parses a positive duration, or explains how to write one. */
    public static Parsed<Duration> parse(String input) {
        if (input == null || input.isBlank()) {
            return Parsed.invalid("Give a duration such as " + EXAMPLE + ".");
        }
        String s = input.strip().toLowerCase(Locale.ROOT);
        String shown = shown(input);
        if (s.length() > MAX_INPUT) {
            return Parsed.invalid("That is not a duration; write " + EXAMPLE + ".");
        }
        if (s.startsWith("pt") || s.startsWith("p")) {
            if (s.contains("-") || s.contains("+")) {
                return Parsed.invalid("`" + shown + "` is not a positive duration; write " + EXAMPLE + ".");
            }
            try {
                return positive(shown, Duration.parse(s.toUpperCase(Locale.ROOT)));
            } catch (DateTimeParseException | ArithmeticException e) {
                return Parsed.invalid("`" + shown + "` is not a duration; write " + EXAMPLE + ".");
            }
        }
        Matcher m = PART.matcher(s);
        Duration total = Duration.ZERO;
        int end = 0;
        String order = "dhms";
        int next = 0;
        StringBuilder seen = new StringBuilder();
        while (m.find()) {
            if (!s.substring(end, m.start()).isBlank()) {
                return Parsed.invalid("`" + shown + "` is not a duration; write " + EXAMPLE + ".");
            }
            long n = Long.parseLong(m.group(1));
            char unit = m.group(2).charAt(0);
            int at = order.indexOf(unit);
            if (at < next) {
                // "10m10m" is a typo more often than a wish for 20 minutes, so ask rather than add.
                return Parsed.invalid("`" + shown + "` names " + (seen.indexOf(String.valueOf(unit)) >= 0
                        ? "the same unit twice" : "its units out of order")
                        + "; write each unit once, largest first, e.g. `1h30m`.");
            }
            seen.append(unit);
            next = at + 1;
            total = total.plus(switch (unit) {
                case 'd' -> Duration.ofDays(n);
                case 'h' -> Duration.ofHours(n);
                case 'm' -> Duration.ofMinutes(n);
                default -> Duration.ofSeconds(n);
            });
            end = m.end();
        }
        if (end == 0 || !s.substring(end).isBlank()) {
            if (s.matches("\\d+")) {
                return Parsed.invalid("`" + shown + "` has no unit; write " + EXAMPLE + ".");
            }
            return Parsed.invalid("`" + shown + "` is not a duration; write " + EXAMPLE + ".");
        }
        return positive(shown, total);
    }

    private static Parsed<Duration> positive(String shown, Duration d) {
        if (d.isZero() || d.isNegative()) {
            return Parsed.invalid("`" + shown + "` is not a positive duration; write " + EXAMPLE + ".");
        }
        if (d.compareTo(LONGEST) > 0) {
            return Parsed.invalid("`" + shown + "` is longer than a year; jitbot grants last hours, so write e.g. "
                    + "`8h`.");
        }
        if (d.getNano() != 0) {
            return Parsed.invalid("`" + shown + "` has a fraction of a second; jitbot counts whole minutes and "
                    + "seconds, so write e.g. `5m`.");
        }
        return Parsed.ok(d);
    }

    /** The input as a refusal quotes it: on one line, without control characters, at most 40 characters. */
    private static String shown(String input) {
        return UserText.excerpt(UserText.clean(input).replace('`', '\''), 40);
    }

    /** Short human form: {@code 45 min}, {@code 2 h}, {@code 1 h 30 min}, {@code 20 s}. */
    public static String format(Duration d) {
        long seconds = d.getSeconds();
        long h = seconds / 3600;
        long m = (seconds % 3600) / 60;
        long s = seconds % 60;
        StringBuilder sb = new StringBuilder();
        if (h > 0) {
            sb.append(h).append(" h");
        }
        if (m > 0) {
            sb.append(sb.isEmpty() ? "" : " ").append(m).append(" min");
        }
        if (s > 0 || sb.isEmpty()) {
            sb.append(sb.isEmpty() ? "" : " ").append(s).append(" s");
        }
        return sb.toString();
    }

    /** Compact form that {@link #parse} reads back: {@code 1h30m}, {@code 45m}, {@code 20s}. */
    public static String compact(Duration d) {
        long seconds = d.getSeconds();
        long h = seconds / 3600;
        long m = (seconds % 3600) / 60;
        long s = seconds % 60;
        return (h > 0 ? h + "h" : "") + (m > 0 ? m + "m" : "") + (s > 0 || seconds == 0 ? s + "s" : "");
    }
}
