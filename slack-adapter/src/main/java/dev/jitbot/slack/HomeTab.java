package dev.jitbot.slack;

import static com.slack.api.model.block.Blocks.actions;
import static com.slack.api.model.block.Blocks.divider;
import static com.slack.api.model.block.Blocks.header;
import static com.slack.api.model.block.Blocks.section;
import static com.slack.api.model.block.composition.BlockCompositions.markdownText;
import static com.slack.api.model.block.composition.BlockCompositions.plainText;
import static com.slack.api.model.view.Views.view;

import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.element.BlockElement;
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
 * App Home: the person's own grants with time left, the requests waiting for their approval, and for on-call
 * every active grant and pending request; every button is one of the core's actions for the viewer, as it labels
 * it (a row's one button: {@link Action#rowAction}).
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
            blocks.add(row("mine-", r, "*" + Cards.esc(r.label()) + "* `" + r.id() + "` for "
                    + Durations.format(r.duration()) + "\n" + SlackText.mrkdwn(RequestView.line(r, now)), actions.apply(r)));
        }
        blocks.add(divider());
        blocks.add(header(h -> h.text(plainText("Waiting for your approval"))));
        if (awaiting.isEmpty()) {
            blocks.add(section(s -> s.text(markdownText("Nothing waits for you."))));
        }
        for (AccessRequest r : awaiting.stream().limit(MAX_AWAITING).toList()) {
            String what = r.extension() != null ? "extension by " + Durations.format(r.extension().by()) + " of " : "";
            String asks = SlackText.MRKDWN.person(r.requester()) + " asks " + what + "*" + Cards.esc(r.label())
                    + "* for " + Durations.format(r.duration()) + " `" + r.id() + "`\n" + Cards.esc(r.justification());
            blocks.add(section(s -> s.blockId("await-" + r.id()).text(markdownText(asks))));
            // Every button the core gives this approver, as on a card: Approve and Deny (or the extension's).
            List<BlockElement> buttons = actions.apply(r).stream().map(a -> Cards.button(r, a)).toList();
            if (!buttons.isEmpty()) {
                blocks.add(actions(a -> a.blockId("decide-" + r.id()).elements(buttons)));
            }
        }
        if (oncall) {
            blocks.add(divider());
            blocks.add(header(h -> h.text(plainText("On-call: everything open"))));
            if (everyone.isEmpty()) {
                blocks.add(section(s -> s.text(markdownText("No active grants or pending requests."))));
            }
            for (AccessRequest r : everyone.stream().limit(MAX_ROWS).toList()) {
                blocks.add(row("all-", r, "*" + Cards.esc(r.label()) + "* for " + SlackText.MRKDWN.person(r.requester())
                        + " `" + r.id() + "`\n" + SlackText.mrkdwn(RequestView.line(r, now)), actions.apply(r)));
            }
        }
        return view(v -> v.type("home").blocks(blocks));
    }

    /**
     * One block: the row's text with the one button the core gives a list row ({@link Action#rowAction}), if any.
     * {@code section} keeps block ids unique: on-call's own grant is a row of both their list and everyone's, and
     * Slack refuses a view that repeats a block id.
     */
    private static LayoutBlock row(String section, AccessRequest r, String text, Set<Action> may) {
        return Action.rowAction(may).<LayoutBlock>map(a -> section(s -> s.blockId(section + a.verb() + "-" + r.id())
                .text(markdownText(text)).accessory(Cards.button(r, a))))
                .orElseGet(() -> section(s -> s.text(markdownText(text))));
    }
}
