package dev.jitbot.deploy;

import dev.jitbot.deploy.console.ConsoleNotifier;
import dev.jitbot.deploy.console.ConsoleOut;
import dev.jitbot.deploy.console.ConsoleSession;
import dev.jitbot.deploy.console.ConsoleText;
import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.app.Directory;
import dev.jitbot.core.domain.Policy;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * A terminal chat with the real core, store and scheduler on an embedded H2 database: the README's first
 * command. Without a policy file it loads the built-in demo policy; without Azure credentials it runs dry.
 */
@Command(name = "console", description = {"Chat with jitbot in this terminal (or pipe commands in).",
        "Same commands as Slack, with or without /jit; `/as <user>` switches who is typing;",
        "`last` stands for the newest request id. At end of input it waits until nothing is pending or active."})
final class ConsoleCommand extends Main.Env implements Callable<Integer> {

    @Option(names = "--policy", paramLabel = "FILE",
            description = "Policy file (default: JITBOT_POLICY if that file exists, else the built-in demo policy).")
    Path policyFile;

    @Option(names = "--as", paramLabel = "USER", defaultValue = "alice",
            description = "Who is typing at first (default: ${DEFAULT-VALUE}).")
    String firstUser;

    @Option(names = "--db", paramLabel = "JDBC_URL",
            description = "Database (default: a fresh in-memory H2 database; e.g. jdbc:h2:file:./data/console).")
    String db;

    @Override
    public Integer call() throws Exception {
        Config config = config();
        ConsoleOut say = new ConsoleOut(line -> {
            out.println(line);
            out.flush();
        });
        Policy policy = choosePolicy(config, say);
        if (policy == null) {
            return Main.REFUSED;
        }
        Policy consolePolicy = ConsoleSession.withConsoleChannels(policy);
        if (config.dryRun()) {
            say.accept("Azure: DRY RUN — " + (config.azure().modeChosen() ? "JITBOT_AZURE_MODE=dry-run"
                    : "no Azure credentials (AZURE_CLIENT_ID is unset)")
                    + ". Nothing in Azure changes; each line starting [dry-run] shows the ARM call jitbot would make.");
        } else {
            say.accept("Azure: " + config.azure().mode().word() + " mode (" + config.azure().credentialKind()
                    + ") — grants made here are REAL role assignments.");
        }
        Pieces.Azure azure = Pieces.azure(config, () -> consolePolicy, say);
        AccessProvider provider = azure.provider();
        Directory directory = azure.directory();
        String url = db != null ? db : "jdbc:h2:mem:jitbot-console-" + UUID.randomUUID() + ";DB_CLOSE_DELAY=-1";
        Clock clock = Clock.systemUTC();
        ConsoleText text = new ConsoleText(clock);
        try (Backend backend = Pieces.openBackend(new Config.Database(url, null, null))) {
            ConsoleSession[] session = new ConsoleSession[1];
            ChatNotifier notifier = new ConsoleNotifier(say, text, r -> {
                if (session[0] != null) {
                    session[0].seen(r);
                }
            });
            try (Core core = new Core(backend, () -> consolePolicy, provider, directory, clock, List.of(notifier))) {
                core.useInventory(azure.inventory());
                text.withBlastRadius(core.service::blastRadius).withViewerActions(r -> session[0] == null
                        ? java.util.Set.of() : core.service.actionsFor(session[0].user(), r));
                session[0] = new ConsoleSession(core.service, backend.requests(), () -> consolePolicy, text, say,
                        firstUser, Duration.ofMillis(250));
                core.start();
                boolean interactive = System.console() != null;
                say.accept("You are " + session[0].user().displayName() + ". Type `help` for commands, `/as bob` to "
                        + "switch person" + (interactive ? ", Ctrl-D to finish." : "."));
                BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
                session[0].run(in, !interactive, () -> {
                    if (interactive) {
                        synchronized (say) {
                            out.print(session[0].user().id() + "> ");
                            out.flush();
                        }
                    }
                });
            }
        }
        return 0;
    }

    private Policy choosePolicy(Config config, Consumer<String> say) {
        Path file = policyFile != null ? policyFile
                : config.policyFileSet() || Files.isRegularFile(config.policyFile()) ? config.policyFile() : null;
        if (file == null) {
            Policy demo = Pieces.demoPolicy();
            say.accept("Policy: the built-in DEMO policy (no " + Config.DEFAULT_POLICY + " here): a demo subscription; "
                    + "Reader auto-approved, Contributor needs one approval, Owner two; users alice, bob, carol. "
                    + "Scopes: " + String.join(", ", demo.scopeAliases().keySet().stream().sorted().toList()) + ".");
            return demo;
        }
        Policy p = Pieces.loadPolicy(file, err);
        if (p != null) {
            say.accept("Policy: " + file + " (" + p.rules().size() + " rules).");
        }
        return p;
    }
}
