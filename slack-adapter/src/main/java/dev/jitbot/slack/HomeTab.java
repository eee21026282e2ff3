package dev.jitbot.slack;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.divider;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.view.Views.view;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.view.View;
import dev.jitbot.core.app.Permissions.Action;
import dev.jitbot.core.app.RequestView;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.Durations;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * App Home: the person's own grants with time left and a Release button, the requests waiting for their
 * approval, and for on-call every active grant and pending request with the button the core gives them (Revoke,
 * Deny, or Stop).
 */
final class HomeTab {

    /** Slack allows 100 blocks in a Home view: at most 25 one-block rows in the two lists, 5 headers and dividers. */
    private static final int MAX_ROWS = 25;
    /** A request waiting for a decision takes two blocks (text, then its buttons): 25 + 2 × 20 + 25 + 5 = 95. */
    static final int MAX_AWAITING = 20;

    private HomeTab() {
    }

    /** @param actions the core's actions for the viewer on each request: the only source of the buttons drawn */
    static View build(List<AccessRequest> mine, List<AccessRequest> awaiting, List<AccessRequest> everyone,
                      boolean oncall, Function<AccessRequest, Set<Action>> actions, Instant now) {
        List<LayoutBlock> blocks = new ArrayList<>();
        blocks.add(header(h -> h.text(plainText("Your access"))));
        if (mine.isEmpty()) {
            blocks.add(section(s -> s.text(markdownText(Cards.esc("No active grants or pending requests. Ask with "
                    + "`/jit` (a form) or `/jit request <role> on <scope> for <duration> because <reason>`.")))));
        }
        for (AccessRequest r : mine.stream().limit(MAX_ROWS).toList()) {
            Set<Action> may = actions.apply(r);
            String text = "*" + Cards.esc(r.label()) + "* `" + r.id() + "` for " + Durations.format(r.duration())
                    + "\n" + SlackText.mrkdwn(RequestView.line(r, now));
            if (may.contains(Action.RELEASE)) {
                blocks.add(row(r, text, Cards.RELEASE, "Release", "danger"));
            } else if (may.contains(Action.CANCEL)) {
                blocks.add(row(r, text, Cards.CANCEL, "Cancel", null));
            } else {
                blocks.add(section(s -> s.text(markdownText(text))));
            }
        }
        blocks.add(divider());
        blocks.add(header(h -> h.text(plainText("Waiting for your approval"))));
        if (awaiting.isEmpty()) {
            blocks.add(section(s -> s.text(markdownText("Nothing waits for you."))));
        }
        for (AccessRequest r : awaiting.stream().limit(MAX_AWAITING).toList()) {
            boolean extension = r.extension() != null && actions.apply(r).contains(Action.APPROVE_EXTENSION);
            String what = extension ? "extension by " + Durations.format(r.extension().by()) + " of " : "";
            String asks = SlackText.MRKDWN.person(r.requester()) + " asks " + what + "*" + Cards.esc(r.label())
                    + "* for " + Durations.format(r.duration()) + " `" + r.id() + "`\n" + Cards.esc(r.justification());
            blocks.add(section(s -> s.blockId("await-" + r.id()).text(markdownText(asks))));
            blocks.add(actions(a -> a.blockId("decide-" + r.id()).elements(List.of(
                    Cards.button(Cards.APPROVE, r.id().value(), "primary", extension ? "Approve extension" : "Approve"),
                    Cards.button(Cards.DENY, r.id().value(), "danger", extension ? "Deny extension" : "Deny")))));
        }
        if (oncall) {
            blocks.add(divider());
            blocks.add(header(h -> h.text(plainText("On-call: everything open"))));
            if (everyone.isEmpty()) {
                blocks.add(section(s -> s.text(markdownText("No active grants or pending requests."))));
            }
            for (AccessRequest r : everyone.stream().limit(MAX_ROWS).toList()) {
                String text = "*" + Cards.esc(r.label()) + "* for " + SlackText.MRKDWN.person(r.requester()) + " `"
                        + r.id() + "`\n" + SlackText.mrkdwn(RequestView.line(r, now));
                Set<Action> may = actions.apply(r);
                if (may.contains(Action.REVOKE)) {
                    blocks.add(row(r, text, Cards.REVOKE, "Revoke", "danger"));
                } else if (may.contains(Action.DENY)) {
                    blocks.add(row(r, text, Cards.DENY, "Deny", "danger"));
                } else if (may.contains(Action.STOP_PENDING)) {
                    // Revoke of a pending request is on-call's stop: it ends it before anyone decides.
                    blocks.add(row(r, text, Cards.REVOKE, "Stop", "danger"));
                } else {
                    blocks.add(section(s -> s.text(markdownText(text))));
                }
            }
        }
        return view(v -> v.type("home").blocks(blocks));
    }

    private static LayoutBlock row(AccessRequest r, String text, String actionId, String label, String style) {
        return section(s -> s.blockId(actionId + "-" + r.id()).text(markdownText(text))
                .accessory(Cards.button(actionId, r.id().value(), style, label)));
    }
}
