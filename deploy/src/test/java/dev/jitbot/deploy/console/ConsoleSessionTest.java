package dev.jitbot.deploy.console;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.ChatNotifier;
import dev.jitbot.core.app.ExpiryService;
import dev.jitbot.core.app.Notifications;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.FakeDirectory;
import dev.jitbot.core.testing.InMemoryAuditLog;
import dev.jitbot.core.testing.InMemoryRequestStore;
import dev.jitbot.core.testing.ManualScheduler;
import dev.jitbot.core.testing.MutableClock;
import dev.jitbot.core.testing.RecordingAccessProvider;
import dev.jitbot.core.testing.TestPolicies;
import java.io.BufferedReader;
import java.io.StringReader;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The console on the core's fakes: what a person typing at the terminal sees. */
class ConsoleSessionTest {

    final MutableClock clock = MutableClock.at("2026-11-25T10:00:00Z");
    final Policy policy = ConsoleSession.withConsoleChannels(TestPolicies.design());
    final InMemoryRequestStore store = new InMemoryRequestStore();
    final ManualScheduler scheduler = new ManualScheduler(clock);
    final RecordingAccessProvider provider = new RecordingAccessProvider();
    final List<String> lines = new CopyOnWriteArrayList<>();
    final ConsoleOut out = new ConsoleOut(lines::add);
    final ConsoleText text = new ConsoleText(clock);
    ConsoleSession session;

    ConsoleSessionTest() {
        InMemoryAuditLog audit = new InMemoryAuditLog();
        ConsoleSession[] s = new ConsoleSession[1];
        ChatNotifier notifier = new ConsoleNotifier(out, text, r -> s[0].seen(r));
        Notifications notifications = new Notifications(store, List.of(notifier));
        var outbox = new dev.jitbot.core.testing.InMemoryOutbox(store, audit, clock);
        var work = new dev.jitbot.core.app.WorkHandlers(() -> policy, store, outbox, provider, notifications, scheduler,
                new dev.jitbot.core.app.AzureLimiter(dev.jitbot.core.app.AzureLimiter.Limits.arm()), clock);
        new dev.jitbot.core.testing.SyncWork(outbox, work, work.limiter(), clock);
        ExpiryService expiry = new ExpiryService(() -> policy, store, outbox, notifications, scheduler, clock);
        scheduler.bind(expiry);
        AccessService service = new AccessService(this::policyOrFailure, store, outbox, audit, provider, new FakeDirectory(),
                notifications, scheduler, clock, new Random(7));
        session = new ConsoleSession(service, store, () -> policy, text, out, "alice", Duration.ofMillis(10));
        s[0] = session;
    }

    /** Set to make every command fail as if the store were away. */
    volatile boolean storeAway;

    private Policy policyOrFailure() {
        if (storeAway) {
            throw new dev.jitbot.core.app.StoreException("commit failed: Connection refused (SQLState 08001)", null);
        }
        return policy;
    }

    @Test
    void aCommandThatFails_saysSoWithAnEventId_andTheSessionGoesOn() {
        storeAway = true;
        session.handle("list");
        storeAway = false;
        session.handle("help");

        assertThat(all()).contains("jitbot cannot reach its database right now; nothing was changed")
                .containsPattern("event id E[0-9A-F]{8}").doesNotContain("SQLState").contains("Just-in-time Azure access");
    }

    private String all() {
        return String.join("\n", lines);
    }

    @Nested
    class Scenario {
        @Test
        void requestThenBobApprovesLast_grantsThenRevokesAtExpiryWithConfirmation() {
            session.handle("/jit request Contributor on rg-payments for 1m because test");
            assertThat(all()).contains("[#approvals] new request card").contains("type: `approve JIT-");
            session.handle("/as bob");
            session.handle("approve last");
            assertThat(all()).contains("Contributor on rg-payments is yours until 10:01 UTC (1 min)");
            assertThat(provider.grants).hasSize(1);

            clock.advance(Duration.ofSeconds(60));
            scheduler.runDue();

            assertThat(provider.revokes).hasSize(1);
            assertThat(lines).anyMatch(l -> l.startsWith("[#approvals › JIT-")
                    && l.contains("Contributor on rg-payments revoked at 10:01:00 UTC — expired"));
            assertThat(lines).anyMatch(l -> l.startsWith("[to alice] Contributor on rg-payments revoked at"));
            assertThat(store.findByState(ConsoleSession.OPEN)).isEmpty();
        }

        @Test
        void dollarLast_standsForTheNewestRequestAnywhereInTheLine() {
            session.handle("request Contributor on rg-payments for 20m because first");
            session.handle("/as dave");
            session.handle("request Contributor on rg-payments for 30m because second");
            session.handle("/as carol");
            session.handle("deny $last not now");
            assertThat(store.findByState(List.of(State.DENIED))).singleElement()
                    .satisfies(r -> assertThat(r.justification()).isEqualTo("second"));
        }

        @Test
        void lastBeforeAnyRequest_saysWhatToDoFirst() {
            session.handle("approve last");
            assertThat(lines).containsExactly("There is no request yet for `last` to stand for; make one with "
                    + "`request …` first.");
        }
    }

    @Nested
    class People {
        @Test
        void as_findsThePolicysEmailForAShortName() {
            session.handle("/as bob");
            assertThat(session.user().email()).isEqualTo("bob@contoso.com");
            assertThat(session.user().platform()).isEqualTo(Platform.CONSOLE);
            assertThat(lines).containsExactly("You are now bob (bob@contoso.com).");
        }

        @Test
        void requesterApprovingOwnRequest_isRefusedInWords() {
            session.handle("request Contributor on rg-payments for 20m because test");
            session.handle("approve last");
            assertThat(lines.get(lines.size() - 1)).doesNotContain("Exception").containsIgnoringCase("own");
            assertThat(provider.grants).isEmpty();
        }
    }

    @Test
    @org.junit.jupiter.api.Timeout(30)
    void run_piped_echoesLinesAndWaitsUntilNothingIsOpen() throws Exception {
        BufferedReader in = new BufferedReader(new StringReader(String.join("\n",
                "# a comment", "request Reader on sub-prod for 1m because look", "")));
        Thread expiry = new Thread(() -> {
            while (lines.stream().noneMatch(l -> l.startsWith("End of input; waiting until this ends: JIT-"))) {
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    return;
                }
            }
            clock.advance(Duration.ofSeconds(61));
            scheduler.runDue();
        });
        expiry.start();
        session.run(in, true, () -> { });
        expiry.join();
        assertThat(lines.get(0)).isEqualTo("alice> # a comment");
        assertThat(all()).contains("alice> request Reader on sub-prod for 1m because look")
                .contains("End of input; waiting until this ends: JIT-").contains("revoked at");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("Nothing is pending or active any more. Bye.");
    }
}
