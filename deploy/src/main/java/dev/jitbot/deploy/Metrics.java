package dev.jitbot.deploy;

import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.app.AuditLog;
import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.app.RequestStore;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.AzureScope;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.domain.Text;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.Writer;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The Prometheus view of jitbot: requests by outcome (from the audit trail), active grants, how late
 * expiry-driven revocations were, and Azure and chat errors. Decorators count at the ports, so no core code
 * knows about metrics.
 */
final class Metrics {

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final DistributionSummary lag;
    private final AtomicLong activeGrants = new AtomicLong();
    private volatile Instant activeCountedAt = Instant.EPOCH;
    private volatile RequestStore store;

    Metrics() {
        new JvmMemoryMetrics().bindTo(registry);
        new JvmGcMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        lag = DistributionSummary.builder("jitbot.revocation.lag")
                .description("Seconds between a grant's expiry and Azure confirming its removal")
                .baseUnit("seconds")
                .serviceLevelObjectives(1, 5, 15, 30, 60, 120, 300)
                .publishPercentileHistogram(false)
                .register(registry);
        Gauge.builder("jitbot.grants.active", this, Metrics::countActive)
                .description("Grants Azure holds right now (ACTIVE), across all replicas")
                .register(registry);
        // Make the error counters visible at zero, so alerts can use rate() from the start.
        azureErrors("grant");
        azureErrors("revoke");
        for (Platform p : List.of(Platform.SLACK, Platform.TEAMS)) {
            chatErrors(p, "post");
        }
    }

    MeterRegistry registry() {
        return registry;
    }

    /** The exposition text for {@code GET /metrics}. */
    String scrape() {
        return registry.scrape();
    }

    /** Lets the gauge read the store (counted at most every 10 s: every replica answers scrapes). */
    void watch(RequestStore store) {
        this.store = store;
    }

    /**
     * The outbox's gauges (queued items and the oldest one's age per kind, read at most every 2 s), work latency
     * from creation to completion, retries, and Azure's 429s per subscription.
     */
    void watch(dev.jitbot.core.app.Outbox outbox, dev.jitbot.core.app.WorkHandlers work,
               dev.jitbot.core.app.WorkRunner runner) {
        this.outbox = outbox;
        for (dev.jitbot.core.app.WorkKind k : dev.jitbot.core.app.WorkKind.values()) {
            Gauge.builder("jitbot.work.queued", this, m -> m.depth(k).items())
                    .description("Outbox items waiting or running, by kind, across all replicas")
                    .tag("kind", k.wireName()).register(registry);
            Gauge.builder("jitbot.work.oldest", this, m -> m.depth(k).oldest().toMillis() / 1000.0)
                    .description("Age in seconds of the oldest outbox item of the kind").baseUnit("seconds")
                    .tag("kind", k.wireName()).register(registry);
            Counter.builder("jitbot.work.retries").description("Outbox items put back to run again, by kind")
                    .tag("kind", k.wireName()).register(registry);
        }
        work.onRetry(item -> registry.counter("jitbot.work.retries", "kind", item.kind().wireName()).increment());
        work.limiter().onPause(bucket -> Counter.builder("jitbot.azure.throttled")
                .description("Azure 429 answers, by subscription").tag("subscription", bucket).register(registry)
                .increment());
        runner.onFinished((item, age) -> io.micrometer.core.instrument.Timer.builder("jitbot.work.latency")
                .description("From a work item's creation to its completion").tag("kind", item.kind().wireName())
                .register(registry).record(age));
    }

    private volatile dev.jitbot.core.app.Outbox outbox;
    private volatile java.util.Map<dev.jitbot.core.app.WorkKind, dev.jitbot.core.app.Outbox.Depth> depths = java.util.Map.of();
    private volatile Instant depthsAt = Instant.EPOCH;

    private dev.jitbot.core.app.Outbox.Depth depth(dev.jitbot.core.app.WorkKind k) {
        dev.jitbot.core.app.Outbox o = outbox;
        Instant now = Instant.now();
        if (o != null && now.isAfter(depthsAt.plusSeconds(2))) {
            try {
                depths = o.depth(now);
                depthsAt = now;
            } catch (RuntimeException e) {
                return new dev.jitbot.core.app.Outbox.Depth(0, Duration.ZERO);
            }
        }
        return depths.getOrDefault(k, new dev.jitbot.core.app.Outbox.Depth(0, Duration.ZERO));
    }

    void revocationLag(Duration d) {
        lag.record(d.toMillis() / 1000.0);
    }

    private double countActive() {
        RequestStore s = store;
        if (s == null) {
            return 0;
        }
        Instant now = Instant.now();
        if (now.isAfter(activeCountedAt.plusSeconds(10))) {
            try {
                activeGrants.set(s.findByState(EnumSet.of(State.ACTIVE)).size());
                activeCountedAt = now;
            } catch (RuntimeException e) {
                return Double.NaN;
            }
        }
        return activeGrants.get();
    }

    private Counter outcomes(String action, Platform platform) {
        return Counter.builder("jitbot.requests").description("Request lifecycle events by outcome (audit actions)")
                .tag("outcome", action).tag("platform", platform.key()).register(registry);
    }

    private Counter azureErrors(String operation) {
        return Counter.builder("jitbot.azure.errors").description("Azure calls that failed or were refused")
                .tag("operation", operation).register(registry);
    }

    private Counter chatErrors(Platform platform, String operation) {
        return Counter.builder("jitbot.chat.errors").description("Chat deliveries that failed")
                .tag("platform", platform.key()).tag("operation", operation).register(registry);
    }

    /**
     * The outbox with the audit events of each write counted as {@link #audited} counts appends: a transition's
     * events are written by the outbox in its own transaction, not through {@code AuditLog.append}.
     */
    dev.jitbot.core.app.Outbox counted(dev.jitbot.core.app.Outbox delegate) {
        return new dev.jitbot.core.app.Outbox() {
            private Commit count(Commit c, dev.jitbot.core.app.Change change) {
                if (c == Commit.DONE && change != null) {
                    change.events().forEach(e -> outcomes(e.action(), e.platform()).increment());
                }
                return c;
            }

            @Override
            public Commit commit(dev.jitbot.core.app.Change change) {
                return count(delegate.commit(change), change);
            }

            @Override
            public List<dev.jitbot.core.app.WorkItem> claim(dev.jitbot.core.app.WorkKind.Lane lane, int max,
                                                            Instant now, java.util.Collection<String> skip) {
                return delegate.claim(lane, max, now, skip);
            }

            @Override
            public Commit complete(dev.jitbot.core.app.WorkItem item, dev.jitbot.core.app.Change change,
                                   dev.jitbot.core.domain.MessageRef posted, Instant now) {
                return count(delegate.complete(item, change, posted, now), change);
            }

            @Override
            public Commit retry(dev.jitbot.core.app.WorkItem item, Instant due, String error,
                                dev.jitbot.core.app.Change change, Instant now) {
                return count(delegate.retry(item, due, error, change, now), change);
            }

            @Override
            public void renew(java.util.Collection<dev.jitbot.core.app.WorkItem> items, Instant now) {
                delegate.renew(items, now);
            }

            @Override
            public int collapseUpdates(dev.jitbot.core.app.WorkItem item) {
                return delegate.collapseUpdates(item);
            }

            @Override
            public List<dev.jitbot.core.app.WorkItem> pending(RequestId id) {
                return delegate.pending(id);
            }

            @Override
            public java.util.Map<dev.jitbot.core.app.WorkKind, Depth> depth(Instant now) {
                return delegate.depth(now);
            }

            @Override
            public void onCommit(Runnable listener) {
                delegate.onCommit(listener);
            }
        };
    }

    AuditLog audited(AuditLog delegate) {
        return new AuditLog() {
            @Override
            public AuditEvent append(AuditEvent event) {
                AuditEvent appended = delegate.append(event);
                outcomes(event.action(), event.platform()).increment();
                return appended;
            }

            @Override
            public List<AuditEvent> forRequest(RequestId id) {
                return delegate.forRequest(id);
            }

            @Override
            public List<AuditEvent> byActor(String actor, int limit) {
                return delegate.byActor(actor, limit);
            }

            @Override
            public List<AuditEvent> recent(int limit) {
                return delegate.recent(limit);
            }

            @Override
            public Verification verify() {
                return delegate.verify();
            }

            @Override
            public void exportJsonLines(Writer out) throws IOException {
                delegate.exportJsonLines(out);
            }
        };
    }

    AccessProvider provider(AccessProvider delegate) {
        return new AccessProvider() {
            @Override
            public String mode() {
                return delegate.mode();
            }

            @Override
            public Duration shortestGrant() {
                return delegate.shortestGrant();
            }

            @Override
            public GrantResult grant(AccessRequest request, Instant expiresAt) {
                try {
                    GrantResult result = delegate.grant(request, expiresAt);
                    if (result instanceof GrantResult.Refused) {
                        azureErrors("grant").increment();
                    }
                    return result;
                } catch (RuntimeException e) {
                    azureErrors("grant").increment();
                    throw e;
                }
            }

            @Override
            public void revoke(AccessRequest request) {
                counted("revoke", () -> delegate.revoke(request));
            }

            @Override
            public void extend(AccessRequest request, Instant newExpiry) {
                counted("extend", () -> delegate.extend(request, newExpiry));
            }

            @Override
            public List<ProviderAssignment> list(Collection<AzureScope> scopes) {
                try {
                    return delegate.list(scopes);
                } catch (RuntimeException e) {
                    azureErrors("list").increment();
                    throw e;
                }
            }

            @Override
            public void delete(ProviderAssignment orphan) {
                counted("delete", () -> delegate.delete(orphan));
            }

            private void counted(String operation, Runnable call) {
                try {
                    call.run();
                } catch (RuntimeException e) {
                    azureErrors(operation).increment();
                    throw e;
                }
            }
        };
    }

    ChatNotifier notifier(ChatNotifier delegate) {
        return new ChatNotifier() {
            @Override
            public Platform platform() {
                return delegate.platform();
            }

            @Override
            public Optional<MessageRef> postCard(String channelId, AccessRequest request) {
                try {
                    return delegate.postCard(channelId, request);
                } catch (RuntimeException e) {
                    chatErrors(delegate.platform(), "post").increment();
                    throw e;
                }
            }

            @Override
            public void updateCard(MessageRef card, AccessRequest request) {
                counted("update", () -> delegate.updateCard(card, request));
            }

            @Override
            public void reply(MessageRef message, Text text) {
                counted("reply", () -> delegate.reply(message, text));
            }

            @Override
            public void directMessage(ChatUser user, Text text) {
                counted("dm", () -> delegate.directMessage(user, text));
            }

            // The platform's own reminder (buttons) and @here alert, not the port's defaults.
            @Override
            public void remind(ChatUser user, AccessRequest request, Text text) {
                counted("dm", () -> delegate.remind(user, request, text));
            }

            @Override
            public void alertEveryone(String channelId, Text text) {
                counted("post", () -> delegate.alertEveryone(channelId, text));
            }

            @Override
            public void postToChannel(String channelId, Text text) {
                counted("post", () -> delegate.postToChannel(channelId, text));
            }

            @Override
            public void postDigest(String channelId, dev.jitbot.core.app.Digest digest) {
                counted("post", () -> delegate.postDigest(channelId, digest));
            }

            private void counted(String operation, Runnable call) {
                try {
                    call.run();
                } catch (RuntimeException e) {
                    chatErrors(delegate.platform(), operation).increment();
                    throw e;
                }
            }
        };
    }
}
