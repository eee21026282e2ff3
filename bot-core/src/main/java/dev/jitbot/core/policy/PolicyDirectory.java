package dev.jitbot.core.policy;

import dev.jitbot.core.app.Directory;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.PrincipalType;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * A {@link Directory} for tenants where the bot may not read Microsoft Graph: people come from the policy's
 * {@code users:} (email → Entra object id) and workloads from its {@code principals:}.
 *
 * <p>Without Graph it cannot expand Entra groups: {@link #isMember} is true only when a policy group that carries
 * that {@code entra_group} also lists the person's email (or chat key) under {@code members:}, which the policy
 * checks directly anyway. In other words, with this directory an {@code entra_group} adds nobody; list the
 * people under {@code members:}.
 */
public final class PolicyDirectory implements Directory {

    private final Supplier<Policy> policy;

    /** Reads the current policy on every call, so a reloaded policy takes effect at once. */
    public PolicyDirectory(Supplier<Policy> policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    public static PolicyDirectory of(Policy policy) {
        Objects.requireNonNull(policy, "policy");
        return new PolicyDirectory(() -> policy);
    }

    @Override
    public Parsed<Principal> user(ChatUser user) {
        Objects.requireNonNull(user, "user");
        if (user.aadObjectId() != null) {
            return Parsed.ok(new Principal(user.aadObjectId(), PrincipalType.USER, user.displayName()));
        }
        if (user.email() == null) {
            return Parsed.invalid("jitbot cannot see an email on your " + platformName(user) + " profile, so it cannot "
                    + "find your Entra account; ask an admin to add your email to your chat profile.");
        }
        Policy.UserEntry entry = policy.get().users().get(user.email());
        if (entry == null) {
            return Parsed.invalid("No Entra account for " + user.email() + "; an admin can map it under `users:` in "
                    + "policy.yaml.");
        }
        String name = entry.displayName() != null ? entry.displayName() : user.displayName();
        return Parsed.ok(new Principal(entry.objectId(), PrincipalType.USER, name));
    }

    @Override
    public Parsed<Principal> servicePrincipal(String objectOrAppId) {
        Optional<Policy.NonHuman> found = policy.get().principal(objectOrAppId);
        if (found.isPresent()) {
            return Parsed.ok(found.get().principal());
        }
        return Parsed.invalid("No workload `" + (objectOrAppId == null ? "" : objectOrAppId.strip())
                + "` in policy.yaml; an admin can add it under `principals:` with its object_id, type and owners.");
    }

    /**
     * True only when a policy group with this {@code entra_group} lists, under {@code members:}, an email that
     * {@code users:} maps to the principal's object id; Entra itself is never asked.
     */
    @Override
    public boolean isMember(Principal principal, String groupObjectId) {
        if (principal == null || groupObjectId == null) {
            return false;
        }
        Policy p = policy.get();
        String objectId = principal.objectId();
        Set<String> emails = p.users().entrySet().stream()
                .filter(e -> e.getValue().objectId() != null && e.getValue().objectId().equalsIgnoreCase(objectId))
                .map(e -> e.getKey().toLowerCase(Locale.ROOT))
                .collect(Collectors.toSet());
        return p.groups().values().stream()
                .filter(g -> groupObjectId.equalsIgnoreCase(g.entraGroupId()))
                .anyMatch(g -> g.members().contains(objectId) || g.members().stream().anyMatch(emails::contains));
    }

    private static String platformName(ChatUser user) {
        String k = user.platform().key();
        return Character.toUpperCase(k.charAt(0)) + k.substring(1);
    }
}
