package dev.jitbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jitbot.core.app.AccessProvider;
import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.app.ExpiryService;
import dev.jitbot.core.app.Notifications;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Text;
import dev.jitbot.core.testing.FakeDirectory;
import dev.jitbot.core.testing.InMemoryAuditLog;
import dev.jitbot.core.testing.InMemoryRequestStore;
import dev.jitbot.core.testing.ManualScheduler;
import dev.jitbot.core.testing.MutableClock;
import dev.jitbot.core.testing.RecordingAccessProvider;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** What an operator's Prometheus sees after the core has worked: counted at the ports, never in the core. */
class MetricsTest {

    final Metrics metrics = new Metrics();
    final MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
    final InMemoryRequestStore store = new InMemoryRequestStore();
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final RecordingAccessProvider recording = new RecordingAccessProvider();

    private AccessService core(AccessProvider provider) {
        var audit = metrics.audited(new InMemoryAuditLog());
        Notifications notifications = new Notifications(store, List.<ChatNotifier>of());
        var outbox = new dev.jitbot.core.testing.InMemoryOutbox(store, audit, clock);
        var work = new dev.jitbot.core.app.WorkHandlers(TestPolicies::design, store, outbox, provider, notifications,
                scheduler, new dev.jitbot.core.app.AzureLimiter(dev.jitbot.core.app.AzureLimiter.Limits.arm()), clock);
        new dev.jitbot.core.testing.SyncWork(outbox, work, work.limiter(), clock);
        ExpiryService expiry = new ExpiryService(TestPolicies::design, store, outbox, notifications, scheduler, clock);
        work.onRevocationLag(metrics::revocationLag);
        scheduler.bind(expiry);
        metrics.watch(store);
        return new AccessService(TestPolicies::design, store, outbox, audit, provider, new FakeDirectory(),
                notifications, scheduler, clock, new Random(1));
    }

    @Test
    void grantAndExpiry_countOutcomesActiveGrantsAndRevocationLag() {
        AccessService service = core(metrics.provider(recording));
        service.handle(TestPolicies.ALICE, "request Reader on sub-prod for 1m because look");
        assertThat(metrics.scrape()).contains("jitbot_grants_active 1.0")
                .contains("jitbot_requests_total{outcome=\"requested\",platform=\"slack\"} 1.0");

        clock.advance(Duration.ofSeconds(63));
        scheduler.runDue();

        String text = metrics.scrape();
        assertThat(text).contains("jitbot_requests_total{outcome=\"revoked\",platform=\"system\"} 1.0")
                .contains("jitbot_revocation_lag_seconds_count 1")
                .contains("jitbot_revocation_lag_seconds_bucket{le=\"5.0\"} 1");
    }

    @Test
    void failingAzureCalls_areCountedByOperation() {
        AccessProvider failing = metrics.provider(new AccessProvider() {
            public String mode() {
                return "test";
            }

            public GrantResult grant(dev.jitbot.core.domain.AccessRequest r, java.time.Instant at) {
                return new GrantResult.Refused("no permission");
            }

            public void revoke(dev.jitbot.core.domain.AccessRequest r) {
                throw new IllegalStateException("503");
            }

            public List<ProviderAssignment> list(java.util.Collection<dev.jitbot.core.domain.AzureScope> s) {
                return List.of();
            }

            public void delete(ProviderAssignment orphan) {
            }
        });
        failing.grant(null, null);
        assertThatThrownBy(() -> failing.revoke(null)).isInstanceOf(IllegalStateException.class);
        assertThat(metrics.scrape()).contains("jitbot_azure_errors_total{operation=\"grant\"} 1.0")
                .contains("jitbot_azure_errors_total{operation=\"revoke\"} 1.0");
    }

    @Test
    void failingChatDelivery_isCountedByPlatform() {
        ChatNotifier broken = metrics.notifier(new Quiet(Platform.TEAMS) {
            @Override
            public void postToChannel(String channelId, Text text) {
                throw new IllegalStateException("Teams is down");
            }
        });
        assertThatThrownBy(() -> broken.postToChannel("19:x", Text.plain("hi"))).isInstanceOf(IllegalStateException.class);
        assertThat(metrics.scrape()).contains("jitbot_chat_errors_total{operation=\"post\",platform=\"teams\"} 1.0");
    }

    @Test
    void countingChat_passesRemindersAndHereAlertsToThePlatformsOwnKind_notThePortsPlainDefaults() {
        List<String> calls = new java.util.ArrayList<>();
        ChatNotifier counted = metrics.notifier(new Quiet(Platform.SLACK) {
            @Override
            public void directMessage(ChatUser user, Text text) {
                calls.add("dm " + text);
            }

            @Override
            public void remind(ChatUser user, AccessRequest r, Text text) {
                calls.add("remind " + text);
            }

            @Override
            public void alertEveryone(String channelId, Text text) {
                calls.add("here " + text);
            }

            @Override
            public void postToChannel(String channelId, Text text) {
                calls.add("post " + text);
            }
        });
        AccessRequest r = dev.jitbot.core.testing.RequestStoreContract.active("JIT-REM1",
                java.time.Instant.parse("2026-12-01T10:00:00Z"), Duration.ofMinutes(30));

        counted.remind(TestPolicies.ALICE, r, dev.jitbot.core.app.Phrases.reminder(r));
        counted.alertEveryone("C0SECURITY", Text.plain("still unreviewed"));

        assertThat(calls).as("Slack's reminder with buttons and its <!here>, not a DM of commands and a plain post")
                .containsExactly("remind Contributor on rg-payments (JIT-REM1) ends at 10:30 UTC. Extend it by 30 min,"
                        + " or release it now if you are done.", "here still unreviewed");
    }

    /** A platform that takes every call and does nothing: a test overrides the calls it watches. */
    private static class Quiet implements ChatNotifier {
        private final Platform platform;

        Quiet(Platform platform) {
            this.platform = platform;
        }

        @Override
        public Platform platform() {
            return platform;
        }

        @Override
        public java.util.Optional<MessageRef> postCard(String channelId, AccessRequest request) {
            return java.util.Optional.empty();
        }

        @Override
        public void updateCard(MessageRef card, AccessRequest request) {
        }

        @Override
        public void reply(MessageRef message, Text text) {
        }

        @Override
        public void directMessage(ChatUser user, Text text) {
        }

        @Override
        public void postToChannel(String channelId, Text text) {
        }
    }
}
