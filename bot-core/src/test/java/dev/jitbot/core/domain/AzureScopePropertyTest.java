package dev.jitbot.core.domain;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.statistics.Statistics;

/**
 * Issue 15's acceptance property: for scope strings built from ARM pieces, dot segments in every encoding, case
 * variations and stray slashes, whatever {@link AzureScope#parse} accepts is canonical, holds no dot segment, and
 * {@link AzureScope#isWithin} agrees with a plain reference; and what a server resolving dot segments would make of
 * the typed string is the scope jitbot checked. Runs {@code jqwik.tries.default} tries (1,000; raise it
 * with {@code -Djqwik.tries.default=100000}).
 */
class AzureScopePropertyTest {

    @Property
    void accepted_scopes_roundTripToThemselves(@ForAll("scopes") String typed) {
        Parsed<AzureScope> parsed = AzureScope.parse(typed);
        if (parsed.isOk()) {
            String canonical = parsed.orThrow().id();
            assertThat(AzureScope.parse(canonical).orThrow().id()).isEqualTo(canonical);
            assertThat(new AzureScope(canonical).id()).isEqualTo(canonical);
        } else {
            assertThat(parsed.reason()).isNotBlank().doesNotContain("\n");
        }
    }

    @Property
    void accepted_scopes_holdNoDotSegmentInAnyEncoding(@ForAll("scopes") String typed) {
        Parsed<AzureScope> parsed = AzureScope.parse(typed);
        if (parsed.isOk()) {
            String id = parsed.orThrow().id();
            assertThat(id).startsWith("/").doesNotContain("//").doesNotContain("%").doesNotContain("\\")
                    .doesNotEndWith("/").doesNotEndWith(".");
            for (String segment : id.substring(1).split("/", -1)) {
                assertThat(segment).isNotEmpty().matches("[\\x21-\\x7e]+");
                assertThat(segment.replace(".", "")).as(id).isNotEmpty();
                assertThat(segment).doesNotEndWith(".");
            }
        }
    }

    @Property
    void accepted_scopes_nameWhatArmWouldResolveTheTypedStringTo(@ForAll("scopes") String typed) {
        Parsed<AzureScope> parsed = AzureScope.parse(typed);
        if (parsed.isOk()) {
            // What a server that percent-decodes (as often as it takes), reads a backslash as / and resolves dot
            // segments would act on is the very scope the policy was checked against.
            assertThat(resolvedAsAServerWould(typed)).as(typed)
                    .isEqualToIgnoringCase(parsed.orThrow().id());
            Statistics.collect("accepted");
        } else {
            Statistics.collect("refused");
        }
        Statistics.coverage(c -> c.check("accepted").percentage(p -> p >= 10));
    }

    /** RFC 3986 dot-segment removal after repeated percent-decoding, with empty segments dropped. */
    static String resolvedAsAServerWould(String typed) {
        String s = typed.strip();
        for (int i = 0; i < 5 && s.contains("%"); i++) {
            try {
                s = java.net.URLDecoder.decode(s.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IllegalArgumentException bad) {
                break;
            }
        }
        java.util.Deque<String> out = new java.util.ArrayDeque<>();
        for (String segment : s.replace('\\', '/').split("/")) {
            if (segment.isEmpty() || segment.equals(".")) {
                continue;
            }
            if (segment.equals("..")) {
                out.pollLast();
            } else {
                out.addLast(segment);
            }
        }
        return "/" + String.join("/", out);
    }

    @Property
    void isWithin_agreesWithAReference(@ForAll("scopePairs") Tuple.Tuple2<String, String> pair) {
        Parsed<AzureScope> a = AzureScope.parse(pair.get1());
        Parsed<AzureScope> b = AzureScope.parse(pair.get2());
        if (a.isOk() && b.isOk()) {
            boolean within = a.orThrow().isWithin(b.orThrow());
            assertThat(within).as(a.orThrow() + " within " + b.orThrow())
                    .isEqualTo(referenceWithin(a.orThrow().id(), b.orThrow().id()));
            Statistics.collect(within ? "within" : "outside");
        } else {
            Statistics.collect("refused");
        }
        // The generator must reach both answers often enough for the comparison to mean something.
        Statistics.coverage(c -> {
            c.check("within").percentage(p -> p >= 5);
            c.check("outside").percentage(p -> p >= 5);
        });
    }

    /** Inside means: the other scope's segments, ignoring ASCII case, are a prefix of this one's. */
    static boolean referenceWithin(String inner, String outer) {
        List<String> in = List.of(inner.toLowerCase(Locale.ROOT).substring(1).split("/"));
        List<String> out = List.of(outer.toLowerCase(Locale.ROOT).substring(1).split("/"));
        return out.size() <= in.size() && in.subList(0, out.size()).equals(out);
    }

    static final List<String> SUBS = List.of("5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6",
            "5F0C6A4E-1B2C-4D3E-8F90-A1B2C3D4E5F6", "0b7e4c1d-9a2f-4e3b-8c5d-6f1a2b3c4d5e", "not-a-guid");
    static final List<String> DOTS = List.of(".", "..", "...", "%2e", "%2e%2e", "%2E%2E", ".%2e", "%252e%252e",
            "\uFF0E\uFF0E", "..\\..", "a.", "a..", ".a", "..a");
    static final List<String> KEYWORDS = List.of("subscriptions", "SUBSCRIPTIONS", "Subscriptions", "resourceGroups",
            "resourcegroups", "RESOURCEGROUPS", "providers", "PROVIDERS", "Microsoft.Management", "managementGroups",
            "\u017Fubscriptions");
    static final List<String> PIECES = List.of("Microsoft.Storage", "microsoft.storage", "Microsoft.KeyVault",
            "storageAccounts", "vaults", "blobServices", "default", "containers", "sa1", "SA1", "rg-a", "RG-A",
            "rg_(x).1", "kv-payments", "root", "mg-platform", "*", "a b", "x\u0000", "@", "~", "x;y", "x?y", "x#y");

    @Provide
    Arbitrary<String> scopes() {
        Arbitrary<String> guid = Arbitraries.of(SUBS);
        Arbitrary<String> segment = Arbitraries.frequencyOf(
                Tuple.of(4, Arbitraries.of(PIECES)),
                Tuple.of(3, Arbitraries.of(DOTS)),
                Tuple.of(3, Arbitraries.of(KEYWORDS)),
                Tuple.of(1, guid),
                Tuple.of(1, Arbitraries.of("", "/")),
                Tuple.of(1, Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(6)));
        Arbitrary<List<String>> tail = segment.list().ofMaxSize(10);
        Arbitrary<String> wellFormed = Arbitraries.frequencyOf(
                Tuple.of(3, guid.map(g -> "/subscriptions/" + g)),
                Tuple.of(3, guid.map(g -> "/subscriptions/" + g + "/resourceGroups/rg-a")),
                Tuple.of(3, guid.map(g -> "/subscriptions/" + g
                        + "/resourceGroups/rg-a/providers/Microsoft.Storage/storageAccounts/sa1")),
                Tuple.of(1, Arbitraries.just("/providers/Microsoft.Management/managementGroups/mg-platform")),
                Tuple.of(1, Arbitraries.just("")));
        return Arbitraries.frequencyOf(
                Tuple.of(1, wellFormed),
                Tuple.of(4, net.jqwik.api.Combinators.combine(wellFormed, tail, Arbitraries.of("", "/", "//"))
                        .as((start, parts, end) -> start + (parts.isEmpty() ? "" : "/" + String.join("/", parts))
                                + end)),
                Tuple.of(1, tail.map(parts -> "/" + String.join("/", parts))))
                .map(AzureScopePropertyTest::varyCase);
    }

    @Provide
    Arbitrary<Tuple.Tuple2<String, String>> scopePairs() {
        // Mostly well-formed scopes that share prefixes, in mixed case, so "within" is true as well as false.
        Arbitrary<String> a = Arbitraries.frequencyOf(Tuple.of(4, nearlyValid()), Tuple.of(1, scopes()));
        return a.flatMap(inner -> Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.of(2, 4, 6, 8).map(n -> varyCase(prefixOf(inner, n)))),
                Tuple.of(2, nearlyValid()),
                Tuple.of(1, scopes())).map(outer -> Tuple.of(inner, outer)));
    }

    private Arbitrary<String> nearlyValid() {
        Arbitrary<String> sub = Arbitraries.of(SUBS.subList(0, 3)).map(g -> "/subscriptions/" + g);
        Arbitrary<String> rg = Arbitraries.of("", "/resourceGroups/rg-a", "/resourcegroups/RG-A", "/resourceGroups/rg-ab",
                "/resourceGroups/rg-a.b");
        Arbitrary<String> resource = Arbitraries.of("", "/providers/Microsoft.Storage/storageAccounts/sa1",
                "/providers/microsoft.storage/storageaccounts/SA1/blobServices/default",
                "/providers/Microsoft.KeyVault/vaults/sa1", "/providers/Microsoft.Storage/storageAccounts/sa1.x");
        return net.jqwik.api.Combinators.combine(sub, rg, resource)
                .as((s, r, x) -> s + r + (r.isEmpty() ? "" : x));
    }

    private static String prefixOf(String scope, int segments) {
        String[] parts = scope.split("/", -1);
        List<String> keep = new ArrayList<>();
        for (int i = 0; i < parts.length && i <= segments; i++) {
            keep.add(parts[i]);
        }
        return String.join("/", keep);
    }

    private static String varyCase(String s) {
        return s.hashCode() % 3 == 0 ? s.toUpperCase(Locale.ROOT).replace("SUBSCRIPTIONS", "subscriptions") : s;
    }
}
