package dev.jitbot.core.domain;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * What a role lets its holder do, in one line people can weigh before they approve: drawn from the role's
 * definition and the breadth of the scope, plus the policy's lint warnings for the rule. The core computes it;
 * chat cards and the console only print it.
 *
 * @param reaches   the risky things the role can do, most dangerous first (empty for a read-only role)
 * @param breadth   how wide the scope is
 * @param warnings  PolicyLint's warnings about the rule that grants it, as sentences
 * @param known     false when the role's definition could not be read: then only the breadth is certain
 */
public record BlastRadius(List<Reach> reaches, ScopeKind breadth, List<String> warnings, boolean known) {

    /** Key Vault secrets, as data actions name them. */
    public static final String SECRET_READ = "Microsoft.KeyVault/vaults/secrets/getSecret/action";
    /** The write that changes who has access. */
    public static final String ASSIGN = "Microsoft.Authorization/roleAssignments/write";

    /** One risky capability of a role. */
    public enum Reach {
        CHANGES_ACCESS("can change who has access"),
        ALL_ACTIONS("all actions (`*`)"),
        READS_SECRETS("can read Key Vault secrets"),
        LISTS_KEYS("can list access keys (`listKeys`)"),
        ALL_DATA("every data action (`*`)"),
        WILDCARD_ACTIONS("wildcard actions"),
        WRITES("can change resources");

        private final String phrase;

        Reach(String phrase) {
            this.phrase = phrase;
        }

        /** How a card says it, e.g. "can change who has access". */
        public String phrase() {
            return phrase;
        }
    }

    public BlastRadius {
        reaches = List.copyOf(reaches);
        Objects.requireNonNull(breadth, "breadth");
        warnings = List.copyOf(warnings);
    }

    /** The reach of {@code role} at a scope of {@code breadth}. */
    public static BlastRadius of(RoleDefinition role, ScopeKind breadth, List<String> warnings) {
        return new BlastRadius(reachOf(role), breadth, warnings, true);
    }

    /** When the definition could not be read: the breadth alone, said honestly. */
    public static BlastRadius unknown(ScopeKind breadth, List<String> warnings) {
        return new BlastRadius(List.of(), breadth, warnings, false);
    }

    /** The risky capabilities of a role, most dangerous first. */
    public static List<Reach> reachOf(RoleDefinition role) {
        List<Reach> out = new ArrayList<>();
        if (role.allows(ASSIGN) || role.allows("Microsoft.Authorization/roleDefinitions/write")) {
            out.add(Reach.CHANGES_ACCESS);
        }
        if (role.actions().contains("*")) {
            out.add(Reach.ALL_ACTIONS);
        }
        if (role.allowsData(SECRET_READ) || role.dataActions().stream().anyMatch(a ->
                a.toLowerCase(Locale.ROOT).startsWith("microsoft.keyvault/vaults/secrets/") && !role.matchesExcluded(a))) {
            out.add(Reach.READS_SECRETS);
        }
        if (role.allows("Microsoft.Storage/storageAccounts/listKeys/action")
                || role.actions().stream().anyMatch(a -> a.toLowerCase(Locale.ROOT).contains("listkeys"))) {
            out.add(Reach.LISTS_KEYS);
        }
        if (role.dataActions().contains("*")) {
            out.add(Reach.ALL_DATA);
        }
        if (!role.actions().contains("*") && role.actions().stream().anyMatch(a -> a.contains("*")
                && !a.toLowerCase(Locale.ROOT).endsWith("/read"))) {
            out.add(Reach.WILDCARD_ACTIONS);
        }
        if (out.isEmpty() && !role.readOnly()) {
            out.add(Reach.WRITES);
        }
        return out;
    }

    /** True when the role can do any of the risky things. */
    public boolean risky() {
        return !reaches.isEmpty();
    }

    /**
     * The card's line, e.g. "can change who has access · all actions (`*`) · on a whole subscription", or
     * "read-only · on one resource group".
     */
    public String line() {
        List<String> parts = new ArrayList<>();
        if (!known) {
            parts.add("role definition not readable");
        } else if (reaches.isEmpty()) {
            parts.add("read-only");
        } else {
            reaches.forEach(r -> parts.add(r.phrase()));
        }
        parts.add(breadthPhrase(breadth));
        return String.join(" · ", parts);
    }

    /** "on a whole subscription", "on one resource group", ... */
    public static String breadthPhrase(ScopeKind kind) {
        return switch (kind) {
            case MANAGEMENT_GROUP -> "on a whole management group";
            case SUBSCRIPTION -> "on a whole subscription";
            case RESOURCE_GROUP -> "on one resource group";
            case RESOURCE -> "on one resource";
        };
    }
}
