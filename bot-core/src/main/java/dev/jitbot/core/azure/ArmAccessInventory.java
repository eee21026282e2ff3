package dev.jitbot.core.azure;

import com.azure.core.management.exception.ManagementException;
import com.azure.core.util.Context;
import com.azure.resourcemanager.authorization.fluent.RoleAssignmentScheduleInstancesClient;
import com.azure.resourcemanager.authorization.fluent.RoleAssignmentsClient;
import com.azure.resourcemanager.authorization.fluent.RoleDefinitionsClient;
import com.azure.resourcemanager.authorization.fluent.RoleEligibilityScheduleInstancesClient;
import com.azure.resourcemanager.authorization.fluent.models.PermissionInner;
import com.azure.resourcemanager.authorization.fluent.models.RoleAssignmentInner;
import com.azure.resourcemanager.authorization.fluent.models.RoleAssignmentScheduleInstanceInner;
import com.azure.resourcemanager.authorization.fluent.models.RoleDefinitionInner;
import com.azure.resourcemanager.authorization.fluent.models.RoleEligibilityScheduleInstanceInner;
import com.azure.resourcemanager.authorization.models.AssignmentType;
import dev.jitbot.core.app.AccessInventory;
import dev.jitbot.core.app.AccessProviderException;
import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.RoleDefinition;
import dev.jitbot.core.domain.RoleRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What Azure holds, read through ARM: role assignments, PIM eligibility and PIM active schedule instances at and
 * under each scope, and role definitions (remembered for the tuning's directory TTL). The ARM pipeline hands a 429
 * back instead of retrying it; a listing here waits out the Retry-After itself (sleeping the calling thread, which
 * is a CLI scan or a scheduled job, never a chat request) and lists that scope again from its first page.
 */
final class ArmAccessInventory implements AccessInventory {

    private static final Logger log = LoggerFactory.getLogger(ArmAccessInventory.class);
    /** How often one listing may be throttled before the scan gives up on Azure. */
    static final int THROTTLE_ATTEMPTS = 8;

    private final RoleAssignmentsClient assignments;
    private final RoleDefinitionsClient definitions;
    private final RoleEligibilityScheduleInstancesClient eligibility;
    private final RoleAssignmentScheduleInstancesClient activeInstances;
    private final Duration ttl;
    private final Clock clock;
    private final Consumer<Duration> sleeper;
    private final Map<String, Cached> byKey = new ConcurrentHashMap<>();

    private record Cached(Optional<RoleDefinition> definition, Instant at) { }

    ArmAccessInventory(RoleAssignmentsClient assignments, RoleDefinitionsClient definitions,
                       RoleEligibilityScheduleInstancesClient eligibility,
                       RoleAssignmentScheduleInstancesClient activeInstances, Duration ttl, Clock clock,
                       Consumer<Duration> sleeper) {
        this.assignments = assignments;
        this.definitions = definitions;
        this.eligibility = eligibility;
        this.activeInstances = activeInstances;
        this.ttl = ttl;
        this.clock = clock;
        this.sleeper = sleeper;
    }

    @Override
    public Listing list(Collection<AzureScope> scopes) {
        Map<String, Holding> found = new LinkedHashMap<>();
        List<NotReadable> notReadable = new ArrayList<>();
        for (AzureScope scope : scopes) {
            String at = ArmRoleAssignments.armScope(scope);
            Map<String, Instant> pimEnds = new HashMap<>();
            List<RoleAssignmentScheduleInstanceInner> active = listing(scope, "PIM active assignments", notReadable,
                    () -> collect(activeInstances.listForScope(at, null, Context.NONE)));
            for (RoleAssignmentScheduleInstanceInner i : active) {
                boolean timeBound = i.endDateTime() != null || AssignmentType.ACTIVATED.equals(i.assignmentType());
                if (timeBound && i.originRoleAssignmentId() != null) {
                    pimEnds.put(i.originRoleAssignmentId().toLowerCase(Locale.ROOT),
                            i.endDateTime() == null ? null : i.endDateTime().toInstant());
                }
            }
            List<RoleAssignmentInner> plain = listing(scope, "role assignments", notReadable,
                    () -> collect(assignments.listForScope(at, null, null, null, Context.NONE)));
            for (RoleAssignmentInner a : plain) {
                Optional<AzureScope> s = within(a.scope(), a.id(), scope);
                if (s.isEmpty() || !Principal.isObjectId(a.principalId())) {
                    continue;
                }
                String key = a.id().toLowerCase(Locale.ROOT);
                boolean pim = pimEnds.containsKey(key);
                found.putIfAbsent(key, new Holding(a.id(), principal(a.principalId(), a.principalType()),
                        new RoleRef(definitionName(a.roleDefinitionId()), a.roleDefinitionId()), s.get(),
                        pim ? Source.PIM_TIME_BOUND : Source.ROLE_ASSIGNMENT, a.description(),
                        pim ? pimEnds.get(key) : null));
            }
            List<RoleEligibilityScheduleInstanceInner> eligible = listing(scope, "PIM eligibility", notReadable,
                    () -> collect(eligibility.listForScope(at, null, Context.NONE)));
            for (RoleEligibilityScheduleInstanceInner e : eligible) {
                Optional<AzureScope> s = within(e.scope(), e.id(), scope);
                if (s.isEmpty() || e.id() == null || !Principal.isObjectId(e.principalId())) {
                    continue;
                }
                found.putIfAbsent(e.id().toLowerCase(Locale.ROOT), new Holding(e.id(),
                        principal(e.principalId(), e.principalType()),
                        new RoleRef(definitionName(e.roleDefinitionId()), e.roleDefinitionId()), s.get(),
                        Source.PIM_ELIGIBLE, null, e.endDateTime() == null ? null : e.endDateTime().toInstant()));
            }
        }
        return new Listing(new ArrayList<>(found.values()), notReadable);
    }

    @Override
    public Optional<RoleDefinition> definition(RoleRef role, AzureScope scope) {
        return definition(role, scope, true);
    }

    @Override
    public Optional<RoleDefinition> definitionWithoutWaiting(RoleRef role, AzureScope scope) {
        return definition(role, scope, false);
    }

    /** @param wait whether a 429 is waited out ({@link #throttled}) or thrown at once */
    private Optional<RoleDefinition> definition(RoleRef role, AzureScope scope, boolean wait) {
        String key = role.definitionId() != null ? RoleDefinitions.guidOf(role.definitionId())
                : scope.id().toLowerCase(Locale.ROOT) + "|" + role.name().toLowerCase(Locale.ROOT);
        Cached c = byKey.get(key);
        Instant now = clock.instant();
        if (c != null && c.at().plus(ttl).isAfter(now)) {
            return c.definition();
        }
        Supplier<Optional<RoleDefinition>> read = () -> {
            try {
                if (role.definitionId() != null) {
                    String id = role.definitionId().startsWith("/") ? role.definitionId().substring(1) : role.definitionId();
                    return Optional.ofNullable(definitions.getByIdWithResponse(id, Context.NONE).getValue())
                            .map(ArmAccessInventory::definitionOf);
                }
                String filter = "roleName eq '" + role.name().replace("'", "''") + "'";
                for (RoleDefinitionInner d2 : definitions.list(ArmRoleAssignments.armScope(scope), filter, Context.NONE)) {
                    if (role.name().equalsIgnoreCase(d2.roleName())) {
                        return Optional.of(definitionOf(d2));
                    }
                }
                return Optional.empty();
            } catch (ManagementException e) {
                if (AzureFailures.status(e) == 404) {
                    return Optional.empty();
                }
                throw e;
            }
        };
        Optional<RoleDefinition> d = wait ? throttled("role definition " + role.name(), read) : read.get();
        byKey.put(key, new Cached(d, now));
        d.ifPresent(def -> byKey.put(def.guid(), new Cached(d, now)));
        return d;
    }

    @Override
    public List<RoleDefinition> builtInRoles(AzureScope scope) {
        return throttled("built-in roles at " + scope.id(), () -> {
            List<RoleDefinition> out = new ArrayList<>();
            for (RoleDefinitionInner d : definitions.list(ArmRoleAssignments.armScope(scope), "type eq 'BuiltInRole'",
                    Context.NONE)) {
                out.add(definitionOf(d));
            }
            return out;
        });
    }

    @Override
    public void remove(String assignmentId) {
        String id = assignmentId.startsWith("/") ? assignmentId.substring(1) : assignmentId;
        try {
            throttled("removal of " + assignmentId, () -> assignments.deleteByIdWithResponse(id, null, Context.NONE));
            log.info("standing role assignment {} removed", assignmentId);
        } catch (ManagementException e) {
            int status = AzureFailures.status(e);
            if (status == 404) {
                return;
            }
            String event = AzureFailures.eventId();
            log.error("removal of {} refused [{}]: {}", assignmentId, event, AzureFailures.message(e));
            if (status == 403) {
                throw new AccessProviderException("Azure refused: jitbot's identity lacks "
                        + AzureFailures.deniedAction(e, ArmRoleAssignments.DELETE) + " there [" + event + "]", e);
            }
            throw new AccessProviderException("Azure did not remove " + assignmentId + " ("
                    + AzureFailures.summary(e) + ") [" + event + "]", e);
        } catch (AccessProviderException e) {
            throw e;
        } catch (RuntimeException e) {
            throw new AccessProviderException("Azure did not confirm the removal of " + assignmentId + " ("
                    + AzureFailures.summary(e) + ")", e);
        }
    }

    /** One listing, its 403 (or PIM's licence refusal) turned into a {@link NotReadable} so the scan goes on. */
    private <T> List<T> listing(AzureScope scope, String what, List<NotReadable> notReadable, Supplier<List<T>> call) {
        try {
            return throttled(what + " at " + scope.id(), call);
        } catch (AccessProviderException e) {
            throw e;
        } catch (RuntimeException e) {
            int status = AzureFailures.status(e);
            if (status == 403 || status == 401) {
                notReadable.add(new NotReadable(scope, what, "not readable by jitbot's identity (needs Reader at "
                        + scope.id() + ")"));
                return List.of();
            }
            if (status >= 400 && status < 500) {
                // A scope Azure does not know, or PIM without Entra ID P2: this part is missing, the scan goes on.
                notReadable.add(new NotReadable(scope, what, "not readable: Azure answered " + AzureFailures.summary(e)
                        + (what.startsWith("PIM") ? " (PIM needs Entra ID P2)" : "")));
                return List.of();
            }
            throw new AccessProviderException("listing " + what + " at " + scope.id() + ": Azure did not answer ("
                    + AzureFailures.summary(e) + ")", e);
        }
    }

    /** Runs {@code call} again after each 429's Retry-After, up to {@link #THROTTLE_ATTEMPTS} times. */
    private <T> T throttled(String what, Supplier<T> call) {
        for (int attempt = 1; ; attempt++) {
            try {
                return call.get();
            } catch (RuntimeException e) {
                Optional<Duration> wait = AzureFailures.throttled(e);
                if (wait.isEmpty() || attempt >= THROTTLE_ATTEMPTS) {
                    if (wait.isPresent()) {
                        throw new AccessProviderException(what + ": Azure kept throttling jitbot after "
                                + attempt + " tries; run the scan again later", e);
                    }
                    throw e;
                }
                log.warn("{}: Azure is throttling jitbot; waiting its Retry-After of {} s, then listing again",
                        what, wait.get().toSeconds());
                sleeper.accept(wait.get());
            }
        }
    }

    private static <T> List<T> collect(Iterable<T> pages) {
        List<T> out = new ArrayList<>();
        pages.forEach(out::add);
        return out;
    }

    private String definitionName(String definitionId) {
        if (definitionId == null) {
            return "unknown role";
        }
        Cached c = byKey.get(RoleDefinitions.guidOf(definitionId));
        return c != null && c.definition().isPresent() ? c.definition().get().name()
                : RoleDefinitions.guidOf(definitionId);
    }

    private static Principal principal(String objectId, com.azure.resourcemanager.authorization.models.PrincipalType t) {
        return new Principal(objectId.toLowerCase(Locale.ROOT), SdkTypes.principalType(t), null);
    }

    /** The holding's scope when it lies at or under {@code parent} (ARM also lists what is inherited from above). */
    private static Optional<AzureScope> within(String scope, String id, AzureScope parent) {
        String raw = scope != null ? scope : scopeOf(id);
        if (raw == null) {
            return Optional.empty();
        }
        Parsed<AzureScope> s = AzureScope.parse(raw);
        return s.isOk() && s.orThrow().isWithin(parent) ? Optional.of(s.orThrow()) : Optional.empty();
    }

    private static String scopeOf(String id) {
        if (id == null) {
            return null;
        }
        int i = id.toLowerCase(Locale.ROOT).indexOf("/providers/microsoft.authorization/");
        return i > 0 ? id.substring(0, i) : null;
    }

    static RoleDefinition definitionOf(RoleDefinitionInner d) {
        List<String> actions = new ArrayList<>();
        List<String> notActions = new ArrayList<>();
        List<String> dataActions = new ArrayList<>();
        List<String> notDataActions = new ArrayList<>();
        if (d.permissions() != null) {
            for (PermissionInner p : d.permissions()) {
                addAll(actions, p.actions());
                addAll(notActions, p.notActions());
                addAll(dataActions, p.dataActions());
                addAll(notDataActions, p.notDataActions());
            }
        }
        return new RoleDefinition(d.id(), d.roleName() != null ? d.roleName() : RoleDefinitions.guidOf(d.id()),
                "CustomRole".equalsIgnoreCase(d.roleType()), actions, notActions, dataActions, notDataActions);
    }

    private static void addAll(List<String> into, List<String> from) {
        if (from != null) {
            into.addAll(from);
        }
    }
}
