package dev.jitbot.core.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The help as records: a heading, one {@link Entry} per command (its syntax, what it does, an example), and notes.
 * Each adapter draws it through {@link #text()}, so Slack types the syntax as {@code /jit …} and Teams and the
 * console as they are, without patching the sentence.
 */
public record HelpSheet(String heading, List<String> intro, List<Entry> entries, List<String> notes) {

    /** One command: its forms ({@code approve <id>}, {@code deny <id> [reason]}), what it does, an example or null. */
    public record Entry(List<String> syntax, String description, String example) {
        public Entry {
            syntax = List.copyOf(syntax);
        }
    }

    /** Every command jitbot knows, as the help lists them. */
    public static final HelpSheet ALL = new HelpSheet("Just-in-time Azure access", List.of(), List.of(
            new Entry(List.of(CommandParser.USAGE_REQUEST), null, CommandParser.EXAMPLE_REQUEST),
            new Entry(List.of(CommandParser.USAGE_BUNDLE), "several roles at once, as the policy's `bundles:` names "
                    + "them", null),
            new Entry(List.of("list [mine|all]"), "active grants and pending requests", null),
            new Entry(List.of("show <id>"), "one request with its history", null),
            new Entry(List.of("approve <id>", "deny <id> [reason]"), "decide a request you may approve", null),
            new Entry(List.of("cancel <id>"), "withdraw your pending request", null),
            new Entry(List.of("release <id>"), "give your access back early", null),
            new Entry(List.of("extend <id> <duration> [because <reason>]"), "ask for more time", null),
            new Entry(List.of("revoke <id> [reason]"), "end a grant now (on-call, approvers, or the requester)", null),
            new Entry(List.of("history [<id>|<person>]"), "the audit trail", null),
            new Entry(List.of(CommandParser.USAGE_BREAKGLASS), "emergency access at once, without approval, "
                    + "announced to security", null),
            new Entry(List.of("review <id> <note>"), "review someone else's break-glass grant", null)),
            List.of("Durations: " + Durations.EXAMPLE + ". Scopes: a policy alias such as `rg-payments` or an ARM id.",
                    "Later starts: " + StartTime.EXAMPLE + " (in your own time zone unless you name one); "
                            + "`cancel <id>` works until the start."));

    public HelpSheet {
        intro = List.copyOf(intro);
        entries = List.copyOf(entries);
        notes = List.copyOf(notes);
    }

    /**
     * Reads the help as {@link CommandParser#help(String)} writes it: {@code *heading*}, lines that start with a
     * backticked syntax ({@code `a` / `b` — what it does}), an indented {@code e.g.} line under one, and notes.
     */
    public static HelpSheet read(String text) {
        String heading = null;
        List<String> intro = new ArrayList<>();
        List<Entry> entries = new ArrayList<>();
        List<String> notes = new ArrayList<>();
        for (String line : text.lines().toList()) {
            String l = line.strip();
            if (heading == null && entries.isEmpty() && l.startsWith("*") && l.endsWith("*") && l.length() > 2) {
                heading = l.substring(1, l.length() - 1);
            } else if (l.startsWith("e.g. `") && l.endsWith("`") && !entries.isEmpty()) {
                Entry last = entries.remove(entries.size() - 1);
                entries.add(new Entry(last.syntax(), last.description(), l.substring(6, l.length() - 1)));
            } else if (l.startsWith("`") && heading != null) {
                int dash = l.indexOf(" — ");
                String forms = dash < 0 ? l : l.substring(0, dash);
                List<String> syntax = Arrays.stream(forms.split(" / ")).map(String::strip)
                        .map(s -> s.replaceAll("^`|`$", "")).toList();
                entries.add(new Entry(syntax, dash < 0 ? null : l.substring(dash + 3), null));
            } else if (heading == null) {
                intro.add(l);
            } else {
                notes.add(l);
            }
        }
        return new HelpSheet(heading, intro, entries, notes);
    }

    /** The help as one string in the form {@link #read} reads back (what {@code Outcome.Help} carries). */
    public String write() {
        List<String> lines = new ArrayList<>(intro);
        if (heading != null) {
            lines.add("*" + heading + "*");
        }
        for (Entry e : entries) {
            lines.add(String.join(" / ", e.syntax().stream().map(x -> "`" + x + "`").toList())
                    + (e.description() == null ? "" : " — " + e.description()));
            if (e.example() != null) {
                lines.add("    e.g. `" + e.example() + "`");
            }
        }
        lines.addAll(notes);
        return String.join("\n", lines);
    }

    /**
     * This sheet as {@code platform} shows it: with the one note only that platform adds (Slack's form, Teams'
     * mention in a channel), last.
     */
    public HelpSheet on(Platform platform) {
        String note = switch (platform) {
            case SLACK -> "`/jit` alone opens a form.";
            case TEAMS -> "In a channel, mention me first: `@jitbot list`.";
            default -> null;
        };
        if (note == null) {
            return this;
        }
        List<String> more = new ArrayList<>(notes);
        more.add(note);
        return new HelpSheet(heading, intro, entries, more);
    }

    /** The help as text to draw: notes and descriptions read with {@link Text#parse}, every syntax a command. */
    public Text text() {
        Text.Builder b = Text.of();
        intro.forEach(l -> b.text(Text.parse(l)).plain("\n"));
        if (heading != null) {
            b.emphasis(heading);
        }
        for (Entry e : entries) {
            b.item();
            for (int i = 0; i < e.syntax().size(); i++) {
                b.plain(i == 0 ? "" : " / ").command(e.syntax().get(i));
            }
            if (e.description() != null) {
                b.plain(" — ").text(Text.parse(e.description()));
            }
            if (e.example() != null) {
                b.plain(" (e.g. ").command(e.example()).plain(")");
            }
        }
        notes.forEach(n -> b.item().text(Text.parse(n)));
        return b.done();
    }
}
