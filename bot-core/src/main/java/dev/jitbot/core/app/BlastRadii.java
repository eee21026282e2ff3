package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.BlastRadius;
import dev.jitbot.core.domain.KnownRoles;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.RoleDefinition;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blast radius every request card shows: the role's definition (asked of Azure, remembered for a TTL, and
 * the built-in roles jitbot knows by heart when Azure cannot be asked or throttles), the scope's breadth, and the
 * policy's lint warnings for the rule. Cards are drawn by the outbox's chat workers, so a slow look-up never holds
 * up a chat request, and a throttled one is not waited out: the card falls back at once. A failed look-up is
 * remembered for a minute ({@link #FAILED_TTL}), so ARM trouble costs one call per role a minute, not one per card.
 */
public final class BlastRadii {

    private static final Logger log = LoggerFactory.getLogger(BlastRadii.class);
    /** How long a role definition is reused. */
    public static final Duration TTL = Duration.ofMinutes(10);

    private final Supplier<Policy> policy;
    private final AccessInventory inventory;
    private final BiFunction<Policy, String, List<String>> lint;
    private final Clock clock;
    private final Duration ttl;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    /** How long a definition that could not be read (ARM down or throttling) is taken as unknown before asking again. */
    static final Duration FAILED_TTL = Duration.ofMinutes(1);

    private record Cached(Optional<RoleDefinition> definition, Instant until) { }

    /**
     * @param inventory where role definitions come from; null when there is no Azure (then only known roles)
     * @param lint      the lint warnings of the named rule in a policy, as sentences
     */
    public BlastRadii(Supplier<Policy> policy, AccessInventory inventory,
                      BiFunction<Policy, String, List<String>> lint, Clock clock, Duration ttl) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.inventory = inventory;
        this.lint = Objects.requireNonNull(lint, "lint");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
    }

    /** Without Azure and without lint: the known built-in roles only (tests, the console's dry run). */
    public static BlastRadii offline(Supplier<Policy> policy, Clock clock) {
        return new BlastRadii(policy, null, (p, r) -> List.of(), clock, TTL);
    }

    /** What the request's role can do on its scope, and what the policy's lint says of its rule. */
    public BlastRadius of(AccessRequest r) {
        if (r.isBundle()) {
            // A bundle's card shows its riskiest member: the first risky one, else the first.
            List<BlastRadius> members = r.grantsToMake().stream().map(this::ofOne).toList();
            return members.stream().filter(BlastRadius::risky).findFirst().orElse(members.get(0));
        }
        return ofOne(r);
    }

    /** One role on one scope (a member view of a bundle carries its bundle, so {@link #of} would go round). */
    private BlastRadius ofOne(AccessRequest r) {
        List<String> warnings = warnings(r);
        Optional<RoleDefinition> def = definition(r);
        return def.map(d -> BlastRadius.of(d, r.scope().kind(), warnings))
                .orElseGet(() -> BlastRadius.unknown(r.scope().kind(), warnings));
    }

    private List<String> warnings(AccessRequest r) {
        try {
            List<String> w = lint.apply(policy.get(), r.ruleName());
            return w == null ? List.of() : w;
        } catch (RuntimeException e) {
            return List.of();
        }
    }

    private Optional<RoleDefinition> definition(AccessRequest r) {
        String sub = r.scope().kind() == dev.jitbot.core.domain.ScopeKind.MANAGEMENT_GROUP ? r.scope().id()
                : "/subscriptions/" + r.scope().subscriptionId();
        String key = r.role().name().toLowerCase(Locale.ROOT) + "|" + sub.toLowerCase(Locale.ROOT);
        Instant now = clock.instant();
        Cached c = cache.get(key);
        if (c != null && c.until().isAfter(now)) {
            return c.definition();
        }
        Optional<RoleDefinition> d = Optional.empty();
        Duration keep = ttl;
        if (inventory != null) {
            try {
                d = inventory.definitionWithoutWaiting(dev.jitbot.core.domain.RoleRef.named(r.role().name()), r.scope());
            } catch (RuntimeException e) {
                log.warn("blast radius of {}: the definition of {} could not be read ({}); using what jitbot knows",
                        r.id(), r.role().name(), e.getMessage());
                // Not for the whole TTL: a custom role jitbot does not know would show no risk for that long.
                keep = FAILED_TTL.compareTo(ttl) < 0 ? FAILED_TTL : ttl;
            }
        }
        if (d.isEmpty()) {
            d = KnownRoles.named(r.role().name());
        }
        cache.put(key, new Cached(d, now.plus(keep)));
        return d;
    }
}
