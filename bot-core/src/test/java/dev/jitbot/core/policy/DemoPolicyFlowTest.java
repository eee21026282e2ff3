package dev.jitbot.core.policy;

import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.BOB;
import static dev.jitbot.core.testing.TestPolicies.ERIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.AzureLimiter;
import dev.jitbot.core.app.WorkHandlers;
import dev.jitbot.core.testing.InMemoryOutbox;
import dev.jitbot.core.testing.SyncWork;
import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.app.ExpiryService;
import dev.jitbot.core.app.Notifications;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.InMemoryAuditLog;
import dev.jitbot.core.testing.InMemoryRequestStore;
import dev.jitbot.core.testing.ManualScheduler;
import dev.jitbot.core.testing.MutableClock;
import dev.jitbot.core.testing.RecordingAccessProvider;
import dev.jitbot.core.testing.RecordingNotifier;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The README's console walk-through on the demo policy, with people resolved by {@link PolicyDirectory}. */
class DemoPolicyFlowTest {

    final Policy demo = PolicyLoader.demo();
    final MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
    final InMemoryRequestStore store = new InMemoryRequestStore();
    final InMemoryAuditLog audit = new InMemoryAuditLog();
    final RecordingAccessProvider provider = new RecordingAccessProvider();
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final Notifications notifications = new Notifications(store,
            List.<ChatNotifier>of(new RecordingNotifier(Platform.SLACK)));
    final InMemoryOutbox outbox = new InMemoryOutbox(store, audit, clock);
    final WorkHandlers work = new WorkHandlers(() -> demo, store, outbox, provider, notifications, scheduler,
            new AzureLimiter(AzureLimiter.Limits.arm()), clock);
    final SyncWork sync = new SyncWork(outbox, work, work.limiter(), clock);
    final ExpiryService expiry = new ExpiryService(() -> demo, store, outbox, notifications, scheduler, clock);
    final AccessService service;

    DemoPolicyFlowTest() {
        scheduler.bind(expiry);
        service = new AccessService(() -> demo, store, outbox, audit, provider, PolicyDirectory.of(demo), notifications,
                scheduler, clock, new Random(7));
    }

    @Test
    void readmeWalkThrough_contributorForAMinute_isGrantedToAlicesObjectIdAfterBobApprovesAndEndsOnTime() {
        Outcome asked = service.handle(ALICE, "request Contributor on rg-demo for 1m because trying jitbot");
        assertThat(asked).isInstanceOf(Outcome.Requested.class);
        AccessRequest request = ((Outcome.Requested) asked).request();
        assertThat(request.principal().objectId()).isEqualTo("de000000-0000-4000-8000-0000000000a1");

        service.handle(BOB, "approve " + request.id().value());

        assertThat(store.find(request.id()).orElseThrow().state()).isEqualTo(State.ACTIVE);
        assertThat(provider.assignments.values()).singleElement()
                .satisfies(a -> assertThat(a.principal().objectId()).isEqualTo("de000000-0000-4000-8000-0000000000a1"));

        clock.advance(Duration.ofSeconds(61));
        scheduler.runDue();

        assertThat(provider.revokes).containsExactly(request.id());
        assertThat(store.find(request.id()).orElseThrow().state()).isEqualTo(State.ENDED);
    }

    @Test
    void readerOnTheDemoSubscription_isAutoApproved() {
        Outcome o = service.handle(BOB, "request Reader on sub-demo for 1m because looking around");

        assertThat(o).isInstanceOf(Outcome.Activating.class);
    }

    @Test
    void someoneTheDemoDoesNotMap_isToldHowToGetMapped() {
        Outcome o = service.handle(ERIN, "request Reader on sub-demo for 1m because looking around");

        assertThat(o).isInstanceOf(Outcome.Refused.class);
        assertThat(((Outcome.Refused) o).message()).isEqualTo("No Entra account for erin@contoso.com; an admin can map "
                + "it under `users:` in policy.yaml.");
    }
}
