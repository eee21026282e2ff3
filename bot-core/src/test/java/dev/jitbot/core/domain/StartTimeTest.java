package dev.jitbot.core.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code from <time>}: what people type, the instant it names, and how it is shown back. */
class StartTimeTest {

    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    private static Command.Request request(String text) {
        Parsed<Command> p = CommandParser.parse(text);
        assertThat(p.reason()).isNull();
        return (Command.Request) p.orThrow();
    }

    private static Instant at(String typed, String profileZone) {
        return StartTime.parse(typed).orThrow().resolve(NOW, profileZone).at();
    }

    @Nested
    class InTheGrammar {

        @Test
        void from_beforeFor_isReadAsTheStart() {
            Command.Request r = request("request Contributor on rg-payments from tomorrow 09:00 for 1h because INC-1 fix");

            assertThat(r.start()).isEqualTo(new StartTime(StartTime.Day.TOMORROW, null, LocalTime.of(9, 0), null));
            assertThat(r.scope()).isEqualTo("rg-payments");
            assertThat(r.justification()).isEqualTo("INC-1 fix");
        }

        @Test
        void from_afterFor_isReadToo_butFromInsideTheReasonIsJustWords() {
            Command.Request r = request("request Contributor on rg-payments for 1h from 22:00 because move from old db");

            assertThat(r.start().time()).isEqualTo(LocalTime.of(22, 0));
            assertThat(r.justification()).isEqualTo("move from old db");
        }

        @Test
        void noFrom_meansNoStart() {
            assertThat(request("request Contributor on rg-payments for 1h because INC-1 fix").start()).isNull();
        }

        @Test
        void anUnreadableStart_saysHowToWriteOne() {
            Parsed<Command> p = CommandParser.parse("request Contributor on rg-payments from teatime for 1h because x");

            assertThat(p.reason()).startsWith("`teatime` is not a start time I can read. Write a start such as "
                    + "`from 22:00`, `from tomorrow 09:00` or `from 2026-12-02T09:00Z`.");
        }
    }

    @Nested
    class Reading {

        @ParameterizedTest
        @CsvSource({
                "22:00, , 2026-11-25T22:00:00Z",
                "9:05, , 2026-11-25T09:05:00Z",
                "today 22:00, , 2026-11-25T22:00:00Z",
                "tomorrow 09:00, , 2026-11-26T09:00:00Z",
                "2026-12-02T09:00Z, Europe/Berlin, 2026-12-02T09:00:00Z",
                "2026-12-02T09:00+01:00, , 2026-12-02T08:00:00Z",
                "2026-12-02 09:00, Europe/Berlin, 2026-12-02T08:00:00Z",
                "22:00 UTC, Europe/Berlin, 2026-11-25T22:00:00Z",
                "22:00 Asia/Tokyo, , 2026-11-25T13:00:00Z",
                "tomorrow 09:00, America/Los_Angeles, 2026-11-26T17:00:00Z",
                "22:00, Europe/Berlin, 2026-11-25T21:00:00Z"
        })
        void resolve_readsTheTimeInTheTypedZone_elseTheProfileZone_elseUtc(String typed, String profile, String want) {
            assertThat(at(typed, profile)).isEqualTo(Instant.parse(want));
        }

        @Test
        void aLocalTimeThatDaylightSavingSkips_movesForward() {
            // 2027-03-28 02:30 does not exist in Berlin: clocks go from 02:00 to 03:00.
            assertThat(at("2027-03-28 02:30", "Europe/Berlin")).isEqualTo(Instant.parse("2027-03-28T01:30:00Z"));
        }

        @Test
        void anUnknownZone_isReadAsUtc_withANote() {
            StartTime.Resolved r = StartTime.parse("22:00 Mars/Base").orThrow().resolve(NOW, "Europe/Berlin");

            assertThat(r.at()).isEqualTo(Instant.parse("2026-11-25T22:00:00Z"));
            assertThat(r.notice()).isEqualTo("I don't know the time zone `Mars/Base`, so I read the time as UTC.");
        }

        @ParameterizedTest
        @ValueSource(strings = {"", "25:00", "noon", "2026-13-01T09:00Z", "tomorrow", "22:00 in Berlin"})
        void parse_refusesWhatIsNotAStart(String typed) {
            assertThat(StartTime.parse(typed).isOk()).isFalse();
        }

        @Test
        void aDate_keepsItsDay() {
            assertThat(StartTime.parse("2026-12-02T09:00Z").orThrow())
                    .isEqualTo(new StartTime(StartTime.Day.DATE, LocalDate.of(2026, 12, 2), LocalTime.of(9, 0), "UTC"));
        }
    }

    @Nested
    class ShownBack {

        @Test
        void utc_isShownOnce() {
            assertThat(StartTime.show(Instant.parse("2026-12-02T09:00:00Z"), "UTC")).isEqualTo("Wed 2 Dec 09:00 UTC");
        }

        @Test
        void anotherZone_isShownWithUtcBeside() {
            assertThat(StartTime.show(Instant.parse("2026-12-02T08:00:00Z"), "Europe/Berlin"))
                    .isEqualTo("Wed 2 Dec 09:00 Europe/Berlin (08:00 UTC)");
        }
    }
}
