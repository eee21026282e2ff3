package dev.jitbot.deploy;

import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.AzureLimiter;
import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.app.Directory;
import dev.jitbot.core.app.ExpiryService;
import dev.jitbot.core.app.Notifications;
import dev.jitbot.core.app.Outbox;
import dev.jitbot.core.app.WorkHandlers;
import dev.jitbot.core.app.WorkRunner;
import dev.jitbot.core.domain.Policy;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.List;
import java.util.function.Supplier;

/**
 * The core use cases wired on a backend: the same assembly for serve, console and the admin commands. Requests
 * only write to the outbox; {@link #start()} starts the workers that run its Azure and chat work.
 */
final class Core implements AutoCloseable {

    final Backend backend;
    final Supplier<Policy> policy;
    final AccessProvider provider;
    final dev.jitbot.core.app.AuditLog audit;
    final Outbox outbox;
    final Notifications notifications;
    final WorkHandlers work;
    final WorkRunner runner;
    final ExpiryService expiry;
    final AccessService service;
    private final Clock clock;
    private boolean ownsBackend;
    private boolean started;

    Core(Backend backend, Supplier<Policy> policy, AccessProvider provider, Directory directory, Clock clock,
         List<ChatNotifier> notifiers) {
        this(backend, policy, provider, directory, clock, notifiers, WorkRunner.Settings.defaults());
    }

    Core(Backend backend, Supplier<Policy> policy, AccessProvider provider, Directory directory, Clock clock,
         List<ChatNotifier> notifiers, WorkRunner.Settings workers) {
        this(backend, policy, provider, directory, clock, notifiers, workers, dev.jitbot.core.app.OnCallSource.NONE);
    }

    /** @param oncall asks the policy's {@code oncall_source} who is on call (NONE: nobody is auto-approved for it) */
    Core(Backend backend, Supplier<Policy> policy, AccessProvider provider, Directory directory, Clock clock,
         List<ChatNotifier> notifiers, WorkRunner.Settings workers, dev.jitbot.core.app.OnCallSource oncall) {
        this.backend = backend;
        this.policy = policy;
        this.clock = clock;
        this.provider = provider;
        this.audit = backend.audit();
        this.outbox = backend.outbox();
        this.notifications = new Notifications(backend.requests(), notifiers);
        this.work = new WorkHandlers(policy, backend.requests(), outbox, provider, notifications, backend.scheduler(),
                new AzureLimiter(AzureLimiter.Limits.arm()), clock);
        this.runner = new WorkRunner(outbox, work, clock, workers);
        this.expiry = new ExpiryService(policy, backend.requests(), outbox, notifications, backend.scheduler(), clock);
        this.service = new AccessService(policy, backend.requests(), outbox, backend.audit(), provider, directory,
                notifications, backend.scheduler(), clock, new SecureRandom(), oncall);
        work.checkStartsWith(service::whyNotStartable);
    }

    /**
     * Lets request cards show each role's blast radius from Azure's definitions ({@code inventory} may be null:
     * then from the built-in roles jitbot knows), with the policy's lint warnings for the rule.
     */
    Core useInventory(dev.jitbot.core.app.AccessInventory inventory) {
        service.useBlastRadii(new dev.jitbot.core.app.BlastRadii(policy, inventory,
                dev.jitbot.core.policy.PolicyLint::forRule, clock, dev.jitbot.core.app.BlastRadii.TTL));
        return this;
    }

    /** Recovers what a crash left (queues missing Azure work), starts the scheduler, then the outbox workers. */
    void start() {
        backend.start(expiry);
        runner.start();
        started = true;
    }

    boolean started() {
        return started;
    }

    /** Makes {@link #close()} close the backend too (for commands that open one just for this core). */
    Core owningBackend() {
        ownsBackend = true;
        return this;
    }

    @Override
    public void close() {
        runner.close();
        if (ownsBackend) {
            backend.close();
        }
    }
}
