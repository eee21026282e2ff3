package dev.jitbot.core.domain;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;

/** An Entra identity that a role is assigned to: its object id, its type and a name people recognise. */
public record Principal(String objectId, PrincipalType type, String displayName) {

    private static final Pattern GUID =
            Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    public Principal {
        Objects.requireNonNull(objectId, "objectId");
        Objects.requireNonNull(type, "type");
        objectId = objectId.strip().toLowerCase(Locale.ROOT);
        if (!GUID.matcher(objectId).matches()) {
            throw new IllegalArgumentException("object id is not a GUID: " + objectId);
        }
        displayName = displayName == null || displayName.isBlank() ? objectId : displayName.strip();
    }

    /** True when {@code s} looks like an Entra object id. */
    public static boolean isObjectId(String s) {
        return s != null && GUID.matcher(s.strip().toLowerCase(Locale.ROOT)).matches();
    }

    @Override
    public String toString() {
        return displayName;
    }
}
