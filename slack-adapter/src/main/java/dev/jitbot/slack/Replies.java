package dev.jitbot.slack;

import dev.jitbot.core.app.Phrases;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.app.StoreException;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place in the Slack adapter that turns what happened into words for a person: every {@link Outcome}
 * through its visitor, and every failure into what happened, what to do next and an event id (the detail goes to
 * the log under the same id, never to chat).
 */
final class Replies implements Outcome.Visitor<String> {

    private static final Logger log = LoggerFactory.getLogger(Replies.class);

    private final Clock clock;

    Replies(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    String render(Outcome outcome) {
        return outcome.accept(this);
    }

    /**
     * Logs {@code error} under a fresh event id and returns the sentence the person sees. A database that cannot be
     * reached is the one failure worth naming: the transition was not written, so the person knows to try again.
     */
    String failure(String whatWasAttempted, Throwable error) {
        String eventId = dev.jitbot.core.domain.EventIds.next();
        if (databaseDown(error)) {
            log.error("{} failed: the database is unreachable [event {}]", UserText.forLog(whatWasAttempted), eventId,
                    error);
            return ":warning: jitbot cannot reach its database right now; nothing was changed — try again in a "
                    + "minute. If it keeps happening, tell the jitbot operators event id `" + eventId + "`.";
        }
        // What was attempted may carry the person's own words (a slash command's text): escaped and clipped.
        log.error("{} failed [event {}]", UserText.forLog(whatWasAttempted), eventId, error);
        return ":warning: Something went wrong on my side while I tried to "
                + Cards.esc(UserText.clip(whatWasAttempted)) + ". Check where "
                + "things stand with `/jit list`, and try again in a minute; if it keeps happening, tell the jitbot "
                + "operators event id `" + eventId + "`.";
    }

    /** Whether {@code error} came from the store: the core writes nothing else on a request thread. */
    static boolean databaseDown(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreException || t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    /**
     * Deny pressed by someone the core would not let decide ({@code AccessService.canApprove} said no): said at
     * once, instead of a form whose reason would be refused on submit.
     */
    static String cannotDeny(AccessRequest r, ChatUser actor) {
        if (r.requester().samePerson(actor)) {
            return ":no_entry_sign: You cannot deny your own request `" + r.id() + "`. To withdraw it, `/jit cancel "
                    + r.id() + "`.";
        }
        return ":no_entry_sign: Only the approvers of " + Cards.esc(r.label()) + " (`" + r.id() + "`) can deny it.";
    }

    @Override
    public String requested(Outcome.Requested o) {
        return ":inbox_tray: " + Cards.esc(Phrases.awaiting(o.request())).replace("`cancel", "`/jit cancel")
                + notice(o.notice());
    }

    @Override
    public String scheduled(Outcome.Scheduled o) {
        return ":calendar: " + Cards.esc(Phrases.scheduled(o.request())).replace("`cancel", "`/jit cancel")
                + notice(o.notice());
    }

    private static String notice(String notice) {
        return notice == null ? "" : "\n:information_source: " + Cards.esc(notice);
    }

    @Override
    public String approved(Outcome.Approved o) {
        AccessRequest r = o.request();
        return ":ballot_box_with_check: " + Cards.esc(Phrases.approvalCounted(r));
    }

    /**
     * Approved, and Azure is being asked. An auto-approved request is answered to its requester; otherwise the one
     * who sees this is the approver whose vote completed the quorum.
     */
    @Override
    public String activating(Outcome.Activating o) {
        AccessRequest r = o.request();
        String what = Cards.esc(r.label()) + " (`" + r.id() + "`)";
        if (r.isBreakGlass()) {
            return ":rotating_light: Break-glass: Azure is granting " + what + " now, without approval, for "
                    + Durations.format(r.duration()) + ". The security channel and on-call have been told, and "
                    + "someone else will review it. Give it back as soon as you can: `/jit release " + r.id() + "`.";
        }
        if (r.approvalsNeeded() == 0 || r.autoApproval() != null) {
            String whose = r.onBehalf() ? "when " + Cards.esc(r.principal().displayName()) + " has it"
                    : "when it's yours";
            return ":white_check_mark: " + (r.autoApproval() != null ? "Auto-approved (" + Cards.esc(r.autoApproval())
                    + ")" : "Approved by the rule") + ": Azure is granting " + what + " now; I'll message you "
                    + whose + "; the " + Durations.format(r.duration()) + " run from then.";
        }
        String requester = Cards.esc(r.requester().displayName());
        String whose = r.onBehalf() ? "when " + Cards.esc(r.principal().displayName()) + " has it"
                : "when it's theirs";
        return ":white_check_mark: Approved: Azure is granting " + what + " now; I'll message " + requester + " "
                + whose + ".";
    }

    @Override
    public String failed(Outcome.Failed o) {
        return ":x: " + Cards.esc(Phrases.failed(o.request()));
    }

    @Override
    public String denied(Outcome.Denied o) {
        AccessRequest r = o.request();
        return ":no_entry: " + (r.state() == State.ACTIVE ? "The extension of " + Cards.esc(r.label()) + " (`" + r.id()
                + "`) is denied; the grant still ends at " + Phrases.time(r.expiresAt()) + "."
                : Cards.esc(Phrases.denied(r)));
    }

    @Override
    public String cancelled(Outcome.Cancelled o) {
        return "Cancelled " + Cards.esc(o.request().label()) + " (`" + o.request().id() + "`); nothing was granted.";
    }

    @Override
    public String ended(Outcome.Ended o) {
        return ":checkered_flag: " + Cards.esc(Phrases.ended(o.request()));
    }

    @Override
    public String revoking(Outcome.Revoking o) {
        AccessRequest r = o.request();
        String what = ":hourglass: Revoking " + Cards.esc(r.label()) + " (`" + r.id() + "`) now; ";
        if (r.endedBy() == null || r.endedBy().samePerson(r.requester())) {
            return what + "the card and a DM confirm when Azure has removed it.";
        }
        return what + "the card confirms when Azure has removed it, and " + Cards.esc(r.requester().displayName())
                + " gets a DM.";
    }

    @Override
    public String extensionRequested(Outcome.ExtensionRequested o) {
        AccessRequest r = o.request();
        return ":inbox_tray: Asked to extend " + Cards.esc(r.label()) + " (`" + r.id() + "`) by "
                + Durations.format(r.extension().by()) + "; approvers see it on the card. Until then it ends at "
                + Phrases.time(r.expiresAt()) + ".";
    }

    @Override
    public String extended(Outcome.Extended o) {
        return ":white_check_mark: " + Cards.esc(Phrases.extended(o.request()));
    }

    @Override
    public String listing(Outcome.Listing o) {
        if (o.requests().isEmpty()) {
            return o.everyone() ? "No active grants or pending requests right now."
                    : "You have no active grants or pending requests. Ask with `/jit request …`, or `/jit` for a form.";
        }
        Instant now = clock.instant();
        StringBuilder sb = new StringBuilder(o.everyone() ? "*Every active grant and pending request*"
                : "*Your active grants and pending requests*");
        for (AccessRequest r : o.requests()) {
            sb.append("\n• `").append(r.id()).append("` ").append(Cards.esc(r.label()));
            if (o.everyone()) {
                sb.append(" for ").append(Cards.who(r.requester()));
            }
            sb.append(" — ").append(line(r, now));
        }
        return sb.toString();
    }

    private static String line(AccessRequest r, Instant now) {
        return switch (r.state()) {
            case ACTIVE -> "active until " + Phrases.time(r.expiresAt()) + " (" + Cards.left(r, now) + " left)";
            case PENDING -> "waiting for approval (" + r.approvals() + " of " + r.approvalsNeeded() + ")"
                    + (r.startsAt() != null ? ", starts at " + Phrases.starts(r) : "");
            case SCHEDULED -> "approved, starts at " + Phrases.starts(r);
            default -> r.state().label();
        };
    }

    @Override
    public String details(Outcome.Details o) {
        AccessRequest r = o.request();
        StringBuilder sb = new StringBuilder("*`" + r.id() + "` " + Cards.esc(r.label()) + "* for "
                + Durations.format(r.duration()) + " — " + r.state().label() + "\n"
                + Cards.status(r, clock.instant()) + "\nRequested by " + Cards.who(r.requester()) + " because: "
                + Cards.esc(r.justification()));
        events(sb, o.events());
        return sb.toString();
    }

    @Override
    public String history(Outcome.History o) {
        if (o.events().isEmpty()) {
            return "No audit events for " + Cards.esc(o.subject()) + " yet.";
        }
        StringBuilder sb = new StringBuilder("*Audit trail: " + Cards.esc(o.subject()) + "*");
        events(sb, o.events());
        return sb.toString();
    }

    private static void events(StringBuilder sb, List<AuditEvent> events) {
        for (AuditEvent e : events) {
            sb.append("\n• ").append(Phrases.preciseTime(e.at())).append(" ").append(Cards.esc(e.actor()))
                    .append(" *").append(e.action()).append("*");
            if (e.requestId() != null) {
                sb.append(" `").append(e.requestId()).append("`");
            }
            if (!e.details().isBlank()) {
                sb.append(": ").append(Cards.esc(e.details()));
            }
        }
    }

    @Override
    public String reviewed(Outcome.Reviewed o) {
        AccessRequest r = o.request();
        return ":white_check_mark: Reviewed break-glass " + Cards.esc(r.label()) + " (`" + r.id() + "`) of "
                + Cards.esc(r.requester().displayName()) + ": " + Cards.esc(r.breakGlass().note());
    }

    @Override
    public String help(Outcome.Help o) {
        return Cards.esc(o.text()).replace("\n`", "\n`/jit ").replaceFirst("\\*\n", "*\n`/jit` alone opens a form.\n");
    }

    @Override
    public String refused(Outcome.Refused o) {
        return ":no_entry_sign: " + slashed(Cards.esc(o.message()));
    }

    /** A refusal shown under a modal field, which Slack renders as plain text. */
    String forField(Outcome.Refused o) {
        return plain(slashed(o.message()));
    }

    /** Modal errors are plain text: mrkdwn code and emphasis marks would show as is. */
    static String plain(String s) {
        return s.replace("`", "").replace("*", "");
    }

    private static final java.util.regex.Pattern CORE_COMMAND = java.util.regex.Pattern.compile(
            "`(" + String.join("|", dev.jitbot.core.domain.CommandParser.VERBS) + ")( |`)");

    /** Core sentences name commands without the slash; in Slack they are typed as {@code /jit …}. */
    static String slashed(String text) {
        return CORE_COMMAND.matcher(text).replaceAll("`/jit $1$2");
    }
}
