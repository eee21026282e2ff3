package dev.jitbot.core.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.testing.FuzzTries;
import java.time.Duration;
import java.util.Locale;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.LongRange;

/**
 * Round trips of the typed values people type: what jitbot writes ({@code Durations.compact}, a request id, a
 * canonical scope) reads back as the same value, and whatever is typed is a value or a reason, never an exception.
 */
class ValuesFuzzTest {

    @Property
    @FuzzTries(times = 10)
    void durations_anyText_isAPositiveWholeSecondDurationThatReadsBack_orAReason(@ForAll("durationText") String typed) {
        Parsed<Duration> parsed = Durations.parse(typed);
        if (parsed.isOk()) {
            Duration d = parsed.orThrow();
            assertThat(d).isPositive();
            assertThat(d.getNano()).isZero();
            assertThat(Durations.parse(Durations.compact(d)).orThrow()).as(typed).isEqualTo(d);
            assertThat(Durations.parse(Durations.format(d)).orThrow()).as(typed).isEqualTo(d);
        } else {
            assertThat(parsed.reason()).isNotBlank().doesNotContain("\n").hasSizeLessThan(300);
        }
    }

    @Property
    @FuzzTries(times = 10)
    void durations_compactAndFormat_readBack(@ForAll @LongRange(min = 1, max = 366L * 24 * 3600) long seconds) {
        Duration d = Duration.ofSeconds(seconds);
        assertThat(Durations.parse(Durations.compact(d)).orThrow()).isEqualTo(d);
        assertThat(Durations.parse(Durations.format(d)).orThrow()).isEqualTo(d);
    }

    @Property
    @FuzzTries(times = 10)
    void requestIds_readBackInAnyCaseWithOrWithoutThePrefix(@ForAll long seed, @ForAll @IntRange(min = 4, max = 10) int length) {
        RequestId id = RequestId.random(new Random(seed), length);
        assertThat(RequestId.parse(id.value()).orThrow()).isEqualTo(id);
        assertThat(RequestId.parse(id.value().toLowerCase(Locale.ROOT)).orThrow()).isEqualTo(id);
        assertThat(RequestId.parse(" " + id.value().substring(4) + "\t").orThrow()).isEqualTo(id);
        assertThat(RequestId.parse(id.value().replace('0', 'O').replace('1', 'l')).orThrow()).isEqualTo(id);
        assertThat(new RequestId(id.toString())).isEqualTo(id);
    }

    @Property
    @FuzzTries(times = 10)
    void requestIds_anyText_isAnIdThatReadsBack_orAReason(@ForAll("idText") String typed) {
        Parsed<RequestId> parsed = RequestId.parse(typed);
        if (parsed.isOk()) {
            assertThat(RequestId.parse(parsed.orThrow().value()).orThrow()).isEqualTo(parsed.orThrow());
        } else {
            assertThat(parsed.reason()).isNotBlank().doesNotContain("\n").hasSizeLessThan(300);
        }
    }

    @Property
    @FuzzTries(times = 10)
    void scopes_anyText_isACanonicalScopeThatReadsBack_orAReason(@ForAll("scopeText") String typed) {
        Parsed<AzureScope> parsed = AzureScope.parse(typed);
        if (parsed.isOk()) {
            AzureScope scope = parsed.orThrow();
            assertThat(AzureScope.parse(scope.id()).orThrow()).isEqualTo(scope);
            assertThat(new AzureScope(scope.id())).isEqualTo(scope);
            assertThat(scope.isWithin(scope)).isTrue();
        } else {
            assertThat(parsed.reason()).isNotBlank().doesNotContain("\n").hasSizeLessThan(400);
        }
    }

    // ------------------------------------------------------------------------------------------------ inputs

    @Provide
    Arbitrary<String> durationText() {
        Arbitrary<String> number = Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.integers().between(0, 120).map(String::valueOf)),
                Tuple.of(1, Arbitraries.longs().between(0, 9_999_999_999L).map(String::valueOf)),
                Tuple.of(1, Arbitraries.of("-1", "+1", "0.5", "1e3", "١٢", "0x10", "")));
        Arbitrary<String> unit = Arbitraries.of("d", "day", "days", "h", "hr", "hrs", "hour", "hours", "m", "min",
                "mins", "minute", "minutes", "s", "sec", "secs", "second", "seconds", "", "w", "y", "ms", "H", "M");
        Arbitrary<String> part = Combinators.combine(number, Arbitraries.of("", " ", "  "), unit)
                .as((n, sp, u) -> n + sp + u);
        Arbitrary<String> human = Combinators.combine(part.list().ofMinSize(1).ofMaxSize(4), Arbitraries.of("", " "))
                .as((ps, sep) -> String.join(sep, ps));
        Arbitrary<String> iso = Combinators.combine(Arbitraries.of("P", "PT", "pt", "P-", "PT+", "-PT", "P1DT"),
                Arbitraries.longs().between(0, 99_999_999_999L), Arbitraries.of("H", "M", "S", "D", ".5S", "H30M", ""))
                .as((p, n, u) -> p + n + u);
        return Arbitraries.frequencyOf(Tuple.of(4, human), Tuple.of(2, iso),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(70)));
    }

    @Provide
    Arbitrary<String> idText() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Combinators.combine(Arbitraries.of("", "JIT-", "jit-", "JIT", "jit_", " JIT-"),
                        Arbitraries.strings().withChars("0123456789ABCDEFGHJKMNPQRSTVWXYZabcdefiloOIL-U ").ofMaxLength(12))
                        .as((p, b) -> p + b)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(20)));
    }

    @Provide
    Arbitrary<String> scopeText() {
        return Arbitraries.frequencyOf(
                Tuple.of(3, Arbitraries.strings().withChars("/subscriptionsresourceGroupsprovidersMicrosoft.%2e\\*-_ ")
                        .ofMaxLength(60).map(s -> "/" + s)),
                Tuple.of(1, Arbitraries.strings().all().ofMaxLength(60)));
    }
}
