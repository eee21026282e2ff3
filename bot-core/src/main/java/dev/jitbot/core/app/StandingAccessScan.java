package dev.jitbot.core.app;

import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.BlastRadius;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.PrincipalType;
import dev.jitbot.core.domain.RoleDefinition;
import dev.jitbot.core.domain.RoleRef;
import dev.jitbot.core.domain.ScopeKind;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * {@code jitbot scan}: lists what Azure holds at and under the policy's managed scopes, sorts it into jitbot's own
 * grants, PIM's time-bound ones and standing privilege, and rates each standing assignment's risk from its role's
 * definition, its scope's breadth and who holds it. Read-only: it never changes policy or Azure.
 */
public final class StandingAccessScan {

    /** How an assignment came to be. */
    public enum Kind {
        JITBOT, PIM, STANDING;

        /** {@code jitbot}, {@code pim}, {@code standing}: as the JSON says it. */
        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** How much a standing assignment would hurt in the wrong hands. */
    public enum Risk {
        CRITICAL, HIGH, MEDIUM, LOW;

        public String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * One assignment, classified and rated.
     *
     * @param reasons       why it got its risk, as short phrases
     * @param coveredByRule the jitbot rule that already grants this role on this scope (then a standing assignment
     *                      is redundant), or null
     * @param definition    the role's definition, or null when it could not be read
     */
    public record Finding(String assignmentId, Principal principal, RoleRef role, AzureScope scope, Kind kind,
                          Risk risk, List<String> reasons, String coveredByRule, RoleDefinition definition) {
        public Finding {
            reasons = List.copyOf(reasons);
        }

        /** True for a standing assignment worth moving into jitbot: it can change something. */
        public boolean privilegedStanding() {
            return kind == Kind.STANDING && risk != Risk.LOW;
        }
    }

    /** A whole scan: findings (most risky first), the parts jitbot could not read, and when it ran. */
    public record Report(List<Finding> findings, List<AccessInventory.NotReadable> notReadable, Instant at) {
        public Report {
            findings = List.copyOf(findings);
            notReadable = List.copyOf(notReadable);
        }

        /** How many findings of each kind. */
        public Map<Kind, Long> byKind() {
            Map<Kind, Long> out = new EnumMap<>(Kind.class);
            for (Kind k : Kind.values()) {
                out.put(k, findings.stream().filter(f -> f.kind() == k).count());
            }
            return out;
        }

        /** How many standing findings of each risk. */
        public Map<Risk, Long> standingByRisk() {
            Map<Risk, Long> out = new EnumMap<>(Risk.class);
            for (Risk r : Risk.values()) {
                out.put(r, findings.stream().filter(f -> f.kind() == Kind.STANDING && f.risk() == r).count());
            }
            return out;
        }

        /** The riskiest standing assignments, at most {@code n}. */
        public List<Finding> top(int n) {
            return findings.stream().filter(f -> f.kind() == Kind.STANDING).limit(n).toList();
        }
    }

    private final Supplier<Policy> policy;
    private final AccessInventory inventory;
    private final Directory directory;
    private final Clock clock;

    /** @param directory tells managed identities from other service principals; may be null */
    public StandingAccessScan(Supplier<Policy> policy, AccessInventory inventory, Directory directory, Clock clock) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.inventory = Objects.requireNonNull(inventory, "inventory");
        this.directory = directory;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** Lists and rates everything at and under the policy's managed scopes. */
    public Report run() {
        Policy p = policy.get();
        AccessInventory.Listing listing = inventory.list(p.managedScopes());
        Map<String, Optional<RoleDefinition>> definitions = new HashMap<>();
        Map<String, PrincipalType> types = new HashMap<>();
        List<Finding> findings = new ArrayList<>();
        for (AccessInventory.Holding h : listing.holdings()) {
            String key = h.role().definitionId() != null ? guid(h.role().definitionId())
                    : h.role().name().toLowerCase(Locale.ROOT);
            Optional<RoleDefinition> def = definitions.computeIfAbsent(key, k -> lookup(h));
            Principal principal = new Principal(h.principal().objectId(),
                    types.computeIfAbsent(h.principal().objectId(), id -> typeOf(p, h.principal())),
                    h.principal().displayName());
            findings.add(rate(p, h, principal, def.orElse(null)));
        }
        findings.sort(Comparator.comparing((Finding f) -> f.kind() != Kind.STANDING)
                .thenComparing(Finding::risk).thenComparing(f -> f.scope().id().toLowerCase(Locale.ROOT))
                .thenComparing(Finding::assignmentId));
        return new Report(findings, listing.notReadable(), clock.instant());
    }

    private Optional<RoleDefinition> lookup(AccessInventory.Holding h) {
        try {
            return inventory.definition(h.role(), h.scope());
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    /** The policy's word for a workload first, then Entra's, else what ARM said. */
    private PrincipalType typeOf(Policy p, Principal armSays) {
        if (armSays.type() != PrincipalType.SERVICE_PRINCIPAL) {
            return armSays.type();
        }
        Optional<Policy.NonHuman> known = p.principal(armSays.objectId());
        if (known.isPresent()) {
            return known.get().principal().type();
        }
        if (directory != null) {
            try {
                Parsed<Principal> sp = directory.servicePrincipal(armSays.objectId());
                if (sp.isOk()) {
                    return sp.orThrow().type();
                }
            } catch (RuntimeException e) {
                // The directory is a nicety here: a service principal stays one.
            }
        }
        return armSays.type();
    }

    /** Classifies and rates one holding: pure, so the rules are testable without Azure. */
    public static Finding rate(Policy p, AccessInventory.Holding h, Principal principal, RoleDefinition def) {
        RoleRef role = def != null ? new RoleRef(def.name(), def.id() != null ? def.id() : h.role().definitionId())
                : h.role();
        Kind kind = kindOf(h);
        String covered = p.rules().stream().filter(r -> r.covers(role, h.scope())).map(Policy.Rule::name)
                .findFirst().orElse(null);
        List<String> reasons = new ArrayList<>();
        ScopeKind breadth = h.scope().kind();
        List<BlastRadius.Reach> reaches = def == null ? List.of() : BlastRadius.reachOf(def);
        switch (kind) {
            case JITBOT -> reasons.add("granted by jitbot" + Optional.ofNullable(
                    tagIn(h.description())).map(t -> " (" + t + ")").orElse(""));
            case PIM -> reasons.add(h.source() == AccessInventory.Source.PIM_ELIGIBLE
                    ? "PIM eligible: activated on demand" : "time-bound by PIM" + (h.endsAt() != null
                    ? " until " + h.endsAt() : ""));
            case STANDING -> { }
        }
        reaches.forEach(r -> reasons.add(r.phrase()));
        if (def == null) {
            reasons.add("role definition not readable");
        } else if (reaches.isEmpty()) {
            reasons.add("read-only");
        }
        if (kind == Kind.STANDING) {
            reasons.add(scopePhrase(breadth));
            reasons.add(holderPhrase(principal.type()));
            if (covered != null) {
                reasons.add("redundant: jitbot rule \"" + covered + "\" already grants it on demand");
            }
        }
        Risk risk = kind == Kind.STANDING ? risk(reaches, def, breadth, principal.type()) : Risk.LOW;
        return new Finding(h.assignmentId(), principal, role, h.scope(), kind, risk, reasons, covered, def);
    }

    /** jitbot's tag wins, then PIM's sources; the rest is standing. */
    static Kind kindOf(AccessInventory.Holding h) {
        if (h.source() == AccessInventory.Source.PIM_ELIGIBLE || h.source() == AccessInventory.Source.PIM_TIME_BOUND) {
            return Kind.PIM;
        }
        return tagIn(h.description()) != null || (h.description() != null && h.description().contains("jitbot:"))
                ? Kind.JITBOT : Kind.STANDING;
    }

    /**
     * The risk of a standing assignment: what the role can do, weighed by how wide the scope is and who holds it.
     * A read-only role is low wherever it is held; one that can change who has access is at least high.
     */
    public static Risk risk(List<BlastRadius.Reach> reaches, RoleDefinition def, ScopeKind breadth, PrincipalType holder) {
        if (def != null && reaches.isEmpty()) {
            return Risk.LOW;
        }
        int score = 0;
        for (BlastRadius.Reach r : reaches) {
            score += switch (r) {
                case CHANGES_ACCESS -> 3;
                case ALL_ACTIONS, READS_SECRETS, ALL_DATA -> 2;
                case LISTS_KEYS, WILDCARD_ACTIONS, WRITES -> 1;
            };
        }
        if (def == null) {
            score += 1;
        }
        score += switch (breadth) {
            case MANAGEMENT_GROUP -> 2;
            case SUBSCRIPTION -> 1;
            case RESOURCE_GROUP -> 0;
            case RESOURCE -> -1;
        };
        if (holder == PrincipalType.GROUP) {
            score += 1;
        }
        Risk r = score >= 6 ? Risk.CRITICAL : score >= 3 ? Risk.HIGH : score >= 1 ? Risk.MEDIUM : Risk.LOW;
        if (reaches.contains(BlastRadius.Reach.CHANGES_ACCESS) && r.compareTo(Risk.HIGH) > 0) {
            r = Risk.HIGH;
        }
        return r;
    }

    static String scopePhrase(ScopeKind kind) {
        return switch (kind) {
            case MANAGEMENT_GROUP -> "management group scope";
            case SUBSCRIPTION -> "subscription scope";
            case RESOURCE_GROUP -> "resource group scope";
            case RESOURCE -> "resource scope";
        };
    }

    static String holderPhrase(PrincipalType type) {
        return switch (type) {
            case USER -> "held by a user";
            case GROUP -> "held by a group: everyone added to it gets it";
            case SERVICE_PRINCIPAL -> "held by a service principal";
            case MANAGED_IDENTITY -> "held by a managed identity";
        };
    }

    /** The request id in a jitbot description ({@code jitbot:JIT-7K3F expires …}), or null. */
    static String tagIn(String description) {
        if (description == null) {
            return null;
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("jitbot:(JIT-[0-9A-Z]+)").matcher(description);
        return m.find() ? m.group(1) : null;
    }

    private static String guid(String definitionId) {
        return definitionId.substring(definitionId.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    }
}
