package dev.jitbot.core.policy;

import dev.jitbot.core.domain.Policy;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A policy as read from its file: the {@link Policy} the bot runs on, the custom role definitions the file
 * describes (for linting only), and where each value was written, so that lint findings point at a line.
 *
 * @param lines line of each value by its path in the file, e.g. {@code rules[1].max_duration},
 *              {@code rules[0].scopes[1]}, {@code defaults.approvals}, {@code custom_roles.Deployer.actions[0]}
 */
public record PolicyFile(String source, Policy policy, Map<String, CustomRole> customRoles, Map<String, Integer> lines) {

    public PolicyFile {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(policy, "policy");
        customRoles = Map.copyOf(customRoles);
        lines = Map.copyOf(lines);
    }

    /** A policy built in code: lines come from the rules alone, and there are no custom roles. */
    public static PolicyFile of(Policy policy, String source) {
        return new PolicyFile(source, policy, Map.of(), Map.of());
    }

    /** The line where {@code path} was written, or {@code fallback} when the file did not say (a default applied). */
    public int line(String path, int fallback) {
        return lines.getOrDefault(path, fallback);
    }

    /** A custom role definition from {@code custom_roles:}: the actions it allows and excludes. */
    public record CustomRole(String name, String description, List<String> actions, List<String> notActions,
                             List<String> dataActions, List<String> notDataActions, int line) {
        public CustomRole {
            Objects.requireNonNull(name, "name");
            actions = List.copyOf(actions);
            notActions = List.copyOf(notActions);
            dataActions = List.copyOf(dataActions);
            notDataActions = List.copyOf(notDataActions);
        }
    }
}
