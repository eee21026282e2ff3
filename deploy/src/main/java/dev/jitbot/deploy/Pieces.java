package dev.jitbot.deploy;

import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.app.Directory;
import dev.jitbot.core.domain.Policy;
import jakarta.servlet.http.HttpServlet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The one place that names the modules built beside deploy: the JDBC store and Quartz scheduler, the policy
 * loader, the Azure access, and the Slack and Teams modules.
 */
final class Pieces {

    private Pieces() {
    }

    /** A chat platform switched on by the configuration. */
    interface Chat extends AutoCloseable {
        ChatNotifier notifier();

        /** Its HTTP endpoint, or null when it needs none (Slack in Socket Mode). */
        HttpServlet servlet();

        boolean slack();

        void start();

        @Override
        void close();
    }

    /** Problems with the policy file, each naming its line. */
    record PolicyCheck(Policy policy, List<String> errors, List<String> warnings) { }

    static Backend openBackend(Config.Database database) {
        throw new UnsupportedOperationException("the store piece has not landed in main yet");
    }

    static PolicyCheck checkPolicy(Path file) {
        throw new UnsupportedOperationException("the policy piece has not landed in main yet");
    }

    static Policy demoPolicy() {
        throw new UnsupportedOperationException("the policy piece has not landed in main yet");
    }

    /** Loads the policy for serve and the admin commands; prints its errors and returns null when it has any. */
    static Policy loadPolicy(Path file, PrintWriter err) {
        PolicyCheck check = checkPolicy(file);
        if (!check.errors().isEmpty()) {
            err.println(file + " has " + check.errors().size() + " error" + (check.errors().size() == 1 ? "" : "s")
                    + "; fix them (jitbot check " + file + " shows them too):");
            check.errors().forEach(e -> err.println("  " + e));
            return null;
        }
        return check.policy();
    }

    static AccessProvider provider(Config config, Supplier<Policy> policy, Consumer<String> loud) {
        throw new UnsupportedOperationException("the azure piece has not landed in main yet");
    }

    static Directory directory(Config config, Supplier<Policy> policy) {
        throw new UnsupportedOperationException("the azure piece has not landed in main yet");
    }

    static List<Chat> chats(Config config, Core core, Clock clock) {
        return List.of();
    }

    static void reconcileInBackground(Config config, Core core, Supplier<Policy> policy) {
    }

    /** Runs one reconciliation and prints what it did; returns the exit code. */
    static int reconcile(Core core, PrintWriter out) {
        throw new UnsupportedOperationException("the azure piece (Reconciler) has not landed in main yet");
    }
}
