package dev.jitbot.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.slack.api.model.block.ActionsBlock;
import com.slack.api.model.block.LayoutBlock;
import com.slack.api.model.block.element.BlockElement;
import com.slack.api.model.block.element.ButtonElement;
import com.slack.api.util.json.GsonFactory;
import dev.jitbot.core.app.Permissions.Action;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.testing.RenderingContract;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Slack's channel card is one message every member sees: it carries the core's shared-card actions. */
class SlackRenderingContractTest extends RenderingContract {

    @Override
    protected String person(ChatUser u) {
        return "<@" + u.id() + ">";
    }

    @Override
    protected String command(String line) {
        return "/jit " + line.replace("<", "&lt;").replace(">", "&gt;");
    }

    @Override
    protected String failure(String attempted, Throwable error) {
        return new Replies(core.clock).failure(attempted, error);
    }

    @Override
    protected String say(Outcome o) {
        return new Replies(core.clock).render(o);
    }

    @Override
    protected String card(AccessRequest r, ChatUser viewer, Set<Action> actions) {
        // Gson writes < and > as \u003c and \u003e; read them back so a mention is found as Slack shows it.
        return GsonFactory.createSnakeCase().toJson(Cards.card(r, core.clock.instant(), null)).replace("\\u003c", "<")
                .replace("\\u003e", ">");
    }

    @Override
    protected Set<Action> drawn(AccessRequest r, ChatUser viewer, Set<Action> actions) {
        List<LayoutBlock> blocks = Cards.card(r, core.clock.instant(), null);
        Set<Action> out = EnumSet.noneOf(Action.class);
        for (LayoutBlock b : blocks) {
            if (!(b instanceof ActionsBlock a)) {
                continue;
            }
            for (BlockElement e : a.getElements()) {
                ButtonElement button = (ButtonElement) e;
                assertThat(button.getActionId()).startsWith("jit-");
                out.add(byLabel(button.getActionId().substring(4), button.getText().getText()));
            }
        }
        return out;
    }

    @Override
    protected Set<Action> actionsOnCard(AccessRequest r, ChatUser viewer) {
        return shared(r);
    }
}
