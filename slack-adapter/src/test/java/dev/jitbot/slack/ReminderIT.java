package dev.jitbot.slack;

import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.BOB;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.State;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reminder DM before a grant ends, over real HTTP: its two buttons, and Extend running the extension flow. */
class ReminderIT {

    SlackRig rig;

    @BeforeEach
    void start() throws Exception {
        rig = new SlackRig();
    }

    @AfterEach
    void stop() throws Exception {
        rig.close();
    }

    private AccessRequest activeContributor() throws Exception {
        rig.command(ALICE, "request Contributor on rg-payments for 45m because INC-4411 hotfix", "remind-request");
        await().atMost(Duration.ofSeconds(10)).until(() -> !rig.inState(State.PENDING).isEmpty()
                && !rig.store.messages(rig.inState(State.PENDING).get(0).id()).isEmpty());
        AccessRequest pending = rig.inState(State.PENDING).get(0);
        MessageRef card = rig.store.messages(pending.id()).stream().filter(m -> MessageRef.CARD.equals(m.kind()))
                .findFirst().orElseThrow();
        rig.click(BOB, Cards.APPROVE, pending.id().value(), "remind-approve", card.messageId());
        await().atMost(Duration.ofSeconds(10)).until(() -> !rig.inState(State.ACTIVE).isEmpty());
        return rig.inState(State.ACTIVE).get(0);
    }

    private List<Map<String, String>> reminders() {
        return rig.calls("chat.postMessage").stream().filter(c -> "U0ALICE".equals(c.get("channel"))
                && c.get("blocks") != null && c.get("blocks").contains(Cards.EXTEND)).toList();
    }

    @Test
    void reminder_arrivesTenMinutesBeforeExpiryWithBothButtons_andExtendAsksTheApprovers() throws Exception {
        AccessRequest active = activeContributor();

        rig.advance(Duration.ofMinutes(34));
        await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(3)).until(() -> reminders().isEmpty());
        rig.advance(Duration.ofMinutes(1));
        await().atMost(Duration.ofSeconds(10)).until(() -> reminders().size() == 1);

        Map<String, String> dm = reminders().get(0);
        assertThat(dm.get("text")).contains("Contributor on rg-payments (" + active.id() + ") ends at 14:45 UTC");
        assertThat(dm.get("blocks")).contains("\"action_id\":\"jit-extend\"").contains("Extend 30m")
                .contains("\"action_id\":\"jit-release\"").contains("Release now")
                .contains("\"value\":\"" + active.id().value() + "\"");

        rig.click(ALICE, Cards.EXTEND, active.id().value(), "remind-extend", "1764080000.000100");

        await().atMost(Duration.ofSeconds(10)).until(() -> rig.store.find(active.id()).orElseThrow().extension() != null);
        AccessRequest asked = rig.store.find(active.id()).orElseThrow();
        assertThat(asked.extension().by()).isEqualTo(Duration.ofMinutes(30));
        assertThat(asked.expiresAt()).as("not extended before an approver says so").isEqualTo(active.expiresAt());
        await().until(() -> !rig.responses("remind-extend").isEmpty());
        assertThat(rig.responses("remind-extend").get(0).get("text").getAsString())
                .contains("Asked to extend Contributor on rg-payments").contains("by 30 min");
        await().until(() -> rig.calls("chat.update").stream().anyMatch(u -> u.get("blocks")
                .contains("Approve extension")));
    }

    @Test
    void releaseNow_fromTheReminder_endsTheGrant() throws Exception {
        AccessRequest active = activeContributor();
        rig.advance(Duration.ofMinutes(35));
        await().atMost(Duration.ofSeconds(10)).until(() -> reminders().size() == 1);

        rig.click(ALICE, Cards.RELEASE, active.id().value(), "remind-release", "1764080000.000100");

        await().atMost(Duration.ofSeconds(10)).until(() -> rig.store.find(active.id()).orElseThrow().state() == State.ENDED);
        assertThat(rig.provider.revokes).containsExactly(active.id());
    }
}
