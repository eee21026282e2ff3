package dev.jitbot.core.app;

import dev.jitbot.core.app.Permissions.Action;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.BlastRadius;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.domain.Text;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * A request as every platform shows it, built once here: the headline, where it stands (with time left), its
 * facts, approvals n of m, its history and what the viewer may do ({@link Permissions}). Slack's card and App Home,
 * Teams' cards and the console card only lay it out.
 */
public record RequestView(RequestId id, State state, Text headline, Text status, List<Fact> facts,
                          Approvals approvals, List<Text> history, Set<Action> actions) {

    /** What a fact is, so a platform can lay some out apart (the justification in its own block, the blast radius). */
    public enum Kind { REQUESTER, PRINCIPAL, BUNDLE, ROLE, SCOPE, MEMBER, DURATION, STARTS, TICKET, JUSTIFICATION, REVIEW,
        BLAST_RADIUS, WARNING }

    /** One labelled fact. {@code alarm} marks a risky blast radius, a failed bundle member or an unreviewed grant. */
    public record Fact(Kind kind, String label, Text value, boolean alarm) {
    }

    /**
     * The approvals: {@code given} of {@code needed}, by whom, or the auto-approval that replaced them ({@code auto},
     * null when none); {@code breakGlass} when none were asked.
     */
    public record Approvals(long given, long needed, List<ChatUser> by, String auto, boolean breakGlass) {
        public Approvals {
            by = List.copyOf(by);
        }

        /** "1 of 2", "none (break-glass)", "auto-approved: on-call self-service", "not needed (auto-approved)". */
        public String words() {
            if (breakGlass) {
                return "none (break-glass)";
            }
            if (auto != null) {
                return "auto-approved: " + auto;
            }
            if (needed == 0) {
                return "not needed (auto-approved)";
            }
            return Math.min(given, needed) + " of " + needed;
        }

        /** {@link #words()} and, when there are any, the approvers. */
        public Text text() {
            Text.Builder b = Text.of().plain(words());
            if (!breakGlass && auto == null && needed > 0 && !by.isEmpty()) {
                b.plain(" (");
                people(b, by);
                b.plain(")");
            }
            return b.done();
        }
    }

    public RequestView {
        facts = List.copyOf(facts);
        history = List.copyOf(history);
        actions = Collections.unmodifiableSet(actions.isEmpty() ? EnumSet.noneOf(Action.class) : EnumSet.copyOf(actions));
    }

    /**
     * For a viewer who may neither decide a pending request nor withdraw it: how its approvers decide it (the
     * buttons they see, the command they can type). Null when this viewer has those buttons, or nothing waits.
     */
    public Text deciderHint() {
        if (state != State.PENDING || actions.contains(Action.APPROVE) || actions.contains(Action.CANCEL)) {
            return null;
        }
        return Text.of().plain("Approvers see " + Action.APPROVE.label() + " and " + Action.DENY.label()
                + " on this card, or can write ").command(Action.APPROVE.command(id)).plain(" to me.").done();
    }

    /** The facts of {@code kind}. */
    public List<Fact> facts(Kind kind) {
        return facts.stream().filter(f -> f.kind() == kind).toList();
    }

    /**
     * The view of {@code r} at {@code now} for a viewer who may do {@code actions} (the core's
     * {@code actionsFor}, or {@link Permissions#onSharedCard} for a card everyone sees), with the blast radius
     * ({@code blast}, null: none) and the audit events to show as history.
     */
    public static RequestView of(AccessRequest r, Set<Action> actions, BlastRadius blast, List<AuditEvent> events,
                                 Instant now) {
        Text headline = Text.of().emphasis(r.label()).plain(" for " + Durations.format(r.duration())).done();
        List<Fact> facts = new ArrayList<>();
        facts.add(fact(Kind.REQUESTER, "Requested by", Text.of().person(r.requester()).done()));
        if (r.onBehalf()) {
            facts.add(fact(Kind.PRINCIPAL, "For", Text.plain(r.principal().displayName() + " ("
                    + r.principal().type().armName() + ")")));
        }
        if (r.isBundle()) {
            facts.add(fact(Kind.BUNDLE, "Bundle", Text.plain(r.bundle().name() + " (" + r.bundle().members().size()
                    + " roles)")));
            for (var m : r.bundle().members()) {
                facts.add(new Fact(Kind.MEMBER, m.role().name(), Text.of().plain(m.scopeLabel())
                        .text(m.scopeLabel().equals(m.scope().id()) ? null : Text.of().plain(" ").code(m.scope().id()).done())
                        .plain(m.refusal() != null ? " (failed)" : "").done(), m.refusal() != null));
            }
        } else {
            facts.add(fact(Kind.ROLE, "Role", Text.plain(r.role().name())));
            facts.add(fact(Kind.SCOPE, "Scope", Text.of().plain(r.scopeLabel())
                    .text(r.scopeLabel().equals(r.scope().id()) ? null : Text.of().plain(" ").code(r.scope().id()).done())
                    .done()));
        }
        facts.add(fact(Kind.DURATION, "Duration", Text.plain(Durations.format(r.duration()))));
        if (r.startsAt() != null) {
            facts.add(fact(Kind.STARTS, "Starts", Text.of().time(r.startsAt(), r.startZone()).done()));
        }
        if (r.ticket() != null) {
            facts.add(fact(Kind.TICKET, "Ticket", Text.plain(r.ticket())));
        }
        facts.add(fact(Kind.JUSTIFICATION, "Justification", Text.plain(r.justification())));
        if (r.isBreakGlass()) {
            var bg = r.breakGlass();
            facts.add(new Fact(Kind.REVIEW, "Review", bg.reviewed()
                    ? Text.of().plain("Reviewed by ").person(bg.reviewer()).plain(" at ").time(bg.reviewedAt())
                    .plain(": " + bg.note()).done()
                    : Text.of().plain("Unreviewed: someone other than ").person(r.requester()).plain(" must review it")
                    .done(), !bg.reviewed()));
        }
        if (blast != null) {
            facts.add(new Fact(Kind.BLAST_RADIUS, "Blast radius", Text.plain(blast.line()), blast.risky()));
            blast.warnings().forEach(w -> facts.add(new Fact(Kind.WARNING, "Warning", Text.of().warning(w).done(),
                    false)));
        }
        Approvals approvals = new Approvals(r.approvals(), r.approvalsNeeded(), r.approvers(), r.autoApproval(),
                r.isBreakGlass());
        return new RequestView(r.id(), r.state(), headline, status(r, now), facts, approvals, history(events), actions);
    }

    private static Fact fact(Kind kind, String label, Text value) {
        return new Fact(kind, label, value, false);
    }

    /** Where the request stands and what happens next, with who approved it once it is past approval. */
    public static Text status(AccessRequest r, Instant now) {
        Text.Builder b = Text.of();
        switch (r.state()) {
            case PENDING -> {
                long missing = Math.max(0, r.approvalsNeeded() - r.approvals());
                b.plain("Waiting for " + missing + " more approval" + (missing == 1 ? "" : "s") + "; lapses at ");
                if (r.startsAt() != null) {
                    b.time(r.decideBy(), r.startZone());
                } else {
                    b.time(r.decideBy());
                }
                b.plain(".");
                if (r.approvals() > 0) {
                    b.plain(" Approved so far by ");
                    people(b, r.approvers());
                    b.plain(".");
                }
                if (r.startsAt() != null) {
                    b.plain(" Starts at ").time(r.startsAt(), r.startZone()).plain(".");
                }
            }
            case SCHEDULED -> approvedBy(b, r).plain("Starts at ").time(r.startsAt(), r.startZone())
                    .plain("; it is checked again then, and nothing is granted before it.");
            case ACTIVATING -> approvedBy(b, r).plain("Azure is granting it now.");
            case ACTIVE -> {
                approvedBy(b, r).plain("Active until ").time(r.expiresAt()).plain(" (" + left(r, now) + " left).");
                if (r.extension() != null) {
                    b.plain(" An extension by " + Durations.format(r.extension().by()) + " waits for approval.");
                }
            }
            case REVOKING -> approvedBy(b, r).plain("Being revoked" + (r.endReason() == null ? "" : " ("
                    + r.endReason().words() + ")") + "; jitbot keeps trying until Azure confirms.");
            case ENDED -> approvedBy(b, r).plain("Ended: ").text(Phrases.ended(r));
            case DENIED -> {
                b.plain("Denied by ");
                if (r.endedBy() == null) {
                    b.plain("an approver");
                } else {
                    b.person(r.endedBy());
                }
                b.plain(r.note() != null ? ": " + r.note() : ".");
            }
            case CANCELLED -> b.plain("Cancelled by ").person(r.requester()).plain("; nothing was granted.");
            case LAPSED -> b.plain("Lapsed: nobody decided by ").time(r.decideBy()).plain("; nothing was granted.");
            case FAILED -> b.plain("Azure did not grant it" + (r.note() != null ? ": " + r.note() : "; nothing is held."));
        }
        return b.done();
    }

    /** "Approved by Bob. ", "Auto-approved: on-call self-service. ", or nothing for break-glass. */
    private static Text.Builder approvedBy(Text.Builder b, AccessRequest r) {
        if (r.isBreakGlass()) {
            return b;
        }
        if (r.autoApproval() != null) {
            return b.plain("Auto-approved: " + r.autoApproval() + ". ");
        }
        if (r.approvalsNeeded() == 0) {
            return b.plain("Auto-approved by rule \"" + r.ruleName() + "\". ");
        }
        if (r.approvers().isEmpty()) {
            return b.plain("Approved. ");
        }
        b.plain("Approved by ");
        people(b, r.approvers());
        return b.plain(". ");
    }

    /** Where a request stands in a list row: "active until 14:35 UTC (45 min left)". */
    public static Text line(AccessRequest r, Instant now) {
        return switch (r.state()) {
            case ACTIVE -> Text.of().plain("active until ").time(r.expiresAt()).plain(" (" + left(r, now) + " left)")
                    .done();
            case PENDING -> Text.of().plain("waiting for approval (" + r.approvals() + " of " + r.approvalsNeeded()
                    + ")").text(r.startsAt() == null ? null : Text.of().plain(", starts at ")
                    .time(r.startsAt(), r.startZone()).done()).done();
            case SCHEDULED -> Text.of().plain("approved, starts at ").time(r.startsAt(), r.startZone()).done();
            default -> Text.plain(r.state().label());
        };
    }

    /** The audit events as lines, the newest {@link Messages#MAX_ROWS}. */
    public static List<Text> history(List<AuditEvent> events) {
        return history(events, Messages.MAX_ROWS);
    }

    /** The newest {@code max} audit events as lines, after a line saying how many earlier ones are left out. */
    public static List<Text> history(List<AuditEvent> events, int max) {
        int from = Math.max(0, events.size() - max);
        List<Text> lines = new java.util.ArrayList<>();
        if (from > 0) {
            lines.add(Text.plain("…" + from + " earlier event" + (from == 1 ? "" : "s") + " not shown."));
        }
        events.subList(from, events.size()).stream().map(Messages::event).forEach(lines::add);
        return lines;
    }

    /** Time left, in whole minutes once there is at least one (seconds only in the last minute). */
    public static String left(AccessRequest r, Instant now) {
        Duration d = r.timeLeft(now);
        if (d == null) {
            return "no time";
        }
        return Durations.format(Duration.ofSeconds(Math.max(d.toMinutes() * 60, Math.min(Math.max(d.getSeconds(), 0),
                59))));
    }

    private static void people(Text.Builder b, List<ChatUser> users) {
        for (int i = 0; i < users.size(); i++) {
            b.plain(i == 0 ? "" : ", ").person(users.get(i));
        }
    }
}
