package dev.jitbot.core.azure;

import com.azure.core.management.exception.ManagementException;
import com.azure.core.util.Context;
import com.azure.resourcemanager.authorization.fluent.RoleAssignmentScheduleInstancesClient;
import com.azure.resourcemanager.authorization.fluent.RoleAssignmentScheduleRequestsClient;
import com.azure.resourcemanager.authorization.fluent.models.RoleAssignmentScheduleInstanceInner;
import com.azure.resourcemanager.authorization.fluent.models.RoleAssignmentScheduleRequestInner;
import com.azure.resourcemanager.authorization.models.RequestType;
import com.azure.resourcemanager.authorization.models.RoleAssignmentScheduleRequestPropertiesScheduleInfo;
import com.azure.resourcemanager.authorization.models.RoleAssignmentScheduleRequestPropertiesScheduleInfoExpiration;
import com.azure.resourcemanager.authorization.models.RoleAssignmentScheduleRequestPropertiesTicketInfo;
import com.azure.resourcemanager.authorization.models.Status;
import com.azure.resourcemanager.authorization.models.Type;
import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.app.AccessProviderException;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.RoleRef;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PIM mode: each grant is a PIM {@code AdminAssign} schedule request whose expiration ({@code AfterDuration}, the
 * grant's duration) Azure itself enforces, so the role ends even if jitbot is down. Early ends are
 * {@code AdminRemove} requests. The request's justification carries the {@code jitbot:<id> expires <instant>} tag.
 */
final class PimScheduleRequests implements AccessProvider {

    private static final Logger log = LoggerFactory.getLogger(PimScheduleRequests.class);
    static final String WRITE = "Microsoft.Authorization/roleAssignmentScheduleRequests/write";
    private static final String PATH = "/providers/Microsoft.Authorization/roleAssignmentScheduleRequests/";
    private static final int MAX_JUSTIFICATION = 450;
    private static final Set<Status> REFUSED_STATUSES = Set.of(Status.DENIED, Status.FAILED, Status.INVALID,
            Status.ADMIN_DENIED, Status.TIMED_OUT, Status.CANCELED, Status.FAILED_AS_RESOURCE_IS_LOCKED);
    private static final Set<String> GONE = Set.of("RoleAssignmentDoesNotExist", "RoleAssignmentNotFound");

    private final RoleAssignmentScheduleRequestsClient requests;
    private final RoleAssignmentScheduleInstancesClient instances;
    private final RoleDefinitions definitions;
    private final AzureTuning tuning;

    PimScheduleRequests(RoleAssignmentScheduleRequestsClient requests, RoleAssignmentScheduleInstancesClient instances,
                        RoleDefinitions definitions, AzureTuning tuning) {
        this.requests = requests;
        this.instances = instances;
        this.definitions = definitions;
        this.tuning = tuning;
    }

    @Override
    public String mode() {
        return "pim";
    }

    /** PIM refuses an assignment schedule shorter than five minutes. */
    @Override
    public Duration shortestGrant() {
        return Duration.ofMinutes(5);
    }

    @Override
    public GrantResult grant(AccessRequest r, Instant expiresAt) {
        Optional<String> definition;
        try {
            definition = definitions.idOf(r.scope(), r.role().name());
        } catch (RuntimeException e) {
            return refusedOrThrow(e, r, "Microsoft.Authorization/roleDefinitions/read");
        }
        if (definition.isEmpty()) {
            return new GrantResult.Refused("Azure knows no role named " + r.role().name() + " at " + r.scope().id()
                    + "; fix the role name in policy.yaml (it must match the role's name in Azure exactly).");
        }
        Duration duration = r.duration();
        String justification = ArmNames.description(r.id(), expiresAt) + " — " + r.justification();
        RoleAssignmentScheduleRequestInner body = new RoleAssignmentScheduleRequestInner()
                .withPrincipalId(r.principal().objectId())
                .withRoleDefinitionId(definition.get())
                .withRequestType(RequestType.ADMIN_ASSIGN)
                .withJustification(truncate(justification))
                .withScheduleInfo(new RoleAssignmentScheduleRequestPropertiesScheduleInfo()
                        .withStartDateTime(expiresAt.minus(duration).atOffset(ZoneOffset.UTC))
                        .withExpiration(new RoleAssignmentScheduleRequestPropertiesScheduleInfoExpiration()
                                .withType(Type.AFTER_DURATION)
                                .withDuration(duration.toString())));
        if (r.ticket() != null) {
            body.withTicketInfo(new RoleAssignmentScheduleRequestPropertiesTicketInfo().withTicketNumber(r.ticket())
                    .withTicketSystem("jitbot"));
        }
        String name = ArmNames.scheduleRequestName(r.id(), ArmNames.purpose(r, "assign"));
        while (true) {
            try {
                RoleAssignmentScheduleRequestInner created =
                        requests.createWithResponse(ArmRoleAssignments.armScope(r.scope()), name, body, Context.NONE).getValue();
                Status status = created == null ? null : created.status();
                if (status != null && REFUSED_STATUSES.contains(status)) {
                    String event = AzureFailures.eventId();
                    log.error("PIM answered {} to the assignment of {} [{}]", status, r.id(), event);
                    return new GrantResult.Refused("PIM did not grant " + r.role().name() + " on " + r.scope().id()
                            + ": the request ended as " + status + ". Event " + event + ".");
                }
                String id = created != null && created.id() != null ? created.id() : r.scope().id() + PATH + name;
                log.info("granted {} through PIM: {} ({}), Azure ends it after {}", r.id(), id, status, duration);
                return new GrantResult.Granted(id);
            } catch (ManagementException e) {
                String code = AzureFailures.code(e);
                if (AzureFailures.status(e) == 409 && code.endsWith("Exists")) {
                    // A retry meeting the request an earlier try made, or the role already held: granted either way.
                    log.info("PIM assignment of {}: {}; counting it as granted", r.id(), code);
                    return new GrantResult.Granted(r.scope().id() + PATH + name);
                }
                if ("PrincipalNotFound".equals(code)) {
                    // Not waited for here: the outbox runs the same request again after a back-off.
                    throw new AccessProviderException("Entra has not replicated " + r.principal().objectId()
                            + " yet; retrying shortly");
                }
                return refusedOrThrow(e, r, WRITE);
            } catch (RuntimeException e) {
                throw unconfirmed("PIM assignment of " + r.id(), e);
            }
        }
    }

    @Override
    public void revoke(AccessRequest r) {
        Optional<String> definition = definitions.idOf(r.scope(), r.role().name());
        if (definition.isEmpty()) {
            throw new AccessProviderException("role " + r.role().name() + " no longer found at " + r.scope().id());
        }
        remove(r.scope(), r.principal().objectId(), definition.get(),
                ArmNames.scheduleRequestName(r.id(), ArmNames.purpose(r, "remove")),
                "jitbot:" + r.id().value() + " ended", "revocation of " + r.id());
    }

    @Override
    public void extend(AccessRequest r, Instant newExpiry) {
        Optional<String> definition = definitions.idOf(r.scope(), r.role().name());
        if (definition.isEmpty()) {
            return;
        }
        Instant start = r.activatedAt() != null ? r.activatedAt() : newExpiry.minus(r.duration());
        RoleAssignmentScheduleRequestInner body = new RoleAssignmentScheduleRequestInner()
                .withPrincipalId(r.principal().objectId())
                .withRoleDefinitionId(definition.get())
                .withRequestType(RequestType.ADMIN_UPDATE)
                .withJustification(truncate(ArmNames.description(r.id(), newExpiry) + " — extended"))
                .withScheduleInfo(new RoleAssignmentScheduleRequestPropertiesScheduleInfo()
                        .withStartDateTime(start.atOffset(ZoneOffset.UTC))
                        .withExpiration(new RoleAssignmentScheduleRequestPropertiesScheduleInfoExpiration()
                                .withType(Type.AFTER_DURATION)
                                .withDuration(Duration.between(start, newExpiry).toString())));
        try {
            requests.createWithResponse(ArmRoleAssignments.armScope(r.scope()),
                    ArmNames.scheduleRequestName(r.id(), ArmNames.purpose(r, "extend-" + newExpiry.getEpochSecond())),
                    body, Context.NONE);
        } catch (RuntimeException e) {
            throw unconfirmed("PIM extension of " + r.id(), e);
        }
    }

    /**
     * Tagged AdminAssign requests this identity made whose assignment PIM still holds. Several requests can name
     * the same principal, role and scope over time (one grant after another); only the latest one can own the live
     * assignment, so older ones are never reported (reconcile would otherwise remove a newer grant as an orphan).
     */
    @Override
    public List<ProviderAssignment> list(Collection<AzureScope> scopes) {
        Map<String, ProviderAssignment> found = new LinkedHashMap<>();
        for (AzureScope scope : scopes) {
            try {
                Set<String> live = new HashSet<>();
                for (RoleAssignmentScheduleInstanceInner i : instances.listForScope(ArmRoleAssignments.armScope(scope),
                        null, Context.NONE)) {
                    live.add(key(i.principalId(), i.roleDefinitionId(), i.scope()));
                }
                Map<String, RoleAssignmentScheduleRequestInner> latest = new LinkedHashMap<>();
                for (RoleAssignmentScheduleRequestInner q : requests.listForScope(ArmRoleAssignments.armScope(scope),
                        "asRequestor()", Context.NONE)) {
                    if (!RequestType.ADMIN_ASSIGN.equals(q.requestType()) || q.justification() == null
                            || !q.justification().contains(ArmNames.TAG_PREFIX) || q.id() == null
                            || !Principal.isObjectId(q.principalId())) {
                        continue;
                    }
                    Parsed<AzureScope> at = AzureScope.parse(q.scope() != null ? q.scope() : scope.id());
                    if (!at.isOk() || !at.orThrow().isWithin(scope)) {
                        continue;
                    }
                    latest.merge(key(q.principalId(), q.roleDefinitionId(), at.orThrow().id()), q,
                            (a, b) -> expiryOf(b).isAfter(expiryOf(a)) ? b : a);
                }
                latest.forEach((key, q) -> {
                    if (live.contains(key)) {
                        AzureScope at = AzureScope.parse(q.scope() != null ? q.scope() : scope.id()).orThrow();
                        found.putIfAbsent(q.id().toLowerCase(Locale.ROOT), new ProviderAssignment(q.id(),
                                ArmNames.requestIdIn(q.justification()),
                                new Principal(q.principalId(), SdkTypes.principalType(q.principalType()), null),
                                new RoleRef(definitions.nameOf(q.roleDefinitionId()), q.roleDefinitionId()),
                                at, ArmNames.expiryIn(q.justification())));
                    }
                });
            } catch (RuntimeException e) {
                throw unconfirmed("listing PIM assignments at " + scope.id(), e);
            }
        }
        return new ArrayList<>(found.values());
    }

    private static Instant expiryOf(RoleAssignmentScheduleRequestInner q) {
        Instant tagged = ArmNames.expiryIn(q.justification());
        if (tagged != null) {
            return tagged;
        }
        return q.createdOn() != null ? q.createdOn().toInstant() : Instant.EPOCH;
    }

    @Override
    public void delete(ProviderAssignment orphan) {
        remove(orphan.scope(), orphan.principal().objectId(), orphan.role().definitionId(),
                ArmNames.orphanRemovalName(orphan.assignmentId()), "jitbot: orphan removed by reconciliation",
                "removal of orphan " + orphan.assignmentId());
    }

    private void remove(AzureScope scope, String principalId, String definitionId, String name, String why,
                        String what) {
        RoleAssignmentScheduleRequestInner body = new RoleAssignmentScheduleRequestInner()
                .withPrincipalId(principalId)
                .withRoleDefinitionId(definitionId)
                .withRequestType(RequestType.ADMIN_REMOVE)
                .withJustification(why);
        try {
            requests.createWithResponse(ArmRoleAssignments.armScope(scope), name, body, Context.NONE);
            log.info("{}: PIM AdminRemove {} accepted", what, name);
        } catch (ManagementException e) {
            String code = AzureFailures.code(e);
            if (GONE.contains(code) || AzureFailures.status(e) == 404) {
                log.info("{}: the PIM assignment was already gone ({})", what, code);
                return;
            }
            if (AzureFailures.status(e) == 409) {
                // Our own AdminRemove of the same name went through on an earlier try.
                log.info("{}: PIM already holds this removal request ({})", what, code);
                return;
            }
            throw unconfirmed(what, e);
        } catch (RuntimeException e) {
            throw unconfirmed(what, e);
        }
    }

    private GrantResult refusedOrThrow(RuntimeException e, AccessRequest r, String permission) {
        int status = AzureFailures.status(e);
        String code = AzureFailures.code(e);
        String event = AzureFailures.eventId();
        if (status == 403) {
            log.error("PIM assignment of {} refused [{}]: {}", r.id(), event, AzureFailures.message(e));
            return new GrantResult.Refused(ArmRoleAssignments.permissionMessage(
                    AzureFailures.deniedAction(e, permission), r.scope(), event));
        }
        if ("RoleAssignmentRequestPolicyValidationFailed".equals(code)) {
            String rules = AzureFailures.failedRules(e);
            log.error("PIM policy refused {} [{}]: {}", r.id(), event, AzureFailures.message(e));
            return new GrantResult.Refused("The PIM settings of " + r.role().name() + " on " + r.scope().id()
                    + " refused this assignment" + (rules.isEmpty() ? "" : " (failed rules: " + rules + ")")
                    + (rules.contains("Expiration") ? ": the duration is longer than PIM allows for this role. Ask "
                    + "for less time, or raise the role's maximum assignment duration in PIM."
                    : ". An admin can compare the role's PIM settings with policy.yaml.") + " Event " + event + ".");
        }
        if (status == 400 || status == 404 || status == 409) {
            log.error("PIM assignment of {} refused [{}]: {} {}: {}", r.id(), event, status, code,
                    AzureFailures.message(e));
            return new GrantResult.Refused("PIM refused to assign " + r.role().name() + " on " + r.scope().id()
                    + " to " + r.principal().displayName() + " (Azure error " + code + "); an operator can find the "
                    + "details in the log under event " + event + ".");
        }
        throw unconfirmed("PIM assignment of " + r.id(), e);
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

    private static String key(String principalId, String definitionId, String scope) {
        return String.valueOf(principalId).toLowerCase(Locale.ROOT) + "|" + RoleDefinitions.guidOf(definitionId) + "|"
                + (scope == null ? "" : scope.toLowerCase(Locale.ROOT).replaceAll("/+$", ""));
    }

    private static String truncate(String s) {
        return s.length() <= MAX_JUSTIFICATION ? s : s.substring(0, MAX_JUSTIFICATION - 1) + "…";
    }
}
