package dev.jitbot.core.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Text people typed, on its way into a log line: one line, escaped, clipped. */
class UserTextForLogTest {

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
                .isEqualTo("x".repeat(UserText.MAX_LOGGED) + "… (" + (10_000 - UserText.MAX_LOGGED)
                        + " more characters)");
    }
}
