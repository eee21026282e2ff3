package dev.jitbot.core.domain;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a scheduled request should start, as typed after {@code from}: {@code 22:00}, {@code today 22:00},
 * {@code tomorrow 09:00}, {@code 2026-12-02 09:00}, {@code 2026-12-02T09:00Z}, optionally followed by a zone
 * ({@code UTC}, {@code Europe/Berlin}, {@code +01:00}). Read as typed and resolved later against a clock and the
 * requester's zone, since "tomorrow" means nothing without both.
 *
 * @param day  which day: {@code TODAY} for a bare time, {@code TOMORROW}, or {@code DATE} with {@code date}
 * @param zone the zone typed with it (null: the requester's, else UTC); may name a zone nobody knows, see
 *             {@link #resolve}
 */
public record StartTime(Day day, LocalDate date, LocalTime time, String zone) {

    /** Which day a start names. */
    public enum Day { TODAY, TOMORROW, DATE }

    public static final String EXAMPLE = "`from 22:00`, `from tomorrow 09:00` or `from 2026-12-02T09:00Z`";
    private static final Pattern TIME = Pattern.compile("([01]?\\d|2[0-3])[:.h]([0-5]\\d)");
    private static final Pattern ISO = Pattern.compile(
            "(\\d{4}-\\d{2}-\\d{2})[T ]([01]?\\d|2[0-3]):([0-5]\\d)(?::([0-5]\\d))?(Z|[+-]\\d{2}:?\\d{2})?",
            Pattern.CASE_INSENSITIVE);
    private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("EEE d MMM HH:mm", Locale.ENGLISH);
    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm", Locale.ENGLISH);

    public StartTime {
        Objects.requireNonNull(day, "day");
        Objects.requireNonNull(time, "time");
        if (day == Day.DATE) {
            Objects.requireNonNull(date, "date");
        }
        zone = zone == null || zone.isBlank() ? null : zone.strip();
    }

    /** Reads what followed {@code from}, or says how to write it. */
    public static Parsed<StartTime> parse(String input) {
        return parse(input, EXAMPLE);
    }

    /** Reads a start, or says how to write one with {@code examples} (a form's field has no {@code from}). */
    public static Parsed<StartTime> parse(String input, String examples) {
        String usage = " Write a start such as " + examples + ".";
        if (input == null || input.isBlank()) {
            return Parsed.invalid("Say when it should start." + usage);
        }
        String s = input.strip();
        if (s.length() > 64) {
            return Parsed.invalid("That is not a start time." + usage);
        }
        String[] words = s.split("\\s+");
        int i = 0;
        Day day = Day.TODAY;
        LocalDate date = null;
        LocalTime time;
        String zone = null;
        String first = words[0].toLowerCase(Locale.ROOT);
        if (first.equals("today") || first.equals("tomorrow")) {
            day = first.equals("today") ? Day.TODAY : Day.TOMORROW;
            i = 1;
        }
        String rest = String.join(" ", java.util.Arrays.copyOfRange(words, i, words.length));
        Matcher iso = ISO.matcher(rest);
        Matcher t = TIME.matcher(rest);
        String tail;
        if (i == 0 && iso.lookingAt()) {
            try {
                date = LocalDate.parse(iso.group(1));
            } catch (DateTimeParseException e) {
                return Parsed.invalid("`" + UserText.excerpt(iso.group(1), 20) + "` is not a date." + usage);
            }
            day = Day.DATE;
            time = LocalTime.of(Integer.parseInt(iso.group(2)), Integer.parseInt(iso.group(3)),
                    iso.group(4) == null ? 0 : Integer.parseInt(iso.group(4)));
            zone = iso.group(5) == null ? null : iso.group(5).equalsIgnoreCase("Z") ? "UTC" : iso.group(5);
            tail = rest.substring(iso.end()).strip();
        } else if (t.lookingAt()) {
            time = LocalTime.of(Integer.parseInt(t.group(1)), Integer.parseInt(t.group(2)));
            tail = rest.substring(t.end()).strip();
        } else {
            return Parsed.invalid("`" + UserText.excerpt(s, 40) + "` is not a start time I can read." + usage);
        }
        if (!tail.isEmpty()) {
            if (zone != null || tail.contains(" ")) {
                return Parsed.invalid("`" + UserText.excerpt(s, 40) + "` is not a start time I can read." + usage);
            }
            zone = tail.equalsIgnoreCase("Z") || tail.equalsIgnoreCase("GMT") ? "UTC" : tail;
        }
        return Parsed.ok(new StartTime(day, date, time, zone));
    }

    /**
     * The instant this start names at {@code now}, in the zone typed with it, else {@code profileZone} (the chat
     * platform's zone for the requester, may be null), else UTC. A zone Java does not know is read as UTC, and
     * {@code notice} says so.
     */
    public Resolved resolve(Instant now, String profileZone) {
        String wanted = zone != null ? zone : profileZone;
        ZoneId z = ZoneOffset.UTC;
        String notice = null;
        if (wanted != null && !wanted.isBlank()) {
            Parsed<ZoneId> known = zoneOf(wanted);
            if (known.isOk()) {
                z = known.orThrow();
            } else {
                notice = "I don't know the time zone `" + UserText.excerpt(wanted, 40) + "`"
                        + (zone == null ? " from your chat profile" : "") + ", so I read the time as UTC.";
            }
        }
        LocalDate today = now.atZone(z).toLocalDate();
        LocalDate d = switch (day) {
            case TODAY -> today;
            case TOMORROW -> today.plusDays(1);
            case DATE -> date;
        };
        Instant at = ZonedDateTime.ofLocal(LocalDateTime.of(d, time), z, null).toInstant();
        return new Resolved(at, z, notice);
    }

    /** A start resolved to an instant, the zone it is shown in, and a note for the requester (may be null). */
    public record Resolved(Instant at, ZoneId zone, String notice) {
        public Resolved {
            Objects.requireNonNull(at, "at");
            Objects.requireNonNull(zone, "zone");
        }

        /** The same time of day tomorrow, as one would type it: {@code tomorrow 09:00}. */
        public String tomorrowSameTime() {
            return "tomorrow " + HH_MM.format(at.atZone(zone));
        }
    }

    /** A zone id people may type or a platform may send: {@code UTC}, {@code Europe/Berlin}, {@code +01:00}. */
    public static Parsed<ZoneId> zoneOf(String id) {
        String s = id.strip();
        if (s.equalsIgnoreCase("UTC") || s.equalsIgnoreCase("Z") || s.equalsIgnoreCase("GMT")) {
            return Parsed.ok(ZoneOffset.UTC);
        }
        try {
            if (s.matches("[+-]\\d{4}")) {
                s = s.substring(0, 3) + ":" + s.substring(3);
            }
            return Parsed.ok(ZoneId.of(s));
        } catch (DateTimeException e) {
            return Parsed.invalid("unknown time zone " + UserText.excerpt(s, 40));
        }
    }

    /**
     * How a start is shown back, always with its zone: {@code Wed 2 Dec 09:00 UTC}, or {@code Wed 2 Dec 09:00
     * Europe/Berlin (08:00 UTC)} when the zone is not UTC.
     */
    public static String show(Instant at, String zoneId) {
        ZoneId z = zoneId == null ? ZoneOffset.UTC : zoneOf(zoneId).isOk() ? zoneOf(zoneId).orThrow() : ZoneOffset.UTC;
        boolean utc = z.normalized().equals(ZoneOffset.UTC);
        String local = DAY_TIME.format(at.atZone(z)) + " " + (utc ? "UTC" : z.getId());
        return utc ? local : local + " (" + HH_MM.format(at.atOffset(ZoneOffset.UTC)) + " UTC)";
    }

    /** The zone id to store with a request for {@link #show}: {@code UTC} or the IANA id. */
    public static String idOf(ZoneId z) {
        return z.normalized().equals(ZoneOffset.UTC) ? "UTC" : z.getId();
    }

    /** An ISO instant with its offset, for the audit log. */
    public static String iso(Instant at, String zoneId) {
        ZoneId z = zoneId == null || !zoneOf(zoneId).isOk() ? ZoneOffset.UTC : zoneOf(zoneId).orThrow();
        return OffsetDateTime.ofInstant(at, z).toString();
    }
}
