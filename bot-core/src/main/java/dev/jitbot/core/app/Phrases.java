package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.Durations;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** The sentences the core itself sends to people, so every platform says the same thing. */
public final class Phrases {

    private static final DateTimeFormatter HH_MM = DateTimeFormatter.ofPattern("HH:mm 'UTC'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter HH_MM_SS =
            DateTimeFormatter.ofPattern("HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Phrases() {
    }


    public static String time(Instant t) {
        return HH_MM.format(t);
    }

    public static String preciseTime(Instant t) {
        return HH_MM_SS.format(t);
    }

    /** "Contributor on rg-payments is yours until 14:35 UTC (45 min). Release early with `release JIT-42`." */
    public static String granted(AccessRequest r) {
        String whose = r.onBehalf() ? "is granted to " + r.principal().displayName() : "is yours";
        return r.label() + " " + whose + " until " + time(r.expiresAt()) + " (" + Durations.format(r.duration())
                + "). Release early with `release " + r.id() + "`.";
    }

    /** "Contributor on rg-payments revoked at 14:35:02 UTC — expired". */
    public static String ended(AccessRequest r) {
        if (r.endReason() == dev.jitbot.core.domain.EndReason.NOT_STARTED) {
            return r.label() + " was not started at " + preciseTime(r.endedAt()) + ": " + r.note() + " Nothing was "
                    + "granted (" + r.id() + ").";
        }
        String why = r.endReason() == null ? "ended" : r.endReason().words();
        String by = r.endedBy() != null && r.endReason() != null
                && r.endReason() != dev.jitbot.core.domain.EndReason.EXPIRED ? " by " + r.endedBy().displayName() : "";
        String note = r.note() != null && r.endReason() == dev.jitbot.core.domain.EndReason.REVOKED ? ": " + r.note() : "";
        return r.label() + " revoked at " + preciseTime(r.endedAt()) + " — " + why + by + note + " (" + r.id() + ").";
    }

    public static String awaiting(AccessRequest r) {
        return "Requested " + r.label() + " for " + Durations.format(r.duration()) + startsPhrase(r) + " as " + r.id()
                + ". It needs " + r.approvalsNeeded() + " approval" + (r.approvalsNeeded() == 1 ? "" : "s")
                + " before " + (r.startsAt() != null ? dev.jitbot.core.domain.StartTime.show(r.decideBy(), r.startZone())
                : time(r.decideBy())) + "; cancel with `cancel " + r.id() + "`.";
    }

    /** " starting Wed 2 Dec 09:00 Europe/Berlin (08:00 UTC)", or nothing for a request without a start. */
    private static String startsPhrase(AccessRequest r) {
        return r.startsAt() == null ? "" : " starting " + starts(r);
    }

    /** When a scheduled request starts, always with its zone: "Wed 2 Dec 09:00 Europe/Berlin (08:00 UTC)". */
    public static String starts(AccessRequest r) {
        return dev.jitbot.core.domain.StartTime.show(r.startsAt(), r.startZone());
    }

    /** "Contributor on rg-payments (JIT-42) is approved and starts at Wed 2 Dec 09:00 UTC ..." */
    public static String scheduled(AccessRequest r) {
        return r.label() + " (" + r.id() + ") is approved and starts at " + starts(r) + " for "
                + Durations.format(r.duration()) + ". Before then jitbot checks again that the request still meets "
                + "the policy; the " + Durations.format(r.duration()) + " run from when Azure grants it. Cancel "
                + "until then with `cancel " + r.id() + "`.";
    }

    /** To the requester when the check at the start refused a scheduled request. */
    public static String notStarted(AccessRequest r) {
        return r.label() + " (" + r.id() + ") was due to start at " + starts(r) + ", but jitbot did not grant it: "
                + r.note() + " Request it again if you still need it.";
    }

    /** To a workload's owners when it asked for access itself through the API. */
    public static String awaitingOwners(AccessRequest r) {
        return r.requester().displayName() + " asked for " + r.label() + " for " + Durations.format(r.duration())
                + " as " + r.id() + " (" + r.principal().type().armName() + " " + r.principal().objectId()
                + "): " + r.justification() + ". It needs " + r.approvalsNeeded() + " approval"
                + (r.approvalsNeeded() == 1 ? "" : "s") + " before " + time(r.decideBy())
                + "; approve or deny it on the card.";
    }

    /** To a workload's owners when the role reached it. */
    public static String grantedToOwners(AccessRequest r) {
        return r.label() + " is granted to " + r.requester().displayName() + " until " + time(r.expiresAt()) + " ("
                + Durations.format(r.duration()) + ", " + r.id() + "). On-call can end it early with `revoke "
                + r.id() + " <reason>`.";
    }

    public static String approvedSoFar(AccessRequest r, dev.jitbot.core.domain.ChatUser approver) {
        return approver.displayName() + " approved " + r.label() + " (" + r.id() + "): " + r.approvals() + " of "
                + r.approvalsNeeded() + " approvals so far.";
    }

    /** "Approval counted for Owner on sub-prod (JIT-42): 1 of 3; it needs 2 more, each from a different approver." */
    public static String approvalCounted(AccessRequest r) {
        long missing = Math.max(0, r.approvalsNeeded() - r.approvals());
        return "Approval counted for " + r.label() + " (" + r.id() + "): " + r.approvals() + " of "
                + r.approvalsNeeded() + "; it needs " + (missing == 1 ? "1 more, from another approver"
                : missing + " more, each from a different approver") + ", before it is granted.";
    }

    public static String denied(AccessRequest r) {
        return r.label() + " (" + r.id() + ") was denied by " + who(r) + (r.note() != null ? ": " + r.note() : ".")
                + (r.note() != null && !r.note().endsWith(".") ? "." : "");
    }

    public static String lapsed(AccessRequest r) {
        return "Nobody decided " + r.label() + " (" + r.id() + ") by " + time(r.decideBy())
                + ", so it lapsed and nothing was granted. Ask again if you still need it.";
    }

    public static String failed(AccessRequest r) {
        return "Azure did not grant " + r.label() + " (" + r.id() + "): " + r.note();
    }

    public static String extended(AccessRequest r) {
        return r.label() + " (" + r.id() + ") now lasts until " + time(r.expiresAt()) + ".";
    }

    /** "Contributor on rg-payments (JIT-42) ends at 14:35 UTC. Extend it by 30 min, or release it now." */
    public static String reminder(AccessRequest r) {
        return r.label() + " (" + r.id() + ") ends at " + time(r.expiresAt()) + ". Extend it by 30 min, or release it "
                + "now if you are done.";
    }

    public static String overdue(AccessRequest r, Instant now) {
        return r.label() + " for " + r.principal().displayName() + " (" + r.id() + ") expired at "
                + preciseTime(r.expiresAt()) + " and Azure has not confirmed its removal after "
                + r.revokeAttempts() + " attempts (last error: " + r.note() + "). jitbot keeps retrying; check the "
                + "role assignment on " + r.scope().id() + " by hand. Now " + preciseTime(now) + ".";
    }

    private static String who(AccessRequest r) {
        return r.endedBy() == null ? "an approver" : r.endedBy().displayName();
    }
}
