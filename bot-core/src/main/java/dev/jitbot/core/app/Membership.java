package dev.jitbot.core.app;

import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Principal;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

/** Decides whether a person belongs to the groups a policy names: listed by email or chat id, or via Entra. */
public final class Membership {

    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(Membership.class);

    private final Supplier<Policy> policy;
    private final Directory directory;
    private final OnCall oncall;

    public Membership(Supplier<Policy> policy, Directory directory) {
        this(policy, directory, null);
    }

    /** @param oncall fills the group {@code oncall_source: group} names with whoever is on call now (may be null) */
    public Membership(Supplier<Policy> policy, Directory directory, OnCall oncall) {
        this.policy = policy;
        this.directory = directory;
        this.oncall = oncall;
    }

    /** True when {@code user} matches any entry of {@code refs}: a group name, an email or a chat key. */
    public boolean isIn(ChatUser user, List<String> refs) {
        return isIn(user, refs, null);
    }

    /** Like {@link #isIn(ChatUser, List)}, with Entra group membership from an answer no older than {@code maxAge}. */
    public boolean isInNow(ChatUser user, List<String> refs, java.time.Duration maxAge) {
        return isIn(user, refs, java.util.Objects.requireNonNull(maxAge, "maxAge"));
    }

    private boolean isIn(ChatUser user, List<String> refs, java.time.Duration maxAge) {
        Policy p = policy.get();
        Principal principal = null;
        boolean looked = false;
        for (String ref : refs) {
            Optional<Policy.Group> group = p.group(ref);
            if (group.isPresent()) {
                Policy.Group g = group.get();
                if (g.listsDirectly(user) || filledByOncall(p, g, user)) {
                    return true;
                }
                if (g.entraGroupId() != null) {
                    if (!looked) {
                        principal = principalOf(user);
                        looked = true;
                    }
                    if (principal != null && (maxAge == null ? directory.isMember(principal, g.entraGroupId())
                            : directory.isMember(principal, g.entraGroupId(), maxAge))) {
                        return true;
                    }
                }
            } else if (isWorkloadRef(ref)) {
                if (isWorkload(user, p, ref.strip().substring(Policy.WORKLOAD_PREFIX.length()))) {
                    return true;
                }
            } else if (matchesPerson(user, ref)) {
                return true;
            }
        }
        return false;
    }

    private boolean filledByOncall(Policy p, Policy.Group g, ChatUser user) {
        return oncall != null && p.oncallSource() != null && g.name().equals(p.oncallSource().group())
                && oncall.check(user) instanceof OnCall.Check.On;
    }

    static boolean isWorkloadRef(String ref) {
        return ref.strip().toLowerCase(Locale.ROOT).startsWith(Policy.WORKLOAD_PREFIX);
    }

    /**
     * True when {@code user} is the workload {@code alias} itself, calling the API with its own token: only an
     * {@code API} caller whose Entra object id is the one policy gives the alias.
     */
    static boolean isWorkload(ChatUser user, Policy p, String alias) {
        return user.platform() == dev.jitbot.core.domain.Platform.API && user.aadObjectId() != null
                && p.principal(alias).map(n -> !alias.strip().isEmpty()
                        && n.alias().equalsIgnoreCase(alias.strip())
                        && n.principal().objectId().equals(user.aadObjectId())).orElse(false);
    }

    /** True when {@code user} is in the policy's on-call group. */
    public boolean isOncall(ChatUser user) {
        String oncall = policy.get().oncallGroup();
        return oncall != null && isIn(user, List.of(oncall));
    }

    private Principal principalOf(ChatUser user) {
        try {
            Parsed<Principal> p = directory.user(user);
            return p.isOk() ? p.orThrow() : null;
        } catch (RuntimeException e) {
            // Counted as "not a member", which refuses; the log says why, so a directory outage is not a mystery.
            log.warn("directory look-up of {} failed; Entra group membership counts as no: {}", user.key(), e.toString());
            return null;
        }
    }

    private static boolean matchesPerson(ChatUser user, String ref) {
        String r = ref.strip().toLowerCase(Locale.ROOT);
        return r.equals(user.email()) || r.equals(user.key().toLowerCase(Locale.ROOT)) || r.equals(user.aadObjectId());
    }
}
