package dev.jitbot.core.testing;

import dev.jitbot.core.app.ExpiryScheduler;
import dev.jitbot.core.app.ExpiryService;
import dev.jitbot.core.domain.RequestId;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** A scheduler that runs nothing by itself: tests move the clock and call {@link #runDue()}. */
public final class ManualScheduler implements ExpiryScheduler {

    /** One scheduled call. */
    public record Job(String kind, RequestId id, Instant at) { }

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();
    private final Clock clock;
    private ExpiryService expiry;
    private volatile boolean down;

    public ManualScheduler(Clock clock) {
        this.clock = clock;
    }

    /** While {@code true}, every call throws, as Quartz does when its database is unreachable. */
    public void down(boolean down) {
        this.down = down;
    }

    private void check() {
        if (down) {
            throw new IllegalStateException("could not schedule (test: scheduler down)");
        }
    }

    /** The service the jobs call (built after the scheduler, which it needs). */
    public void bind(ExpiryService expiry) {
        this.expiry = expiry;
    }

    @Override
    public void scheduleExpiry(RequestId id, Instant at) {
        check();
        jobs.put("expire:" + id, new Job("expire", id, at));
    }

    @Override
    public void scheduleLapse(RequestId id, Instant at) {
        check();
        jobs.put("lapse:" + id, new Job("lapse", id, at));
    }

    @Override
    public void cancel(RequestId id) {
        check();
        jobs.keySet().removeIf(k -> k.endsWith(":" + id));
    }

    /** Runs every job due by the clock, including jobs that running them scheduled for now; returns how many. */
    public int runDue() {
        int ran = 0;
        for (int round = 0; round < 100; round++) {
            Instant now = clock.instant();
            List<Map.Entry<String, Job>> due = new ArrayList<>(jobs.entrySet().stream()
                    .filter(e -> !e.getValue().at().isAfter(now)).toList());
            if (due.isEmpty()) {
                return ran;
            }
            due.sort(Comparator.comparing(e -> e.getValue().at()));
            for (Map.Entry<String, Job> e : due) {
                if (!jobs.remove(e.getKey(), e.getValue())) {
                    continue;
                }
                Job j = e.getValue();
                switch (j.kind()) {
                    case "expire" -> expiry.expire(j.id());
                    default -> expiry.lapse(j.id());
                }
                ran++;
            }
        }
        return ran;
    }

    /** Jobs waiting, in time order. */
    public List<Job> pending() {
        return jobs.values().stream().sorted(Comparator.comparing(Job::at)).toList();
    }
}
