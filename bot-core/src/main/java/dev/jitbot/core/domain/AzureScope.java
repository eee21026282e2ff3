package dev.jitbot.core.domain;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An Azure RBAC scope in its normalised ARM form: a management group, a subscription, a resource group, or a
 * resource. Comparisons ignore case, as ARM does.
 */
public record AzureScope(String id) {

    public static final String EXAMPLE = "/subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6/resourceGroups/rg-payments";

    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern RG_NAME = Pattern.compile("[-\\w._()]{1,90}");
    private static final Pattern MG_NAME = Pattern.compile("[-\\w._()]{1,90}");
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z][A-Za-z0-9]*(\\.[A-Za-z][A-Za-z0-9]*)+");
    private static final Pattern SEGMENT = Pattern.compile("[^/?#\\s]{1,260}");

    public AzureScope {
        Objects.requireNonNull(id, "id");
        Parsed<String> normal = normalise(id);
        if (!normal.isOk()) {
            throw new IllegalArgumentException(normal.reason());
        }
        id = normal.orThrow();
    }

    /** Reads an ARM scope id as a person typed it, or explains what is wrong with it. */
    public static Parsed<AzureScope> parse(String input) {
        if (input == null || input.isBlank()) {
            return Parsed.invalid("Give a scope, e.g. `" + EXAMPLE + "`.");
        }
        return normalise(input.strip()).map(AzureScope::new);
    }

    private static Parsed<String> normalise(String raw) {
        String s = raw.strip();
        if (!s.startsWith("/")) {
            return Parsed.invalid("`" + raw + "` is not an Azure scope: a scope starts with `/subscriptions/…` or "
                    + "`/providers/Microsoft.Management/managementGroups/…`, e.g. `" + EXAMPLE + "`.");
        }
        List<String> parts = new ArrayList<>(Arrays.stream(s.split("/")).filter(p -> !p.isEmpty()).toList());
        if (parts.isEmpty()) {
            return Parsed.invalid("`/` is the root scope, which jitbot never grants; name a subscription, e.g. `"
                    + EXAMPLE + "`.");
        }
        String head = parts.get(0);
        if (head.equalsIgnoreCase("providers")) {
            if (parts.size() != 4 || !parts.get(1).equalsIgnoreCase("Microsoft.Management")
                    || !parts.get(2).equalsIgnoreCase("managementGroups") || !MG_NAME.matcher(parts.get(3)).matches()) {
                return Parsed.invalid("`" + raw + "` is not a management group scope; write it as "
                        + "`/providers/Microsoft.Management/managementGroups/<group id>`.");
            }
            return Parsed.ok("/providers/Microsoft.Management/managementGroups/" + parts.get(3));
        }
        if (!head.equalsIgnoreCase("subscriptions")) {
            return Parsed.invalid("`" + raw + "` is not an Azure scope: it should start with `/subscriptions/<id>`, e.g. `"
                    + EXAMPLE + "`.");
        }
        if (parts.size() < 2 || !GUID.matcher(parts.get(1)).matches()) {
            return Parsed.invalid("`" + raw + "` does not name a subscription by its id (a GUID), e.g. `"
                    + EXAMPLE + "`.");
        }
        StringBuilder out = new StringBuilder("/subscriptions/").append(parts.get(1).toLowerCase(Locale.ROOT));
        if (parts.size() == 2) {
            return Parsed.ok(out.toString());
        }
        if (!parts.get(2).equalsIgnoreCase("resourceGroups") || parts.size() < 4) {
            return Parsed.invalid("`" + raw + "`: after the subscription id comes `/resourceGroups/<name>`, e.g. `"
                    + EXAMPLE + "`.");
        }
        String rg = parts.get(3);
        if (!RG_NAME.matcher(rg).matches() || rg.endsWith(".")) {
            return Parsed.invalid("`" + rg + "` is not a valid resource group name (letters, digits, `-`, `_`, `.`, "
                    + "`(`, `)`; at most 90; not ending in `.`).");
        }
        out.append("/resourceGroups/").append(rg);
        if (parts.size() == 4) {
            return Parsed.ok(out.toString());
        }
        if (!parts.get(4).equalsIgnoreCase("providers") || parts.size() < 8 || (parts.size() - 6) % 2 != 0) {
            return Parsed.invalid("`" + raw + "`: a resource scope reads `…/resourceGroups/<rg>/providers/<namespace>/"
                    + "<type>/<name>`, e.g. `" + EXAMPLE + "/providers/Microsoft.KeyVault/vaults/kv-payments`.");
        }
        if (!NAMESPACE.matcher(parts.get(5)).matches()) {
            return Parsed.invalid("`" + parts.get(5) + "` is not a resource provider namespace (e.g. `Microsoft.Storage`).");
        }
        out.append("/providers/").append(parts.get(5));
        for (int i = 6; i < parts.size(); i++) {
            if (!SEGMENT.matcher(parts.get(i)).matches()) {
                return Parsed.invalid("`" + parts.get(i) + "` is not a valid resource type or name.");
            }
            out.append('/').append(parts.get(i));
        }
        return Parsed.ok(out.toString());
    }

    /** How broad this scope is. */
    public ScopeKind kind() {
        String[] p = segments();
        if (p[0].equals("providers")) {
            return ScopeKind.MANAGEMENT_GROUP;
        }
        return switch (p.length) {
            case 2 -> ScopeKind.SUBSCRIPTION;
            case 4 -> ScopeKind.RESOURCE_GROUP;
            default -> ScopeKind.RESOURCE;
        };
    }

    /** The subscription id, or null for a management group. */
    public String subscriptionId() {
        String[] p = segments();
        return p[0].equals("subscriptions") ? p[1] : null;
    }

    /** True when this scope equals {@code other} or lies inside it. */
    public boolean isWithin(AzureScope other) {
        String mine = id.toLowerCase(Locale.ROOT);
        String theirs = other.id.toLowerCase(Locale.ROOT);
        return mine.equals(theirs) || mine.startsWith(theirs + "/");
    }

    String[] segments() {
        return Arrays.stream(id.split("/")).filter(p -> !p.isEmpty()).toArray(String[]::new);
    }

    @Override
    public String toString() {
        return id;
    }
}
