package dev.jitbot.deploy;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Compares Azure with the store once: revokes orphaned jitbot assignments, closes grants Azure no longer holds. */
@Command(name = "reconcile", description = {"Compare Azure's jitbot-tagged role assignments with the database:",
        "revoke assignments no request accounts for; close grants that vanished from Azure."})
final class ReconcileCommand extends AdminCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        if (config().dryRun()) {
            err.println("reconcile compares Azure's role assignments with the database, and JITBOT_AZURE_MODE is "
                    + "dry-run (or no Azure identity is configured): there is no Azure to compare with. Set the bot's "
                    + "identity (AZURE_TENANT_ID, AZURE_CLIENT_ID, ...) and run it again.");
            return Main.REFUSED;
        }
        try (Core core = open(true)) {
            if (core == null) {
                return Main.REFUSED;
            }
            return Pieces.reconcile(core, out);
        }
    }
}
