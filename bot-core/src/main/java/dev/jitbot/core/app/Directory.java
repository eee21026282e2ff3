package dev.jitbot.core.app;

import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Principal;

/** Who people and workloads are in Entra ID. Implementations: Microsoft Graph, or the static map in policy.yaml. */
public interface Directory {

    /**
     * The Entra user behind a chat user (by Entra object id where the platform gives one, else by email), or a
     * reason that tells the person what to do ("no Entra account for alice@contoso.com; an admin can map it in
     * policy.yaml").
     */
    Parsed<Principal> user(ChatUser user);

    /** A service principal or managed identity by object id or app id, or a reason it could not be found. */
    Parsed<Principal> servicePrincipal(String objectOrAppId);

    /** True when {@code principal} is a transitive member of the Entra group {@code groupObjectId}. */
    boolean isMember(Principal principal, String groupObjectId);

    /**
     * Like {@link #isMember(Principal, String)}, from an answer no older than {@code maxAge}: for decisions that
     * must see a removal from the group at once, such as an approver's click.
     */
    default boolean isMember(Principal principal, String groupObjectId, java.time.Duration maxAge) {
        return isMember(principal, groupObjectId);
    }

    /**
     * Why {@code user}'s Entra account does not count now (gone, or disabled: {@code accountEnabled} false), from
     * an answer no older than a minute; empty when it exists and is enabled, or when this directory cannot tell
     * (a static map in policy.yaml knows no account state).
     *
     * @throws RuntimeException when the directory cannot be asked; the caller refuses rather than guesses
     */
    default java.util.Optional<String> whyNotLive(ChatUser user) {
        return java.util.Optional.empty();
    }

    /**
     * As {@link #whyNotLive(ChatUser)} for a user another directory already resolved to {@code account} (the
     * policy's {@code users:} map): the account's state is still this directory's to tell.
     */
    default java.util.Optional<String> whyNotLive(ChatUser user, Principal account) {
        return whyNotLive(user);
    }
}
