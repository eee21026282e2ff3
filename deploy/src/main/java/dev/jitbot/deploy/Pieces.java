package dev.jitbot.deploy;

import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.app.Directory;
import dev.jitbot.core.app.Reconciler;
import dev.jitbot.core.azure.AzureAccess;
import dev.jitbot.core.azure.DryRunAccessProvider;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.policy.Finding;
import dev.jitbot.core.policy.PolicyDirectory;
import dev.jitbot.core.policy.PolicyLint;
import dev.jitbot.core.policy.PolicyLoader;
import dev.jitbot.slack.SlackModule;
import dev.jitbot.teams.TeamsModule;
import jakarta.servlet.http.HttpServlet;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that names the modules built beside deploy: the JDBC store and Quartz scheduler, the policy
 * loader, the Azure access, and the Slack and Teams modules.
 */
final class Pieces {

    private static final Logger log = LoggerFactory.getLogger(Pieces.class);

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

    /** Opens the database (migrating it) with the stores and a stand-by Quartz scheduler, clustered on PostgreSQL. */
    static Backend openBackend(Config.Database database) {
        return JdbcBackend.open(database);
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
    record Azure(AccessProvider provider, Directory directory, dev.jitbot.core.app.AccessInventory inventory) {
        Azure(AccessProvider provider, Directory directory) {
            this(provider, directory, null);
        }
    }

    /**
     * Builds the Azure side once: the provider of the configured mode (dry run prints what it would call to
     * {@code dryRunOut}, or logs it loudly when that is null), and
     * the policy's static {@code users:} first, then Microsoft Graph where an Azure identity is configured.
     */
    static Azure azure(Config config, Supplier<Policy> policy, Consumer<String> dryRunOut) {
        PolicyDirectory fromPolicy = new PolicyDirectory(policy);
        if (config.dryRun()) {
            if (dryRunOut == null && config.azure().warning() != null) {
                log.warn(config.azure().warning());
            }
            return new Azure(new DryRunAccessProvider(dryRunOut), fromPolicy);
        }
        AzureAccess access = AzureAccess.create(config.azure(), Clock.systemUTC());
        Directory graph = access.directory().orElse(null);
        return new Azure(access.provider(), graph == null ? fromPolicy : new Directories(fromPolicy, graph),
                access.inventory().orElse(null));
    }

    static List<Chat> chats(Config config, Core core, Clock clock) {
        List<Chat> chats = new ArrayList<>();
        if (config.slack().enabled()) {
            Config.Slack s = config.slack();
            SlackModule m = SlackModule.create(new SlackModule.Settings(s.botToken(), s.signingSecret(), s.appToken(),
                    s.apiUrl()), core.service, core.audit, clock);
            chats.add(new Chat() {
                public ChatNotifier notifier() {
                    return m.notifier();
                }

                public HttpServlet servlet() {
                    return s.socketMode() ? null : m.servlet();
                }

                public boolean slack() {
                    return true;
                }

                public void start() {
                    m.start();
                }

                public void close() {
                    m.close();
                }
            });
        }
        if (config.teams().enabled()) {
            Config.Teams t = config.teams();
            TeamsModule m = TeamsModule.create(new TeamsModule.Settings(t.appId(), t.appPassword(), t.tenantId(),
                    t.openIdMetadataUrl(), t.authority()), core.service, core.backend.conversations(), core.audit, clock);
            chats.add(new Chat() {
                public ChatNotifier notifier() {
                    return m.notifier();
                }

                public HttpServlet servlet() {
                    return m.servlet();
                }

                public boolean slack() {
                    return false;
                }

                public void start() {
                }

                public void close() {
                    m.close();
                }
            });
        }
        return chats;
    }

    /**
     * Start-up reconciliation, off the start-up path: a slow ARM list must not hold readiness back. Skipped in a
     * dry run, whose provider remembers nothing across restarts (every grant would look vanished).
     */
    static void reconcileInBackground(Config config, Core core, Supplier<Policy> policy) {
        if (config.dryRun()) {
            return;
        }
        Thread t = new Thread(() -> {
            try {
                reconciler(core).reconcile();
            } catch (RuntimeException e) {
                log.warn("start-up reconciliation failed; run `jitbot reconcile` later: {}", e.toString());
            }
        }, "jitbot-reconcile");
        t.setDaemon(true);
        t.start();
    }

    /** Runs one reconciliation and prints what it did; returns the exit code. */
    static int reconcile(Core core, PrintWriter out) {
        Reconciler.Report report = reconciler(core).reconcile();
        report.lines().forEach(out::println);
        out.println(report.summary());
        return report.orphansFailed() > 0 ? 1 : 0;
    }

    private static Reconciler reconciler(Core core) {
        return new Reconciler(core.policy, core.backend.requests(), core.outbox, core.audit, core.provider,
                core.notifications, Clock.systemUTC());
    }

    /**
     * People the policy lists by object id first; everyone else through Graph. Whether an account is live and in a
     * group now is always Graph's answer: the policy's map knows no account state.
     */
    record Directories(PolicyDirectory policy, Directory graph) implements Directory {
        public Parsed<Principal> user(ChatUser user) {
            Parsed<Principal> p = policy.user(user);
            return p.isOk() ? p : graph.user(user);
        }

        public Parsed<Principal> servicePrincipal(String objectOrAppId) {
            Parsed<Principal> p = policy.servicePrincipal(objectOrAppId);
            return p.isOk() ? p : graph.servicePrincipal(objectOrAppId);
        }

        public boolean isMember(Principal principal, String groupObjectId) {
            return graph.isMember(principal, groupObjectId);
        }

        @Override
        public boolean isMember(Principal principal, String groupObjectId, java.time.Duration maxAge) {
            return graph.isMember(principal, groupObjectId, maxAge);
        }

        @Override
        public java.util.Optional<String> whyNotLive(ChatUser user) {
            // Resolved as every other look-up is (the policy's map first), then asked of Graph by object id.
            Parsed<Principal> account = user(user);
            if (!account.isOk()) {
                return java.util.Optional.of(account.reason().replaceAll("[;.].*$", ""));
            }
            return graph.whyNotLive(user, account.orThrow());
        }
    }

    /** The automation API servlet on the core, with its OpenAPI document filled in for this deployment. */
    static jakarta.servlet.http.HttpServlet api(dev.jitbot.deploy.api.EntraTokens.Settings settings, Core core,
                                                  java.time.Clock clock) throws java.io.IOException {
        String doc;
        try (java.io.InputStream in = Pieces.class.getResourceAsStream("/api/openapi.json")) {
            doc = new String(java.util.Objects.requireNonNull(in, "openapi.json").readAllBytes(),
                    java.nio.charset.StandardCharsets.UTF_8);
        }
        doc = doc.replace("{{AUDIENCE}}", settings.audience())
                .replace("{{TOKEN_URL}}", settings.authorityHost() + "/" + settings.tenant() + "/oauth2/v2.0/token")
                .replace("{{ROLE}}", settings.role());
        dev.jitbot.deploy.api.EntraTokens tokens = new dev.jitbot.deploy.api.EntraTokens(settings,
                java.net.http.HttpClient.newBuilder().connectTimeout(java.time.Duration.ofSeconds(10)).build(), clock);
        return new dev.jitbot.deploy.api.ApiServlet(core.service, core.audit, tokens, clock, doc);
    }
}
