package dev.jitbot.deploy;

import dev.jitbot.core.azure.AzureSettings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * Everything jitbot reads from the environment, read once and checked at start: a missing or malformed value
 * stops start-up with a message naming the variable and an example. {@link #toString()} never shows a secret.
 */
public record Config(
        int httpPort,
        Database database,
        Path policyFile,
        boolean policyFileSet,
        AzureSettings azure,
        Slack slack,
        Teams teams,
        LogFormat logFormat,
        dev.jitbot.core.app.WorkRunner.Settings workers,
        int metricsPort) {

    public static final int DEFAULT_PORT = 3000;
    public static final String DEFAULT_DB_URL = "jdbc:h2:file:./data/jitbot";
    public static final String DEFAULT_POLICY = "./policy.yaml";

    public Config {
        Objects.requireNonNull(database, "database");
        Objects.requireNonNull(policyFile, "policyFile");
        Objects.requireNonNull(azure, "azure");
        Objects.requireNonNull(slack, "slack");
        Objects.requireNonNull(teams, "teams");
        Objects.requireNonNull(logFormat, "logFormat");
        Objects.requireNonNull(workers, "workers");
    }

    /** {@code text} for people, {@code json} for log pipelines. */
    public enum LogFormat { TEXT, JSON }

    /** JITBOT_DB_URL and its credentials; H2 (embedded) or PostgreSQL (shared by replicas). */
    public record Database(String url, String user, String password) {
        public boolean isPostgres() {
            return url.startsWith("jdbc:postgresql:");
        }

        @Override
        public String toString() {
            return "Database[url=" + redactUrl(url) + ", user=" + user + ", password=" + mask(password) + "]";
        }
    }

    /** Slack; on when SLACK_BOT_TOKEN is set. The app token switches on Socket Mode. */
    public record Slack(String botToken, String signingSecret, String appToken, String apiUrl) {
        public boolean enabled() {
            return botToken != null;
        }

        public boolean socketMode() {
            return appToken != null;
        }

        @Override
        public String toString() {
            return "Slack[botToken=" + mask(botToken) + ", signingSecret=" + mask(signingSecret) + ", appToken="
                    + mask(appToken) + ", apiUrl=" + apiUrl + "]";
        }
    }

    /** Teams (Bot Framework's variable names); on when MicrosoftAppId is set. */
    public record Teams(String appId, String appPassword, String tenantId, String openIdMetadataUrl,
                        String authority) {
        public boolean enabled() {
            return appId != null;
        }

        @Override
        public String toString() {
            return "Teams[appId=" + appId + ", appPassword=" + mask(appPassword) + ", tenantId=" + tenantId
                    + ", openIdMetadataUrl=" + openIdMetadataUrl + ", authority=" + authority + "]";
        }
    }

    /** True when JITBOT_AZURE_MODE (or its default, without an Azure identity) means nothing in Azure changes. */
    public boolean dryRun() {
        return azure.mode() == AzureSettings.Mode.DRY_RUN;
    }

    /** Start-up refused: one line per problem, each naming its variable. */
    public static final class Invalid extends RuntimeException {
        private final List<String> problems;

        Invalid(List<String> problems) {
            super(String.join("\n", problems));
            this.problems = List.copyOf(problems);
        }

        public List<String> problems() {
            return problems;
        }
    }

    /** Reads and checks the configuration; throws {@link Invalid} listing every problem found. */
    public static Config from(Map<String, String> env) {
        Reader r = new Reader(env);
        Config c = r.read();
        if (!r.problems.isEmpty()) {
            throw new Invalid(r.problems);
        }
        return c;
    }

    /** Checks that need the file system or a chosen command: the policy file must exist for serve. */
    public void requirePolicyFile() {
        if (!Files.isRegularFile(policyFile)) {
            throw new Invalid(List.of("JITBOT_POLICY" + (policyFileSet ? "=" + policyFile : " (default "
                    + DEFAULT_POLICY + ")") + " names no readable file. Point it at your policy, e.g. "
                    + "JITBOT_POLICY=/etc/jitbot/policy.yaml; deploy/examples/policy.yaml is a start."));
        }
    }

    static String mask(String secret) {
        return secret == null ? "<unset>" : "<set>";
    }

    /** Drops credentials a JDBC URL may carry (user:password@ or password= parameters). */
    static String redactUrl(String url) {
        return url.replaceAll("(?i)(password=)[^&;]*", "$1***").replaceAll("//[^/@]*:[^/@]*@", "//***@");
    }

    private static final class Reader {
        private final Map<String, String> env;
        private final List<String> problems = new ArrayList<>();

        Reader(Map<String, String> env) {
            this.env = Objects.requireNonNull(env, "env");
        }

        String get(String name) {
            String v = env.get(name);
            return v == null || v.isBlank() ? null : v.strip();
        }

        void problem(String text) {
            problems.add(text);
        }

        Config read() {
            int port = port();
            Database db = database();
            String policy = get("JITBOT_POLICY");
            AzureSettings azure = azure();
            Slack slack = slack();
            Teams teams = teams();
            LogFormat format = LogFormat.TEXT;
            String formatText = get("JITBOT_LOG_FORMAT");
            if (formatText != null) {
                switch (formatText.toLowerCase(Locale.ROOT)) {
                    case "text" -> format = LogFormat.TEXT;
                    case "json" -> format = LogFormat.JSON;
                    default -> problem("JITBOT_LOG_FORMAT is \"" + formatText + "\"; it must be text or json, "
                            + "e.g. JITBOT_LOG_FORMAT=json.");
                }
            }
            dev.jitbot.core.app.WorkRunner.Settings defaults = dev.jitbot.core.app.WorkRunner.Settings.defaults();
            int azureWorkers = count("JITBOT_AZURE_WORKERS", defaults.azureWorkers());
            int chatWorkers = count("JITBOT_CHAT_WORKERS", defaults.chatWorkers());
            int metricsPort = port("JITBOT_METRICS_PORT", 9090, 0);
            if (metricsPort == port) {
                problem("JITBOT_METRICS_PORT is JITBOT_HTTP_PORT (" + port + "); give /metrics a port of its own, "
                        + "e.g. JITBOT_METRICS_PORT=9090, or unset it to serve /metrics on JITBOT_HTTP_PORT.");
            }
            return new Config(port, db, Path.of(policy != null ? policy : DEFAULT_POLICY), policy != null, azure,
                    slack, teams, format, new dev.jitbot.core.app.WorkRunner.Settings(azureWorkers, chatWorkers,
                            defaults.poll(), defaults.renewEvery()), metricsPort);
        }

        /** A worker count from 1 to 256. */
        int count(String name, int fallback) {
            String v = get(name);
            if (v == null) {
                return fallback;
            }
            try {
                int n = Integer.parseInt(v);
                if (n >= 1 && n <= 256) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problem(name + " is \"" + v + "\"; it must be a number of threads from 1 to 256, e.g. " + name + "="
                    + fallback + ".");
            return fallback;
        }

        int port() {
            return port("JITBOT_HTTP_PORT", DEFAULT_PORT, DEFAULT_PORT);
        }

        /** A port from 1 to 65535; {@code fallback} when unset or malformed (then with a problem naming it). */
        int port(String name, int example, int fallback) {
            String v = get(name);
            if (v == null) {
                return fallback;
            }
            try {
                int p = Integer.parseInt(v);
                if (p >= 1 && p <= 65535) {
                    return p;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            problem(name + " is \"" + v + "\"; it must be a port number from 1 to 65535, "
                    + "e.g. " + name + "=" + example + ".");
            return fallback;
        }

        Database database() {
            String url = get("JITBOT_DB_URL");
            String user = get("JITBOT_DB_USER");
            String password = env.get("JITBOT_DB_PASSWORD");
            if (url == null) {
                return new Database(DEFAULT_DB_URL, user, password);
            }
            if (!url.startsWith("jdbc:h2:") && !url.startsWith("jdbc:postgresql:")) {
                problem("JITBOT_DB_URL must be an H2 or PostgreSQL JDBC URL, e.g. "
                        + "JITBOT_DB_URL=jdbc:postgresql://db.internal:5432/jitbot or " + DEFAULT_DB_URL
                        + " (got \"" + redactUrl(url) + "\").");
            }
            return new Database(url, user, password);
        }

        /** The Azure variables, checked by the Azure module's own reader (one set of rules and messages). */
        AzureSettings azure() {
            try {
                return AzureSettings.fromEnvironment(env);
            } catch (IllegalArgumentException e) {
                problem(e.getMessage());
                return AzureSettings.fromEnvironment(Map.of("JITBOT_AZURE_MODE", "dry-run"));
            }
        }

        Slack slack() {
            String bot = get("SLACK_BOT_TOKEN");
            String signing = get("SLACK_SIGNING_SECRET");
            String app = get("SLACK_APP_TOKEN");
            String api = url("JITBOT_SLACK_API_URL", "https://slack.com/api/", false);
            if (bot != null) {
                // Socket Mode receives over the app token's own connection: no request to sign, no secret needed.
                if (signing == null && app == null) {
                    problem("SLACK_SIGNING_SECRET is missing: SLACK_BOT_TOKEN is set, and over HTTP jitbot checks "
                            + "every Slack request's signature with it. Copy it from your Slack app's Basic "
                            + "Information page, e.g. SLACK_SIGNING_SECRET=8f742231b10e8888abcd99yyyzzz85a5, or set "
                            + "SLACK_APP_TOKEN for Socket Mode, which needs none.");
                }
                if (!bot.startsWith("xoxb-")) {
                    problem("SLACK_BOT_TOKEN must be a bot token starting with xoxb- (OAuth & Permissions page), "
                            + "e.g. SLACK_BOT_TOKEN=xoxb-1234-5678-AbCdEf.");
                }
                if (app != null && !app.startsWith("xapp-")) {
                    problem("SLACK_APP_TOKEN must be an app-level token starting with xapp- (Basic Information → "
                            + "App-Level Tokens, scope connections:write), e.g. SLACK_APP_TOKEN=xapp-1-A0-1234-abcd.");
                }
            } else if (signing != null || app != null) {
                problem("SLACK_BOT_TOKEN is missing: " + (signing != null ? "SLACK_SIGNING_SECRET" : "SLACK_APP_TOKEN")
                        + " is set, and Slack needs the bot token too, e.g. SLACK_BOT_TOKEN=xoxb-1234-5678-AbCdEf; "
                        + "or unset the Slack variables to run without Slack.");
            }
            return new Slack(bot, signing, app, api);
        }

        Teams teams() {
            String id = get("MicrosoftAppId");
            String password = get("MicrosoftAppPassword");
            String tenant = get("MicrosoftAppTenantId");
            String metadata = url("JITBOT_TEAMS_OPENID_METADATA", null, false);
            String authority = url("JITBOT_TEAMS_AUTHORITY", null, false);
            if (id != null && password == null) {
                problem("MicrosoftAppPassword is missing: MicrosoftAppId is set, and the bot needs its client secret "
                        + "to answer in Teams, e.g. MicrosoftAppPassword=<the Azure Bot's client secret>.");
            } else if (id == null && (password != null || tenant != null)) {
                problem("MicrosoftAppId is missing: " + (password != null ? "MicrosoftAppPassword" : "MicrosoftAppTenantId")
                        + " is set, and Teams needs the bot's app id too, e.g. "
                        + "MicrosoftAppId=0c9e2a7d-4f51-4b8e-9d3a-6e2f1b7c8a90; or unset the Microsoft* variables.");
            }
            return new Teams(id, password, tenant, metadata, authority);
        }

        String url(String name, String example, boolean httpsOnly) {
            String v = get(name);
            if (v == null) {
                return null;
            }
            String shown = example != null ? example : "https://fake.internal:8443/";
            try {
                URI u = new URI(v);
                String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
                if (u.getHost() != null && (scheme.equals("https") || (!httpsOnly && scheme.equals("http")))) {
                    return v;
                }
            } catch (java.net.URISyntaxException e) {
                // reported below
            }
            problem(name + " is \"" + v + "\"; it must be an absolute " + (httpsOnly ? "https" : "http(s)")
                    + " URL, e.g. " + name + "=" + shown + ".");
            return null;
        }
    }
}
