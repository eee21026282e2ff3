package dev.jitbot.core.policy;

import java.util.Locale;
import java.util.Optional;

/** "Did you mean": the known name nearest a mistyped one, for the findings that quote what the file typed. */
final class Suggestions {

    private Suggestions() {
    }

    /** " (did you mean `approvals`?)" for a near miss, else nothing. */
    static String suggestion(String typed, Iterable<String> known) {
        return closest(typed, known).map(k -> " (did you mean `" + k + "`?)").orElse("");
    }

    /** The nearest by edit distance (a third of the typed length, 1 to 3 edits), else one that starts the same. */
    static Optional<String> closest(String typed, Iterable<String> known) {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (String k : known) {
            int d = distance(typed.toLowerCase(Locale.ROOT), k.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = k;
                bestDistance = d;
            }
        }
        int allowed = Math.max(1, Math.min(3, typed.length() / 3));
        if (best != null && bestDistance <= allowed) {
            return Optional.of(best);
        }
        String t = typed.toLowerCase(Locale.ROOT);
        for (String k : known) {
            String l = k.toLowerCase(Locale.ROOT);
            if (t.length() >= 3 && (l.startsWith(t) || t.startsWith(l))) {
                return Optional.of(k);
            }
        }
        return Optional.empty();
    }

    private static int distance(String a, String b) {
        int[] prev = new int[b.length() + 1];
        int[] cur = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return prev[b.length()];
    }
}
