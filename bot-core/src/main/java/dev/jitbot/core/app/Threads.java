package dev.jitbot.core.app;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** jitbot's one thread factory: named daemon threads ({@code jitbot-azure-3}), so a thread dump says whose it is. */
public final class Threads {

    private Threads() {
    }

    /** Threads named {@code prefix-1}, {@code prefix-2}, …; daemons, so they never keep the JVM up. */
    public static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }
}
