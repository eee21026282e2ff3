package dev.jitbot.teams;

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
            String title = a.path("title").asText();
            String verb = a.path("type").asText().equals("Action.ShowCard")
                    ? a.at("/card/actions/0/verb").asText() : a.path("verb").asText();
            out.add(switch (verb) {
                case Cards.VERB_APPROVE -> title.contains("extension") ? Action.APPROVE_EXTENSION : Action.APPROVE;
                case Cards.VERB_DENY -> title.contains("extension") ? Action.DENY_EXTENSION : Action.DENY;
                case Cards.VERB_REVOKE -> title.startsWith("Stop") ? Action.STOP_PENDING : Action.REVOKE;
                case Cards.VERB_CANCEL -> Action.CANCEL;
                case Cards.VERB_RELEASE -> Action.RELEASE;
                case Cards.VERB_EXTEND -> Action.EXTEND;
                case Cards.VERB_REVIEW -> Action.REVIEW;
                default -> throw new AssertionError("a button the core does not know: " + a);
            });
        }
        return out;
    }

    @Override
    protected Set<Action> actionsOnCard(AccessRequest r, ChatUser viewer) {
        return core.service.actionsFor(viewer, r);
    }
}
