package dev.jitbot.deploy;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** Compares Azure with the store once: revokes orphaned jitbot assignments, closes grants Azure no longer holds. */
@Command(name = "reconcile", description = {"Compare Azure's jitbot-tagged role assignments with the database:",
        "revoke assignments no request accounts for; close grants that vanished from Azure."})
final class ReconcileCommand extends AdminCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        try (Core core = open(true)) {
            if (core == null) {
                return Main.REFUSED;
            }
            return Pieces.reconcile(core, out);
        }
    }
}
