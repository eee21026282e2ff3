package dev.jitbot.core.testing;

import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.app.AccessProviderException;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.RequestId;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** An access provider that remembers every call, holds assignments in memory, and fails on demand. */
public final class RecordingAccessProvider implements AccessProvider {

    public final List<RequestId> grants = new CopyOnWriteArrayList<>();
    public final List<RequestId> revokes = new CopyOnWriteArrayList<>();
    public final List<String> deletes = new CopyOnWriteArrayList<>();
    public final Map<String, ProviderAssignment> assignments = new ConcurrentHashMap<>();
    private final AtomicInteger revokeFailuresLeft = new AtomicInteger();
    private volatile String refuseWith;
    private final Map<String, String> refuseRoles = new ConcurrentHashMap<>();
    private volatile RuntimeException grantThrows;
    private volatile Runnable duringGrant;
    private volatile RuntimeException revokeThrows;
    private volatile String mode = "recording";
    private volatile Duration shortest = Duration.ofMinutes(1);

    /** The next {@code n} revocations throw. */
    public RecordingAccessProvider failRevocations(int n) {
        revokeFailuresLeft.set(n);
        return this;
    }

    /** The next revocation throws {@code e} (an SDK or programming error rather than the provider's own). */
    public RecordingAccessProvider throwOnNextRevoke(RuntimeException e) {
        revokeThrows = e;
        return this;
    }

    /** Every grant is refused with {@code message} (null: grant again). */
    public RecordingAccessProvider refuseGrants(String message) {
        refuseWith = message;
        return this;
    }

    /** Grants of {@code roleName} are refused with {@code message} (a bundle member, say); others are granted. */
    public RecordingAccessProvider refuseRole(String roleName, String message) {
        refuseRoles.put(roleName.toLowerCase(java.util.Locale.ROOT), message);
        return this;
    }

    /** Runs {@code action} inside every grant call, before Azure would answer (null: nothing). */
    public RecordingAccessProvider duringGrant(Runnable action) {
        duringGrant = action;
        return this;
    }

    public RecordingAccessProvider throwOnGrant(RuntimeException e) {
        grantThrows = e;
        return this;
    }

    /** Answers {@link #mode()} and {@link #shortestGrant()} as the provider of that mode would. */
    public RecordingAccessProvider actAs(String mode, Duration shortest) {
        this.mode = mode;
        this.shortest = shortest;
        return this;
    }

    @Override
    public String mode() {
        return mode;
    }

    @Override
    public Duration shortestGrant() {
        return shortest;
    }

    @Override
    public GrantResult grant(AccessRequest request, Instant expiresAt) {
        grants.add(request.id());
        Runnable during = duringGrant;
        if (during != null) {
            during.run();
        }
        if (grantThrows != null) {
            throw grantThrows;
        }
        if (refuseWith != null) {
            return new GrantResult.Refused(refuseWith);
        }
        String refusal = refuseRoles.get(request.role().name().toLowerCase(java.util.Locale.ROOT));
        if (refusal != null) {
            return new GrantResult.Refused(refusal);
        }
        String id = idOf(request);
        assignments.put(id, new ProviderAssignment(id, request.id().value(), request.principal(), request.role(),
                request.scope(), expiresAt));
        return new GrantResult.Granted(id);
    }

    @Override
    public void revoke(AccessRequest request) {
        revokes.add(request.id());
        RuntimeException e = revokeThrows;
        if (e != null) {
            revokeThrows = null;
            throw e;
        }
        if (revokeFailuresLeft.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
            throw new AccessProviderException("Azure answered 503 (test)");
        }
        assignments.remove(request.assignmentId() != null ? request.assignmentId() : idOf(request));
    }

    /** The assignment id this fake makes for one grant: per request, and per member of a bundle. */
    private static String idOf(AccessRequest request) {
        return request.scope().id() + "/providers/Microsoft.Authorization/roleAssignments/" + request.id()
                + (request.isBundle() ? "-" + request.role().name().replace(' ', '_') : "");
    }

    @Override
    public List<ProviderAssignment> list(Collection<AzureScope> scopes) {
        return new ArrayList<>(assignments.values());
    }

    @Override
    public void delete(ProviderAssignment orphan) {
        deletes.add(orphan.assignmentId());
        assignments.remove(orphan.assignmentId());
    }

    /** How many times {@code id} was revoked (successful or not). */
    public long revokeCalls(RequestId id) {
        return revokes.stream().filter(id::equals).count();
    }
}
