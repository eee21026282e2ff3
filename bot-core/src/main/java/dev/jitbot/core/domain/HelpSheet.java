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
