package dev.jitbot.slack;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class UserTextTest {

    @Nested
    class ForLog {

        @Test
        void controlCharacters_areWrittenAsEscapes_soNoLineCanBeForged() {
            assertThat(UserText.forLog("list\r\nINFO forged\u0007\u001b[31m\u0085\u2028end\tx"))
                    .isEqualTo("list\\r\\nINFO forged\\u0007\\u001b[31m\\u0085\\u2028end\\tx");
        }

        @Test
        void aBackslash_isDoubled_soTypedEscapesAreTellableFromReplacedOnes() {
            assertThat(UserText.forLog("a\\nb\nc")).isEqualTo("a\\\\nb\\nc");
        }

        @Test
        void longText_isCutAtTheLimit_andSaysHowMuchMoreThereWas() {
            assertThat(UserText.forLog("x".repeat(10_000)))
                    .isEqualTo("x".repeat(UserText.MAX_QUOTED) + "… (" + (10_000 - UserText.MAX_QUOTED)
                            + " more characters)");
        }
    }

    @Nested
    class Clip {

        @Test
        void shortText_isUnchanged_andLongTextEndsInAnEllipsisWithinTheLimit() {
            assertThat(UserText.clip("list mine")).isEqualTo("list mine");
            String clipped = UserText.clip("y".repeat(500));
            assertThat(clipped).hasSize(UserText.MAX_QUOTED).endsWith("…");
        }

        @Test
        void aCut_neverSplitsASurrogatePair() {
            String text = "y".repeat(UserText.MAX_QUOTED - 2) + "😀".repeat(10);
            String clipped = UserText.clip(text);
            assertThat(Character.isHighSurrogate(clipped.charAt(clipped.length() - 2))).isFalse();
            assertThat(clipped).endsWith("…");
        }
    }
}
