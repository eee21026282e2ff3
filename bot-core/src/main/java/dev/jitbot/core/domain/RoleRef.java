package dev.jitbot.core.domain;

import java.util.Objects;

/** An Azure role by its name (e.g. {@code Contributor}) and, once resolved, its role-definition id (may be null). */
public record RoleRef(String name, String definitionId) {

    public RoleRef {
        Objects.requireNonNull(name, "name");
        if (name.isBlank()) {
            throw new IllegalArgumentException("role name is blank");
        }
        name = name.strip();
    }

    public static RoleRef named(String name) {
        return new RoleRef(name, null);
    }

    /** True when both name the same role; role names compare without regard to case, as Azure does. */
    public boolean sameRole(RoleRef other) {
        return name.equalsIgnoreCase(other.name);
    }

    @Override
    public String toString() {
        return name;
    }
}
