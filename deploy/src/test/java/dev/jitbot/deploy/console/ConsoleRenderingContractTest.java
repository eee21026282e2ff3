package dev.jitbot.deploy.console;

import dev.jitbot.core.app.Permissions.Action;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.testing.RenderingContract;
import java.util.EnumSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The console prints one card for the channel: the deciders' commands, then the typist's own. */
class ConsoleRenderingContractTest extends RenderingContract {

    /** A command with its button's label: "`deny JIT-7K3F <reason>` (Deny)". */
    private static final Pattern COMMAND = Pattern.compile("`([a-z]+) JIT-7K3F[^`]*` \\(([^)]+)\\)");

    private ConsoleText text(ChatUser viewer) {
        return new ConsoleText(core.clock).withViewerActions(r -> core.service.actionsFor(viewer, r));
    }

    @Override
    protected String failure(String attempted, Throwable error) {
        return new ConsoleText(core.clock).failure(attempted, error);
    }

    @Override
    protected String say(Outcome o) {
        return new ConsoleText(core.clock).render(o);
    }

    @Override
    protected String card(AccessRequest r, ChatUser viewer, Set<Action> actions) {
        return text(viewer).card(r);
    }

    @Override
    protected Set<Action> drawn(AccessRequest r, ChatUser viewer, Set<Action> actions) {
        Set<Action> out = EnumSet.noneOf(Action.class);
        Matcher m = COMMAND.matcher(text(viewer).card(r));
        while (m.find()) {
            out.add(byLabel(m.group(1), m.group(2)));
        }
        return out;
    }

    @Override
    protected Set<Action> actionsOnCard(AccessRequest r, ChatUser viewer) {
        Set<Action> out = EnumSet.noneOf(Action.class);
        out.addAll(shared(r));
        out.addAll(core.service.actionsFor(viewer, r));
        return out;
    }
}
