package dev.jitbot.core.testing;

import dev.jitbot.core.app.Directory;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.PrincipalType;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A directory where every user with an email exists, with an object id derived from the email, unless listed
 * as missing; Entra group membership is set by hand.
 */
public final class FakeDirectory implements Directory {

    private final Set<String> missing = ConcurrentHashMap.newKeySet();
    private final Set<String> disabled = ConcurrentHashMap.newKeySet();
    private final Map<String, Set<String>> groups = new ConcurrentHashMap<>();
    private final Map<String, Principal> servicePrincipals = new ConcurrentHashMap<>();

    /** The object id this directory gives {@code email}. */
    public static String objectIdOf(String email) {
        return UUID.nameUUIDFromBytes(email.toLowerCase().getBytes(StandardCharsets.UTF_8)).toString();
    }

    public FakeDirectory without(String email) {
        missing.add(email.toLowerCase());
        return this;
    }

    /** Keeps the account of {@code email} but switches it off ({@code accountEnabled: false}). */
    public FakeDirectory disable(String email) {
        disabled.add(email.toLowerCase());
        return this;
    }

    /** Takes the user with {@code email} out of the Entra group. */
    public FakeDirectory remove(String groupObjectId, String email) {
        groups.getOrDefault(groupObjectId, ConcurrentHashMap.newKeySet()).remove(objectIdOf(email));
        return this;
    }

    @Override
    public java.util.Optional<String> whyNotLive(ChatUser user) {
        if (user.email() != null && disabled.contains(user.email())) {
            return java.util.Optional.of("Your Entra account (" + user.email() + ") is disabled");
        }
        Parsed<Principal> p = user(user);
        return p.isOk() ? java.util.Optional.empty() : java.util.Optional.of(p.reason().replaceAll(";.*$", ""));
    }

    /** Makes the user with {@code email} a member of the Entra group. */
    public FakeDirectory member(String groupObjectId, String email) {
        groups.computeIfAbsent(groupObjectId, k -> ConcurrentHashMap.newKeySet()).add(objectIdOf(email));
        return this;
    }

    public FakeDirectory servicePrincipal(String appOrObjectId, Principal principal) {
        servicePrincipals.put(appOrObjectId.toLowerCase(), principal);
        return this;
    }

    @Override
    public Parsed<Principal> user(ChatUser user) {
        if (user.aadObjectId() != null) {
            return Parsed.ok(new Principal(user.aadObjectId(), PrincipalType.USER, user.displayName()));
        }
        if (user.email() == null || missing.contains(user.email())) {
            String who = user.email() == null ? user.displayName() : user.email();
            return Parsed.invalid("No Entra account for " + who + "; an admin can map it under `users:` in policy.yaml.");
        }
        return Parsed.ok(new Principal(objectIdOf(user.email()), PrincipalType.USER, user.displayName()));
    }

    @Override
    public Parsed<Principal> servicePrincipal(String objectOrAppId) {
        Principal p = servicePrincipals.get(objectOrAppId.toLowerCase());
        return p != null ? Parsed.ok(p) : Parsed.invalid("No service principal " + objectOrAppId + " in Entra.");
    }

    @Override
    public boolean isMember(Principal principal, String groupObjectId) {
        return groups.getOrDefault(groupObjectId, Set.of()).contains(principal.objectId());
    }
}
