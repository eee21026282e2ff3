package dev.jitbot.core.azure;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.RequestId;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** How jitbot names and tags what it creates in Azure, so a retry finds its own assignment and reconcile its orphans. */
public final class ArmNames {

    public static final String TAG_PREFIX = "jitbot:";
    private static final Pattern TAG = Pattern.compile("jitbot:(JIT-[0-9A-Z]+)");
    private static final Pattern EXPIRES = Pattern.compile("jitbot:JIT-[0-9A-Z]+ expires (\\S+)");

    private ArmNames() {
    }

    /** The role assignment name for a request: a GUID derived from its id, the same on every retry. */
    public static String assignmentName(RequestId id) {
        return UUID.nameUUIDFromBytes(("jitbot/" + id.value()).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /**
     * The role assignment name for one Azure call of a request: {@link #assignmentName(RequestId)} for a single
     * grant; for a member of a bundle a GUID derived from the id and the member's role and scope, so each member has
     * its own name and a retry re-sends the same one.
     */
    public static String assignmentName(AccessRequest r) {
        if (!r.isBundle()) {
            return assignmentName(r.id());
        }
        return UUID.nameUUIDFromBytes(("jitbot/" + r.id().value() + "/" + memberKey(r))
                .getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The purpose of a PIM step for one Azure call of a request: {@code assign}, or {@code assign/<member>}. */
    public static String purpose(AccessRequest r, String purpose) {
        return r.isBundle() ? purpose + "/" + memberKey(r) : purpose;
    }

    private static String memberKey(AccessRequest r) {
        return (r.role().name() + "|" + r.scope().id()).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * The name of a PIM schedule request for a request and a purpose ({@code assign}, {@code remove}, ...): PIM
     * wants a new name per request, and a retry of the same step must reuse it.
     */
    public static String scheduleRequestName(RequestId id, String purpose) {
        return UUID.nameUUIDFromBytes(("jitbot/" + id.value() + "/" + purpose).getBytes(StandardCharsets.UTF_8))
                .toString();
    }

    /** The name of a removal request for an assignment no request accounts for (reconcile's orphans). */
    public static String orphanRemovalName(String assignmentId) {
        return UUID.nameUUIDFromBytes(("jitbot/orphan/" + assignmentId).getBytes(StandardCharsets.UTF_8)).toString();
    }

    /** The expiry in a description written by {@link #description}, or null. */
    public static Instant expiryIn(String description) {
        if (description == null) {
            return null;
        }
        Matcher m = EXPIRES.matcher(description);
        if (!m.find()) {
            return null;
        }
        try {
            return Instant.parse(m.group(1));
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** {@code jitbot:<request id> expires <ISO instant>}. */
    public static String description(RequestId id, Instant expiresAt) {
        return TAG_PREFIX + id.value() + " expires " + expiresAt;
    }

    /** The request id in a description written by {@link #description}, or null. */
    public static String requestIdIn(String description) {
        if (description == null) {
            return null;
        }
        Matcher m = TAG.matcher(description);
        return m.find() ? m.group(1) : null;
    }
}
