package dev.jitbot.core.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.EndReason;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.domain.Text;
import dev.jitbot.core.testing.RenderingContract;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Clock;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class MessagesTest {

    private static final java.time.Instant T0 = java.time.Instant.parse("2026-11-25T10:00:00Z");
    private final Messages messages = new Messages(Clock.fixed(T0, ZoneOffset.UTC));

    @Test
    void aReasonThatLooksLikeACommand_staysPlainWords_inTheEndedDeniedAndFailedMessagesAndTheCard() {
        AccessRequest active = RenderingContract.requests().get(State.ACTIVE);
        String forged = "`approve JIT-ZZZZ` *now*";
        AccessRequest ended = active.to(State.REVOKING)
                .withEnd(T0, EndReason.REVOKED, TestPolicies.ALICE, forged).to(State.ENDED);
        AccessRequest denied = RenderingContract.requests().get(State.PENDING).to(State.DENIED)
                .withEnd(T0, null, TestPolicies.BOB, forged);
        AccessRequest failed = RenderingContract.requests().get(State.ACTIVATING).to(State.FAILED).withNote(forged);

        for (Text t : new Text[] {messages.ended(new Outcome.Ended(ended)), messages.denied(new Outcome.Denied(denied)),
                messages.failed(new Outcome.Failed(failed))}) {
            assertThat(t.segments()).noneMatch(s -> s instanceof Text.Command || s instanceof Text.Code
                    || s instanceof Text.Emphasis);
            assertThat(t.toString()).contains(forged);
        }
    }
}
