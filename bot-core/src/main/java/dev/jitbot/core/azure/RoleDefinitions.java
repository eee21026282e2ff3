package dev.jitbot.core.azure;

import com.azure.core.util.Context;
import com.azure.resourcemanager.authorization.fluent.RoleDefinitionsClient;
import com.azure.resourcemanager.authorization.fluent.models.RoleDefinitionInner;
import dev.jitbot.core.domain.AzureScope;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Role name → role definition id at a scope, asked of ARM once per scope and role and then remembered. */
final class RoleDefinitions {

    private final RoleDefinitionsClient client;
    private final Map<String, String> idByScopeAndName = new ConcurrentHashMap<>();
    private final Map<String, String> nameByGuid = new ConcurrentHashMap<>();

    RoleDefinitions(RoleDefinitionsClient client) {
        this.client = client;
    }

    /** The definition id of {@code roleName} as seen from {@code scope}, or empty when no such role exists there. */
    Optional<String> idOf(AzureScope scope, String roleName) {
        String key = scope.id().toLowerCase(Locale.ROOT) + "|" + roleName.toLowerCase(Locale.ROOT);
        String cached = idByScopeAndName.get(key);
        if (cached != null) {
            return Optional.of(cached);
        }
        String filter = "roleName eq '" + roleName.replace("'", "''") + "'";
        for (RoleDefinitionInner d : client.list(scope.id().substring(1), filter, Context.NONE)) {
            if (roleName.equalsIgnoreCase(d.roleName()) && d.id() != null) {
                idByScopeAndName.put(key, d.id());
                nameByGuid.put(guidOf(d.id()), d.roleName());
                return Optional.of(d.id());
            }
        }
        return Optional.empty();
    }

    /** The role's name for a definition id seen earlier, else the definition's GUID. */
    String nameOf(String definitionId) {
        String guid = guidOf(definitionId);
        return nameByGuid.getOrDefault(guid, guid);
    }

    /** The last segment of a definition id: the same GUID whether ARM wrote it tenant- or subscription-scoped. */
    static String guidOf(String definitionId) {
        if (definitionId == null) {
            return "";
        }
        return definitionId.substring(definitionId.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    }
}
