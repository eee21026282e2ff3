package dev.jitbot.core.azure;

import dev.jitbot.core.domain.PrincipalType;

/** Translations between jitbot's values and the Azure SDK's, kept in one place. */
final class SdkTypes {

    private SdkTypes() {
    }

    static com.azure.resourcemanager.authorization.models.PrincipalType principalType(PrincipalType type) {
        return switch (type) {
            case USER -> com.azure.resourcemanager.authorization.models.PrincipalType.USER;
            case GROUP -> com.azure.resourcemanager.authorization.models.PrincipalType.GROUP;
            case SERVICE_PRINCIPAL, MANAGED_IDENTITY ->
                    com.azure.resourcemanager.authorization.models.PrincipalType.SERVICE_PRINCIPAL;
        };
    }

    static PrincipalType principalType(com.azure.resourcemanager.authorization.models.PrincipalType type) {
        if (type == null) {
            return PrincipalType.USER;
        }
        String s = type.toString();
        if ("Group".equalsIgnoreCase(s) || "ForeignGroup".equalsIgnoreCase(s)) {
            return PrincipalType.GROUP;
        }
        return "ServicePrincipal".equalsIgnoreCase(s) ? PrincipalType.SERVICE_PRINCIPAL : PrincipalType.USER;
    }
}
