package dev.jitbot.core.domain;

/** The kind of Entra identity a role is assigned to. */
public enum PrincipalType {
    USER("User"),
    GROUP("Group"),
    SERVICE_PRINCIPAL("ServicePrincipal"),
    /** A managed identity is a service principal to ARM; kept apart so people see what it is. */
    MANAGED_IDENTITY("ServicePrincipal");

    private final String armName;

    PrincipalType(String armName) {
        this.armName = armName;
    }

    /** The value ARM expects in {@code principalType}. */
    public String armName() {
        return armName;
    }

    /** True for identities that are not a person. */
    public boolean isNonHuman() {
        return this == SERVICE_PRINCIPAL || this == MANAGED_IDENTITY;
    }

    /** Reads the policy file's spelling: {@code User}, {@code Group}, {@code ServicePrincipal}, {@code ManagedIdentity}. */
    public static Parsed<PrincipalType> parse(String s) {
        if (s != null) {
            String k = s.strip().replace("_", "").replace("-", "");
            for (PrincipalType t : values()) {
                if (t.name().replace("_", "").equalsIgnoreCase(k)) {
                    return Parsed.ok(t);
                }
            }
        }
        return Parsed.invalid("`" + s + "` is not a principal type; use User, Group, ServicePrincipal or ManagedIdentity.");
    }
}
