package dev.jitbot.core.app;

import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.RoleDefinition;
import dev.jitbot.core.domain.RoleRef;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What Azure holds, whoever made it: every role assignment, PIM eligibility and PIM active assignment at and under
 * some scopes, and the role definitions behind them. Read-only except {@link #remove}. Implementation: ARM.
 */
public interface AccessInventory {

    /**
     * Everything held at and under {@code scopes}. A scope jitbot's identity may not read is reported in the
     * listing, never thrown; throttling is waited out inside.
     *
     * @throws AccessProviderException when Azure did not answer at all
     */
    Listing list(Collection<AzureScope> scopes);

    /** The role's definition by id (preferred) or by name as seen from {@code scope}, or empty when Azure has none. */
    Optional<RoleDefinition> definition(RoleRef role, AzureScope scope);

    /**
     * As {@link #definition}, for a caller that must not wait (a chat worker drawing a card): a throttled answer is
     * thrown at once instead of being waited out, and the caller falls back to what it knows.
     */
    default Optional<RoleDefinition> definitionWithoutWaiting(RoleRef role, AzureScope scope) {
        return definition(role, scope);
    }

    /** Every built-in role definition visible at {@code scope} (for suggesting a narrower one). */
    List<RoleDefinition> builtInRoles(AzureScope scope);

    /**
     * Deletes one role assignment by its full id. Idempotent: one that is already gone counts as removed.
     *
     * @throws AccessProviderException when Azure refused or did not confirm
     */
    void remove(String assignmentId);

    /** Where an assignment came from. */
    enum Source {
        /** A plain ARM role assignment (jitbot's own carry a {@code jitbot:} description). */
        ROLE_ASSIGNMENT,
        /** A PIM eligibility: the principal may activate the role. */
        PIM_ELIGIBLE,
        /** A role assignment that PIM made and ends on its own (an activation or a time-bound assignment). */
        PIM_TIME_BOUND
    }

    /**
     * One thing held.
     *
     * @param description the role assignment's description (jitbot's tag lives there), may be null
     * @param endsAt      when Azure itself ends it (PIM), or null for never
     */
    record Holding(String assignmentId, Principal principal, RoleRef role, AzureScope scope, Source source,
                   String description, Instant endsAt) {
        public Holding {
            Objects.requireNonNull(assignmentId, "assignmentId");
            Objects.requireNonNull(principal, "principal");
            Objects.requireNonNull(role, "role");
            Objects.requireNonNull(scope, "scope");
            Objects.requireNonNull(source, "source");
        }
    }

    /**
     * A part of the listing jitbot could not read.
     *
     * @param what    what could not be listed: "role assignments", "PIM eligibility", ...
     * @param message a sentence for people, e.g. "not readable by jitbot's identity (needs Reader at …)"
     */
    record NotReadable(AzureScope scope, String what, String message) { }

    /** The listing: what was found and what could not be read. */
    record Listing(List<Holding> holdings, List<NotReadable> notReadable) {
        public Listing {
            holdings = List.copyOf(holdings);
            notReadable = List.copyOf(notReadable);
        }
    }
}
