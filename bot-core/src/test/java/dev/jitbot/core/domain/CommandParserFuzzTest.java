package dev.jitbot.core.domain;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.testing.FuzzTries;
import java.time.Duration;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * The grammar under fuzz: whatever a chat platform hands {@link CommandParser#parse} (any Unicode, control
 * characters, unpaired surrogates, 100 KB pastes) comes back as a command or a refusal a person can read, never an
 * exception. The first property runs 100 × {@code fuzz.tries} inputs (10⁵ in a normal build) and prints its rate.
 */
class CommandParserFuzzTest {

    /** The longest refusal worth reading in chat; a refusal must not echo a pasted wall of text back. */
    static final int MAX_REASON = 700;

    @Property
    @FuzzTries(times = 100)
    void anyText_isACommandOrARefusal_neverAnException(@ForAll("chatText") String text) {
        Parsed<Command> parsed = CommandParser.parse(text);

        assertThat(parsed).isNotNull();
        if (parsed.isOk()) {
            checkCommand(parsed.orThrow());
            Statistics.collect(parsed.orThrow().getClass().getSimpleName());
        } else {
            checkRefusal(parsed.reason());
            Statistics.collect("refused");
        }
    }

    @Property
    @FuzzTries
    void hugePastes_upTo100KB_areRefusedWithTheirLength_withoutEchoingThem(@ForAll("hugeText") String text) {
        Parsed<Command> parsed = CommandParser.parse(text);

        if (UserText.length(text) > UserText.MAX_COMMAND) {
            assertThat(parsed.isOk()).isFalse();
            assertThat(parsed.reason()).contains("characters long").contains("the limit is 4,000");
        }
        if (parsed.isOk()) {
            checkCommand(parsed.orThrow());
        } else {
            checkRefusal(parsed.reason());
        }
    }

    @Property
    @FuzzTries(times = 10)
    void aRequestWrittenInTheGrammar_readsBackAsTheSameRequest(@ForAll("requests") Command.Request request,
                                                               @ForAll("spaces") String sep) {
        String text = "request" + sep + request.role() + sep + "on" + sep + request.scope() + sep + "for" + sep
                + Durations.compact(request.duration()) + sep + "because" + sep + request.justification()
                + (request.ticket() == null ? "" : sep + "ticket" + sep + request.ticket())
                + (request.principal() == null ? "" : sep + "as" + sep + request.principal());

        assertThat(CommandParser.parse(text).orThrow()).as(text).isEqualTo(request);
    }

    static void checkCommand(Command c) {
        if (c instanceof Command.Request r) {
            assertThat(r.role()).isNotBlank();
            assertThat(r.scope()).isNotBlank().doesNotContain(" ");
            assertThat(r.duration()).isPositive();
            assertThat(r.justification()).isNotBlank();
            for (String s : new String[] {r.role(), r.scope(), r.justification(), r.ticket(), r.principal()}) {
                if (s != null) {
                    assertThat(s.chars()).noneMatch(ch -> Character.isISOControl(ch) && ch != ' ');
                    assertThat(s).isEqualTo(s.strip());
                }
            }
        }
    }

    static void checkRefusal(String reason) {
        assertThat(reason).isNotBlank().doesNotContain("\n").doesNotContain("\r");
        assertThat(reason.length()).as(reason).isLessThanOrEqualTo(MAX_REASON);
        assertThat(reason.chars()).noneMatch(ch -> Character.isISOControl(ch));
    }

    // ------------------------------------------------------------------------------------------------ inputs

    static final List<String> WORDS = List.of("request", "req", "REQUEST", "list", "ls", "status", "show", "info",
            "approve", "deny", "reject", "cancel", "revoke", "release", "extend", "history", "audit", "help", "?",
            "/jit", "jit", "/JIT", "on", "for", "because", "ticket", "as", "for=", "by", "mine", "all", "Reader",
            "Contributor", "Storage Blob Data Reader", "rg-payments", "sub-prod", "/subscriptions/x/resourceGroups/rg",
            "45m", "2h", "1h30m", "PT1H", "P1D", "PT-1H", "0m", "10m10m", "999999d", "P999999999D", "PT0.5S",
            "JIT-7K3F", "jit-7k3f", "7K3F", "JIT-OIL0", "JIT-", "INC-4411", "deploy-pipeline", "`", "*", "_", "~",
            "<@U123>", "<!channel>", "&lt;", "\u202Eevil", "\u200F", "\uD800", "\uDC00", "\uD83D\uDE00", "é",
            "\u0000", "\u0007", "\u001B[31m", "\u0085", "\u2028", "\u00A0", "\u3000", "\t", "\r\n", "\n");

    @Provide
    Arbitrary<String> chatText() {
        Arbitrary<String> word = Arbitraries.frequencyOf(
                Tuple.of(6, Arbitraries.of(WORDS)),
                Tuple.of(2, Arbitraries.strings().ofMinLength(1).ofMaxLength(12)),
                Tuple.of(1, Arbitraries.strings().all().ofMinLength(1).ofMaxLength(8)),
                Tuple.of(1, Combinators.combine(Arbitraries.integers().between(-5, 1_000_000),
                        Arbitraries.of("m", "h", "s", "d", "", "min", "hours")).as((n, unit) -> n + unit)));
        Arbitrary<String> sentence = Combinators.combine(word.list().ofMaxSize(14), separators().list().ofSize(14))
                .as((words, seps) -> {
                    StringBuilder sb = new StringBuilder();
                    for (int i = 0; i < words.size(); i++) {
                        sb.append(i == 0 ? "" : seps.get(i)).append(words.get(i));
                    }
                    return sb.toString();
                });
        return Arbitraries.frequencyOf(
                Tuple.of(6, sentence),
                Tuple.of(2, Arbitraries.strings().all().ofMaxLength(80)),
                Tuple.of(1, Arbitraries.strings().withCharRange('\u0000', '\u007F').ofMaxLength(200)),
                Tuple.of(1, Arbitraries.of("", " ", "\u0000", "/jit", "/jit ", "request", "request ", "\uD800")));
    }

    @Provide
    Arbitrary<String> separators() {
        return Arbitraries.of(" ", " ", " ", "  ", "\t", "\n", "\r\n", "\u00A0", "\u3000", "\u2028", "\u0000",
                "\u0085", " \u200F ");
    }

    /** What separates words in the grammar: any whitespace or Unicode space, alone or in a run. */
    @Provide
    Arbitrary<String> spaces() {
        return Arbitraries.of(" ", "  ", "\t", "\n", "\r\n", "\u00A0", "\u3000", "\u2028", "\u0085", " \u200F ",
                "\u2003");
    }

    @Provide
    Arbitrary<String> hugeText() {
        // Built by repetition: jqwik generating 100 KB character by character would spend the run generating.
        Arbitrary<String> unit = Arbitraries.frequencyOf(
                Tuple.of(3, chatText()),
                Tuple.of(1, Arbitraries.of("x", " ", "because ", "on ", "\uD83D\uDE00", "a\u0000", " for 1h ")));
        Arbitrary<Integer> length = Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.integers().between(3_980, 4_020)),
                Tuple.of(2, Arbitraries.integers().between(4_000, 100_000)),
                Tuple.of(1, Arbitraries.of(100 * 1024, 100_000, 4_001)));
        return Combinators.combine(unit.filter(u -> !u.isEmpty()), length, chatText()).as((u, n, head) -> {
            StringBuilder sb = new StringBuilder(n + u.length());
            sb.append(head).append(' ');
            while (sb.length() < n) {
                sb.append(u);
            }
            sb.setLength(Math.max(head.length(), n));
            return sb.toString();
        });
    }

    @Provide
    Arbitrary<Command.Request> requests() {
        Arbitrary<String> name = Arbitraries.strings().withCharRange('a', 'z').withChars('-', '_', '.', '/', 'é')
                .ofMinLength(1).ofMaxLength(12).filter(w -> !List.of("on", "from", "for", "because", "ticket", "as", "bundle")
                        .contains(w) && !w.startsWith("for="));
        Arbitrary<String> words = name.list().ofMinSize(1).ofMaxSize(4).map(ws -> String.join(" ", ws));
        Arbitrary<Duration> duration = Arbitraries.longs().between(1, Durations.LONGEST.getSeconds()).map(Duration::ofSeconds);
        Arbitrary<String> optional = Arbitraries.frequencyOf(Tuple.of(1, Arbitraries.just((String) null)),
                Tuple.of(1, name.filter(w -> !w.equals("jit") && !w.startsWith("/"))));
        return Combinators.combine(words, name, duration, words, optional, optional)
                .as(Command.Request::new);
    }
}
