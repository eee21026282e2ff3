package dev.jitbot.core.testing;

import dev.jitbot.core.app.OnCallSource;
import dev.jitbot.core.domain.Policy;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/** An on-call service whose schedules are set by hand; it can be made to fail, and counts the questions. */
public final class FakeOnCall implements OnCallSource {

    private final Map<String, Roster> schedules = new ConcurrentHashMap<>();
    private volatile boolean down;
    public final AtomicInteger asked = new AtomicInteger();

    /** Puts exactly {@code emails} on call in {@code schedule}, shown as {@code name}. */
    public FakeOnCall onCall(String schedule, String name, String... emails) {
        schedules.put(schedule, new Roster(schedule, name, Set.of(emails)));
        return this;
    }

    /** Makes every question fail as an unreachable service would. */
    public FakeOnCall down(boolean down) {
        this.down = down;
        return this;
    }

    @Override
    public Roster onCallNow(Policy.OnCallSettings settings, String schedule) {
        asked.incrementAndGet();
        if (down) {
            throw new Unavailable(settings.provider().title() + " answered 500 for schedule " + schedule);
        }
        return schedules.getOrDefault(schedule, new Roster(schedule, schedule, Set.of()));
    }
}
