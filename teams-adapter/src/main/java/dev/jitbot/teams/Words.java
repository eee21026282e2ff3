package dev.jitbot.teams;

import dev.jitbot.core.app.Phrases;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.app.StoreException;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place in the Teams adapter that turns outcomes and failures into words for a person (Teams markdown).
 * Failures never show an exception or an SDK message: the detail is logged with an event id the person sees.
 */
final class Words implements Outcome.Visitor<String> {

    private static final Logger log = LoggerFactory.getLogger(Words.class);
    private static final int MAX_ROWS = 25;

    private final Clock clock;

    Words(Clock clock) {
        this.clock = clock;
    }

    String render(Outcome outcome) {
        return outcome.accept(this);
    }

    /**
     * The line on top of a card after a button. A button is pressed by an approver or on-call, never for an
     * auto-approved request, so {@link #activating} already speaks to the approver there.
     */
    String onCard(Outcome outcome) {
        return render(outcome);
    }

    /** A fresh event id, which a person's message and the log line (and audit event) about it both show. */
    static String eventId() {
        return dev.jitbot.core.domain.EventIds.next();
    }

    /** Why nothing was done for a turn whose sender the roster did not confirm, with the event id it was logged as. */
    String identityRefused(Roster.Identity identity, String eventId) {
        if (identity instanceof Roster.Identity.Contradicted) {
            return "I did nothing: the identity in this message is not the one Teams has for your account. If you "
                    + "did not expect this, tell the operators event id " + eventId + ".";
        }
        if (identity instanceof Roster.Identity.Unconfirmed) {
            return "I could not confirm who you are with Teams just now, so I did nothing. Try again in a minute; "
                    + "if it keeps failing, tell the operators event id " + eventId + ".";
        }
        throw new IllegalArgumentException("a confirmed sender is not refused");
    }

    /** Logs {@code e} with a fresh event id and says, kindly, that {@code what} did not work. */
    String failure(String what, Throwable e) {
        String eventId = eventId();
        if (databaseDown(e)) {
            // The one failure worth naming: the transition was not written, so trying again is the right move.
            log.error("teams: {} failed: the database is unreachable [{}]", what, eventId, e);
            return "jitbot cannot reach its database right now; nothing was changed — try again in a minute. If it "
                    + "keeps happening, tell the operators event id " + eventId + ".";
        }
        log.error("teams: {} failed [{}]", what, eventId, e);
        return "Sorry, something went wrong on my side while " + what + ", so I could not finish it. "
                + "Nothing changed unless you saw it confirmed; `list` shows where things stand. If it keeps "
                + "happening, tell the operators event id " + eventId + ".";
    }

    /** Whether {@code e} came from the store: the core writes nothing else during a turn. */
    static boolean databaseDown(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof StoreException || t instanceof SQLException) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String requested(Outcome.Requested o) {
        // The core also messages the requester the details (Phrases.awaiting): say only what that message does not.
        AccessRequest r = o.request();
        return "Filed as " + r.id() + (r.startsAt() != null ? ", starting " + Phrases.starts(r) : "")
                + ": I asked the approvers in the approvals channel, and I'll message you at each step."
                + (o.notice() != null ? " " + o.notice() : "");
    }

    @Override
    public String approved(Outcome.Approved o) {
        AccessRequest r = o.request();
        return Phrases.approvalCounted(r);
    }

    /**
     * Approved, and Azure is being asked. An auto-approved request is answered to its requester; otherwise to the
     * approver whose vote completed the quorum.
     */
    @Override
    public String activating(Outcome.Activating o) {
        AccessRequest r = o.request();
        if (r.isBreakGlass()) {
            return "Break-glass: Azure is granting " + r.label() + " (" + r.id() + ") now, without approval, for "
                    + Durations.format(r.duration()) + ". The security channel and on-call have been told, and "
                    + "someone else will review it. Give it back as soon as you can: `release " + r.id() + "`.";
        }
        if (r.approvalsNeeded() == 0 || r.autoApproval() != null) {
            return (r.autoApproval() != null ? "Auto-approved (" + r.autoApproval() + ")" : "Approved by the rule")
                    + ": Azure is granting " + r.label() + " (" + r.id() + ") now. I'll message you "
                    + (r.onBehalf() ? "when " + r.principal().displayName() + " has it" : "when it's yours")
                    + "; the " + Durations.format(r.duration()) + " run from then.";
        }
        return "Approved: Azure is granting " + r.label() + " (" + r.id() + ") now; I'll message "
                + r.requester().displayName() + (r.onBehalf() ? " when " + r.principal().displayName() + " has it."
                : " when it's theirs.");
    }

    @Override
    public String scheduled(Outcome.Scheduled o) {
        return Phrases.scheduled(o.request()) + (o.notice() != null ? " " + o.notice() : "");
    }

    @Override
    public String failed(Outcome.Failed o) {
        return Phrases.failed(o.request());
    }

    @Override
    public String denied(Outcome.Denied o) {
        AccessRequest r = o.request();
        if (r.state() == State.ACTIVE) {
            return "Denied the extension of " + r.label() + " (" + r.id() + "); it still ends at "
                    + Phrases.time(r.expiresAt()) + ".";
        }
        return "Denied " + r.label() + " (" + r.id() + ")" + (r.note() != null ? ": " + r.note() : "")
                + ". " + r.requester().displayName() + " has been told.";
    }

    @Override
    public String cancelled(Outcome.Cancelled o) {
        AccessRequest r = o.request();
        return "Cancelled " + r.label() + " (" + r.id() + "); nothing was granted.";
    }

    @Override
    public String ended(Outcome.Ended o) {
        return Phrases.ended(o.request());
    }

    @Override
    public String revoking(Outcome.Revoking o) {
        AccessRequest r = o.request();
        String what = "Revoking " + r.label() + " (" + r.id() + ") now; ";
        if (r.endedBy() == null || r.endedBy().samePerson(r.requester())) {
            return what + "the card and a message to you confirm when Azure has removed it.";
        }
        return what + "the card confirms when Azure has removed it, and " + r.requester().displayName()
                + " gets a message.";
    }

    @Override
    public String extensionRequested(Outcome.ExtensionRequested o) {
        AccessRequest r = o.request();
        return "Asked to extend " + r.label() + " (" + r.id() + ") by " + Durations.format(r.extension().by())
                + ". The approvers see it on the request card; until then it ends at " + Phrases.time(r.expiresAt())
                + ".";
    }

    @Override
    public String extended(Outcome.Extended o) {
        return Phrases.extended(o.request());
    }

    @Override
    public String listing(Outcome.Listing o) {
        if (o.requests().isEmpty()) {
            return o.everyone() ? "Nobody holds or waits for access right now."
                    : "You hold no access and have no pending requests. Ask with `request …` (`help` shows how).";
        }
        String head = o.everyone() ? "**Active grants and pending requests**" : "**Your grants and requests**";
        List<AccessRequest> rows = o.requests();
        String lines = rows.stream().limit(MAX_ROWS).map(this::row).collect(Collectors.joining("\n\n"));
        return head + "\n\n" + lines + (rows.size() > MAX_ROWS ? "\n\n…and " + (rows.size() - MAX_ROWS) + " more." : "");
    }

    @Override
    public String details(Outcome.Details o) {
        AccessRequest r = o.request();
        StringBuilder s = new StringBuilder("**" + r.id() + "**: " + r.label() + " for "
                + Durations.format(r.duration()) + ", requested by " + r.requester().displayName() + ". "
                + Cards.status(r, clock.instant()));
        s.append("\n\nBecause: ").append(r.justification());
        if (!o.events().isEmpty()) {
            s.append("\n\n").append(events(o.events()));
        }
        return s.toString();
    }

    @Override
    public String history(Outcome.History o) {
        if (o.events().isEmpty()) {
            return "No audit events for " + o.subject() + " yet.";
        }
        return "**History of " + o.subject() + "**\n\n" + events(o.events());
    }

    @Override
    public String reviewed(Outcome.Reviewed o) {
        AccessRequest r = o.request();
        return "Reviewed break-glass " + r.label() + " (" + r.id() + ") of " + r.requester().displayName() + ": "
                + r.breakGlass().note();
    }

    @Override
    public String help(Outcome.Help o) {
        return o.text().replaceAll("(?m)^\\*([^*\\n]+)\\*$", "**$1**").replace("\n", "\n\n")
                + "\n\nIn a channel, mention me first: `@jitbot list`.";
    }

    @Override
    public String refused(Outcome.Refused o) {
        return o.message();
    }

    private String row(AccessRequest r) {
        String when = switch (r.state()) {
            case ACTIVE -> "active until " + Phrases.time(r.expiresAt()) + " ("
                    + Durations.format(r.timeLeft(clock.instant())) + " left)";
            case PENDING -> "waiting for approval (" + r.approvals() + " of " + r.approvalsNeeded() + ")"
                    + (r.startsAt() != null ? ", starts at " + Phrases.starts(r) : "");
            case SCHEDULED -> "approved, starts at " + Phrases.starts(r);
            default -> r.state().label();
        };
        return "- `" + r.id() + "` " + r.label() + " for " + r.requester().displayName() + " — " + when;
    }

    private static String events(List<AuditEvent> events) {
        int from = Math.max(0, events.size() - MAX_ROWS);
        return events.subList(from, events.size()).stream()
                .map(e -> "- " + Phrases.preciseTime(e.at()) + " " + e.action() + " by " + e.actor()
                        + (e.requestId() != null ? " `" + e.requestId() + "`" : "")
                        + (e.details().isBlank() ? "" : ": " + e.details()))
                .collect(Collectors.joining("\n\n"));
    }
}
