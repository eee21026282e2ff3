package dev.jitbot.teams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.jitbot.core.app.Permissions.Action;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.testing.RenderingContract;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/** Teams draws a card per viewer (Universal Actions refresh): each viewer's card has exactly their actions. */
class TeamsRenderingContractTest extends RenderingContract {

    @Override
    protected String failure(String attempted, Throwable error) {
        return new Words(core.clock).failure(attempted, error);
    }

    @Override
    protected String say(Outcome o) {
        return new Words(core.clock).render(o);
    }

    @Override
    protected String card(AccessRequest r, ChatUser viewer, Set<Action> actions) {
        return Cards.request(r, List.of(), new Cards.View(actions, null, false), core.clock.instant()).toString();
    }

    @Override
    protected Set<Action> drawn(AccessRequest r, ChatUser viewer, Set<Action> actions) {
        JsonNode card = Cards.request(r, List.of(), new Cards.View(actions, null, false), core.clock.instant());
        Set<Action> out = EnumSet.noneOf(Action.class);
        for (JsonNode a : card.path("actions")) {
            // A button that asks for words first shows a card with them: "Deny…", then its own Deny.
            boolean form = a.path("type").asText().equals("Action.ShowCard");
            JsonNode execute = form ? a.at("/card/actions/0") : a;
            String title = a.path("title").asText();
            assertThat(title).isEqualTo(execute.path("title").asText() + (form ? "…" : ""));
            out.add(byLabel(execute.path("verb").asText(), execute.path("title").asText()));
        }
        return out;
    }

    @Override
    protected Set<Action> actionsOnCard(AccessRequest r, ChatUser viewer) {
        return core.service.actionsFor(viewer, r);
    }
}
