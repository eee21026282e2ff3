package dev.jitbot.deploy;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * {@code java -jar jitbot.jar <command>}: serve, console, check, grants, reconcile, audit, bench, request, release.
 * Exit codes: 0 done,
 * 1 failed, 2 refused (bad configuration, policy or usage).
 */
@Command(name = "jitbot", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Just-in-time Azure access from Slack and Teams.",
        subcommands = {ServeCommand.class, ConsoleCommand.class, CheckCommand.class, GrantsCommand.class,
                ReconcileCommand.class, AuditCommand.class, BenchCommand.class, ScanCommand.class, ReviewCommand.class,
                ClientCommands.Request.class, ClientCommands.Release.class})
public final class Main implements Runnable {

    /** Exit code for refused configuration, policy or usage. */
    static final int REFUSED = 2;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        // UTF-8 whatever the locale: a bare container's default charset would print the console's dashes as '?'.
        System.exit(run(args, System.getenv(),
                new PrintWriter(new java.io.OutputStreamWriter(System.out, java.nio.charset.StandardCharsets.UTF_8), true),
                new PrintWriter(new java.io.OutputStreamWriter(System.err, java.nio.charset.StandardCharsets.UTF_8), true)));
    }

    /** Runs one command line with the given environment; returns the exit code. */
    static int run(String[] args, Map<String, String> env, PrintWriter out, PrintWriter err) {
        prepareLogging(env, args.length > 0 ? args[0] : "");
        CommandLine cl = new CommandLine(new Main(), new Factory(env, out, err));
        cl.setOut(out);
        cl.setErr(err);
        cl.setExitCodeExceptionMapper(e -> e instanceof Config.Invalid ? REFUSED : 1);
        cl.setExecutionExceptionHandler((e, line, parsed) -> {
            if (e instanceof Config.Invalid invalid) {
                err.println("jitbot cannot start: the configuration needs fixing.");
                invalid.problems().forEach(p -> err.println("  - " + p));
                err.println("Every variable is described in docs/configuration.md.");
                return REFUSED;
            }
            throw e;
        });
        cl.setParameterExceptionHandler((e, a) -> {
            err.println(e.getMessage());
            e.getCommandLine().usage(err);
            return REFUSED;
        });
        return cl.execute(args);
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /**
     * Logback reads these system properties when it starts, which is on the first logger: set them before.
     * The console keeps its own chatter quiet so the conversation stays readable.
     */
    private static void prepareLogging(Map<String, String> env, String command) {
        String format = env.getOrDefault("JITBOT_LOG_FORMAT", "text").strip().toLowerCase(Locale.ROOT);
        System.setProperty("jitbot.log.format", format.equals("json") ? "json" : "text");
        if (!command.equals("serve")) {
            System.setProperty("jitbot.log.level", "WARN");
            System.setProperty("jitbot.log.root", "WARN");
        }
    }

    /** Gives every command the environment and the output streams (so tests can run commands in-process). */
    static final class Factory implements CommandLine.IFactory {
        private final Map<String, String> env;
        private final PrintWriter out;
        private final PrintWriter err;

        Factory(Map<String, String> env, PrintWriter out, PrintWriter err) {
            this.env = env;
            this.out = out;
            this.err = err;
        }

        @Override
        public <K> K create(Class<K> cls) throws Exception {
            K k = CommandLine.defaultFactory().create(cls);
            if (k instanceof Env e) {
                e.env(env, out, err);
            }
            return k;
        }
    }

    /** A command that reads the environment and writes to the command line's streams. */
    abstract static class Env {
        Map<String, String> env;
        PrintWriter out;
        PrintWriter err;

        void env(Map<String, String> env, PrintWriter out, PrintWriter err) {
            this.env = env;
            this.out = out;
            this.err = err;
        }

        Config config() {
            return Config.from(env);
        }
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"jitbot " + (v != null ? v : "development build")};
        }
    }
}
