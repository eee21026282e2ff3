package dev.jitbot.deploy.console;

import dev.jitbot.core.app.Permissions;
import dev.jitbot.core.app.Permissions.Action;
import dev.jitbot.core.app.Failures;
import dev.jitbot.core.app.Messages;
import dev.jitbot.core.app.RequestView;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.Text;
import dev.jitbot.core.domain.Outcome;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * Draws the core's outcome messages and request views as plain text lines: where Slack shows a button, the console
 * shows the command to type ({@code approve JIT-7K3F}).
 */
public final class ConsoleText {

    private final Clock clock;
    private final Messages messages;
    private volatile java.util.function.Function<AccessRequest, dev.jitbot.core.domain.BlastRadius> blast = r -> null;

    public ConsoleText(Clock clock) {
        this(clock, new Messages(clock));
    }

    private ConsoleText(Clock clock, Messages messages) {
        this.clock = clock;
        this.messages = messages;
    }

    /** For a terminal report (the admin CLI): every row of a list and every event of an audit trail. */
    public static ConsoleText complete(Clock clock) {
        return new ConsoleText(clock, new Messages(clock, Integer.MAX_VALUE));
    }

    private volatile java.util.function.Function<AccessRequest, java.util.Set<Action>> yours = r -> java.util.Set.of();

    /** Adds what the person at the keyboard may do to each card (the core's {@code actionsFor}) from now on. */
    public ConsoleText withViewerActions(java.util.function.Function<AccessRequest, java.util.Set<Action>> actions) {
        this.yours = java.util.Objects.requireNonNull(actions, "actions");
        return this;
    }

    /** Draws the core's blast radius line on every card from now on. */
    public ConsoleText withBlastRadius(java.util.function.Function<AccessRequest, dev.jitbot.core.domain.BlastRadius> b) {
        this.blast = java.util.Objects.requireNonNull(b, "blast");
        return this;
    }

    /** What came of a command, as the core words it ({@link Messages}), in plain text. */
    public String render(Outcome o) {
        if (o instanceof Outcome.Help h) {
            return messages.help(h).render(Text.PLAIN) + "\nConsole only: `/as <user>` switches who is typing; `last` "
                    + "or `$last` stands for the newest request id; `/quit` ends.";
        }
        if (o instanceof Outcome.Details d) {
            return card(d.request(), d.events());
        }
        return messages.of(o).render(Text.PLAIN);
    }

    /** Logs {@code error} under a fresh event id and returns what the person sees ({@link Failures}), in plain text. */
    public String failure(String attempted, Throwable error) {
        return Failures.of(attempted, error).text().render(Text.PLAIN);
    }

    /** The request card: what is asked, by whom, where it stands, and the commands that act on it. */
    public String card(AccessRequest r) {
        return card(r, List.of());
    }

    private String card(AccessRequest r, List<dev.jitbot.core.domain.AuditEvent> events) {
        RequestView v = RequestView.of(r, yours.apply(r), blast.apply(r), events, clock.instant());
        List<String> lines = new ArrayList<>();
        lines.add("┌ " + r.id() + "  " + v.headline() + "  [" + r.state().label() + "]");
        lines.add("│ " + v.status());
        lines.add("│ approvals: " + v.approvals().text());
        for (RequestView.Fact f : v.facts()) {
            lines.add("│ " + (f.kind() == RequestView.Kind.WARNING ? "" : f.label().toLowerCase(java.util.Locale.ROOT)
                    + ": ") + f.value());
        }
        String buttons = buttons(r, v.actions());
        if (!buttons.isEmpty()) {
            lines.add("│ type: " + buttons);
        }
        v.history().forEach(h -> lines.add("│ " + h));
        lines.add("└");
        return String.join("\n", lines);
    }

    /** The commands for the channel's deciders (the core's shared-card actions), then the viewer's own. */
    private static String buttons(AccessRequest r, java.util.Set<Action> mine) {
        java.util.Set<Action> shared = Permissions.onSharedCard(r);
        String forDeciders = String.join("  ", shared.stream().map(a -> command(a, r)).toList());
        String forYou = String.join("  ", mine.stream().filter(a -> !shared.contains(a)).map(a -> command(a, r)).toList());
        return forDeciders + (forDeciders.isEmpty() || forYou.isEmpty() ? "" : " (approvers, on-call) · you: ")
                + forYou;
    }

    /** The command that does what the button would, with the button's label: "`deny JIT-7K3F <reason>` (Deny)". */
    private static String command(Action a, AccessRequest r) {
        return "`" + a.command(r.id()) + "` (" + a.label() + ")";
    }
}
