package dev.jitbot.deploy;

import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.azure.ArmNames;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AzureScope;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The bench's stand-in for Azure: every call takes {@code latency} (as an ARM round trip does) and changes
 * nothing. Counts grant calls per request, so the bench can show that a contended approval grants once.
 */
final class SlowProvider implements AccessProvider {

    private final Duration latency;
    private final Map<String, AtomicInteger> grants = new ConcurrentHashMap<>();

    SlowProvider(Duration latency) {
        if (latency.isNegative()) {
            throw new IllegalArgumentException("latency must not be negative, was " + latency);
        }
        this.latency = latency;
    }

    @Override
    public String mode() {
        return "bench";
    }

    /** The bench measures expiry lag with grants of seconds; nothing is granted, so no minimum applies. */
    @Override
    public Duration shortestGrant() {
        return Duration.ZERO;
    }

    @Override
    public GrantResult grant(AccessRequest r, Instant expiresAt) {
        pause();
        grants.computeIfAbsent(r.id().value(), k -> new AtomicInteger()).incrementAndGet();
        return new GrantResult.Granted(r.scope().id() + "/providers/Microsoft.Authorization/roleAssignments/"
                + ArmNames.assignmentName(r.id()));
    }

    @Override
    public void revoke(AccessRequest r) {
        pause();
    }

    @Override
    public List<ProviderAssignment> list(Collection<AzureScope> scopes) {
        pause();
        return List.of();
    }

    @Override
    public void delete(ProviderAssignment orphan) {
        pause();
    }

    /** How many times {@code requestId} was granted. */
    int grantCalls(String requestId) {
        AtomicInteger n = grants.get(requestId);
        return n == null ? 0 : n.get();
    }

    private void pause() {
        if (latency.isZero()) {
            return;
        }
        try {
            Thread.sleep(latency.toMillis(), (int) (latency.toNanosPart() % 1_000_000));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while pretending to call Azure", e);
        }
    }
}
