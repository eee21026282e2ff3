package dev.jitbot.deploy.console;

import dev.jitbot.core.app.Permissions;
import dev.jitbot.core.app.Permissions.Action;
import dev.jitbot.core.app.Phrases;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.Outcome;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Renders the core's outcomes and request cards as plain text lines: where Slack shows a button, the console
 * shows the command to type ({@code approve JIT-7K3F}).
 */
public final class ConsoleText implements Outcome.Visitor<String> {

    private final Clock clock;
    private volatile java.util.function.Function<AccessRequest, dev.jitbot.core.domain.BlastRadius> blast = r -> null;

    public ConsoleText(Clock clock) {
        this.clock = clock;
    }

    private volatile java.util.function.Function<AccessRequest, java.util.Set<Action>> yours = r -> java.util.Set.of();

    /** Adds what the person at the keyboard may do to each card (the core's {@code actionsFor}) from now on. */
    public ConsoleText withViewerActions(java.util.function.Function<AccessRequest, java.util.Set<Action>> actions) {
        this.yours = java.util.Objects.requireNonNull(actions, "actions");
        return this;
    }

    /** Draws the core's blast radius line on every card from now on. */
    public ConsoleText withBlastRadius(java.util.function.Function<AccessRequest, dev.jitbot.core.domain.BlastRadius> b) {
        this.blast = java.util.Objects.requireNonNull(b, "blast");
        return this;
    }

    /** The request card: what is asked, by whom, where it stands, and the commands that act on it. */
    public String card(AccessRequest r) {
        List<String> lines = new ArrayList<>();
        lines.add("┌ " + r.id() + "  " + r.label() + " for " + Durations.format(r.duration()) + "  [" + status(r) + "]");
        lines.add("│ requested by " + r.requester().displayName()
                + (r.onBehalf() ? " for " + r.principal().displayName() : "") + ": " + r.justification()
                + (r.ticket() != null ? " (ticket " + r.ticket() + ")" : ""));
        dev.jitbot.core.domain.BlastRadius reach = blast.apply(r);
        if (reach != null) {
            lines.add("│ blast radius: " + reach.line());
            reach.warnings().forEach(w -> lines.add("│ warning: " + w));
        }
        if (!r.approvers().isEmpty()) {
            lines.add("│ approved by " + String.join(", ", r.approvers().stream().map(u -> u.displayName()).toList()));
        }
        String buttons = buttons(r);
        if (!buttons.isEmpty()) {
            lines.add("│ type: " + buttons);
        }
        lines.add("└");
        return String.join("\n", lines);
    }

    private String status(AccessRequest r) {
        return switch (r.state()) {
            case PENDING -> "pending: " + r.approvals() + " of " + r.approvalsNeeded() + " approvals, decide by "
                    + Phrases.time(r.decideBy());
            case SCHEDULED -> "approved, starts at " + Phrases.starts(r);
            case ACTIVATING -> "granting in Azure";
            case ACTIVE -> "active until " + Phrases.preciseTime(r.expiresAt()) + ", "
                    + Durations.format(r.timeLeft(clock.instant()).withNanos(0)) + " left"
                    + (r.extension() != null ? "; extension by " + Durations.format(r.extension().by())
                    + " waiting for approval" : "");
            case REVOKING -> "revoking";
            case ENDED -> "revoked " + (r.endReason() == null ? "" : "— " + r.endReason().words()) + " at "
                    + Phrases.preciseTime(r.endedAt());
            default -> r.state().label() + (r.note() != null ? ": " + r.note() : "");
        };
    }

    /** The commands for the channel's deciders (the core's shared-card actions), then the viewer's own. */
    private String buttons(AccessRequest r) {
        java.util.Set<Action> shared = Permissions.onSharedCard(r);
        java.util.Set<Action> mine = yours.apply(r);
        String forDeciders = String.join("  ", shared.stream().map(a -> command(a, r)).toList());
        String forYou = String.join("  ", mine.stream().filter(a -> !shared.contains(a)).map(a -> command(a, r)).toList());
        return forDeciders + (forDeciders.isEmpty() || forYou.isEmpty() ? "" : " (approvers, on-call) · you: ")
                + forYou;
    }

    private static String command(Action a, AccessRequest r) {
        String id = r.id().value();
        return switch (a) {
            case APPROVE -> "`approve " + id + "`";
            case DENY -> "`deny " + id + " <reason>`";
            case APPROVE_EXTENSION -> "`approve " + id + "` (extension)";
            case DENY_EXTENSION -> "`deny " + id + " <reason>` (extension)";
            case CANCEL -> "`cancel " + id + "`";
            case RELEASE -> "`release " + id + "`";
            case EXTEND -> "`extend " + id + " 30m`";
            case REVOKE -> "`revoke " + id + " <reason>`";
            case STOP_PENDING -> "`revoke " + id + " <reason>` (stops it)";
            case REVIEW -> "`review " + id + " <note>`";
        };
    }

    @Override
    public String requested(Outcome.Requested o) {
        return Phrases.awaiting(o.request()) + (o.notice() != null ? " " + o.notice() : "");
    }

    @Override
    public String scheduled(Outcome.Scheduled o) {
        return Phrases.scheduled(o.request()) + (o.notice() != null ? " " + o.notice() : "");
    }

    @Override
    public String approved(Outcome.Approved o) {
        AccessRequest r = o.request();
        return Phrases.approvalCounted(r);
    }

    @Override
    public String activating(Outcome.Activating o) {
        AccessRequest r = o.request();
        if (r.isBreakGlass()) {
            return "BREAK-GLASS: asking Azure for " + r.label() + " for " + r.principal().displayName() + " ("
                    + Durations.format(r.duration()) + ") without approval; the security channel and on-call are "
                    + "told, and someone else must review it (`review " + r.id() + " <note>`).";
        }
        return "Approved " + r.id() + ": asking Azure for " + r.label() + " for " + r.principal().displayName() + " ("
                + Durations.format(r.duration()) + " from when Azure confirms); " + r.requester().displayName()
                + " gets a message when it is theirs.";
    }

    @Override
    public String failed(Outcome.Failed o) {
        return Phrases.failed(o.request());
    }

    @Override
    public String denied(Outcome.Denied o) {
        return Phrases.denied(o.request());
    }

    @Override
    public String cancelled(Outcome.Cancelled o) {
        return o.request().label() + " (" + o.request().id() + ") is cancelled; nothing was granted.";
    }

    @Override
    public String ended(Outcome.Ended o) {
        return Phrases.ended(o.request());
    }

    @Override
    public String revoking(Outcome.Revoking o) {
        return "Revoking " + o.request().label() + " (" + o.request().id() + ") now; a message confirms when Azure "
                + "has removed it.";
    }

    @Override
    public String extensionRequested(Outcome.ExtensionRequested o) {
        AccessRequest r = o.request();
        return "Asked to extend " + r.id() + " by " + Durations.format(r.extension().by()) + "; an approver types `approve "
                + r.id() + "`.";
    }

    @Override
    public String extended(Outcome.Extended o) {
        return Phrases.extended(o.request());
    }

    @Override
    public String listing(Outcome.Listing o) {
        if (o.requests().isEmpty()) {
            return o.everyone() ? "Nothing is active or pending." : "You have nothing active or pending.";
        }
        List<String> lines = new ArrayList<>();
        lines.add(o.everyone() ? "Everything active or pending:" : "Yours, active or pending:");
        for (AccessRequest r : o.requests()) {
            lines.add("  " + r.id() + "  " + r.label() + "  " + r.requester().displayName() + "  " + status(r));
        }
        return String.join("\n", lines);
    }

    @Override
    public String details(Outcome.Details o) {
        return card(o.request()) + "\n" + events(o.events());
    }

    @Override
    public String history(Outcome.History o) {
        return o.events().isEmpty() ? "No history for " + o.subject() + "."
                : "History of " + o.subject() + ":\n" + events(o.events());
    }

    @Override
    public String reviewed(Outcome.Reviewed o) {
        AccessRequest r = o.request();
        return "Reviewed break-glass " + r.label() + " (" + r.id() + ") of " + r.requester().displayName() + ": "
                + r.breakGlass().note();
    }

    @Override
    public String help(Outcome.Help o) {
        return o.text().replace("*", "") + "\nConsole only: `/as <user>` switches who is typing; `last` or `$last` "
                + "stands for the newest request id; `/quit` ends.";
    }

    @Override
    public String refused(Outcome.Refused o) {
        return o.message();
    }

    private static String events(List<AuditEvent> events) {
        List<String> lines = new ArrayList<>();
        for (AuditEvent e : events) {
            lines.add("  " + Phrases.preciseTime(e.at()) + "  " + e.actor() + "  " + e.action()
                    + (e.details().isEmpty() ? "" : "  " + e.details()));
        }
        return String.join("\n", lines);
    }
}
