package dev.jitbot.deploy;

import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.app.Directory;
import dev.jitbot.core.app.ExpiryService;
import dev.jitbot.core.app.Notifications;
import dev.jitbot.core.domain.Policy;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/** The core use cases wired on a backend: the same assembly for serve, console and the admin commands. */
final class Core implements AutoCloseable {

    final Backend backend;
    final Supplier<Policy> policy;
    final AccessProvider provider;
    final dev.jitbot.core.app.AuditLog audit;
    final Notifications notifications;
    final ExpiryService expiry;
    final AccessService service;
    private final ExecutorService pool;
    private boolean ownsBackend;

    Core(Backend backend, Supplier<Policy> policy, AccessProvider provider, Directory directory, Clock clock,
         List<ChatNotifier> notifiers) {
        this.backend = backend;
        this.policy = policy;
        this.provider = provider;
        this.audit = backend.audit();
        this.pool = Executors.newFixedThreadPool(8, named("jitbot-expiry"));
        this.notifications = new Notifications(backend.requests(), notifiers);
        this.expiry = new ExpiryService(policy, backend.requests(), backend.audit(), provider, notifications,
                backend.scheduler(), clock, pool);
        this.service = new AccessService(policy, backend.requests(), backend.audit(), provider, directory,
                notifications, backend.scheduler(), expiry, clock, new SecureRandom());
    }

    static ThreadFactory named(String prefix) {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** Makes {@link #close()} close the backend too (for commands that open one just for this core). */
    Core owningBackend() {
        ownsBackend = true;
        return this;
    }

    @Override
    public void close() {
        pool.shutdown();
        try {
            pool.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (ownsBackend) {
            backend.close();
        }
    }
}
