package dev.jitbot.slack;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.context;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.composition.TextObject;
import com.slack.api.model.block.element.BlockElement;
import com.slack.api.model.block.element.BlockElements;
import dev.jitbot.core.app.Digest;
import dev.jitbot.core.app.Permissions;
import dev.jitbot.core.app.Permissions.Action;
import dev.jitbot.core.app.RequestView;
import dev.jitbot.core.domain.Text;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.BlastRadius;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.EndReason;
import dev.jitbot.core.domain.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** How a request looks in Slack: the Block Kit card in the approvals channel, redrawn at every transition. */
final class Cards {

    static final String APPROVE = "jit-approve";
    static final String DENY = "jit-deny";
    static final String REVOKE = "jit-revoke";
    static final String RELEASE = "jit-release";
    static final String CANCEL = "jit-cancel";
    /** Extend by {@link Action#EXTEND_BY} from the reminder DM. */
    static final String EXTEND = "jit-extend";
    /** Review a break-glass grant, from its card in the security channel. */
    static final String REVIEW = "jit-review";

    /**
     * Slack rejects the whole message ({@code invalid_blocks}) when a section or context text passes 3,000
     * characters, and the card would never reach the approvers; quoted text keeps well under that once escaped.
     */
    static final int MAX_QUOTE = 2_500;

    private Cards() {
    }

    /** The card's blocks for the request as it is now, with the core's blast radius (null: none). */
    static List<LayoutBlock> card(AccessRequest r, Instant now, BlastRadius blast) {
        RequestView v = RequestView.of(r, Permissions.onSharedCard(r), blast, List.of(), now);
        List<LayoutBlock> blocks = new ArrayList<>();
        if (r.isBreakGlass()) {
            // Calls on everyone in the security channel when posted; chat.update does not notify again.
            blocks.add(text("jit-breakglass", "<!here> :rotating_light: *Break-glass*: "
                    + SlackText.MRKDWN.person(r.requester()) + " granted " + esc(r.label()) + " to "
                    + esc(r.principal().displayName()) + " *without approval*."));
        }
        blocks.add(text("jit-title", icon(r.state()) + " " + md(v.headline()) + " · `" + r.id() + "`"));
        List<TextObject> fields = new ArrayList<>();
        List<String> members = new ArrayList<>();
        StringBuilder reach = new StringBuilder();
        for (RequestView.Fact f : v.facts()) {
            switch (f.kind()) {
                case JUSTIFICATION, REVIEW -> { }
                case MEMBER -> members.add((f.alarm() ? ":x: " : "• ") + esc(f.label()) + " on " + md(f.value()));
                case BLAST_RADIUS -> reach.append(f.alarm() ? ":rotating_light: " : ":mag: ").append(md(f.value()));
                case WARNING -> reach.append("\n").append(md(f.value()));
                default -> fields.add(field(f.label(), md(f.value())));
            }
        }
        // Slack allows ten fields in a section; the approvals go after the request's own facts.
        fields.add(Math.min(fields.size(), 9), field("Approvals", md(v.approvals().text())));
        blocks.add(section(s -> s.blockId("jit-fields").fields(fields.subList(0, Math.min(fields.size(), 10)))));
        if (!members.isEmpty()) {
            blocks.add(text("jit-members", "*Members*\n" + clip(String.join("\n", members), MAX_QUOTE)));
        }
        for (RequestView.Fact f : v.facts(RequestView.Kind.JUSTIFICATION)) {
            blocks.add(text("jit-why", "*" + esc(f.label()) + "*\n" + clip(md(f.value()), MAX_QUOTE)));
        }
        if (reach.length() > 0) {
            blocks.add(note("jit-blast", clip(reach.toString(), MAX_QUOTE)));
        }
        blocks.add(note("jit-status", clip(md(v.status()), MAX_QUOTE)));
        for (RequestView.Fact f : v.facts(RequestView.Kind.REVIEW)) {
            blocks.add(note("jit-review-status", (f.alarm() ? ":eyes: " : ":white_check_mark: ")
                    + clip(md(f.value()), MAX_QUOTE)));
        }
        List<BlockElement> buttons = buttons(r, v.actions());
        if (!buttons.isEmpty()) {
            blocks.add(actions(a -> a.blockId("jit-actions").elements(buttons)));
        }
        return blocks;
    }

    private static String md(Text t) {
        return SlackText.mrkdwn(t);
    }

    private static LayoutBlock text(String blockId, String mrkdwn) {
        return section(s -> s.blockId(blockId).text(markdownText(mrkdwn)));
    }

    /** A context line (Slack's small grey text) of one mrkdwn text. */
    private static LayoutBlock note(String blockId, String mrkdwn) {
        return context(c -> c.blockId(blockId).elements(List.of(markdownText(mrkdwn))));
    }

    /** A section field: the label in bold over the value. */
    private static TextObject field(String label, String mrkdwn) {
        return markdownText("*" + esc(label) + "*\n" + mrkdwn);
    }

    /** The buttons of the channel's card: one message all members see alike, so the core's shared-card actions. */
    private static List<BlockElement> buttons(AccessRequest r, Set<Action> shared) {
        return shared.stream().map(a -> button(r, a)).toList();
    }

    /** The button for {@code a} on {@code r}, as the core labels it; its action id is {@code jit-} and the verb. */
    static BlockElement button(AccessRequest r, Action a) {
        String style = switch (a.look()) {
            case PRIMARY -> "primary";
            case DANGER -> "danger";
            case PLAIN -> null;
        };
        return BlockElements.button(b -> b.actionId("jit-" + a.verb()).value(r.id().value()).style(style)
                .text(plainText(a.label())));
    }

    /**
     * A report card (the scheduled scan's digest, the eligibility review): the title, the counts as fields, one
     * section per line, and the closing sentence. Every text is escaped: findings quote names from Azure.
     */
    static List<LayoutBlock> digest(Digest d) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(text("jit-digest-title", ":shield: *" + esc(d.title()) + "*"));
        if (!d.facts().isEmpty()) {
            // Slack allows ten fields in a section.
            List<TextObject> fields = d.facts().stream().limit(10).map(f -> field(f.label(), esc(f.value()))).toList();
            blocks.add(section(s -> s.blockId("jit-digest-counts").fields(fields)));
        }
        for (int i = 0; i < d.items().size(); i++) {
            blocks.add(text("jit-digest-" + i, clip(esc(d.items().get(i)), MAX_QUOTE)));
        }
        if (!d.footer().isEmpty()) {
            blocks.add(note("jit-digest-footer", clip(esc(d.footer()), MAX_QUOTE)));
        }
        return blocks;
    }

    /** The DM before a grant ends: the sentence and the two buttons, Extend 30m and Release now. */
    static List<LayoutBlock> reminder(AccessRequest r, String text) {
        return List.of(Cards.text("jit-reminder", ":alarm_clock: " + esc(text)),
                actions(a -> a.blockId("jit-reminder-actions").elements(List.of(button(r, Action.EXTEND),
                        button(r, Action.RELEASE)))));
    }

    private static String icon(State s) {
        return switch (s) {
            case PENDING, SCHEDULED -> ":lock:";
            case ACTIVATING, ACTIVE -> ":unlock:";
            case REVOKING, ENDED -> ":checkered_flag:";
            case DENIED, CANCELLED, LAPSED, FAILED -> ":no_entry_sign:";
        };
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
