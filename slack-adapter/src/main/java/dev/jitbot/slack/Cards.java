package dev.jitbot.slack;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.TextObject;
import com.slack.api.model.block.element.BlockElement;
import dev.jitbot.core.app.Permissions;
import dev.jitbot.core.app.Permissions.Action;
import dev.jitbot.core.app.Phrases;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.BlastRadius;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.EndReason;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.StartTime;
import dev.jitbot.core.domain.State;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** How a request looks in Slack: the Block Kit card in the approvals channel, redrawn at every transition. */
final class Cards {

    static final String APPROVE = "jit-approve";
    static final String DENY = "jit-deny";
    static final String REVOKE = "jit-revoke";
    static final String RELEASE = "jit-release";
    static final String CANCEL = "jit-cancel";
    /** Extend by {@link #REMINDER_EXTENSION} from the reminder DM. */
    static final String EXTEND = "jit-extend";
    /** Review a break-glass grant, from its card in the security channel. */
    static final String REVIEW = "jit-review";
    static final java.time.Duration REMINDER_EXTENSION = java.time.Duration.ofMinutes(30);

    /**
     * Slack rejects the whole message ({@code invalid_blocks}) when a section or context text passes 3,000
     * characters, and the card would never reach the approvers; quoted text keeps well under that once escaped.
     */
    static final int MAX_QUOTE = 2_500;

    private Cards() {
    }

    /** The card's blocks for the request as it is now, without a blast radius line. */
    static List<LayoutBlock> card(AccessRequest r, Instant now) {
        return card(r, now, null);
    }

    /** The card's blocks for the request as it is now, with the core's blast radius (null: none). */
    static List<LayoutBlock> card(AccessRequest r, Instant now, BlastRadius blast) {
        List<LayoutBlock> blocks = new ArrayList<>();
        if (r.isBreakGlass()) {
            // Calls on everyone in the security channel when posted; chat.update does not notify again.
            blocks.add(section(s -> s.blockId("jit-breakglass").text(markdownText("<!here> :rotating_light: "
                    + "*Break-glass*: " + who(r.requester()) + " granted " + esc(r.label()) + " to "
                    + esc(r.principal().displayName()) + " *without approval*."))));
        }
        blocks.add(section(s -> s.blockId("jit-title").text(markdownText(icon(r.state()) + " *" + esc(r.label())
                + "* for " + Durations.format(r.duration()) + " · `" + r.id() + "`"))));
        List<TextObject> fields = new ArrayList<>();
        fields.add(markdownText("*Requester*\n" + who(r.requester())));
        fields.add(markdownText("*Principal*\n" + esc(r.principal().displayName())
                + (r.onBehalf() ? " (" + r.principal().type().armName() + ")" : "")));
        if (r.isBundle()) {
            fields.add(markdownText("*Bundle*\n" + esc(r.bundle().name()) + " (" + r.bundle().members().size()
                    + " roles)"));
        } else {
            fields.add(markdownText("*Role*\n" + esc(r.role().name())));
            fields.add(markdownText("*Scope*\n" + esc(r.scopeLabel())
                    + (r.scopeLabel().equals(r.scope().id()) ? "" : "\n`" + r.scope().id() + "`")));
        }
        fields.add(markdownText("*Duration*\n" + Durations.format(r.duration())));
        if (r.startsAt() != null) {
            fields.add(markdownText("*Starts*\n" + Phrases.starts(r)));
        }
        fields.add(markdownText("*Approvals*\n" + approvals(r)));
        if (r.ticket() != null) {
            fields.add(markdownText("*Ticket*\n" + esc(r.ticket())));
        }
        blocks.add(section(s -> s.blockId("jit-fields").fields(fields)));
        if (r.isBundle()) {
            String members = clip(r.bundle().members().stream().map(m -> (m.refusal() != null ? ":x: " : "• ")
                    + esc(m.label()) + (m.scopeLabel().equals(m.scope().id()) ? "" : " `" + m.scope().id() + "`")
                    + (m.refusal() != null ? " — failed" : "")).collect(Collectors.joining("\n")), MAX_QUOTE);
            blocks.add(section(s -> s.blockId("jit-members").text(markdownText("*Members*\n" + members))));
        }
        blocks.add(section(s -> s.blockId("jit-why").text(markdownText("*Justification*\n"
                + clip(esc(r.justification()), MAX_QUOTE)))));
        if (blast != null) {
            StringBuilder line = new StringBuilder((blast.risky() ? ":rotating_light: " : ":mag: ") + esc(blast.line()));
            blast.warnings().forEach(w -> line.append("\n:warning: ").append(esc(w)));
            String text = clip(line.toString(), MAX_QUOTE);
            blocks.add(context(c -> c.blockId("jit-blast").elements(List.of(markdownText(text)))));
        }
        blocks.add(context(c -> c.blockId("jit-status").elements(List.of(markdownText(status(r, now))))));
        if (r.isBreakGlass()) {
            blocks.add(context(c -> c.blockId("jit-review-status").elements(List.of(markdownText(review(r))))));
        }
        List<BlockElement> buttons = buttons(r);
        if (!buttons.isEmpty()) {
            blocks.add(actions(a -> a.blockId("jit-actions").elements(buttons)));
        }
        return blocks;
    }

    /** The buttons of the channel's card: one message all members see alike, so the core's shared-card actions. */
    private static List<BlockElement> buttons(AccessRequest r) {
        String id = r.id().value();
        List<BlockElement> out = new ArrayList<>();
        for (Action a : Permissions.onSharedCard(r)) {
            switch (a) {
                case APPROVE -> out.add(button(b -> b.actionId(APPROVE).value(id).style("primary").text(plainText("Approve"))));
                case DENY -> out.add(button(b -> b.actionId(DENY).value(id).style("danger").text(plainText("Deny"))));
                case APPROVE_EXTENSION -> out.add(button(b -> b.actionId(APPROVE).value(id).style("primary")
                        .text(plainText("Approve extension"))));
                case DENY_EXTENSION -> out.add(button(b -> b.actionId(DENY).value(id).style("danger")
                        .text(plainText("Deny extension"))));
                case REVOKE -> out.add(button(b -> b.actionId(REVOKE).value(id).style("danger").text(plainText("Revoke"))));
                case REVIEW -> out.add(button(b -> b.actionId(REVIEW).value(id).style("primary").text(plainText("Review"))));
                default -> {
                    // The requester's own actions (cancel, release, extend) live in their DMs and App Home.
                }
            }
        }
        return out;
    }

    /**
     * A report card (the scheduled scan's digest, the eligibility review): the title, the counts as fields, one
     * section per line, and the closing sentence. Every text is escaped: findings quote names from Azure.
     */
    static List<LayoutBlock> digest(dev.jitbot.core.app.Digest d) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(section(s -> s.blockId("jit-digest-title").text(markdownText(":shield: *" + esc(d.title()) + "*"))));
        if (!d.facts().isEmpty()) {
            List<TextObject> fields = new ArrayList<>();
            // Slack allows ten fields in a section.
            d.facts().stream().limit(10).forEach(f -> fields.add(markdownText("*" + esc(f.label()) + "*\n"
                    + esc(f.value()))));
            blocks.add(section(s -> s.blockId("jit-digest-counts").fields(fields)));
        }
        int i = 0;
        for (String item : d.items()) {
            String id = "jit-digest-" + (i++);
            blocks.add(section(s -> s.blockId(id).text(markdownText(clip(esc(item), MAX_QUOTE)))));
        }
        if (!d.footer().isEmpty()) {
            blocks.add(context(c -> c.blockId("jit-digest-footer").elements(List.of(markdownText(
                    clip(esc(d.footer()), MAX_QUOTE))))));
        }
        return blocks;
    }

    /** The DM before a grant ends: the sentence and the two buttons, Extend 30m and Release now. */
    static List<LayoutBlock> reminder(AccessRequest r, String text) {
        String id = r.id().value();
        return List.of(section(s -> s.blockId("jit-reminder").text(markdownText(":alarm_clock: " + esc(text)))),
                actions(a -> a.blockId("jit-reminder-actions").elements(List.of(
                        button(b -> b.actionId(EXTEND).value(id).style("primary").text(plainText("Extend 30m"))),
                        button(b -> b.actionId(RELEASE).value(id).text(plainText("Release now")))))));
    }

    /** Whether a break-glass grant was reviewed, by whom and with what note. */
    static String review(AccessRequest r) {
        if (!r.breakGlass().reviewed()) {
            return ":eyes: *Unreviewed*: someone other than " + who(r.requester()) + " must review it (Review, or "
                    + "`/jit review " + r.id() + " <note>`).";
        }
        return ":white_check_mark: Reviewed by " + who(r.breakGlass().reviewer()) + " at "
                + Phrases.time(r.breakGlass().reviewedAt()) + ": " + clip(esc(r.breakGlass().note()), MAX_QUOTE);
    }

    /** One line that says where the request stands and what happens next. */
    static String status(AccessRequest r, Instant now) {
        String approvedBy = r.autoApproval() != null ? "Auto-approved: " + esc(r.autoApproval()) + " · "
                : r.approvers().isEmpty() ? "" : "Approved by " + names(r.approvers()) + " · ";
        return switch (r.state()) {
            case PENDING -> ":hourglass_flowing_sand: Waiting for " + (r.approvalsNeeded() - r.approvals())
                    + " more approval" + (r.approvalsNeeded() - r.approvals() == 1 ? "" : "s") + " until "
                    + (r.startsAt() != null ? StartTime.show(r.decideBy(), r.startZone()) : Phrases.time(r.decideBy()))
                    + (r.approvals() > 0 ? " · approved so far by " + names(r.approvers()) : "")
                    + (r.startsAt() != null ? " · starts at " + Phrases.starts(r) : "");
            case SCHEDULED -> (r.approvalsNeeded() == 0 ? "Auto-approved by rule \"" + esc(r.ruleName()) + "\" · "
                    : approvedBy) + ":calendar: Starts at " + Phrases.starts(r) + "; checked again then, and nothing "
                    + "is granted before it.";
            case ACTIVATING -> approvedBy + "Granting in Azure…";
            case ACTIVE -> (r.approvalsNeeded() == 0 && r.autoApproval() == null ? "Auto-approved by rule \"" + esc(r.ruleName()) + "\" · " : approvedBy)
                    + ":large_green_circle: Active until " + Phrases.time(r.expiresAt()) + " (" + left(r, now) + " left)"
                    + (r.extension() != null ? " · extension by " + Durations.format(r.extension().by())
                    + " waiting for approval" : "");
            case REVOKING -> approvedBy + "Revoking" + (r.endReason() == null ? "" : " (" + r.endReason().words() + ")")
                    + "… jitbot retries until Azure confirms.";
            case ENDED -> approvedBy + "Ended: " + esc(Phrases.ended(r));
            case DENIED -> ":no_entry: Denied by " + (r.endedBy() == null ? "an approver" : who(r.endedBy()))
                    + (r.note() != null ? ": " + clip(esc(r.note()), MAX_QUOTE) : "");
            case CANCELLED -> "Cancelled by " + who(r.requester()) + ".";
            case LAPSED -> "Lapsed: nobody decided by " + Phrases.time(r.decideBy()) + "; nothing was granted.";
            case FAILED -> ":x: Azure did not grant it" + (r.note() != null ? ": " + clip(esc(r.note()), MAX_QUOTE) : ".");
        };
    }

    private static String icon(State s) {
        return switch (s) {
            case PENDING, SCHEDULED -> ":lock:";
            case ACTIVATING, ACTIVE -> ":unlock:";
            case REVOKING, ENDED -> ":checkered_flag:";
            case DENIED, CANCELLED, LAPSED, FAILED -> ":no_entry_sign:";
        };
    }

    private static String approvals(AccessRequest r) {
        if (r.approvalsNeeded() == 0) {
            return "not needed (auto-approved)";
        }
        if (r.autoApproval() != null) {
            return "auto-approved: " + esc(r.autoApproval());
        }
        return Math.min(r.approvals(), r.approvalsNeeded()) + " of " + r.approvalsNeeded()
                + (r.approvers().isEmpty() ? "" : " (" + names(r.approvers()) + ")");
    }

    static String left(AccessRequest r, Instant now) {
        Duration d = r.timeLeft(now);
        if (d == null) {
            return "no time";
        }
        return Durations.format(Duration.ofSeconds(Math.max(d.toMinutes() * 60, Math.min(d.getSeconds(), 59))));
    }

    /** The plain text Slack shows in notifications and to screen readers. */
    static String fallback(AccessRequest r) {
        if (r.isBreakGlass()) {
            return "Break-glass: " + r.label() + " for " + Durations.format(r.duration()) + " taken without approval "
                    + "by " + r.requester().displayName() + " (" + r.id() + "): " + r.state().label()
                    + (r.breakGlass().reviewed() ? ", reviewed" : ", unreviewed");
        }
        String end = r.state() == State.ENDED && r.endReason() == EndReason.EXPIRED ? " (expired)" : "";
        return r.label() + " for " + Durations.format(r.duration()) + " requested by " + r.requester().displayName()
                + " (" + r.id() + "): " + r.state().label() + end;
    }

    static String who(ChatUser u) {
        return u.platform() == Platform.SLACK ? "<@" + u.id() + ">" : esc(u.displayName());
    }

    private static String names(List<ChatUser> users) {
        return users.stream().map(Cards::who).collect(Collectors.joining(", "));
    }

    /** {@code escaped} cut to at most {@code max} characters with an ellipsis, never in the middle of an entity. */
    static String clip(String escaped, int max) {
        if (escaped.length() <= max) {
            return escaped;
        }
        String cut = escaped.substring(0, max - 1);
        int amp = cut.lastIndexOf('&');
        if (amp >= 0 && cut.indexOf(';', amp) < 0) {
            cut = cut.substring(0, amp);
        }
        return cut + "…";
    }

    /** Escapes the three characters Slack's mrkdwn treats as control characters. */
    static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
