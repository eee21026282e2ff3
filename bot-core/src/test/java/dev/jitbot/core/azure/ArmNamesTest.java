package dev.jitbot.core.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.RequestId;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ArmNamesTest {

    private static final RequestId ID = new RequestId("JIT-7K3F");

    @Test
    void description_roundTripsTheRequestIdAndExpiry() {
        String d = ArmNames.description(ID, Instant.parse("2026-11-25T11:00:00Z"));

        assertThat(ArmNames.requestIdIn(d)).isEqualTo("JIT-7K3F");
        assertThat(ArmNames.expiryIn(d)).isEqualTo(Instant.parse("2026-11-25T11:00:00Z"));
        assertThat(ArmNames.expiryIn(d + " — because reasons")).isEqualTo(Instant.parse("2026-11-25T11:00:00Z"));
    }

    @Test
    void names_areStablePerRequestAndPurpose_andDifferBetweenThem() {
        assertThat(ArmNames.scheduleRequestName(ID, "assign")).isEqualTo(ArmNames.scheduleRequestName(ID, "assign"))
                .isNotEqualTo(ArmNames.scheduleRequestName(ID, "remove"))
                .isNotEqualTo(ArmNames.assignmentName(ID));
    }

    @Test
    void foreignDescriptions_yieldNothing() {
        assertThat(ArmNames.requestIdIn("standing access")).isNull();
        assertThat(ArmNames.expiryIn("jitbot:JIT-7K3F expires soon")).isNull();
        assertThat(ArmNames.expiryIn(null)).isNull();
    }
}
