package dev.jitbot.core.azure;

import com.azure.core.management.exception.ManagementException;
import com.azure.core.util.Context;
import com.azure.resourcemanager.authorization.fluent.RoleAssignmentsClient;
import com.azure.resourcemanager.authorization.fluent.models.RoleAssignmentInner;
import com.azure.resourcemanager.authorization.models.RoleAssignmentCreateParameters;
import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.app.AccessProviderException;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.RoleRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * RBAC mode: one ARM role assignment per grant, named by a GUID derived from the request id (so a retried PUT
 * finds its own assignment) and tagged {@code jitbot:<id> expires <instant>} in its description. jitbot deletes
 * it at expiry. 5xx and timeouts are retried by the pipeline's retry policy; a 429 and {@code PrincipalNotFound}
 * (Entra replication delay) are thrown, and the outbox runs the same grant again.
 */
final class ArmRoleAssignments implements AccessProvider {

    private static final Logger log = LoggerFactory.getLogger(ArmRoleAssignments.class);
    static final String WRITE = "Microsoft.Authorization/roleAssignments/write";
    static final String DELETE = "Microsoft.Authorization/roleAssignments/delete";
    private static final String PROVIDER_PATH = "/providers/Microsoft.Authorization/roleAssignments/";

    private final RoleAssignmentsClient assignments;
    private final RoleDefinitions definitions;
    private final AzureTuning tuning;

    ArmRoleAssignments(RoleAssignmentsClient assignments, RoleDefinitions definitions, AzureTuning tuning) {
        this.assignments = assignments;
        this.definitions = definitions;
        this.tuning = tuning;
    }

    @Override
    public String mode() {
        return "rbac";
    }

    @Override
    public GrantResult grant(AccessRequest r, Instant expiresAt) {
        String name = ArmNames.assignmentName(r);
        String id = assignmentId(r.scope(), name);
        Optional<String> definition;
        try {
            definition = definitions.idOf(r.scope(), r.role().name());
        } catch (RuntimeException e) {
            return refusedOrThrow(e, r, "Microsoft.Authorization/roleDefinitions/read", "look up the role");
        }
        if (definition.isEmpty()) {
            return new GrantResult.Refused("Azure knows no role named " + r.role().name() + " at " + r.scope().id()
                    + "; fix the role name in policy.yaml (it must match the role's name in Azure exactly).");
        }
        RoleAssignmentCreateParameters body = new RoleAssignmentCreateParameters()
                .withRoleDefinitionId(definition.get())
                .withPrincipalId(r.principal().objectId())
                .withPrincipalType(SdkTypes.principalType(r.principal().type()))
                .withDescription(ArmNames.description(r.id(), expiresAt));
        try {
            assignments.createWithResponse(armScope(r.scope()), name, body, Context.NONE);
            log.info("granted {}: {} to {} ({}) as {}", r.id(), r.role().name(), r.principal().objectId(),
                    r.principal().type().armName(), id);
            return new GrantResult.Granted(id);
        } catch (ManagementException e) {
            String code = AzureFailures.code(e);
            if ("RoleAssignmentExists".equals(code)) {
                return confirmExisting(r, name, id);
            }
            if ("PrincipalNotFound".equals(code)) {
                // Not waited for here: the outbox runs the same PUT again after a back-off.
                log.info("grant of {}: Entra has not replicated principal {} yet; the grant is retried",
                        r.id(), r.principal().objectId());
                throw new AccessProviderException("Entra has not replicated " + r.principal().objectId()
                        + " yet; retrying shortly");
            }
            return refusedOrThrow(e, r, WRITE, "create the role assignment");
        } catch (RuntimeException e) {
            throw unconfirmed("grant of " + r.id(), e);
        }
    }

    /**
     * A 409 RoleAssignmentExists: either an earlier try of this very grant made our deterministic name (a crash
     * after the PUT), which counts as granted once it is looked up, or the principal already holds the role on the
     * scope through an assignment jitbot did not make, which jitbot must neither claim nor later delete.
     */
    private GrantResult confirmExisting(AccessRequest r, String name, String id) {
        RoleAssignmentInner existing;
        try {
            existing = assignments.getWithResponse(armScope(r.scope()), name, null, Context.NONE).getValue();
        } catch (ManagementException e) {
            if (AzureFailures.status(e) != 404) {
                throw unconfirmed("look-up of the existing assignment of " + r.id(), e);
            }
            existing = null;
        } catch (RuntimeException e) {
            throw unconfirmed("look-up of the existing assignment of " + r.id(), e);
        }
        if (existing != null && r.principal().objectId().equalsIgnoreCase(existing.principalId())) {
            log.info("grant of {}: the assignment {} an earlier try made is there; counting it as granted", r.id(), name);
            return new GrantResult.Granted(id);
        }
        log.warn("grant of {}: {} already holds {} at {} through an assignment jitbot did not make", r.id(),
                r.principal().objectId(), r.role().name(), r.scope().id());
        return new GrantResult.Refused(r.principal().displayName() + " already holds " + r.role().name() + " on "
                + r.scope().id() + " through a role assignment jitbot did not make, so nothing was granted and "
                + "jitbot will not remove it. Ask the platform owners to move that standing assignment into jitbot.");
    }

    @Override
    public void revoke(AccessRequest r) {
        String name = r.assignmentId() != null ? lastSegment(r.assignmentId()) : ArmNames.assignmentName(r);
        delete(r.scope(), name, "revocation of " + r.id());
    }

    @Override
    public void extend(AccessRequest r, Instant newExpiry) {
        // An RBAC assignment has no end in Azure; only its tag moves, so reconcile reads the right expiry.
        Optional<String> definition = definitions.idOf(r.scope(), r.role().name());
        if (definition.isEmpty()) {
            return;
        }
        RoleAssignmentCreateParameters body = new RoleAssignmentCreateParameters()
                .withRoleDefinitionId(definition.get())
                .withPrincipalId(r.principal().objectId())
                .withPrincipalType(SdkTypes.principalType(r.principal().type()))
                .withDescription(ArmNames.description(r.id(), newExpiry));
        try {
            assignments.createWithResponse(armScope(r.scope()), ArmNames.assignmentName(r), body, Context.NONE);
        } catch (ManagementException e) {
            if (!"RoleAssignmentExists".equals(AzureFailures.code(e))) {
                throw unconfirmed("re-tag of " + r.id() + " with its new expiry", e);
            }
            // ARM does not update an assignment in place; the expiry job still ends it on time.
        } catch (RuntimeException e) {
            throw unconfirmed("re-tag of " + r.id() + " with its new expiry", e);
        }
    }

    @Override
    public List<ProviderAssignment> list(Collection<AzureScope> scopes) {
        Map<String, ProviderAssignment> found = new LinkedHashMap<>();
        for (AzureScope scope : scopes) {
            try {
                for (RoleAssignmentInner a : assignments.listForScope(armScope(scope), null, null, null, Context.NONE)) {
                    if (a.description() == null || !a.description().contains(ArmNames.TAG_PREFIX) || a.id() == null) {
                        continue;
                    }
                    Parsed<AzureScope> at = AzureScope.parse(a.scope() != null ? a.scope() : scopeOf(a.id()));
                    if (!at.isOk() || !at.orThrow().isWithin(scope) || !Principal.isObjectId(a.principalId())) {
                        continue;
                    }
                    found.putIfAbsent(a.id().toLowerCase(Locale.ROOT), new ProviderAssignment(a.id(),
                            ArmNames.requestIdIn(a.description()),
                            new Principal(a.principalId(), SdkTypes.principalType(a.principalType()), null),
                            new RoleRef(definitions.nameOf(a.roleDefinitionId()), a.roleDefinitionId()),
                            at.orThrow(), ArmNames.expiryIn(a.description())));
                }
            } catch (RuntimeException e) {
                throw unconfirmed("listing role assignments at " + scope.id(), e);
            }
        }
        return new ArrayList<>(found.values());
    }

    @Override
    public void delete(ProviderAssignment orphan) {
        delete(orphan.scope(), lastSegment(orphan.assignmentId()), "deleting orphan " + orphan.assignmentId());
    }

    private void delete(AzureScope scope, String name, String what) {
        try {
            assignments.deleteWithResponse(armScope(scope), name, null, Context.NONE);
            log.info("{}: role assignment {} deleted (or already gone)", what, name);
        } catch (ManagementException e) {
            if (AzureFailures.status(e) == 404) {
                log.info("{}: role assignment {} was already gone", what, name);
                return;
            }
            if (AzureFailures.status(e) == 403) {
                String event = AzureFailures.eventId();
                log.error("{} refused [{}]: {}", what, event, AzureFailures.message(e));
                throw new AccessProviderException("Azure refused: jitbot's identity lacks "
                        + AzureFailures.deniedAction(e, DELETE) + " on " + scope.id() + " [" + event + "]", e);
            }
            throw unconfirmed(what, e);
        } catch (RuntimeException e) {
            throw unconfirmed(what, e);
        }
    }

    private GrantResult refusedOrThrow(RuntimeException e, AccessRequest r, String permission, String step) {
        int status = AzureFailures.status(e);
        String code = AzureFailures.code(e);
        String event = AzureFailures.eventId();
        if (status == 403) {
            log.error("grant of {} refused [{}]: {}", r.id(), event, AzureFailures.message(e));
            return new GrantResult.Refused(permissionMessage(AzureFailures.deniedAction(e, permission), r.scope(), event));
        }
        if (status == 400 || status == 404 || status == 409) {
            log.error("grant of {} refused [{}]: {} {}: {}", r.id(), event, status, code, AzureFailures.message(e));
            return new GrantResult.Refused(explain(code, r) + " (Azure error " + code + ", event " + event + ")");
        }
        throw unconfirmed("grant of " + r.id() + " (" + step + ")", e);
    }

    /** What the operator must change when the bot's own identity lacks a permission. */
    static String permissionMessage(String action, AzureScope scope, String event) {
        return "jitbot's Azure identity lacks the permission " + action + " on " + scope.id() + ", so nothing was "
                + "granted. An operator can assign it \"Role Based Access Control Administrator\" there (deploy/ "
                + "provisions it). Event " + event + ".";
    }

    private static String explain(String code, AccessRequest r) {
        return switch (code) {
            case "PrincipalNotFound" -> "Entra still does not know " + r.principal().displayName() + " ("
                    + r.principal().objectId() + ") after retrying; check the object id in policy.yaml or Entra";
            case "RoleDefinitionDoesNotExist" -> "Azure has no role " + r.role().name() + " at " + r.scope().id()
                    + "; fix the role name in policy.yaml";
            case "InvalidResourceType", "InvalidScope", "ResourceGroupNotFound", "SubscriptionNotFound",
                 "ResourceNotFound" -> "Azure does not know the scope " + r.scope().id() + "; fix it in policy.yaml";
            default -> "Azure refused to assign " + r.role().name() + " on " + r.scope().id() + " to "
                    + r.principal().displayName() + "; an operator can find the details in the log";
        };
    }

    private static AccessProviderException unconfirmed(String what, RuntimeException e) {
        java.util.Optional<Duration> wait = AzureFailures.throttled(e);
        if (wait.isPresent()) {
            // Not retried here: the outbox pauses the whole subscription for every worker and runs it again then.
            log.info("{} throttled by Azure; Retry-After {} s", what, wait.get().toSeconds());
            return AccessProviderException.throttled(what + ": Azure is throttling jitbot; retrying in "
                    + wait.get().toSeconds() + " s", wait.get());
        }
        String event = AzureFailures.eventId();
        log.warn("{} not confirmed by Azure [{}]: {}: {}", what, event, AzureFailures.summary(e),
                AzureFailures.message(e));
        return new AccessProviderException(what + ": Azure did not confirm (" + AzureFailures.summary(e) + ") ["
                + event + "]", e);
    }

    static void pause(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AccessProviderException("interrupted while waiting to retry", e);
        }
    }

    /**
     * The scope as the generated clients want it: their path template is {@code /{scope}/providers/...}, so a
     * leading slash would double.
     */
    static String armScope(AzureScope scope) {
        return scope.id().substring(1);
    }

    static String assignmentId(AzureScope scope, String name) {
        return scope.id() + PROVIDER_PATH + name;
    }

    static String lastSegment(String id) {
        return id.substring(id.lastIndexOf('/') + 1);
    }

    private static String scopeOf(String assignmentId) {
        int i = assignmentId.toLowerCase(Locale.ROOT).indexOf(PROVIDER_PATH.toLowerCase(Locale.ROOT));
        return i > 0 ? assignmentId.substring(0, i) : assignmentId;
    }
}
