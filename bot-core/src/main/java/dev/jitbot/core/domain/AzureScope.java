package dev.jitbot.core.domain;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An Azure RBAC scope in its canonical ARM form: a management group, a subscription, a resource group, or a
 * resource. Only ARM's grammar is accepted, so the id that policy checks, the store, the audit log and ARM see is
 * the one scope it names: no dot segments, no percent-encoding, no empty segments. Comparisons ignore case, as ARM
 * does.
 */
public record AzureScope(String id) {

    public static final String EXAMPLE = "/subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6/resourceGroups/rg-payments";
    /** The longest scope id jitbot accepts (the store keeps up to 2,000 characters). */
    public static final int MAX_LENGTH = 2000;

    private static final String RESOURCE_EXAMPLE = EXAMPLE + "/providers/Microsoft.Storage/storageAccounts/sapayments";
    private static final String MG_EXAMPLE = "/providers/Microsoft.Management/managementGroups/mg-platform";
    private static final Pattern GUID =
            Pattern.compile("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    /** Resource group and management group names: ARM's characters, ASCII only, 1-90, not ending in a period. */
    private static final Pattern GROUP_NAME = Pattern.compile("[A-Za-z0-9_.()-]{0,89}[A-Za-z0-9_()-]");
    private static final Pattern NAMESPACE = Pattern.compile("[A-Za-z][A-Za-z0-9]*(\\.[A-Za-z][A-Za-z0-9]*)+");
    private static final Pattern TYPE = Pattern.compile("[A-Za-z][A-Za-z0-9]{0,63}");
    /** Resource names: ARM's common characters, ASCII only, not ending in a period (servers drop a trailing one). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.()@~-]{0,259}[A-Za-z0-9_()@~-]");

    public AzureScope {
        Objects.requireNonNull(id, "id");
        Parsed<String> canonical = canonical(id.strip());
        if (!canonical.isOk()) {
            throw new IllegalArgumentException(canonical.reason());
        }
        id = canonical.orThrow();
    }

    /** Reads an ARM scope id as a person typed it, or explains what is wrong with it. */
    public static Parsed<AzureScope> parse(String input) {
        if (input == null || input.isBlank()) {
            return Parsed.invalid("Give a scope, e.g. `" + EXAMPLE + "`.");
        }
        return canonical(input.strip()).map(AzureScope::new);
    }

    private static Parsed<String> canonical(String s) {
        if (s.length() > MAX_LENGTH) {
            return Parsed.invalid("That scope is " + s.length() + " characters long; an ARM scope has at most "
                    + MAX_LENGTH + ", e.g. `" + EXAMPLE + "`.");
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (Character.isWhitespace(c) || Character.isISOControl(c) || Character.isSpaceChar(c)) {
                return Parsed.invalid("`" + quote(s) + "` contains a space or control character; a scope is one "
                        + "ARM id without spaces, e.g. `" + EXAMPLE + "`.");
            }
            if (c > '~') {
                // Look-alikes such as a full-width dot or a long s would otherwise pass for ARM's own characters.
                return Parsed.invalid("`" + quote(s) + "` contains `" + quote(String.valueOf(c)) + "`, which ARM "
                        + "scopes do not use; type the scope in plain ASCII, e.g. `" + EXAMPLE + "`.");
            }
        }
        if (s.indexOf('%') >= 0) {
            return Parsed.invalid("`" + quote(s) + "` contains `%`; write the scope as plain text, not "
                    + "percent-encoded, e.g. `" + EXAMPLE + "`.");
        }
        if (s.indexOf('\\') >= 0) {
            return Parsed.invalid("`" + quote(s) + "` contains `\\`; ARM scopes separate their parts with `/`, e.g. `"
                    + EXAMPLE + "`.");
        }
        if (!s.startsWith("/")) {
            return Parsed.invalid("`" + quote(s) + "` is not an Azure scope: a scope starts with `/subscriptions/…` "
                    + "or `/providers/Microsoft.Management/managementGroups/…`, e.g. `" + EXAMPLE + "`.");
        }
        String body = s.length() > 1 && s.endsWith("/") ? s.substring(1, s.length() - 1) : s.substring(1);
        if (body.isEmpty()) {
            return Parsed.invalid("`/` is the root scope, which jitbot never grants; name a subscription, e.g. `"
                    + EXAMPLE + "`.");
        }
        String[] parts = body.split("/", -1);
        for (String part : parts) {
            if (part.isEmpty()) {
                return Parsed.invalid("`" + quote(s) + "` has an empty part (`//`); write each part once between "
                        + "single slashes, e.g. `" + EXAMPLE + "`.");
            }
            if (part.chars().allMatch(c -> c == '.')) {
                return Parsed.invalid("`" + quote(s) + "` has a `" + (part.length() > 3 ? "..." : part) + "` part; "
                        + "jitbot takes only the scope itself, without `.` or `..` steps, e.g. `" + EXAMPLE + "`.");
            }
        }
        String head = parts[0];
        if (head.equalsIgnoreCase("providers")) {
            return managementGroup(s, parts);
        }
        if (!head.equalsIgnoreCase("subscriptions")) {
            return Parsed.invalid("`" + quote(s) + "` is not an Azure scope: it should start with "
                    + "`/subscriptions/<id>`, e.g. `" + EXAMPLE + "`.");
        }
        if (parts.length < 2 || !GUID.matcher(parts[1]).matches()) {
            return Parsed.invalid("`" + quote(s) + "` does not name a subscription by its id (a GUID), e.g. `"
                    + EXAMPLE + "`.");
        }
        StringBuilder out = new StringBuilder("/subscriptions/").append(parts[1].toLowerCase(Locale.ROOT));
        if (parts.length == 2) {
            return Parsed.ok(out.toString());
        }
        if (!parts[2].equalsIgnoreCase("resourceGroups") || parts.length < 4) {
            return Parsed.invalid("`" + quote(s) + "`: after the subscription id comes `/resourceGroups/<name>`, "
                    + "e.g. `" + EXAMPLE + "`.");
        }
        String rg = parts[3];
        if (!GROUP_NAME.matcher(rg).matches()) {
            return Parsed.invalid("`" + quote(rg) + "` is not a valid resource group name: 1 to 90 letters, digits, "
                    + "`-`, `_`, `.`, `(` or `)`, not ending in `.`, e.g. `rg-payments`.");
        }
        out.append("/resourceGroups/").append(rg);
        if (parts.length == 4) {
            return Parsed.ok(out.toString());
        }
        if (!parts[4].equalsIgnoreCase("providers") || parts.length < 8 || (parts.length - 6) % 2 != 0) {
            return Parsed.invalid("`" + quote(s) + "`: a resource scope reads `…/resourceGroups/<rg>/providers/"
                    + "<namespace>/<type>/<name>`, with nested types as further `/<type>/<name>` pairs, e.g. `"
                    + RESOURCE_EXAMPLE + "`.");
        }
        if (!NAMESPACE.matcher(parts[5]).matches()) {
            return Parsed.invalid("`" + quote(parts[5]) + "` is not a resource provider namespace; write one such as "
                    + "`Microsoft.Storage`, e.g. `" + RESOURCE_EXAMPLE + "`.");
        }
        out.append("/providers/").append(parts[5]);
        for (int i = 6; i < parts.length; i += 2) {
            if (!TYPE.matcher(parts[i]).matches()) {
                return Parsed.invalid("`" + quote(parts[i]) + "` is not a resource type: letters and digits, "
                        + "starting with a letter, such as `storageAccounts`, e.g. `" + RESOURCE_EXAMPLE + "`.");
            }
            if (!NAME.matcher(parts[i + 1]).matches()) {
                return Parsed.invalid("`" + quote(parts[i + 1]) + "` is not a resource name jitbot accepts: up to "
                        + "260 letters, digits, `-`, `_`, `.`, `(`, `)`, `@` or `~`, not ending in `.`, e.g. `"
                        + RESOURCE_EXAMPLE + "`.");
            }
            out.append('/').append(parts[i]).append('/').append(parts[i + 1]);
        }
        return Parsed.ok(out.toString());
    }

    private static Parsed<String> managementGroup(String s, String[] parts) {
        String shape = "write it as `/providers/Microsoft.Management/managementGroups/<group id>`, e.g. `"
                + MG_EXAMPLE + "`.";
        if (parts.length != 4 || !parts[1].equalsIgnoreCase("Microsoft.Management")
                || !parts[2].equalsIgnoreCase("managementGroups")) {
            return Parsed.invalid("`" + quote(s) + "` is not a management group scope; " + shape);
        }
        if (!GROUP_NAME.matcher(parts[3]).matches()) {
            return Parsed.invalid("`" + quote(parts[3]) + "` is not a management group id: 1 to 90 letters, digits, "
                    + "`-`, `_`, `.`, `(` or `)`, not ending in `.`; " + shape);
        }
        return Parsed.ok("/providers/Microsoft.Management/managementGroups/" + parts[3]);
    }

    /** What the person typed, short enough to show back and without characters that break a code span. */
    private static String quote(String typed) {
        StringBuilder out = new StringBuilder();
        typed.codePoints().limit(80).forEach(c -> out.appendCodePoint(
                c == '`' || Character.isISOControl(c) || Character.getType(c) == Character.FORMAT ? '?' : c));
        return typed.codePointCount(0, typed.length()) > 80 ? out + "…" : out.toString();
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

    /** True when this scope equals {@code other} or lies inside it, segment by segment and ignoring case. */
    public boolean isWithin(AzureScope other) {
        String[] mine = segments();
        String[] theirs = other.segments();
        if (theirs.length > mine.length) {
            return false;
        }
        for (int i = 0; i < theirs.length; i++) {
            if (!theirs[i].equalsIgnoreCase(mine[i])) {
                return false;
            }
        }
        return true;
    }

    String[] segments() {
        String[] all = id.split("/");
        return Arrays.copyOfRange(all, 1, all.length);
    }

    @Override
    public String toString() {
        return id;
    }
}
