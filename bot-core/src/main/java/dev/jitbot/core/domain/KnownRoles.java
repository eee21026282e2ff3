package dev.jitbot.core.domain;

import java.util.List;
import java.util.Optional;

/**
 * The permissions of the built-in roles policies name most, as Azure defines them, for when Azure cannot be asked
 * (dry run, or ARM unreachable): so a request card can still say what Owner or Reader can do.
 */
public final class KnownRoles {

    private static final String DEF = "/providers/Microsoft.Authorization/roleDefinitions/";

    /** The built-in definitions jitbot knows by heart. */
    public static final List<RoleDefinition> ALL = List.of(
            role("8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "Owner", List.of("*"), List.of(), List.of()),
            role("b24988ac-6180-42a0-ab88-20f7382dd24c", "Contributor", List.of("*"), List.of(
                    "Microsoft.Authorization/*/Delete", "Microsoft.Authorization/*/Write",
                    "Microsoft.Authorization/elevateAccess/Action", "Microsoft.Blueprint/blueprintAssignments/write",
                    "Microsoft.Blueprint/blueprintAssignments/delete", "Microsoft.Compute/galleries/share/action",
                    "Microsoft.Purview/consents/write", "Microsoft.Purview/consents/delete"), List.of()),
            role("acdd72a7-3385-48ef-bd42-f606fba81ae7", "Reader", List.of("*/read"), List.of(), List.of()),
            role("18d7d88d-d35e-4fb5-a5c3-7773c20a72d9", "User Access Administrator",
                    List.of("*/read", "Microsoft.Authorization/*", "Microsoft.Support/*"), List.of(), List.of()),
            role("f58310d9-a9f6-439a-9e8d-f62e7b41a168", "Role Based Access Control Administrator",
                    List.of("Microsoft.Authorization/roleAssignments/write",
                            "Microsoft.Authorization/roleAssignments/delete", "*/read", "Microsoft.Support/*"),
                    List.of(), List.of()),
            role("4633458b-17de-408a-b874-0445c86b69e6", "Key Vault Secrets User", List.of(), List.of(),
                    List.of("Microsoft.KeyVault/vaults/secrets/getSecret/action",
                            "Microsoft.KeyVault/vaults/secrets/readMetadata/action")),
            role("17d1049b-9a84-46fb-8f53-869881c3d3ab", "Storage Account Contributor", List.of(
                    "Microsoft.Authorization/*/read", "Microsoft.Insights/alertRules/*",
                    "Microsoft.Insights/diagnosticSettings/*",
                    "Microsoft.Network/virtualNetworks/subnets/joinViaServiceEndpoint/action",
                    "Microsoft.ResourceHealth/availabilityStatuses/read", "Microsoft.Resources/deployments/*",
                    "Microsoft.Resources/subscriptions/resourceGroups/read", "Microsoft.Storage/storageAccounts/*",
                    "Microsoft.Support/*"), List.of(), List.of()));

    private KnownRoles() {
    }

    /** The built-in role of this name (case ignored), when jitbot knows it. */
    public static Optional<RoleDefinition> named(String name) {
        return ALL.stream().filter(r -> r.name().equalsIgnoreCase(name.strip())).findFirst();
    }

    private static RoleDefinition role(String guid, String name, List<String> actions, List<String> notActions,
                                       List<String> dataActions) {
        return new RoleDefinition(DEF + guid, name, false, actions, notActions, dataActions, List.of());
    }
}
