package dev.jitbot.core.app;

import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The reports jitbot posts on its own schedule ({@code scan:} and {@code review:} in policy.yaml): the standing
 * access scan's digest and the eligibility review, each as one {@link Digest} card in the security channel on every
 * platform. Like every other message, the card goes through the outbox: one commit writes the audit event and a
 * {@code digest} work item per platform, and the chat workers deliver (and retry) it.
 */
public final class SecurityReports {

    private static final Logger log = LoggerFactory.getLogger(SecurityReports.class);
    /** How many findings the scan's card shows; the rest are counted. */
    public static final int TOP = 5;
    /** How many not-readable scopes and review lines the card shows. */
    static final int MAX_LINES = 8;

    /** What a run did: posted to how many platform channels, and the card. */
    public record Posted(int channels, Digest digest) { }

    private final Supplier<Policy> policy;
    private final StandingAccessScan scan;
    private final EligibilityReview review;
    private final Outbox outbox;
    private final Notifications notifications;
    private final Clock clock;
    private final String policySource;

    /**
     * @param scan         the scan over Azure (null when no Azure identity is configured: the card says so)
     * @param policySource the policy file's name, for the review's "policy.yaml:26-31" lines
     */
    public SecurityReports(Supplier<Policy> policy, StandingAccessScan scan, EligibilityReview review, Outbox outbox,
                           Notifications notifications, Clock clock, String policySource) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.scan = scan;
        this.review = Objects.requireNonNull(review, "review");
        this.outbox = Objects.requireNonNull(outbox, "outbox");
        this.notifications = Objects.requireNonNull(notifications, "notifications");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.policySource = Objects.requireNonNull(policySource, "policySource");
    }

    /** Runs the scan and posts its digest to the {@code scan:} channel; nothing when the policy has no {@code scan:}. */
    public Posted postScan() {
        Policy.Schedule s = policy.get().reports().scan();
        if (s == null) {
            return new Posted(0, null);
        }
        Digest d;
        if (scan == null) {
            d = new Digest("Standing access scan did not run", List.of(), List.of("jitbot has no Azure identity "
                    + "(AZURE_TENANT_ID, AZURE_CLIENT_ID and a secret or certificate), so it cannot list role "
                    + "assignments."), "Configure one with Reader on the managed scopes; the scan runs again in "
                    + every(s.every()) + ".");
        } else {
            try {
                d = scanDigest(scan.run(), TOP);
            } catch (AccessProviderException e) {
                log.error("the scheduled scan could not read Azure: {}", e.getMessage());
                d = new Digest("Standing access scan did not finish", List.of(), List.of("Azure did not answer: "
                        + e.getMessage()), "Nothing was changed; it runs again in " + every(s.every())
                        + ", or run `jitbot scan` now.");
            }
        }
        return post(s, "scan-digest", d);
    }

    /** Reviews eligibility and posts it to the {@code review:} channel; nothing when the policy has no {@code review:}. */
    public Posted postReview() {
        Policy.Schedule s = policy.get().reports().review();
        if (s == null) {
            return new Posted(0, null);
        }
        Duration since = s.since() == null ? Policy.Reports.REVIEW_SINCE : s.since();
        return post(s, "review-digest", reviewDigest(review.run(since), since, policySource));
    }

    private Posted post(Policy.Schedule s, String action, Digest d) {
        Policy.Channel channel = policy.get().channels().get(s.channel());
        if (channel == null) {
            // A reload removed the channel since the schedule was read; the policy check names it.
            log.warn("{}: channel {} is no longer under channels:, so the card was not posted", action, s.channel());
            return new Posted(0, d);
        }
        List<Work> work = notifications.digest(channel, d);
        Instant now = clock.instant();
        AuditEvent event = AuditEvent.of(now, "jitbot", Platform.SYSTEM, action, null, d.title() + "; to channel "
                + s.channel() + " on " + work.size() + " platform(s)");
        Outbox.Commit c = outbox.commit(new Change(null, null, List.of(event), work, false));
        if (c != Outbox.Commit.DONE) {
            throw new IllegalStateException(action + " was not written: " + c);
        }
        log.info("{} queued for channel {} on {} platform(s): {}", action, s.channel(), work.size(), d.title());
        return new Posted(work.size(), d);
    }

    /** The scan's card: counts per kind and risk, the riskiest standing findings, and what could not be read. */
    public static Digest scanDigest(StandingAccessScan.Report r, int top) {
        Map<StandingAccessScan.Kind, Long> kinds = r.byKind();
        Map<StandingAccessScan.Risk, Long> risks = r.standingByRisk();
        long critical = risks.get(StandingAccessScan.Risk.CRITICAL);
        long high = risks.get(StandingAccessScan.Risk.HIGH);
        String title = "Standing access scan: " + kinds.get(StandingAccessScan.Kind.STANDING) + " standing ("
                + critical + " critical, " + high + " high)";
        long unreadable = r.notReadable().stream().map(u -> u.scope().id().toLowerCase(java.util.Locale.ROOT))
                .distinct().count();
        List<Digest.Fact> facts = List.of(
                new Digest.Fact("Standing", kinds.get(StandingAccessScan.Kind.STANDING) + " (" + critical
                        + " critical, " + high + " high, " + risks.get(StandingAccessScan.Risk.MEDIUM) + " medium, "
                        + risks.get(StandingAccessScan.Risk.LOW) + " low)"),
                new Digest.Fact("PIM", Long.toString(kinds.get(StandingAccessScan.Kind.PIM))),
                new Digest.Fact("jitbot", Long.toString(kinds.get(StandingAccessScan.Kind.JITBOT))),
                new Digest.Fact("Not readable", unreadable + (unreadable == 1 ? " scope" : " scopes")));
        List<String> items = new ArrayList<>();
        // Findings are sorted riskiest first, so critical and high lead; low ones are read-only and not shown.
        for (StandingAccessScan.Finding f : r.top(top)) {
            if (f.risk() == StandingAccessScan.Risk.LOW) {
                break;
            }
            items.add(f.risk().word().toUpperCase(java.util.Locale.ROOT) + " · " + f.role().name() + " · "
                    + f.principal().type().armName() + " " + f.principal().objectId() + " · " + f.scope().id()
                    + " — " + String.join(", ", f.reasons()));
        }
        long shown = items.size();
        long privileged = r.findings().stream().filter(StandingAccessScan.Finding::privilegedStanding).count();
        if (privileged > shown) {
            items.add("and " + (privileged - shown) + " more standing privileged assignment"
                    + (privileged - shown == 1 ? "" : "s"));
        }
        // One line per scope: a scope jitbot may not read fails every listing (assignments, eligibility, schedules).
        Map<String, List<AccessInventory.NotReadable>> byScope = new java.util.LinkedHashMap<>();
        r.notReadable().forEach(u -> byScope.computeIfAbsent(u.scope().id() + "\n" + u.message(),
                k -> new ArrayList<>()).add(u));
        int n = 0;
        for (List<AccessInventory.NotReadable> same : byScope.values()) {
            if (n++ == MAX_LINES) {
                items.add("and " + (byScope.size() - MAX_LINES) + " more scopes not readable");
                break;
            }
            AccessInventory.NotReadable u = same.get(0);
            items.add("Not readable: " + u.scope().id() + " (" + String.join(", ", same.stream()
                    .map(AccessInventory.NotReadable::what).sorted().toList()) + "): " + u.message());
        }
        if (items.isEmpty()) {
            items.add("No standing privileged assignment: everything that can change something is jitbot's or PIM's.");
        }
        return new Digest(title, facts, items, "`jitbot scan` lists every assignment; `jitbot scan --suggest` "
                + "prints the rules that would move standing privilege into jitbot. Scanned " + r.at() + ".");
    }

    /** The review's card: counts, then the review's own lines (as the CLI prints them), the first few. */
    public static Digest reviewDigest(EligibilityReview.Report r, Duration since, String source) {
        String window = since.toDays() >= 1 ? since.toDays() + "d" : dev.jitbot.core.domain.Durations.compact(since);
        String title = "Eligibility review (last " + window + "): " + r.unused().size() + " never requested, "
                + r.unusedRules().size() + " rule" + (r.unusedRules().size() == 1 ? "" : "s") + " unused";
        List<Digest.Fact> facts = List.of(
                new Digest.Fact("Never requested", Integer.toString(r.unused().size())),
                new Digest.Fact("Rules never used", Integer.toString(r.unusedRules().size())),
                new Digest.Fact("Rules to shorten", Integer.toString(r.oversized().size())));
        List<String> lines = new ArrayList<>(EligibilityReview.lines(r, source));
        // The rules to delete or shorten first (they name the policy lines), the single combinations after.
        List<String> body = new ArrayList<>(lines.subList(1, lines.size()));
        body.sort(java.util.Comparator.comparing(l -> l.strip().startsWith("never requested:")));
        List<String> items = new ArrayList<>();
        for (String l : body) {
            if (items.size() == MAX_LINES) {
                items.add("and " + (lines.size() - 1 - MAX_LINES) + " more lines");
                break;
            }
            items.add(l.strip());
        }
        return new Digest(title, facts, items, "`jitbot review eligibility --since " + window
                + "` prints the whole review with the policy lines to delete.");
    }

    private static String every(Duration d) {
        return d.toDays() >= 1 ? d.toDays() + " days" : dev.jitbot.core.domain.Durations.format(d);
    }
}
