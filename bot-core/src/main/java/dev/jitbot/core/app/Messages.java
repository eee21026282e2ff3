package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.HelpSheet;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.domain.Text;
import dev.jitbot.core.domain.Text.Tone;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * The one place that words what came of a command, for every platform: each {@link Outcome} as {@link Text}, which
 * Slack, Teams and the console only draw (their {@link Text.Style}).
 */
public final class Messages implements Outcome.Visitor<Text> {

    /** Lists and audit trails show at most this many rows; a chat message has room for no more. */
    public static final int MAX_ROWS = 25;

    private final Clock clock;
    private final int maxRows;

    public Messages(Clock clock) {
        this(clock, MAX_ROWS);
    }

    /** With room for {@code maxRows} rows in a list or an audit trail: a terminal has room for all of them. */
    public Messages(Clock clock, int maxRows) {
        this.clock = Objects.requireNonNull(clock, "clock");
        if (maxRows < 1) {
            throw new IllegalArgumentException("maxRows must be at least 1");
        }
        this.maxRows = maxRows;
    }

    public Text of(Outcome outcome) {
        return outcome.accept(this);
    }

    /** A request's name in a sentence: "Contributor on rg-payments (`JIT-7K3F`)". */
    private static Text.Builder what(Text.Builder b, AccessRequest r) {
        return b.plain(r.label() + " (").code(r.id()).plain(")");
    }

    @Override
    public Text requested(Outcome.Requested o) {
        return Phrases.awaiting(o.request()).tone(Tone.WAITING).then(notice(o.notice()));
    }

    @Override
    public Text scheduled(Outcome.Scheduled o) {
        return Phrases.scheduled(o.request()).tone(Tone.SCHEDULED).then(notice(o.notice()));
    }

    private static Text notice(String notice) {
        return notice == null ? Text.of().done() : Text.of().plain("\n").text(Text.parse(notice)).done();
    }

    @Override
    public Text approved(Outcome.Approved o) {
        return Phrases.approvalCounted(o.request()).tone(Tone.COUNTED);
    }

    /**
     * Approved, and Azure is being asked. An auto-approved request is answered to its requester; otherwise the one
     * who sees this is the approver whose vote completed the quorum.
     */
    @Override
    public Text activating(Outcome.Activating o) {
        AccessRequest r = o.request();
        if (r.isBreakGlass()) {
            return what(Text.of(Tone.ALARM).plain("Break-glass: Azure is granting "), r).plain(" now, without "
                    + "approval, for " + Durations.format(r.duration()) + ". The security channel and on-call have "
                    + "been told, and someone else will review it. Give it back as soon as you can: ")
                    .command("release " + r.id()).plain(".").done();
        }
        if (r.approvalsNeeded() == 0 || r.autoApproval() != null) {
            String whose = r.onBehalf() ? "when " + r.principal().displayName() + " has it" : "when it's yours";
            return what(Text.of(Tone.DONE).plain((r.autoApproval() != null ? "Auto-approved (" + r.autoApproval()
                    + ")" : "Approved by the rule") + ": Azure is granting "), r).plain(" now; I'll message you "
                    + whose + "; the " + Durations.format(r.duration()) + " run from then.").done();
        }
        String whose = r.onBehalf() ? "when " + r.principal().displayName() + " has it" : "when it's theirs";
        return what(Text.of(Tone.DONE).plain("Approved: Azure is granting "), r).plain(" now; I'll message "
                + r.requester().displayName() + " " + whose + ".").done();
    }

    @Override
    public Text failed(Outcome.Failed o) {
        return Phrases.failed(o.request()).tone(Tone.FAILED);
    }

    @Override
    public Text denied(Outcome.Denied o) {
        AccessRequest r = o.request();
        if (r.state() == State.ACTIVE) {
            return what(Text.of(Tone.DENIED).plain("The extension of "), r).plain(" is denied; the grant still ends at ")
                    .time(r.expiresAt()).plain(".").done();
        }
        return Phrases.denied(r).tone(Tone.DENIED);
    }

    @Override
    public Text cancelled(Outcome.Cancelled o) {
        return what(Text.of().plain("Cancelled "), o.request()).plain("; nothing was granted.").done();
    }

    @Override
    public Text ended(Outcome.Ended o) {
        return Phrases.ended(o.request()).tone(Tone.ENDED);
    }

    @Override
    public Text revoking(Outcome.Revoking o) {
        AccessRequest r = o.request();
        Text.Builder b = what(Text.of(Tone.PROGRESS).plain("Revoking "), r).plain(" now; ");
        if (r.endedBy() == null || r.endedBy().samePerson(r.requester())) {
            return b.plain("the card and a message to you confirm when Azure has removed it.").done();
        }
        return b.plain("the card confirms when Azure has removed it, and " + r.requester().displayName()
                + " gets a message.").done();
    }

    @Override
    public Text extensionRequested(Outcome.ExtensionRequested o) {
        AccessRequest r = o.request();
        return what(Text.of(Tone.WAITING).plain("Asked to extend "), r).plain(" by "
                + Durations.format(r.extension().by()) + "; approvers see it on the card (or type ")
                .command("approve " + r.id()).plain("). Until then it ends at ").time(r.expiresAt()).plain(".").done();
    }

    @Override
    public Text extended(Outcome.Extended o) {
        return Phrases.extended(o.request()).tone(Tone.DONE);
    }

    @Override
    public Text listing(Outcome.Listing o) {
        if (o.requests().isEmpty()) {
            return o.everyone() ? Text.plain("No active grants or pending requests right now.")
                    : Text.of().plain("You have no active grants or pending requests. Ask with ")
                    .command("request …").plain(" (").command("help").plain(" shows how).").done();
        }
        Instant now = clock.instant();
        Text.Builder b = Text.of().emphasis(o.everyone() ? "Every active grant and pending request"
                : "Your active grants and pending requests");
        List<AccessRequest> rows = o.requests();
        for (AccessRequest r : rows.subList(0, Math.min(rows.size(), maxRows))) {
            b.item().code(r.id()).plain(" " + r.label());
            if (o.everyone()) {
                b.plain(" for ").person(r.requester());
            }
            b.plain(" — ").text(RequestView.line(r, now));
        }
        if (rows.size() > maxRows) {
            b.item().plain("…and " + (rows.size() - maxRows) + " more.");
        }
        return b.done();
    }

    @Override
    public Text details(Outcome.Details o) {
        AccessRequest r = o.request();
        RequestView v = RequestView.of(r, java.util.Set.of(), null, o.events(), clock.instant());
        Text.Builder b = Text.of().code(r.id()).plain(" ").text(v.headline()).plain(" — " + r.state().label() + "\n").text(v.status())
                .plain("\nRequested by ").person(r.requester()).plain(" because: " + r.justification());
        RequestView.history(o.events(), maxRows).forEach(line -> b.item().text(line));
        return b.done();
    }

    @Override
    public Text history(Outcome.History o) {
        if (o.events().isEmpty()) {
            return Text.plain("No audit events for " + o.subject() + " yet.");
        }
        Text.Builder b = Text.of().emphasis("Audit trail: " + o.subject());
        RequestView.history(o.events(), maxRows).forEach(line -> b.item().text(line));
        return b.done();
    }

    @Override
    public Text reviewed(Outcome.Reviewed o) {
        AccessRequest r = o.request();
        return what(Text.of(Tone.DONE).plain("Reviewed break-glass "), r).plain(" of "
                + r.requester().displayName() + ": " + r.breakGlass().note()).done();
    }

    @Override
    public Text help(Outcome.Help o) {
        return HelpSheet.read(o.text()).text();
    }

    /** The help as {@code platform} shows it: with what only that platform adds ({@link HelpSheet#on}). */
    public Text help(Outcome.Help o, Platform platform) {
        return HelpSheet.read(o.text()).on(platform).text();
    }

    /**
     * The reply to a request on a platform where the core's message to the requester ({@link Phrases#awaiting})
     * lands in the same chat (Teams): a short receipt that says only what that message does not.
     */
    public static Text receipt(Outcome.Requested o) {
        AccessRequest r = o.request();
        Text.Builder b = Text.of(Tone.WAITING).plain("Filed as " + r.id()
                + (r.startsAt() != null ? ", starting " + Phrases.starts(r) : "")
                + ": I asked the approvers in the approvals channel, and I'll message you at each step. Cancel with ")
                .command("cancel " + r.id()).plain(".");
        if (o.notice() != null) {
            b.plain(" ").text(Text.parse(o.notice()));
        }
        return b.done();
    }

    /**
     * Why nothing was done for a message whose sender {@code platform} (its name, "Teams") did not confirm: the
     * identity in it {@code contradicted} the one the platform has for the account, or the platform could not be
     * asked; with the event id it was logged (and audited) under.
     */
    public static Text senderNotConfirmed(String platform, boolean contradicted, String eventId) {
        return Text.plain(contradicted
                ? "I did nothing: the identity in this message is not the one " + platform + " has for your account. "
                + "If you did not expect this, tell the operators event id " + eventId + "."
                : "I could not confirm who you are with " + platform + " just now, so I did nothing. Try again in a "
                + "minute; if it keeps failing, tell the operators event id " + eventId + ".");
    }

    @Override
    public Text refused(Outcome.Refused o) {
        return Text.parse(Tone.REFUSED, o.message());
    }

    /** One audit event as a line: "14:05:02 UTC alice@contoso.com *approved* `JIT-7K3F`: detail". */
    static Text event(AuditEvent e) {
        Text.Builder b = Text.of().preciseTime(e.at()).plain(" " + e.actor() + " ").emphasis(e.action());
        if (e.requestId() != null) {
            b.plain(" ").code(e.requestId());
        }
        if (!e.details().isBlank()) {
            b.plain(": " + e.details());
        }
        return b.done();
    }
}
