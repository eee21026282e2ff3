package dev.jitbot.deploy;

import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.app.Directory;
import dev.jitbot.core.domain.Policy;
import jakarta.servlet.http.HttpServlet;
import dev.jitbot.core.azure.DryRunAccessProvider;
import dev.jitbot.core.policy.Finding;
import dev.jitbot.core.policy.PolicyDirectory;
import dev.jitbot.core.policy.PolicyLint;
import dev.jitbot.core.policy.PolicyLoader;
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

    /** A policy file checked: the policy (null with errors), its errors and its lint warnings, each naming its line. */
    record PolicyCheck(Policy policy, List<String> errors, List<String> warnings) { }

    static Backend openBackend(Config.Database database) {
        throw new UnsupportedOperationException("the store piece has not landed in main yet");
    }

    static PolicyCheck checkPolicy(Path file) {
        PolicyLoader.Result result = PolicyLoader.load(file);
        if (!result.isOk()) {
            return new PolicyCheck(null, result.errors().stream().map(Finding::toString).toList(), List.of());
        }
        List<String> warnings = PolicyLint.check(result).stream().map(Finding::toString).toList();
        return new PolicyCheck(result.policy(), List.of(), warnings);
    }

    static Policy demoPolicy() {
        return PolicyLoader.demo();
    }

    /** Loads the policy for serve and the admin commands; prints its errors and returns null when it has any. */
    static Policy loadPolicy(Path file, PrintWriter err) {
        PolicyCheck check = checkPolicy(file);
        if (!check.errors().isEmpty()) {
            err.println("The policy " + file + " has " + check.errors().size() + " error"
                    + (check.errors().size() == 1 ? "" : "s") + "; fix them and start again:");
            check.errors().forEach(e -> err.println("  " + e));
            err.flush();
            return null;
        }
        return check.policy();
    }

    /** The bot's Azure side: the provider of the configured mode and its directory. */
    record Azure(AccessProvider provider, Directory directory) { }

    /**
     * Builds the Azure side once: the provider of the configured mode (dry run prints what it would call to
     * {@code dryRunOut}, or logs it when that is null), and the policy's static {@code users:} as directory.
     */
    static Azure azure(Config config, Supplier<Policy> policy, Consumer<String> dryRunOut) {
        if (config.dryRun()) {
            return new Azure(new DryRunAccessProvider(dryRunOut), new PolicyDirectory(policy));
        }
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
