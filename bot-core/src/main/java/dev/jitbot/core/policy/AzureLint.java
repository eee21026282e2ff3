package dev.jitbot.core.policy;

import dev.jitbot.core.app.AccessInventory;
import dev.jitbot.core.app.AccessProviderException;
import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.KnownRoles;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.RoleDefinition;
import dev.jitbot.core.domain.ScopeKind;
import dev.jitbot.core.domain.ScopePattern;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code jitbot check --azure}: the lint with the role definitions Azure really has. Each rule's role is resolved
 * through ARM (the same inventory the scan uses); a role whose actions have wildcards is flagged where a rule grants
 * it on a whole subscription or management group, and where a built-in role covers what the rule actually asks for
 * without the rest, that role is suggested.
 *
 * <p>What a rule "actually asks for": the actions the file lists for the role under {@code custom_roles:} (what the
 * role was written for), or, for a rule scoped to resources of one type ({@code …/providers/Microsoft.Storage/
 * storageAccounts/acct}), everything on that type ({@code Microsoft.Storage/storageAccounts/*}). A rule on a whole
 * resource group or subscription with neither asks for everything its role allows, so no narrower role is offered.
 */
public final class AzureLint {

    private static final String DEF = "/providers/Microsoft.Authorization/roleDefinitions/";

    /**
     * The built-in roles offered as narrower ones: the ones jitbot knows by heart that cannot change access, and a
     * few resource-type contributors. Their actions are abridged from Microsoft's built-in roles reference (the
     * control-plane actions that decide what they can change); they are only ever suggested, never granted from
     * this table.
     */
    static final List<RoleDefinition> CANDIDATES = Stream.concat(
            KnownRoles.ALL.stream().filter(r -> !PolicyLint.isBroad(r.name()) && !r.actions().isEmpty()),
            Stream.of(
                    role("9980e02c-c2be-4d73-94e8-173b1dc7cf3c", "Virtual Machine Contributor", common(
                            "Microsoft.Compute/availabilitySets/*", "Microsoft.Compute/locations/*",
                            "Microsoft.Compute/virtualMachines/*", "Microsoft.Compute/virtualMachineScaleSets/*",
                            "Microsoft.Compute/disks/read", "Microsoft.Compute/disks/write",
                            "Microsoft.Network/networkInterfaces/*", "Microsoft.Network/loadBalancers/read",
                            "Microsoft.Network/virtualNetworks/read", "Microsoft.Network/virtualNetworks/subnets/join/action")),
                    role("de139f84-1756-47ae-9be6-808fbbe84772", "Website Contributor", common(
                            "Microsoft.Insights/components/*", "Microsoft.Web/certificates/*",
                            "Microsoft.Web/listSitesAssignedToHostName/read", "Microsoft.Web/serverFarms/join/action",
                            "Microsoft.Web/serverFarms/read", "Microsoft.Web/sites/*")),
                    role("f25e0fa2-a7c8-4377-a976-54943a77a395", "Key Vault Contributor", common("Microsoft.KeyVault/*")),
                    role("4d97b98b-1d4f-4787-a291-c67834d212e7", "Network Contributor", common("Microsoft.Network/*")),
                    role("6d8ee4ec-f05a-4a1d-8b00-a9b17e38b437", "SQL Server Contributor", common(
                            "Microsoft.Sql/locations/*/read", "Microsoft.Sql/servers/*"))))
            .toList();

    private AzureLint() {
    }

    /** What the check found: warnings by line, and the rules whose role could not be resolved (with why). */
    public record Result(List<Finding> warnings, List<String> unresolved, int resolved) {
        public Result {
            warnings = List.copyOf(warnings);
            unresolved = List.copyOf(unresolved);
        }
    }

    /**
     * Resolves every rule's role through {@code inventory} and lints it.
     *
     * @throws AccessProviderException when Azure did not answer at all for the first rule (nothing was checked)
     */
    public static Result lint(PolicyFile file, AccessInventory inventory) {
        Policy policy = file.policy();
        List<Finding> out = new ArrayList<>();
        List<String> unresolved = new ArrayList<>();
        int resolved = 0;
        List<Policy.Rule> rules = policy.rules();
        for (int i = 0; i < rules.size(); i++) {
            Policy.Rule rule = rules.get(i);
            String path = "rules[" + i + "]";
            String where = "rule \"" + rule.name() + "\"";
            int roleLine = file.line(path + ".role", rule.line());
            Optional<AzureScope> anchor = rule.scopes().stream().map(AzureLint::fixedPart).flatMap(Optional::stream)
                    .findFirst();
            if (anchor.isEmpty()) {
                unresolved.add(where + ": no scope to look its role up at");
                continue;
            }
            Optional<RoleDefinition> found;
            try {
                found = inventory.definition(rule.role(), anchor.get());
            } catch (AccessProviderException e) {
                if (resolved == 0 && unresolved.isEmpty()) {
                    throw e;
                }
                unresolved.add(where + ": " + e.getMessage());
                continue;
            }
            if (found.isEmpty()) {
                out.add(warning(file, roleLine, where + ": Azure has no role named \"" + rule.role().name()
                        + "\" visible at " + anchor.get().id() + ", so every request for it would fail; check the "
                        + "name (built-in role names are exact, e.g. `Storage Blob Data Reader`) or the role's "
                        + "assignable scopes."));
                continue;
            }
            resolved++;
            RoleDefinition def = found.get();
            List<String> wildcards = def.actions().stream()
                    .filter(a -> a.contains("*") && !a.toLowerCase(Locale.ROOT).endsWith("/read")).toList();
            if (!wildcards.isEmpty()) {
                for (int j = 0; j < rule.scopes().size(); j++) {
                    ScopePattern p = rule.scopes().get(j);
                    ScopeKind kind = p.kind();
                    boolean wide = kind == ScopeKind.SUBSCRIPTION || kind == ScopeKind.MANAGEMENT_GROUP;
                    // PolicyLint already says Owner or Contributor on a subscription is broad, by name.
                    if (wide && !PolicyLint.isBroad(rule.role().name())) {
                        out.add(warning(file, file.line(path + ".scopes[" + j + "]", rule.line()), where + ": "
                                + def.name() + " allows wildcard actions (" + String.join(", ", wildcards.stream()
                                .map(w -> "`" + w + "`").toList()) + ") on a whole " + (kind == ScopeKind.SUBSCRIPTION
                                ? "subscription" : "management group") + " (" + p.pattern() + "), as Azure defines it;"
                                + " grant it on the resource groups the task needs, or use a narrower role."));
                    }
                }
            }
            List<String> asked = asked(file, rule);
            if (!asked.isEmpty() && !def.readOnly()) {
                List<RoleDefinition> narrower = CANDIDATES.stream()
                        .filter(c -> !c.name().equalsIgnoreCase(def.name()))
                        .filter(c -> c.coversAll(asked) && !c.coversAll(def.actions()))
                        .sorted(Comparator.comparingInt((RoleDefinition c) -> c.actions().size()))
                        .limit(2).toList();
                if (!narrower.isEmpty()) {
                    out.add(warning(file, roleLine, where + ": " + narrower.stream().map(c -> "`" + c.name() + "`")
                            .reduce((a, b) -> a + " or " + b).orElseThrow() + " covers what the rule asks for ("
                            + String.join(", ", asked) + ") without the rest of " + def.name() + "'s actions; "
                            + "consider `role: " + narrower.get(0).name() + "`."));
                }
            }
        }
        out.sort(Comparator.comparingInt(Finding::line));
        return new Result(out, unresolved, resolved);
    }

    /** The actions a rule asks for (see the class comment), or none when only its role says. */
    static List<String> asked(PolicyFile file, Policy.Rule rule) {
        PolicyFile.CustomRole described = file.customRoles().values().stream()
                .filter(c -> c.name().equalsIgnoreCase(rule.role().name())).findFirst().orElse(null);
        if (described != null && !described.actions().isEmpty()) {
            return described.actions();
        }
        List<String> types = new ArrayList<>();
        for (ScopePattern p : rule.scopes()) {
            Optional<String> type = resourceType(p.pattern());
            if (type.isEmpty()) {
                return List.of();
            }
            if (!types.contains(type.get())) {
                types.add(type.get());
            }
        }
        return types.stream().map(t -> t + "/*").toList();
    }

    /** {@code …/providers/Microsoft.Storage/storageAccounts/acct[/…]} → {@code Microsoft.Storage/storageAccounts}. */
    static Optional<String> resourceType(String pattern) {
        String lower = pattern.toLowerCase(Locale.ROOT);
        int at = lower.lastIndexOf("/providers/");
        if (at < 0 || lower.startsWith("/providers/microsoft.management/")) {
            return Optional.empty();
        }
        String[] rest = pattern.substring(at + "/providers/".length()).split("/");
        if (rest.length < 3 || rest[0].contains("*") || rest[1].contains("*")) {
            return Optional.empty();
        }
        return Optional.of(rest[0] + "/" + rest[1]);
    }

    /** The exact scope a pattern starts from ({@code …/resourceGroups/*} → the subscription). */
    private static Optional<AzureScope> fixedPart(ScopePattern p) {
        String fixed = p.pattern().contains("*") ? p.pattern().substring(0, p.pattern().indexOf("/*")) : p.pattern();
        Parsed<AzureScope> parsed = AzureScope.parse(fixed);
        while (!parsed.isOk() && fixed.lastIndexOf('/') > 0) {
            fixed = fixed.substring(0, fixed.lastIndexOf('/'));
            parsed = AzureScope.parse(fixed);
        }
        return parsed.isOk() ? Optional.of(parsed.orThrow()) : Optional.empty();
    }

    private static Finding warning(PolicyFile file, int line, String message) {
        return Finding.warning(file.source(), line, message);
    }

    private static List<String> common(String... specific) {
        List<String> out = new ArrayList<>(List.of("Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*",
                "Microsoft.ResourceHealth/availabilityStatuses/read", "Microsoft.Resources/deployments/*",
                "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Support/*"));
        out.addAll(List.of(specific));
        return out;
    }

    private static RoleDefinition role(String guid, String name, List<String> actions) {
        return new RoleDefinition(DEF + guid, name, false, actions, List.of(), List.of(), List.of());
    }
}
