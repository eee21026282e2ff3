package dev.jitbot.core.domain;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Issue 15, finding 5: durations, free text and command lines are held to limits stated in the refusal. */
class InputLimitsTest {

    @Nested
    class Durations_ {

        @Test
        void parse_aFractionOfASecond_isRefusedRatherThanShownAsZero() {
            assertThat(Durations.parse("PT0.5S").reason()).contains("fraction of a second").contains("`5m`");
            assertThat(Durations.parse("PT1M0.5S").reason()).contains("fraction of a second");
        }

        @Test
        void parse_theSameUnitTwice_isRefusedRatherThanSummed() {
            assertThat(Durations.parse("10m10m").reason()).contains("the same unit twice").contains("`1h30m`");
            assertThat(Durations.parse("1h 30m 1h").reason()).contains("the same unit twice");
        }

        @Test
        void parse_unitsOutOfOrder_isRefused() {
            assertThat(Durations.parse("30m1h").reason()).contains("out of order");
        }

        @Test
        void parse_aLongInput_isRefusedWithoutEchoingIt() {
            assertThat(Durations.parse("1m".repeat(5000)).reason()).isEqualTo(
                    "That is not a duration; write " + Durations.EXAMPLE + ".");
        }
    }

    @Nested
    class Text {

        @Test
        void clean_removesNulBelEscAndC1_andTurnsLineBreaksIntoSpaces() {
            assertThat(UserText.clean("fix\u0000 the\u0007 \u001b[2Jbuild\u009b\r\nnow\tplease"))
                    .isEqualTo("fix the [2Jbuild now please");
        }

        @Test
        void clean_removesBidiOverridesAndLoneSurrogates_butKeepsEmoji() {
            assertThat(UserText.clean("ok \u202Edesrever\u202C \uD83D\uDE80 \uD800x")).isEqualTo("ok desrever \uD83D\uDE80 x");
        }
    }

    @Nested
    class CommandLines {

        @Test
        void parse_aCommandOverTheLimit_isRefusedShortlyWithoutEchoingIt() {
            String huge = "request Contributor on rg-payments for 45m because " + "A".repeat(10 * 1024 * 1024);
            Parsed<Command> p = CommandParser.parse(huge);
            assertThat(p.reason()).contains("4,000").contains("10,485,").doesNotContain("AAAA").hasSizeLessThan(300);
        }

        @Test
        void parse_controlCharactersInTheLine_areGoneFromTheJustification() {
            Command.Request r = (Command.Request) CommandParser.parse(
                    "request Contributor on rg-payments for 45m because INC-1\u0007 hot\u001bfix\nnow").orThrow();
            assertThat(r.justification()).isEqualTo("INC-1 hotfix now");
        }
    }
}
