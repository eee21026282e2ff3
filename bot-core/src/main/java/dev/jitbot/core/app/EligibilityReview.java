package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.EndReason;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.ScopePattern;
import dev.jitbot.core.domain.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.function.Supplier;

/**
 * {@code jitbot review eligibility}: from the store alone, the eligibility nobody uses. Every (rule, requester,
 * role, scope) never requested in the window, the rules nobody used at all (with the policy lines to delete), and
 * the rules whose grants are mostly handed back early (a shorter {@code max_duration} would do).
 */
public final class EligibilityReview {

    /** A grant used for less than this share of its length counts as mostly unused. */
    static final double MOSTLY_UNUSED = 0.5;

    /** One person who may ask for a role on a scope and did not in the window. */
    public record Unused(String rule, String requester, String role, String scope) { }

    /** A rule nobody used: its lines in the policy file ({@code lastLine} 0 when it runs to the end). */
    public record UnusedRule(String rule, int line, int lastLine) { }

    /** A rule whose grants were mostly released early and never extended. */
    public record Oversized(String rule, Duration maxDuration, int grants, int mostlyUnused, Duration longestUsed,
                            Duration suggested) { }

    /** The whole review. {@code uncountable} names groups only Entra knows the members of. */
    public record Report(Instant since, List<Unused> unused, List<UnusedRule> unusedRules, List<Oversized> oversized,
                         List<String> uncountable) {
        public Report {
            unused = List.copyOf(unused);
            unusedRules = List.copyOf(unusedRules);
            oversized = List.copyOf(oversized);
            uncountable = List.copyOf(uncountable);
        }
    }

    private final Supplier<Policy> policy;
    private final RequestStore store;
    private final Clock clock;

    public EligibilityReview(Supplier<Policy> policy, RequestStore store, Clock clock) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.store = Objects.requireNonNull(store, "store");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Reviews the requests made in the last {@code window}. */
    public Report run(Duration window) {
        Policy p = policy.get();
        Instant since = clock.instant().minus(window);
        List<AccessRequest> requests = store.findByState(EnumSet.allOf(State.class)).stream()
                .filter(r -> !r.createdAt().isBefore(since))
                // A bundle uses each of its member rules, as its members' own requests would.
                .flatMap(r -> r.grantsToMake().stream()).toList();
        List<Unused> unused = new ArrayList<>();
        List<UnusedRule> unusedRules = new ArrayList<>();
        List<Oversized> oversized = new ArrayList<>();
        Set<String> uncountable = new LinkedHashSet<>();
        List<Policy.Rule> rules = p.rules();
        for (int i = 0; i < rules.size(); i++) {
            Policy.Rule rule = rules.get(i);
            List<AccessRequest> mine = requests.stream().filter(r -> r.ruleName().equals(rule.name())).toList();
            if (mine.isEmpty()) {
                int next = i + 1 < rules.size() ? rules.get(i + 1).line() - 1 : 0;
                unusedRules.add(new UnusedRule(rule.name(), rule.line(), next));
            }
            for (String person : people(p, rule.requesters(), uncountable)) {
                for (ScopePattern scope : rule.scopes()) {
                    boolean asked = mine.stream().anyMatch(r -> asks(r, person)
                            && scope.equals(narrowest(rule, r)));
                    if (!asked) {
                        unused.add(new Unused(rule.name(), person, rule.role().name(), p.labelFor(scope)));
                    }
                }
            }
            oversized(rule, mine).ifPresent(oversized::add);
        }
        return new Report(since, unused, unusedRules, oversized, new ArrayList<>(uncountable));
    }

    private static java.util.Optional<Oversized> oversized(Policy.Rule rule, List<AccessRequest> mine) {
        List<AccessRequest> grants = mine.stream().filter(r -> r.activatedAt() != null && r.endedAt() != null).toList();
        if (grants.isEmpty()) {
            return java.util.Optional.empty();
        }
        int mostly = 0;
        Duration longest = Duration.ZERO;
        for (AccessRequest r : grants) {
            Duration used = Duration.between(r.activatedAt(), r.endedAt());
            longest = used.compareTo(longest) > 0 ? used : longest;
            boolean extended = r.duration().compareTo(rule.maxDuration()) > 0 || r.extension() != null;
            if (r.endReason() == EndReason.RELEASED && !extended
                    && used.toSeconds() < r.duration().toSeconds() * MOSTLY_UNUSED) {
                mostly++;
            }
        }
        if (mostly * 2 <= grants.size()) {
            return java.util.Optional.empty();
        }
        // The longest grant anyone used, with a quarter on top, rounded up to 15 minutes.
        long minutes = Math.max(15, ((longest.toMinutes() * 5 / 4) + 14) / 15 * 15);
        Duration suggested = Duration.ofMinutes(minutes);
        if (suggested.compareTo(rule.maxDuration()) >= 0) {
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Oversized(rule.name(), rule.maxDuration(), grants.size(), mostly, longest,
                suggested));
    }

    /** The rule's most specific scope pattern that covers the request: the eligibility it used. */
    private static ScopePattern narrowest(Policy.Rule rule, AccessRequest r) {
        return rule.scopes().stream().filter(s -> s.covers(r.scope()))
                .max(java.util.Comparator.comparingInt(s -> s.pattern().length())).orElse(null);
    }

    private static boolean asks(AccessRequest r, String person) {
        return person.equalsIgnoreCase(r.requester().email() == null ? "" : r.requester().email())
                || person.equalsIgnoreCase(r.requester().key())
                || person.equalsIgnoreCase(r.requester().aadObjectId() == null ? "" : r.requester().aadObjectId());
    }

    /** The people a rule's requesters name directly or through the listed members of its groups. */
    private static List<String> people(Policy p, List<String> refs, Set<String> uncountable) {
        Set<String> out = new LinkedHashSet<>();
        for (String ref : refs) {
            p.group(ref).ifPresentOrElse(g -> {
                g.members().stream().sorted().forEach(out::add);
                if (g.entraGroupId() != null) {
                    uncountable.add(g.name());
                }
            }, () -> out.add(ref.strip().toLowerCase(Locale.ROOT)));
        }
        return new ArrayList<>(out);
    }

    /** The review as lines for the terminal or the security channel. */
    public static List<String> lines(Report r, String source) {
        List<String> out = new ArrayList<>();
        out.add("Eligibility review of requests since " + r.since() + ":");
        if (r.unused().isEmpty()) {
            out.add("  every requester asked for every role and scope their rules allow.");
        }
        for (Unused u : r.unused()) {
            out.add("  never requested: " + u.requester() + " · " + u.role() + " on " + u.scope() + " (rule \""
                    + u.rule() + "\")");
        }
        for (UnusedRule u : r.unusedRules()) {
            out.add("  " + source + ":" + u.line() + (u.lastLine() > u.line() ? "-" + u.lastLine() : "")
                    + ": rule \"" + u.rule() + "\" was not used at all; delete "
                    + (u.lastLine() > u.line() ? "lines " + u.line() + "-" + u.lastLine() : "it from line " + u.line())
                    + " if nobody needs it.");
        }
        for (Oversized o : r.oversized()) {
            out.add("  rule \"" + o.rule() + "\": " + o.mostlyUnused() + " of " + o.grants() + " grants were released "
                    + "before half their time and never extended; the longest used " + Durations.compact(o.longestUsed())
                    + ". Try `max_duration: " + Durations.compact(o.suggested()) + "` instead of "
                    + Durations.compact(o.maxDuration()) + ".");
        }
        if (!r.uncountable().isEmpty()) {
            out.add("  groups " + String.join(", ", r.uncountable()) + " also take members from Entra, whom only "
                    + "their listed members stand for here.");
        }
        return out;
    }
}
