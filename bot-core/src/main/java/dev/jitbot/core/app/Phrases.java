package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.EndReason;
import dev.jitbot.core.domain.StartTime;
import dev.jitbot.core.domain.Text;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The sentences the core itself sends to people, so every platform says the same thing: as {@link Text}, where the
 * people they name are {@link Text.Person} segments (a Slack mention in Slack, a name elsewhere) and commands are
 * {@link Text.Command}s.
 */
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
    public static Text granted(AccessRequest r) {
        String whose = r.onBehalf() ? "is granted to " + r.principal().displayName() : "is yours";
        return Text.of().plain(r.label() + " " + whose + " until ").time(r.expiresAt()).plain(" ("
                + Durations.format(r.duration()) + "). Release early with ").command("release " + r.id()).plain(".")
                .done();
    }

    /** "Contributor on rg-payments revoked at 14:35:02 UTC — revoked by Bob Jones: done (JIT-42)." */
    public static Text ended(AccessRequest r) {
        if (r.endReason() == EndReason.NOT_STARTED) {
            return Text.of().plain(r.label() + " was not started at ").preciseTime(r.endedAt()).plain(": " + r.note()
                    + " Nothing was granted (" + r.id() + ").").done();
        }
        String why = r.endReason() == null ? "ended" : r.endReason().words();
        Text.Builder b = Text.of().plain(r.label() + " revoked at ").preciseTime(r.endedAt()).plain(" — " + why);
        if (r.endedBy() != null && r.endReason() != null && r.endReason() != EndReason.EXPIRED) {
            b.plain(" by ").person(r.endedBy());
        }
        String note = r.note() != null && r.endReason() == EndReason.REVOKED ? ": " + r.note() : "";
        return b.plain(note + " (" + r.id() + ").").done();
    }

    public static Text awaiting(AccessRequest r) {
        return Text.of().plain("Requested " + r.label() + " for " + Durations.format(r.duration()) + startsPhrase(r)
                + " as " + r.id() + ". It needs " + r.approvalsNeeded() + " approval"
                + (r.approvalsNeeded() == 1 ? "" : "s") + " before " + (r.startsAt() != null
                ? StartTime.show(r.decideBy(), r.startZone()) : time(r.decideBy())) + "; cancel with ")
                .command("cancel " + r.id()).plain(".").done();
    }

    /** " starting Wed 2 Dec 09:00 Europe/Berlin (08:00 UTC)", or nothing for a request without a start. */
    private static String startsPhrase(AccessRequest r) {
        return r.startsAt() == null ? "" : " starting " + starts(r);
    }

    /** When a scheduled request starts, always with its zone: "Wed 2 Dec 09:00 Europe/Berlin (08:00 UTC)". */
    public static String starts(AccessRequest r) {
        return StartTime.show(r.startsAt(), r.startZone());
    }

    /** "Contributor on rg-payments (JIT-42) is approved and starts at Wed 2 Dec 09:00 UTC ..." */
    public static Text scheduled(AccessRequest r) {
        return Text.of().plain(r.label() + " (" + r.id() + ") is approved and starts at " + starts(r) + " for "
                + Durations.format(r.duration()) + ". Before then jitbot checks again that the request still meets "
                + "the policy; the " + Durations.format(r.duration()) + " run from when Azure grants it. Cancel "
                + "until then with ").command("cancel " + r.id()).plain(".").done();
    }

    /** To the requester when the check at the start refused a scheduled request. */
    public static Text notStarted(AccessRequest r) {
        return Text.plain(r.label() + " (" + r.id() + ") was due to start at " + starts(r) + ", but jitbot did not "
                + "grant it: " + r.note() + " Request it again if you still need it.");
    }

    /** To a workload's owners when it asked for access itself through the API. */
    public static Text awaitingOwners(AccessRequest r) {
        return Text.of().person(r.requester()).plain(" asked for " + r.label() + " for "
                + Durations.format(r.duration()) + " as " + r.id() + " (" + r.principal().type().armName() + " "
                + r.principal().objectId() + "): " + r.justification() + ". It needs " + r.approvalsNeeded()
                + " approval" + (r.approvalsNeeded() == 1 ? "" : "s") + " before ").time(r.decideBy())
                .plain("; approve or deny it on the card.").done();
    }

    /** To a workload's owners when the role reached it. */
    public static Text grantedToOwners(AccessRequest r) {
        return Text.of().plain(r.label() + " is granted to ").person(r.requester()).plain(" until ")
                .time(r.expiresAt()).plain(" (" + Durations.format(r.duration()) + ", " + r.id() + "). On-call can "
                + "end it early with ").command("revoke " + r.id() + " <reason>").plain(".").done();
    }

    /** To the requester: "Bob Jones approved Owner on sub-prod (JIT-42): 1 of 2 approvals so far." */
    public static Text approvedSoFar(AccessRequest r, ChatUser approver) {
        return Text.of().person(approver).plain(" approved " + r.label() + " (" + r.id() + "): " + r.approvals()
                + " of " + r.approvalsNeeded() + " approvals so far.").done();
    }

    /** "Approval counted for Owner on sub-prod (JIT-42): 1 of 3; it needs 2 more, each from a different approver." */
    public static Text approvalCounted(AccessRequest r) {
        long missing = Math.max(0, r.approvalsNeeded() - r.approvals());
        return Text.plain("Approval counted for " + r.label() + " (" + r.id() + "): " + r.approvals() + " of "
                + r.approvalsNeeded() + "; it needs " + (missing == 1 ? "1 more, from another approver"
                : missing + " more, each from a different approver") + ", before it is granted.");
    }

    /** "Contributor on rg-payments (JIT-42) was denied by Bob Jones: not now." */
    public static Text denied(AccessRequest r) {
        Text.Builder b = Text.of().plain(r.label() + " (" + r.id() + ") was denied by ");
        if (r.endedBy() == null) {
            b.plain("an approver");
        } else {
            b.person(r.endedBy());
        }
        return b.plain((r.note() != null ? ": " + r.note() : ".")
                + (r.note() != null && !r.note().endsWith(".") ? "." : "")).done();
    }

    public static Text lapsed(AccessRequest r) {
        return Text.of().plain("Nobody decided " + r.label() + " (" + r.id() + ") by ").time(r.decideBy())
                .plain(", so it lapsed and nothing was granted. Ask again if you still need it.").done();
    }

    public static Text failed(AccessRequest r) {
        return Text.plain("Azure did not grant " + r.label() + " (" + r.id() + "): " + r.note());
    }

    public static Text extended(AccessRequest r) {
        return Text.of().plain(r.label() + " (" + r.id() + ") now lasts until ").time(r.expiresAt()).plain(".").done();
    }

    /** "Contributor on rg-payments (JIT-42) ends at 14:35 UTC. Extend it by 30 min, or release it now." */
    public static Text reminder(AccessRequest r) {
        return Text.of().plain(r.label() + " (" + r.id() + ") ends at ").time(r.expiresAt())
                .plain(". Extend it by 30 min, or release it now if you are done.").done();
    }

    public static Text overdue(AccessRequest r, Instant now) {
        return Text.of().plain(r.label() + " for " + r.principal().displayName() + " (" + r.id() + ") expired at ")
                .preciseTime(r.expiresAt()).plain(" and Azure has not confirmed its removal after "
                + r.revokeAttempts() + " attempts (last error: " + r.note() + "). jitbot keeps retrying; check the "
                + "role assignment on " + r.scope().id() + " by hand. Now ").preciseTime(now).plain(".").done();
    }
}
