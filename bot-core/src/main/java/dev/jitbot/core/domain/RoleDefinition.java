package dev.jitbot.core.domain;

import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * An Azure role definition's permissions as ARM returns them: what the role allows ({@code actions},
 * {@code dataActions}) minus what it excludes ({@code notActions}, {@code notDataActions}). Patterns use ARM's
 * {@code *} wildcard and compare without regard to case, as Azure does.
 *
 * @param id     the definition id ({@code /providers/Microsoft.Authorization/roleDefinitions/<guid>}), may be null
 * @param custom true for a customer-defined role, false for a built-in one
 */
public record RoleDefinition(String id, String name, boolean custom, List<String> actions, List<String> notActions,
                             List<String> dataActions, List<String> notDataActions) {

    public RoleDefinition {
        Objects.requireNonNull(name, "name");
        actions = List.copyOf(actions);
        notActions = List.copyOf(notActions);
        dataActions = List.copyOf(dataActions);
        notDataActions = List.copyOf(notDataActions);
    }

    /** True when the role lets its holder call the control-plane {@code action}. */
    public boolean allows(String action) {
        return matchesAny(actions, action) && !matchesAny(notActions, action);
    }

    /** True when the role lets its holder perform the data-plane {@code dataAction}. */
    public boolean allowsData(String dataAction) {
        return matchesAny(dataActions, dataAction) && !matchesAny(notDataActions, dataAction);
    }

    /** True when {@code dataAction} is one of the role's {@code notDataActions}. */
    public boolean matchesExcluded(String dataAction) {
        return matchesAny(notDataActions, dataAction);
    }

    /** True when every action the role allows is a read: nothing it holds can change a resource. */
    public boolean readOnly() {
        return actions.stream().allMatch(a -> a.toLowerCase(Locale.ROOT).endsWith("/read"))
                && dataActions.stream().allMatch(a -> a.toLowerCase(Locale.ROOT).endsWith("/read"));
    }

    /** True when every action {@code needed} asks for is one this role allows too. */
    public boolean coversAll(List<String> needed) {
        // A wildcard asked for is read as the literal text: a pattern that matches it covers everything it names.
        return needed.stream().allMatch(this::allows);
    }

    /** The GUID at the end of the definition id, lower-cased, or "" without an id. */
    public String guid() {
        return id == null ? "" : id.substring(id.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    }

    static boolean matchesAny(List<String> patterns, String action) {
        for (String p : patterns) {
            if (matches(p, action)) {
                return true;
            }
        }
        return false;
    }

    /** ARM's wildcard match: {@code *} stands for any run of characters, case ignored. */
    static boolean matches(String pattern, String action) {
        if (pattern.equals("*")) {
            return true;
        }
        String[] parts = pattern.split("\\*", -1);
        StringBuilder re = new StringBuilder();
        for (int i = 0; i < parts.length; i++) {
            if (i > 0) {
                re.append(".*");
            }
            re.append(Pattern.quote(parts[i]));
        }
        return Pattern.compile(re.toString(), Pattern.CASE_INSENSITIVE).matcher(action).matches();
    }
}
