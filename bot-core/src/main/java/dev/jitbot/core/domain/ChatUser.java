package dev.jitbot.core.domain;

import java.util.Locale;
import java.util.Objects;

/**
 * A person as a chat platform knows them. {@code email} (may be null) links them to policy and to Entra;
 * {@code aadObjectId} (may be null) is set where the platform already knows their Entra object id (Teams);
 * {@code timeZone} (may be null) is the zone their chat client or profile reports (Slack's {@code tz}, Teams'
 * {@code localTimezone}), in which a start without a zone is read. It is not part of who they are: it is not
 * stored with the person and {@link #samePerson} ignores it.
 */
public record ChatUser(Platform platform, String id, String displayName, String email, String aadObjectId,
                       String timeZone) {

    public ChatUser {
        Objects.requireNonNull(platform, "platform");
        Objects.requireNonNull(id, "id");
        if (id.isBlank()) {
            throw new IllegalArgumentException("chat user id is blank");
        }
        email = email == null || email.isBlank() ? null : email.strip().toLowerCase(Locale.ROOT);
        displayName = displayName == null || displayName.isBlank() ? (email != null ? email : id) : displayName.strip();
        aadObjectId = aadObjectId == null || aadObjectId.isBlank() ? null : aadObjectId.strip().toLowerCase(Locale.ROOT);
        timeZone = timeZone == null || timeZone.isBlank() ? null : timeZone.strip();
    }

    public ChatUser(Platform platform, String id, String displayName, String email, String aadObjectId) {
        this(platform, id, displayName, email, aadObjectId, null);
    }

    public ChatUser(Platform platform, String id, String displayName, String email) {
        this(platform, id, displayName, email, null, null);
    }

    /** The same person, whose client reports {@code zone} (an IANA id, may be null). */
    public ChatUser inZone(String zone) {
        return new ChatUser(platform, id, displayName, email, aadObjectId, zone);
    }

    /** {@code platform:id}, the key under which policy may name a chat user directly (e.g. {@code slack:U024BE7LH}). */
    public String key() {
        return platform.key() + ":" + id;
    }

    /** True when both are the same person: same platform id, or the same email or Entra object id. */
    public boolean samePerson(ChatUser other) {
        if (other == null) {
            return false;
        }
        if (platform == other.platform && id.equals(other.id)) {
            return true;
        }
        if (email != null && email.equals(other.email)) {
            return true;
        }
        return aadObjectId != null && aadObjectId.equals(other.aadObjectId);
    }

    @Override
    public String toString() {
        return displayName;
    }
}
