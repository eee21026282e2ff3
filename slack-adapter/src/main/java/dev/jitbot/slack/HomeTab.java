package dev.jitbot.slack;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.divider;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.block.element.BlockElements.button;
import static com.slack.api.model.view.Views.view;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.view.View;
import dev.jitbot.core.app.Phrases;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.State;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * App Home: the person's own grants with time left and a Release button, the requests waiting for their
 * approval, and for on-call every active grant and pending request with a Revoke button.
 */
final class HomeTab {

    /** Slack allows 100 blocks in a Home view: at most 25 one-block rows in the two lists, 5 headers and dividers. */
    private static final int MAX_ROWS = 25;
    /** A request waiting for a decision takes two blocks (text, then its buttons): 25 + 2 × 20 + 25 + 5 = 95. */
    static final int MAX_AWAITING = 20;

    private HomeTab() {
    }

    static View build(List<AccessRequest> mine, List<AccessRequest> awaiting, List<AccessRequest> everyone,
                      boolean oncall, java.util.function.Predicate<AccessRequest> mayDeny, Instant now) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(header(h -> h.text(plainText("Your access"))));
        if (mine.isEmpty()) {
            blocks.add(section(s -> s.text(markdownText(Cards.esc("No active grants or pending requests. Ask with "
                    + "`/jit` (a form) or `/jit request <role> on <scope> for <duration> because <reason>`.")))));
        }
        for (AccessRequest r : limit(mine, MAX_ROWS)) {
            if (r.state() == State.ACTIVE) {
                blocks.add(row(r, "*" + Cards.esc(r.label()) + "* `" + r.id() + "`\nActive until "
                        + Phrases.time(r.expiresAt()) + " · " + Cards.left(r, now) + " left", Cards.RELEASE, "Release",
                        "danger"));
            } else if (r.state() == State.PENDING) {
                blocks.add(row(r, "*" + Cards.esc(r.label()) + "* `" + r.id() + "` for " + Durations.format(r.duration())
                        + "\nWaiting for approval (" + r.approvals() + " of " + r.approvalsNeeded() + ")",
                        Cards.CANCEL, "Cancel", null));
            } else if (r.state() == State.SCHEDULED) {
                blocks.add(row(r, "*" + Cards.esc(r.label()) + "* `" + r.id() + "` for " + Durations.format(r.duration())
                        + "\nApproved · starts at " + Cards.esc(Phrases.starts(r)), Cards.CANCEL, "Cancel", null));
            } else {
                blocks.add(section(s -> s.text(markdownText("*" + Cards.esc(r.label()) + "* `" + r.id() + "` — "
                        + r.state().label()))));
            }
        }
        blocks.add(divider());
        blocks.add(header(h -> h.text(plainText("Waiting for your approval"))));
        if (awaiting.isEmpty()) {
            blocks.add(section(s -> s.text(markdownText("Nothing waits for you."))));
        }
        for (AccessRequest r : limit(awaiting, MAX_AWAITING)) {
            String what = r.state() == State.ACTIVE && r.extension() != null
                    ? "extension by " + Durations.format(r.extension().by()) + " of " : "";
            blocks.add(section(s -> s.blockId("await-" + r.id()).text(markdownText(Cards.who(r.requester()) + " asks "
                    + what + "*" + Cards.esc(r.label()) + "* for " + Durations.format(r.duration()) + " `" + r.id()
                    + "`\n" + Cards.esc(r.justification())))));
            blocks.add(actions(a -> a.blockId("decide-" + r.id()).elements(List.of(
                    button(b -> b.actionId(Cards.APPROVE).value(r.id().value()).style("primary")
                            .text(plainText("Approve"))),
                    button(b -> b.actionId(Cards.DENY).value(r.id().value()).style("danger")
                            .text(plainText("Deny")))))));
        }
        if (oncall) {
            blocks.add(divider());
            blocks.add(header(h -> h.text(plainText("On-call: everything open"))));
            if (everyone.isEmpty()) {
                blocks.add(section(s -> s.text(markdownText("No active grants or pending requests."))));
            }
            for (AccessRequest r : limit(everyone, MAX_ROWS)) {
                String state = r.state() == State.ACTIVE ? "active until " + Phrases.time(r.expiresAt()) + " · "
                        + Cards.left(r, now) + " left" : r.state().label();
                String text = "*" + Cards.esc(r.label()) + "* for " + Cards.who(r.requester()) + " `" + r.id() + "`\n"
                        + state;
                if (r.state() == State.ACTIVE || r.state() == State.ACTIVATING) {
                    blocks.add(row(r, text, Cards.REVOKE, "Revoke", "danger"));
                } else if (r.state() == State.PENDING && mayDeny.test(r)) {
                    // On-call may revoke anything, but only the rule's approvers may deny: the core decides.
                    blocks.add(row(r, text, Cards.DENY, "Deny", "danger"));
                } else {
                    blocks.add(section(s -> s.text(markdownText(text))));
                }
            }
        }
        return view(v -> v.type("home").blocks(blocks));
    }

    private static LayoutBlock row(AccessRequest r, String text, String actionId, String label, String style) {
        return section(s -> s.blockId(actionId + "-" + r.id()).text(markdownText(text))
                .accessory(button(b -> b.actionId(actionId).value(r.id().value()).style(style).text(plainText(label)))));
    }

    private static List<AccessRequest> limit(List<AccessRequest> rows, int max) {
        return rows.size() <= max ? rows : rows.subList(0, max);
    }
}
