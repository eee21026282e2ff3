package dev.jitbot.deploy;

import dev.jitbot.core.app.AuditLog;
import java.io.BufferedWriter;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code audit verify} proves the hash chain unbroken; {@code audit export} writes it as JSON Lines;
 * {@code audit breakglass} lists break-glass grants and whether someone reviewed them.
 */
@Command(name = "audit", description = "Verify or export the audit trail, or list break-glass grants, in the "
        + "configured database.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Export.class, BreakGlassAudit.class})
final class AuditCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "verify", description = "Recompute the hash chain; exit 1 if any row was changed or removed.")
    static final class Verify extends AdminCommand implements Callable<Integer> {
        @Override
        public Integer call() {
            try (Core core = open(false)) {
                if (core == null) {
                    return Main.REFUSED;
                }
                AuditLog.Verification v = core.audit.verify();
                if (v.intact()) {
                    out.println("Audit log intact: " + v.rows() + " events, hash chain verified.");
                    return 0;
                }
                err.println("Audit log BROKEN at event " + v.firstBadSeq() + " of " + v.rows() + ": " + v.problem()
                        + ". Keep a copy of the database and tell security.");
                return 1;
            }
        }
    }

    @Command(name = "export", description = "Write every event, oldest first.")
    static final class Export extends AdminCommand implements Callable<Integer> {
        @Option(names = "--format", defaultValue = "jsonl", description = "jsonl (one JSON object per line)")
        String format;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write here instead of standard output")
        Path output;

        @Override
        public Integer call() throws Exception {
            if (!format.equals("jsonl")) {
                err.println("--format " + format + " is not supported; use --format jsonl.");
                return Main.REFUSED;
            }
            try (Core core = open(false)) {
                if (core == null) {
                    return Main.REFUSED;
                }
                if (output != null) {
                    try (Writer w = Files.newBufferedWriter(output, StandardCharsets.UTF_8)) {
                        core.audit.exportJsonLines(w);
                    }
                } else {
                    Writer w = new BufferedWriter(new OutputStreamWriter(System.out, StandardCharsets.UTF_8));
                    core.audit.exportJsonLines(w);
                    w.flush();
                }
                return 0;
            }
        }
    }
}
