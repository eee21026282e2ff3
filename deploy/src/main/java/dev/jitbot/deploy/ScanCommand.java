package dev.jitbot.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jitbot.core.app.AccessInventory;
import dev.jitbot.core.app.AccessProviderException;
import dev.jitbot.core.app.RuleSuggestions;
import dev.jitbot.core.app.StandingAccessScan;
import dev.jitbot.core.azure.AzureAccess;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.policy.PolicyDirectory;
import java.io.Console;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code jitbot scan}: every role assignment at and under the policy's managed scopes, classified (jitbot, PIM,
 * standing) and rated; {@code --suggest} prints the rules that would move standing privilege into jitbot;
 * {@code --remove} deletes one standing assignment after a confirmation typed at the terminal.
 */
@Command(name = "scan", description = {"List every role assignment at and under the policy's managed scopes,",
        "classify it (jitbot, pim, standing) and rate standing ones by what their role can do."})
final class ScanCommand extends Main.Env implements Callable<Integer> {

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table (default), json or csv")
    String format;

    @Option(names = "--suggest", description = "print the policy.yaml rules that would cover each standing "
            + "privileged assignment (changes nothing)")
    boolean suggest;

    @Option(names = "--remove", paramLabel = "ASSIGNMENT-ID",
            description = "remove this one standing role assignment after a confirmation at the terminal")
    String remove;

    @Option(names = "--as", paramLabel = "EMAIL", description = "who is removing, for the audit log (with --remove)")
    String as;

    /** Reads the confirmation; null when there is no terminal to ask at. Tests put their own here. */
    Function<String, String> confirm = prompt -> {
        Console c = System.console();
        return c == null ? null : c.readLine("%s", prompt);
    };

    @Override
    public Integer call() {
        String fmt = format.strip().toLowerCase(Locale.ROOT);
        if (!List.of("table", "json", "csv").contains(fmt)) {
            err.println("--format " + format + " is not a format jitbot knows; use table, json or csv.");
            return Main.REFUSED;
        }
        Config config = config();
        config.requirePolicyFile();
        Policy policy = Pieces.loadPolicy(config.policyFile(), err);
        if (policy == null) {
            return Main.REFUSED;
        }
        if (!config.azure().credentialsConfigured()) {
            err.println("scan reads Azure's role assignments, and no Azure identity is configured. Set "
                    + "AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET (or a certificate) for an identity "
                    + "with Reader on the managed scopes, and run it again.");
            return Main.REFUSED;
        }
        if (policy.managedScopes().isEmpty()) {
            err.println("The policy's rules name no exact scope, so there is nothing to scan; give a rule a scope "
                    + "such as /subscriptions/<id>.");
            return Main.REFUSED;
        }
        Clock clock = Clock.systemUTC();
        AzureAccess access = AzureAccess.create(config.azure(), clock);
        AccessInventory inventory = access.inventory().orElseThrow();
        StandingAccessScan scan = new StandingAccessScan(() -> policy, inventory,
                access.directory().orElse(new PolicyDirectory(() -> policy)), clock);
        StandingAccessScan.Report report;
        try {
            report = scan.run();
        } catch (AccessProviderException e) {
            // Nothing was printed yet: a scan is printed whole or not at all.
            err.println("The scan stopped: " + e.getMessage() + ". Nothing was changed; run it again later.");
            return 1;
        }
        if (remove != null) {
            return remove(config, policy, inventory, report, clock);
        }
        if (suggest) {
            List<String> rules = RuleSuggestions.suggest(policy, report.findings());
            if (rules.isEmpty()) {
                out.println("# No standing privileged assignment needs a new rule: each is read-only or already "
                        + "covered by a jitbot rule.");
            } else {
                out.println("# Rules that would cover the standing privileged assignments jitbot found. Add them "
                        + "under `rules:` in policy.yaml, check with `jitbot check`, then remove the standing ones.");
                rules.forEach(out::print);
            }
            out.flush();
            return 0;
        }
        out.print(switch (fmt) {
            case "json" -> json(report);
            case "csv" -> csv(report);
            default -> table(report);
        });
        out.flush();
        return 0;
    }

    private int remove(Config config, Policy policy, AccessInventory inventory, StandingAccessScan.Report report,
                       Clock clock) {
        if (as == null || !as.contains("@")) {
            err.println("--remove needs --as <your email>, so the audit log says who removed it.");
            return Main.REFUSED;
        }
        Optional<StandingAccessScan.Finding> found = report.findings().stream()
                .filter(f -> f.assignmentId().equalsIgnoreCase(remove.strip())).findFirst();
        if (found.isEmpty()) {
            err.println("No role assignment " + remove + " at or under the policy's managed scopes; `jitbot scan` "
                    + "lists them with their ids.");
            return 1;
        }
        StandingAccessScan.Finding f = found.get();
        if (f.kind() != StandingAccessScan.Kind.STANDING) {
            err.println(remove + " is a " + f.kind().word() + " assignment, not standing privilege: "
                    + (f.kind() == StandingAccessScan.Kind.JITBOT ? "jitbot removes it at expiry (`jitbot grants "
                    + "revoke` ends it now)." : "PIM ends it on its own.") + " Nothing was removed.");
            return Main.REFUSED;
        }
        if (config.dryRun() && config.azure().modeChosen()) {
            err.println("JITBOT_AZURE_MODE is dry-run, so jitbot changes nothing in Azure; nothing was removed.");
            return Main.REFUSED;
        }
        out.println("About to remove the standing " + f.role().name() + " of " + f.principal().type().armName() + " "
                + f.principal().objectId() + " on " + f.scope().id() + " (" + f.risk().word() + ": "
                + String.join(", ", f.reasons()) + ").");
        out.flush();
        String answer = confirm.apply("Type the role name (" + f.role().name() + ") to remove it: ");
        if (answer == null) {
            err.println("--remove asks for a confirmation at an interactive terminal, and there is none here; "
                    + "nothing was removed. Run it from a terminal.");
            return Main.REFUSED;
        }
        if (!answer.strip().equalsIgnoreCase(f.role().name())) {
            err.println("That is not \"" + f.role().name() + "\"; nothing was removed.");
            return 1;
        }
        try (Backend backend = Pieces.openBackend(config.database())) {
            try {
                inventory.remove(f.assignmentId());
            } catch (AccessProviderException e) {
                backend.audit().append(AuditEvent.of(clock.instant(), as.strip().toLowerCase(Locale.ROOT),
                        Platform.CLI, "standing-remove-failed", null, f.assignmentId() + ": " + e.getMessage()));
                err.println("Azure did not remove it: " + e.getMessage());
                return 1;
            }
            backend.audit().append(AuditEvent.of(clock.instant(), as.strip().toLowerCase(Locale.ROOT), Platform.CLI,
                    "standing-removed", null, f.role().name() + " of " + f.principal().type().armName() + " "
                            + f.principal().objectId() + " on " + f.scope().id() + " (" + f.assignmentId() + ")"));
        }
        out.println("Removed. The audit log records it as standing-removed by " + as.strip() + ".");
        return 0;
    }

    static String table(StandingAccessScan.Report report) {
        StringBuilder sb = new StringBuilder();
        String fmt = "%-8s %-9s %-28s %-16s %-50s %s%n";
        sb.append(String.format(fmt, "RISK", "KIND", "ROLE", "PRINCIPAL", "SCOPE", "REASONS"));
        for (StandingAccessScan.Finding f : report.findings()) {
            sb.append(String.format(fmt, f.risk().word(), f.kind().word(), clip(f.role().name(), 28),
                    f.principal().type().armName(), clip(f.scope().id(), 50), String.join("; ", f.reasons())
                            + (f.coveredByRule() != null ? "" : "")));
            sb.append("         id ").append(f.assignmentId()).append(" · principal ")
                    .append(f.principal().objectId()).append('\n');
        }
        for (AccessInventory.NotReadable n : report.notReadable()) {
            sb.append("! ").append(n.what()).append(" at ").append(n.scope().id()).append(": ").append(n.message())
                    .append('\n');
        }
        var kinds = report.byKind();
        var risks = report.standingByRisk();
        sb.append(report.findings().size()).append(" assignments: ").append(kinds.get(StandingAccessScan.Kind.STANDING))
                .append(" standing (").append(risks.get(StandingAccessScan.Risk.CRITICAL)).append(" critical, ")
                .append(risks.get(StandingAccessScan.Risk.HIGH)).append(" high, ")
                .append(risks.get(StandingAccessScan.Risk.MEDIUM)).append(" medium, ")
                .append(risks.get(StandingAccessScan.Risk.LOW)).append(" low), ")
                .append(kinds.get(StandingAccessScan.Kind.PIM)).append(" PIM, ")
                .append(kinds.get(StandingAccessScan.Kind.JITBOT)).append(" jitbot")
                .append(report.notReadable().isEmpty() ? "" : "; " + report.notReadable().size() + " not readable")
                .append(". `jitbot scan --suggest` prints rules to move standing privilege into jitbot.\n");
        return sb.toString();
    }

    static String json(StandingAccessScan.Report report) {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode root = m.createObjectNode();
        root.put("scannedAt", report.at().toString());
        ArrayNode list = root.putArray("assignments");
        for (StandingAccessScan.Finding f : report.findings()) {
            ObjectNode o = list.addObject();
            o.put("assignmentId", f.assignmentId());
            o.putObject("principal").put("id", f.principal().objectId()).put("type", typeWord(f));
            o.putObject("role").put("name", f.role().name()).put("id", f.role().definitionId());
            o.put("scope", f.scope().id());
            o.put("kind", f.kind().word());
            o.put("risk", f.risk().word());
            ArrayNode reasons = o.putArray("reasons");
            f.reasons().forEach(reasons::add);
            if (f.coveredByRule() != null) {
                o.put("coveredByRule", f.coveredByRule());
            }
        }
        ArrayNode unreadable = root.putArray("notReadable");
        for (AccessInventory.NotReadable n : report.notReadable()) {
            unreadable.addObject().put("scope", n.scope().id()).put("what", n.what()).put("message", n.message());
        }
        try {
            return m.writeValueAsString(root) + "\n";
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static String csv(StandingAccessScan.Report report) {
        StringBuilder sb = new StringBuilder(
                "assignmentId,principalId,principalType,roleName,roleId,scope,kind,risk,reasons,coveredByRule\n");
        for (StandingAccessScan.Finding f : report.findings()) {
            sb.append(String.join(",", cell(f.assignmentId()), cell(f.principal().objectId()), cell(typeWord(f)),
                    cell(f.role().name()), cell(f.role().definitionId()), cell(f.scope().id()), f.kind().word(),
                    f.risk().word(), cell(String.join("; ", f.reasons())), cell(f.coveredByRule()))).append('\n');
        }
        return sb.toString();
    }

    /** {@code User}, {@code Group}, {@code ServicePrincipal}, {@code ManagedIdentity}. */
    private static String typeWord(StandingAccessScan.Finding f) {
        return switch (f.principal().type()) {
            case USER -> "User";
            case GROUP -> "Group";
            case SERVICE_PRINCIPAL -> "ServicePrincipal";
            case MANAGED_IDENTITY -> "ManagedIdentity";
        };
    }

    /** RFC 4180: quoted when it holds a comma, quote or line break; a leading =+-@ is defused for spreadsheets. */
    static String cell(String s) {
        if (s == null) {
            return "";
        }
        String v = !s.isEmpty() && "=+-@".indexOf(s.charAt(0)) >= 0 ? "'" + s : s;
        return v.contains(",") || v.contains("\"") || v.contains("\n") ? "\"" + v.replace("\"", "\"\"") + "\"" : v;
    }

    private static String clip(String s, int n) {
        return s.length() <= n ? s : s.substring(0, n - 1) + "…";
    }
}
