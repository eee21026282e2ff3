package dev.jitbot.core.domain;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Words for a person as the core means them, before any platform draws them: plain words, a jitbot command
 * ({@code release JIT-7K3F}, which Slack types as {@code /jit release JIT-7K3F}), a person (a Slack mention, a
 * name elsewhere), a time, emphasis, a warning. Each adapter has one {@link Style} that renders every segment, so
 * no sentence is restated or patched per platform. {@code tone} is what kind of news it is, for platforms that
 * put a mark in front (Slack's emoji).
 */
public record Text(Tone tone, List<Segment> segments) {

    /** What kind of news a message is. */
    public enum Tone { NONE, WAITING, COUNTED, DONE, SCHEDULED, ENDED, DENIED, FAILED, REFUSED, ALARM, PROGRESS }

    /** One piece of a message. */
    public sealed interface Segment permits Plain, Command, Code, Person, Time, Emphasis, Warning, Item {
    }

    /** Words shown as they are (escaped where the platform needs it). */
    public record Plain(String text) implements Segment {
    }

    /** A jitbot command line without any platform prefix, e.g. {@code release JIT-7K3F}. */
    public record Command(String line) implements Segment {
    }

    /** An identifier or value shown as code where the platform has it: a request id, a scope id. */
    public record Code(String text) implements Segment {
    }

    /** A person: Slack mentions them when they are a Slack user, other platforms show their name. */
    public record Person(ChatUser user) implements Segment {
    }

    /** A moment: {@code HH:mm UTC}, with seconds when {@code precise}, or in {@code zone} (an IANA id) when set. */
    public record Time(Instant at, boolean precise, String zone) implements Segment {
        public String words() {
            if (zone != null) {
                return StartTime.show(at, zone);
            }
            return (precise ? HH_MM_SS : HH_MM).format(at);
        }
    }

    /** Words that stand out: a heading, a name in a list. */
    public record Emphasis(String text) implements Segment {
    }

    /** A warning: Slack's {@code :warning:}, Teams' ⚠️, the console's {@code !}, then the words. */
    public record Warning(String text) implements Segment {
    }

    /** The start of one item of a list (a new line and the platform's bullet). */
    public record Item() implements Segment {
    }

    /** How one platform draws each kind of segment. */
    public interface Style {
        String plain(String text);

        String command(String line);

        String code(String text);

        String person(ChatUser user);

        default String time(Time t) {
            return plain(t.words());
        }

        String emphasis(String text);

        String warning(String text);

        /** What comes before each list item: a line break and a bullet. */
        String item();

        /** What goes in front of a message of this tone (nothing by default). */
        default String tone(Tone tone) {
            return "";
        }
    }

    /** The console's way, also {@link #toString()}: plain words, commands in backticks, names, {@code !}. */
    public static final Style PLAIN = new Style() {
        @Override
        public String plain(String text) {
            return text;
        }

        @Override
        public String command(String line) {
            return "`" + line + "`";
        }

        @Override
        public String code(String text) {
            return text;
        }

        @Override
        public String person(ChatUser user) {
            return user.displayName();
        }

        @Override
        public String emphasis(String text) {
            return text;
        }

        @Override
        public String warning(String text) {
            return "! " + text;
        }

        @Override
        public String item() {
            return "\n  ";
        }
    };

    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HH_MM_SS =
            DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    public Text {
        Objects.requireNonNull(tone, "tone");
        segments = List.copyOf(segments);
    }

    /** Renders every segment with {@code style}, the tone's mark first. */
    public String render(Style style) {
        StringBuilder out = new StringBuilder(style.tone(tone));
        for (Segment s : segments) {
            out.append(draw(s, style));
        }
        return out.toString();
    }

    private static String draw(Segment s, Style style) {
        if (s instanceof Plain p) {
            return style.plain(p.text());
        } else if (s instanceof Command c) {
            return style.command(c.line());
        } else if (s instanceof Code c) {
            return style.code(c.text());
        } else if (s instanceof Person p) {
            return style.person(p.user());
        } else if (s instanceof Time t) {
            return style.time(t);
        } else if (s instanceof Emphasis e) {
            return style.emphasis(e.text());
        } else if (s instanceof Warning w) {
            return style.warning(w.text());
        }
        return style.item();
    }

    /** This text with another tone. */
    public Text tone(Tone t) {
        return new Text(t, segments);
    }

    /** This text followed by {@code more} (this text's tone). */
    public Text then(Text more) {
        List<Segment> all = new ArrayList<>(segments);
        all.addAll(more.segments);
        return new Text(tone, all);
    }

    @Override
    public String toString() {
        return render(PLAIN);
    }

    public static Builder of(Tone tone) {
        return new Builder(tone);
    }

    public static Builder of() {
        return new Builder(Tone.NONE);
    }

    /** Plain words only. */
    public static Text plain(String words) {
        return of().plain(words).done();
    }

    private static final Pattern MARKED = Pattern.compile("`([^`\\n]+)`");

    /**
     * A sentence the core wrote as a string (a refusal, a notification that went through the outbox) read back into
     * segments: a backticked span that starts with a jitbot verb is a {@link Command}, another backticked span a
     * {@link Code}, the rest {@link Plain}. Stars stay as written: scope patterns ({@code resourceGroups/*}) and
     * user text use them. Sentences that quote user or Azure text are never parsed; they stay plain.
     */
    public static Text parse(Tone tone, String sentence) {
        Builder b = new Builder(tone);
        if (sentence == null) {
            return b.done();
        }
        Matcher m = MARKED.matcher(sentence);
        int at = 0;
        while (m.find()) {
            b.plain(sentence.substring(at, m.start()));
            String inner = m.group(1);
            String verb = inner.split(" ", 2)[0];
            if (CommandParser.VERBS.contains(verb)) {
                b.command(inner);
            } else {
                b.code(inner);
            }
            at = m.end();
        }
        b.plain(sentence.substring(at));
        return b.done();
    }

    public static Text parse(String sentence) {
        return parse(Tone.NONE, sentence);
    }

    /** Builds a text segment by segment; empty plain words are left out. */
    public static final class Builder {
        private final Tone tone;
        private final List<Segment> segments = new ArrayList<>();

        private Builder(Tone tone) {
            this.tone = tone;
        }

        public Builder plain(String text) {
            if (text != null && !text.isEmpty()) {
                segments.add(new Plain(text));
            }
            return this;
        }

        public Builder command(String line) {
            segments.add(new Command(line));
            return this;
        }

        public Builder code(Object text) {
            segments.add(new Code(String.valueOf(text)));
            return this;
        }

        public Builder person(ChatUser user) {
            segments.add(new Person(user));
            return this;
        }

        public Builder time(Instant at) {
            segments.add(new Time(at, false, null));
            return this;
        }

        public Builder preciseTime(Instant at) {
            segments.add(new Time(at, true, null));
            return this;
        }

        /** {@code at} in {@code zone} (an IANA id; null: UTC), as a scheduled start is shown. */
        public Builder time(Instant at, String zone) {
            segments.add(new Time(at, false, zone == null ? "UTC" : zone));
            return this;
        }

        public Builder emphasis(String text) {
            segments.add(new Emphasis(text));
            return this;
        }

        public Builder warning(String text) {
            segments.add(new Warning(text));
            return this;
        }

        public Builder item() {
            segments.add(new Item());
            return this;
        }

        /** Appends every segment of {@code text}. */
        public Builder text(Text text) {
            if (text != null) {
                segments.addAll(text.segments());
            }
            return this;
        }

        public Text done() {
            return new Text(tone, segments);
        }
    }
}
