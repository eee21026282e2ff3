package dev.jitbot.core.app;

import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Policy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether a person is on call now in the schedules of the policy's {@code oncall_source}. Each schedule's
 * answer is reused for at most {@link #MAX_AGE}; a failed answer is not kept, so the next question asks again.
 */
public final class OnCall {

    private static final Logger log = LoggerFactory.getLogger(OnCall.class);
    /** The oldest on-call answer jitbot acts on. */
    public static final Duration MAX_AGE = Duration.ofSeconds(60);

    private final Supplier<Policy> policy;
    private final OnCallSource source;
    private final Clock clock;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();

    private record Cached(OnCallSource.Roster roster, Instant at) { }

    public OnCall(Supplier<Policy> policy, OnCallSource source, Clock clock) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.source = Objects.requireNonNull(source, "source");
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    /** What the on-call source says about a person now. */
    public sealed interface Check {
        /** On call in this schedule. */
        record On(String schedule, String scheduleName) implements Check { }

        /** Not on call in any schedule (or the person has no email to look up). */
        record Off() implements Check { }

        /** At least one schedule could not be read, and none that could has the person on call. */
        record Unknown(String reason) implements Check { }
    }

    /** Whether {@code user} is on call now; {@link Check.Unknown} when there is no source or it cannot answer. */
    public Check check(ChatUser user) {
        Policy.OnCallSettings settings = policy.get().oncallSource();
        if (settings == null) {
            return new Check.Unknown("the policy has no oncall_source");
        }
        if (user.email() == null) {
            return new Check.Off();
        }
        String email = user.email().strip().toLowerCase(Locale.ROOT);
        String unknown = null;
        for (String schedule : settings.schedules()) {
            try {
                OnCallSource.Roster roster = roster(settings, schedule);
                if (roster.emails().contains(email)) {
                    return new Check.On(schedule, roster.name());
                }
            } catch (OnCallSource.Unavailable e) {
                log.warn("{} schedule {} could not be read; nobody counts as on call in it: {}",
                        settings.provider().title(), schedule, e.getMessage());
                unknown = unknown == null ? e.getMessage() : unknown;
            }
        }
        return unknown != null ? new Check.Unknown(unknown) : new Check.Off();
    }

    private OnCallSource.Roster roster(Policy.OnCallSettings settings, String schedule) {
        String key = settings.provider() + "|" + settings.baseUrl() + "|" + schedule;
        Instant now = clock.instant();
        Cached hit = cache.get(key);
        if (hit != null && !now.isBefore(hit.at()) && Duration.between(hit.at(), now).compareTo(MAX_AGE) < 0) {
            return hit.roster();
        }
        OnCallSource.Roster roster = source.onCallNow(settings, schedule);
        cache.put(key, new Cached(roster, now));
        return roster;
    }
}
