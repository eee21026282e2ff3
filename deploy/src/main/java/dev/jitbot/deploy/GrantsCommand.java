package dev.jitbot.deploy;

import dev.jitbot.deploy.console.ConsoleSession;
import dev.jitbot.deploy.console.ConsoleText;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.RequestId;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code grants list|show|revoke}: what is granted and pending, straight from the database. */
@Command(name = "grants", description = "List, show or revoke grants in the configured database.",
        subcommands = {GrantsCommand.ListGrants.class, GrantsCommand.Show.class, GrantsCommand.Revoke.class})
final class GrantsCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", description = "Active grants and pending requests, oldest first.")
    static final class ListGrants extends AdminCommand implements Callable<Integer> {
        @Override
        public Integer call() {
            try (Core core = open(false)) {
                if (core == null) {
                    return Main.REFUSED;
                }
                var open = core.backend.requests().findByState(ConsoleSession.OPEN);
                out.println(ConsoleText.complete(Clock.systemUTC()).render(new Outcome.Listing(open, true)));
                return 0;
            }
        }
    }

    @Command(name = "show", description = "One request with its audit trail.")
    static final class Show extends AdminCommand implements Callable<Integer> {
        @Parameters(paramLabel = "ID", description = "request id, e.g. JIT-7K3F")
        String id;

        @Override
        public Integer call() {
            Parsed<RequestId> rid = RequestId.parse(id);
            if (!rid.isOk()) {
                err.println(rid.reason());
                return Main.REFUSED;
            }
            try (Core core = open(false)) {
                if (core == null) {
                    return Main.REFUSED;
                }
                Optional<AccessRequest> r = core.backend.requests().find(rid.orThrow());
                if (r.isEmpty()) {
                    err.println("No request " + rid.orThrow() + " in " + Config.redactUrl(config().database().url())
                            + "; `jitbot grants list` shows what is open.");
                    return 1;
                }
                out.println(ConsoleText.complete(Clock.systemUTC()).render(
                        new Outcome.Details(r.get(), core.audit.forRequest(rid.orThrow()))));
                java.util.List<dev.jitbot.core.app.WorkItem> work = core.outbox.pending(rid.orThrow());
                out.println(work.isEmpty() ? "Pending work: none." : "Pending work:");
                for (dev.jitbot.core.app.WorkItem w : work) {
                    out.println("  " + w.kind().wireName() + " #" + w.id() + ": " + (w.attempts() == 0 ? "not tried yet"
                            : w.attempts() + " attempt" + (w.attempts() == 1 ? "" : "s")) + ", next at "
                            + w.dueAt() + (w.lastError() != null ? "; last error: " + w.lastError() : ""));
                }
                return 0;
            }
        }
    }

    @Command(name = "revoke", description = "End a grant now, as the on-call person named by --as.")
    static final class Revoke extends AdminCommand implements Callable<Integer> {
        @Parameters(paramLabel = "ID", description = "request id, e.g. JIT-7K3F")
        String id;

        @Option(names = "--as", required = true, paramLabel = "EMAIL",
                description = "who is revoking (on-call, an approver of the rule, or the requester), e.g. carol@contoso.com")
        String as;

        @Option(names = "--reason", required = true, paramLabel = "TEXT", description = "why, for the audit log")
        String reason;

        @Override
        public Integer call() {
            Parsed<RequestId> rid = RequestId.parse(id);
            if (!rid.isOk()) {
                err.println(rid.reason());
                return Main.REFUSED;
            }
            try (Core core = open(true)) {
                if (core == null) {
                    return Main.REFUSED;
                }
                Outcome o = core.service.revoke(cliUser(as), rid.orThrow(), reason);
                String text = ConsoleText.complete(Clock.systemUTC()).render(o);
                if (o instanceof Outcome.Refused) {
                    err.println(text);
                    return 1;
                }
                out.println(text);
                if (!(o instanceof Outcome.Revoking)) {
                    return 0;
                }
                // Run the outbox here too, so the revocation happens now even when no serve process is up; a
                // running replica may take the same item first, which is fine: the item's lease lets one run it.
                core.runner.start();
                long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
                while (System.nanoTime() < deadline) {
                    AccessRequest r = core.backend.requests().find(rid.orThrow()).orElseThrow();
                    if (r.state() == dev.jitbot.core.domain.State.ENDED) {
                        out.println(ConsoleText.complete(Clock.systemUTC()).render(new Outcome.Ended(r)));
                        return 0;
                    }
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
                err.println("Azure has not confirmed the revocation of " + rid.orThrow() + " within 60 s. It stays "
                        + "queued and jitbot serve retries it until Azure confirms; `jitbot grants show "
                        + rid.orThrow() + "` lists its pending work.");
                return 1;
            }
        }
    }
}
