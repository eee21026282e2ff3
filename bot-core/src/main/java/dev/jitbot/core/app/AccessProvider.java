package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.RoleRef;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;

/**
 * Grants and takes away Azure roles. Implementations: ARM role assignments, PIM schedule requests, dry run.
 * Transient trouble (throttling, 5xx, timeouts) is retried inside the implementation; what is left is either a
 * refusal (a {@link GrantResult.Refused}) or an {@link AccessProviderException}.
 */
public interface AccessProvider {

    /** {@code rbac}, {@code pim} or {@code dry-run}: shown at start-up and in audit details. */
    String mode();

    /** The shortest grant worth making: Azure takes about a minute to apply an assignment, PIM accepts 5. */
    default Duration shortestGrant() {
        return Duration.ofMinutes(1);
    }

    /**
     * Gives {@code request.principal()} the role on the scope until {@code expiresAt}. Must be idempotent for the
     * same request id: a retried call may not create a second assignment.
     */
    GrantResult grant(AccessRequest request, Instant expiresAt);

    /**
     * Takes the role away again. Idempotent: an assignment that is already gone counts as revoked.
     *
     * @throws AccessProviderException when Azure could not confirm it; the caller retries
     */
    void revoke(AccessRequest request);

    /** Moves the end of an active grant (PIM renews its schedule; RBAC only re-tags). */
    default void extend(AccessRequest request, Instant newExpiry) {
    }

    /** Every assignment jitbot made (tagged {@code jitbot:<id>}) at or below the given scopes. */
    List<ProviderAssignment> list(Collection<AzureScope> scopes);

    /** Deletes an assignment that no request accounts for (found by reconciliation). */
    void delete(ProviderAssignment orphan);

    /** The answer to a grant call. */
    sealed interface GrantResult {
        /** Azure holds the assignment; {@code assignmentId} is how to find it again. */
        record Granted(String assignmentId) implements GrantResult { }

        /** Azure said no; {@code operatorMessage} says what an operator must change. */
        record Refused(String operatorMessage) implements GrantResult { }
    }

    /**
     * An assignment jitbot created, as Azure lists it.
     *
     * @param requestId the id from the {@code jitbot:<id>} tag, or null if the tag could not be read
     */
    record ProviderAssignment(String assignmentId, String requestId, Principal principal, RoleRef role,
                              AzureScope scope, Instant expiresAt) { }
}
