package dev.jitbot.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitbot.core.policy.PolicyLoader;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * The rest of issue 14's performance table, each scenario {@code jitbot serve} as deployed ({@link BurstBench.Serve},
 * its own JVM, Slack over HTTP, rbac) driven through {@code POST /slack/events} with signed slash commands and
 * button clicks, against {@link BenchArm} and {@link BenchSlack}, whose latency and throttles are knobs:
 * <ul>
 *   <li>{@code ack}: ack latency with many requesters at once, ARM answering at once and never throttling;</li>
 *   <li>{@code approve}: an approver's click until ARM receives the PUT, one request at a time, a 0 ms ARM;</li>
 *   <li>{@code revocation}: many one-minute grants expiring within a minute, ARM at the latency knob;</li>
 *   <li>{@code throttle}: as many revocations against ARM's delete bucket (burst + refill, 429 and Retry-After);</li>
 *   <li>{@code kill}: serve killed with -9 while its grants run, started again once they are overdue;</li>
 *   <li>{@code startup}: start-up to {@code /readyz} 200, empty and with many active grants, and the RSS;</li>
 *   <li>{@code ha}: two replicas on PostgreSQL, many revocations, one replica killed with -9 among them.</li>
 * </ul>
 * Every scenario runs on a database of its own: a temporary H2 file, or for {@code ha} a schema made for the run on
 * the PostgreSQL {@code --db} names and dropped at the end. Nothing here is a pass/fail target but the invariants
 * (every grant made, every expired grant revoked); each returns 1 when one broke.
 */
final class FireBench {

    /** What the scenarios are asked to do. */
    record Settings(int ackRequests, int ackThreads, int approvals, int expiring, Duration armLatency,
                    int throttled, BenchArm.Throttle throttle, int killGrants, int activeGrants, int haGrants,
                    Db db) { }

    /** A PostgreSQL for {@code ha}, or null. */
    record Db(String url, String user, String password) { }

    /**
     * The auto-approved rule's subscriptions. jitbot keeps ARM's write limit (200 + 10/s) per subscription, so a
     * scenario that needs its grants made at once rather than over minutes spreads them over several.
     */
    static final List<String> SUBS = java.util.stream.IntStream.range(0, 64)
            .mapToObj(k -> String.format(Locale.ROOT, "be000000-0000-4000-8001-%012d", k)).toList();
    static final String SUB = SUBS.get(0);
    static final String APPROVAL_SUB = "be000000-0000-4000-8000-00000000f002";
    static final int SENDERS = 50;
    static final String APPROVER = "UFIREAPPR1";
    static final String APPROVALS_CHANNEL = "CBENCH0001";
    private static final Duration SHORT = Duration.ofMinutes(1);
    private static final Duration LONG = Duration.ofHours(1);
    private static final Pattern ID = Pattern.compile("JIT-[0-9A-Z]+");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Settings s;
    private final BurstBench.Report report;
    private final PrintWriter err;

    FireBench(Settings settings, BurstBench.Report report, PrintWriter err) {
        this.s = settings;
        this.report = report;
        this.err = err;
    }

    // ------------------------------------------------------------------------------------------------ ack

    int ack(Path dir) throws Exception {
        try (Rig rig = new Rig(dir, BenchArm.Throttle.NONE, BenchArm.Throttle.NONE, Duration.ZERO)) {
            rig.spread = 10;
            BurstBench.Serve serve = rig.start("serve", null);
            warmUp(rig, serve);
            Instant t0 = Instant.now();
            List<Sent> sent = rig.file(List.of(serve), s.ackRequests(), 0, SUB, "ack", LONG, s.ackThreads());
            Duration took = Duration.between(t0, Instant.now());
            long[] acks = sent.stream().mapToLong(Sent::nanos).sorted().toArray();
            long turned = sent.stream().filter(x -> !x.accepted()).count();
            report.row("ack latency", BenchCommand.percentiles(acks, true) + "  (goal p99 < 50 ms; " + sent.size()
                    + " signed slash commands from " + SENDERS + " people by " + s.ackThreads() + " threads in "
                    + BenchCommand.seconds(took) + ", ARM 0 ms and unthrottled)");
            report.row("turned away", turned + " of " + sent.size() + example(sent));
            report.number("ack_p50_ms", ms(at(acks, 50)));
            report.number("ack_p99_ms", ms(at(acks, 99)));
            report.number("ack_max_ms", ms(acks[acks.length - 1]));
            report.number("requests", sent.size());
            report.number("turned_away", turned);
            return turned == 0 ? 0 : 1;
        }
    }

    /** Twenty requests on a resource group of their own before the measured ones: the server's JIT warm-up. */
    private void warmUp(Rig rig, BurstBench.Serve serve) throws Exception {
        rig.file(List.of(serve), 20, 0, SUB, "warmup", LONG, 4);
        rig.await(() -> rig.arm.all().size() >= 20, Duration.ofSeconds(60));
    }

    // ------------------------------------------------------------------------------------------------ approve

    int approve(Path dir) throws Exception {
        try (Rig rig = new Rig(dir, BenchArm.Throttle.NONE, BenchArm.Throttle.NONE, Duration.ZERO)) {
            BurstBench.Serve serve = rig.start("serve", null);
            int warm = 10;
            List<Long> lags = new ArrayList<>();
            List<Long> clickAcks = new ArrayList<>();
            List<String> problems = new ArrayList<>();
            for (int i = 0; i < warm + s.approvals(); i++) {
                Sent filed = rig.slash(serve, i, APPROVAL_SUB, "approve", LONG);
                if (filed.id() == null) {
                    problems.add(filed.status() + " " + filed.text());
                    continue;
                }
                String key = key(filed.principal(), filed.scope());
                long t0 = System.nanoTime();
                Sent clicked = rig.click(serve, APPROVER, "jit-approve", filed.id());
                boolean put = rig.await(() -> rig.arm.find(key) != null, Duration.ofSeconds(30));
                if (!put || clicked.status() != 200) {
                    problems.add(filed.id() + ": click answered " + clicked.status() + " " + clicked.text()
                            + (put ? "" : "; no PUT within 30 s"));
                    continue;
                }
                if (i >= warm) {
                    lags.add(rig.arm.find(key).receivedNanos - t0);
                    clickAcks.add(clicked.nanos());
                }
            }
            if (lags.isEmpty()) {
                report.row("approve -> ARM PUT", "nothing measured: " + problems.get(0));
                return 1;
            }
            long[] sorted = lags.stream().mapToLong(Long::longValue).sorted().toArray();
            long[] acks = clickAcks.stream().mapToLong(Long::longValue).sorted().toArray();
            report.row("approve click -> ARM PUT", BenchCommand.percentiles(sorted, true) + "  (goal p99 < 100 ms; "
                    + sorted.length + " requests approved one after another by a signed block_actions click, ARM "
                    + "0 ms; after " + warm + " warm-up)");
            report.row("click ack", BenchCommand.percentiles(acks, true));
            if (!problems.isEmpty()) {
                report.row("NOT approved", problems.size() + ", e.g. " + clip(problems.get(0)));
            }
            report.number("approve_to_put_p50_ms", ms(at(sorted, 50)));
            report.number("approve_to_put_p99_ms", ms(at(sorted, 99)));
            report.number("approve_to_put_max_ms", ms(sorted[sorted.length - 1]));
            report.number("approved", sorted.length);
            return problems.isEmpty() ? 0 : 1;
        }
    }

    // ------------------------------------------------------------------------------------------------ revocation

    int revocation(Path dir) throws Exception {
        try (Rig rig = new Rig(dir, BenchArm.Throttle.NONE, BenchArm.Throttle.NONE, s.armLatency())) {
            BurstBench.Serve serve = rig.start("serve", null);
            rig.spread = 10;
            List<Sent> sent = rig.file(List.of(serve), s.expiring(), 0, SUB, "exp", SHORT, SENDERS);
            return expired(rig, sent, "revocation lag", "goal p99 < 1 s, max < 5 s", Duration.ofMinutes(3));
        }
    }

    /** Waits for every accepted grant's PUT and DELETE, then reports expiry → DELETE at ARM. */
    private int expired(Rig rig, List<Sent> sent, String row, String goal, Duration wait) throws Exception {
        List<Sent> accepted = sent.stream().filter(Sent::accepted).toList();
        rig.await(() -> rig.revoked(accepted) >= accepted.size(), SHORT.plus(wait));
        List<long[]> lags = new ArrayList<>();
        Instant firstExpiry = null;
        Instant lastExpiry = null;
        int missing = 0;
        for (Sent x : accepted) {
            BenchArm.Assignment a = rig.arm.find(key(x.principal(), x.scope()));
            if (a == null || a.deleted == null) {
                missing++;
                continue;
            }
            Instant expiry = a.created.plus(SHORT);
            firstExpiry = firstExpiry == null || expiry.isBefore(firstExpiry) ? expiry : firstExpiry;
            lastExpiry = lastExpiry == null || expiry.isAfter(lastExpiry) ? expiry : lastExpiry;
            lags.add(new long[] {Math.max(0, Duration.between(expiry, a.deleted).toNanos())});
        }
        long[] sorted = lags.stream().mapToLong(l -> l[0]).sorted().toArray();
        if (sorted.length == 0) {
            report.row(row, "no grant was revoked: " + missing + " missing" + example(sent));
            return 1;
        }
        report.row(row, BenchCommand.percentiles(sorted, true) + "  (" + goal + "; " + sorted.length + " grants of 1 "
                + "min expiring within " + BenchCommand.seconds(Duration.between(firstExpiry, lastExpiry))
                + "; expiry -> DELETE at ARM, ARM " + BenchCommand.millis(rig.arm.latency()) + " a call)");
        report.number(key(row) + "_p50_ms", ms(at(sorted, 50)));
        report.number(key(row) + "_p99_ms", ms(at(sorted, 99)));
        report.number(key(row) + "_max_ms", ms(sorted[sorted.length - 1]));
        report.number("revoked", sorted.length);
        long turned = sent.size() - accepted.size();
        if (missing > 0 || turned > 0) {
            report.row("NOT complete", turned + " requests turned away, " + missing + " grants not made or not "
                    + "revoked" + example(sent));
        }
        return missing == 0 && turned == 0 ? 0 : 1;
    }

    // ------------------------------------------------------------------------------------------------ throttle

    int throttle(Path dir) throws Exception {
        BenchArm.Throttle t = s.throttle();
        try (Rig rig = new Rig(dir, t, t, s.armLatency())) {
            BurstBench.Serve serve = rig.start("serve", null);
            // jitbot makes the grants at ARM's write limit too (the same 200 + 10/s per subscription), so the
            // requests are sent at that pace, the first burst at once and then one per refill: each is granted as
            // it is filed, and asks for the duration that ends it at the same moment as all the others, after the
            // last is made. Then all the revocations meet the delete bucket at once.
            long writes = (long) Math.ceil(Math.max(0, s.throttled() - t.burst()) / t.perSecond());
            long paceStart = System.nanoTime();
            Instant together = Instant.now().plus(SHORT).plusSeconds(writes + 10);
            List<Sent> sent = rig.file(List.of(serve), s.throttled(), 0, SUB, "thr", i -> {
                long slot = paceStart + (long) (Math.max(0, i - t.burst() + 1) / t.perSecond() * 1e9);
                long wait = slot - System.nanoTime();
                if (wait > 0) {
                    try {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                return Duration.ofSeconds(Math.max(SHORT.toSeconds(), Duration.between(Instant.now(), together)
                        .toSeconds()));
            }, SENDERS);
            List<Sent> accepted = sent.stream().filter(Sent::accepted).toList();
            Duration atLimit = Duration.ofMillis((long) (Math.max(0, accepted.size() - t.burst()) / t.perSecond()
                    * 1000));
            rig.await(() -> rig.revoked(accepted) >= accepted.size(), SHORT.plus(atLimit.multipliedBy(2))
                    .plusSeconds(90));
            Instant[] deletes = accepted.stream().map(x -> rig.arm.find(key(x.principal(), x.scope())))
                    .filter(a -> a != null && a.deleted != null).map(a -> a.deleted).sorted().toArray(Instant[]::new);
            long failed = accepted.size() - deletes.length;
            long throttled = rig.arm.throttled(SUB, "delete");
            String limit = t.burst() + " + " + BurstBench.trim(t.perSecond()) + "/s";
            int exit = failed == 0 && sent.size() == accepted.size() ? 0 : 1;
            // The limit is only a ceiling while revocations wait: count the DELETEs beyond the bucket's first burst
            // made while at least one expired grant was still unrevoked, over the time that was so.
            List<long[]> events = new ArrayList<>();
            for (Sent x : accepted) {
                BenchArm.Assignment a = rig.arm.find(key(x.principal(), x.scope()));
                if (a != null && a.deleted != null) {
                    events.add(new long[] {a.created.plus(x.duration()).toEpochMilli(), 1});
                    events.add(new long[] {a.deleted.toEpochMilli(), -1});
                }
            }
            events.sort((x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(y[1], x[1]));
            long backlog = 0;
            long done = 0;
            long busyMillis = 0;
            long last = 0;
            long firstExpiry = events.isEmpty() ? 0 : events.get(0)[0];
            long lastExpiry = events.stream().filter(e -> e[1] == 1).mapToLong(e -> e[0]).max().orElse(0);
            for (long[] e : events) {
                if (done >= t.burst() && backlog > 0) {
                    busyMillis += e[0] - last;
                }
                last = e[0];
                if (e[1] == 1) {
                    backlog++;
                } else {
                    backlog--;
                    done++;
                }
            }
            if (deletes.length > t.burst() + 1) {
                // As the burst row counts grants: past its burst the bucket lets through its refill rate, so the
                // DELETEs beyond it per second from the first to the last is the share of the limit used, when the
                // revocations were waiting for it (see "expiries": spread wider than the DELETEs, they were not).
                double span = Duration.between(deletes[0], deletes[deletes.length - 1]).toNanos() / 1e9;
                double perSecond = (deletes.length - t.burst()) / Math.max(span, 1e-3);
                double percent = perSecond / t.perSecond() * 100;
                report.row("revocations under throttle", String.format(Locale.ROOT, "%.1f %% of the limit: %.2f "
                        + "revocations/s beyond the first %d (limit %s/s); %d of %d revoked in %s, %d failed; an "
                        + "expired grant waited for a revocation during %s of it  (goal >= 95 %%, 0 failed)", percent,
                        perSecond, t.burst(), BurstBench.trim(t.perSecond()), deletes.length, accepted.size(),
                        BenchCommand.seconds(Duration.ofNanos((long) (span * 1e9))), failed,
                        BenchCommand.seconds(Duration.ofMillis(busyMillis))));
                report.row("expiries", "spread over " + BenchCommand.seconds(Duration.ofMillis(lastExpiry
                        - firstExpiry)) + " (the durations asked for aim at within seconds)");
                report.number("revocation_throughput_pct", Math.round(percent * 10) / 10.0);
            } else {
                report.row("revocations under throttle", "n/a: " + deletes.length + " revocations, no backlog "
                        + "beyond ARM's burst of " + t.burst() + "; ask for more --throttle-grants");
            }
            report.row("ARM", throttled + " deletes answered 429 with Retry-After; writes and deletes each throttled "
                    + "at " + limit + " per subscription, one subscription; " + BenchCommand.millis(rig.arm.latency())
                    + " a call; the grants asked for durations that end them within seconds of each other");
            if (sent.size() != accepted.size()) {
                report.row("NOT complete", (sent.size() - accepted.size()) + " requests turned away" + example(sent));
            }
            report.number("revoked", deletes.length);
            report.number("failed", failed);
            report.number("arm_429_deletes", throttled);
            return exit;
        }
    }

    // ------------------------------------------------------------------------------------------------ kill

    int kill(Path dir) throws Exception {
        try (Rig rig = new Rig(dir, BenchArm.Throttle.NONE, BenchArm.Throttle.NONE, s.armLatency())) {
            BurstBench.Serve first = rig.start("serve-1", null);
            rig.spread = 10;
            List<Sent> sent = rig.file(List.of(first), s.killGrants(), 0, SUB, "kill", SHORT, SENDERS);
            List<Sent> accepted = sent.stream().filter(Sent::accepted).toList();
            rig.await(() -> rig.granted(accepted) >= accepted.size(), Duration.ofSeconds(60));
            Thread.sleep(2000);
            Instant killed = Instant.now();
            first.kill();
            long revokedBefore = rig.revoked(accepted);
            Instant lastExpiry = accepted.stream().map(x -> rig.arm.find(key(x.principal(), x.scope())))
                    .filter(a -> a != null).map(a -> a.created.plus(SHORT)).max(Instant::compareTo).orElse(killed);
            Duration overdueBy = Duration.ofSeconds(5);
            long sleep = Duration.between(Instant.now(), lastExpiry.plus(overdueBy)).toMillis();
            if (sleep > 0) {
                Thread.sleep(sleep);
            }
            long overdue = accepted.size() - rig.revoked(accepted);
            long t0 = System.nanoTime();
            BurstBench.Serve second = rig.start("serve-2", null);
            Duration ready = rig.readyIn(second);
            boolean all = rig.await(() -> rig.revoked(accepted) >= accepted.size(), Duration.ofMinutes(3));
            Instant lastDelete = accepted.stream().map(x -> rig.arm.find(key(x.principal(), x.scope())))
                    .filter(a -> a != null && a.deleted != null).map(a -> a.deleted).max(Instant::compareTo)
                    .orElse(Instant.now());
            long startedAt = System.currentTimeMillis() - (System.nanoTime() - t0) / 1_000_000;
            Duration toAll = Duration.ofMillis(lastDelete.toEpochMilli() - startedAt);
            long left = accepted.size() - rig.revoked(accepted);
            report.row("kill -9, restart: all revoked", (all ? BenchCommand.seconds(toAll) : "NOT all: " + left
                    + " left") + " after the restart  (goal < 30 s; " + overdue + " grants of 1 min overdue by " + "at "
                    + "least " + overdueBy.toSeconds() + " s when it started, " + revokedBefore + " revoked before the "
                    + "kill; ready after " + BenchCommand.seconds(ready) + "; H2 file)");
            if (sent.size() != accepted.size()) {
                report.row("NOT complete", (sent.size() - accepted.size()) + " requests turned away" + example(sent));
            }
            report.number("overdue", overdue);
            report.number("all_revoked_after_restart_ms", all ? toAll.toMillis() : -1);
            report.number("ready_after_restart_ms", ready.toMillis());
            report.number("left", left);
            return all && sent.size() == accepted.size() ? 0 : 1;
        }
    }

    // ------------------------------------------------------------------------------------------------ startup

    int startup(Path dir) throws Exception {
        try (Rig rig = new Rig(dir, BenchArm.Throttle.NONE, BenchArm.Throttle.NONE, Duration.ZERO)) {
            BurstBench.Serve first = rig.start("serve-1", null);
            Duration empty = rig.readyIn(first);
            long rssEmpty = settledRss(first);
            rig.spread = SUBS.size();
            List<Sent> sent = rig.file(List.of(first), s.activeGrants(), 0, SUB, "act", LONG, SENDERS);
            List<Sent> accepted = sent.stream().filter(Sent::accepted).toList();
            boolean granted = rig.await(() -> rig.granted(accepted) >= accepted.size(), Duration.ofMinutes(3));
            long rssAfterFiling = settledRss(first);
            first.close();
            BurstBench.Serve second = rig.start("serve-2", null);
            Duration full = rig.readyIn(second);
            long rssFull = settledRss(second);
            report.row("start-up to /readyz 200", BenchCommand.seconds(empty) + " on an empty database, "
                    + BenchCommand.seconds(full) + " with " + accepted.size() + " active grants  (goal < 3 s; its own "
                    + "JVM, -Xmx512m, H2 file; from the process start)");
            report.row("RSS", mb(rssFull) + " after that start with " + accepted.size() + " active grants, "
                    + mb(rssAfterFiling) + " in the process that filed them, " + mb(rssEmpty) + " empty  (goal "
                    + "< 300 MB)");
            if (sent.size() != accepted.size() || !granted) {
                report.row("NOT complete", (sent.size() - accepted.size()) + " requests turned away, "
                        + (accepted.size() - rig.granted(accepted)) + " not granted" + example(sent));
            }
            report.number("startup_empty_ms", empty.toMillis());
            report.number("startup_active_ms", full.toMillis());
            report.number("active_grants", accepted.size());
            report.number("rss_active_mb", rssFull / (1024 * 1024));
            report.number("rss_filing_mb", rssAfterFiling / (1024 * 1024));
            return granted && sent.size() == accepted.size() ? 0 : 1;
        }
    }

    /** The RSS five seconds after now, once start-up's and the filing's garbage had a chance to be collected. */
    private static long settledRss(BurstBench.Serve serve) throws InterruptedException {
        Thread.sleep(5000);
        return serve.rss();
    }

    private static String mb(long bytes) {
        return bytes < 0 ? "n/a (no /proc)" : (bytes / (1024 * 1024)) + " MB";
    }

    // ------------------------------------------------------------------------------------------------ ha

    int ha(Path dir) throws Exception {
        if (s.db() == null) {
            report.row("two replicas on PostgreSQL", "skipped: needs --db jdbc:postgresql://HOST:PORT/DB (the user "
                    + "and password from JITBOT_DB_USER and JITBOT_DB_PASSWORD); the run makes a schema of its own "
                    + "there and drops it at the end");
            report.number("skipped", true);
            return 0;
        }
        String schema = "jitbot_bench_" + Long.toHexString(System.nanoTime());
        String base = s.db().url();
        try (Connection c = DriverManager.getConnection(base, s.db().user(), s.db().password())) {
            c.createStatement().execute("CREATE SCHEMA " + schema);
        }
        String url = base + (base.contains("?") ? "&" : "?") + "currentSchema=" + schema;
        try (Rig rig = new Rig(dir, BenchArm.Throttle.NONE, BenchArm.Throttle.NONE, s.armLatency())) {
            if (s.db().user() != null) {
                rig.extraEnv.put("JITBOT_DB_USER", s.db().user());
            }
            if (s.db().password() != null) {
                rig.extraEnv.put("JITBOT_DB_PASSWORD", s.db().password());
            }
            BurstBench.Serve a = rig.start("replica-1", url);
            BurstBench.Serve b = rig.start("replica-2", url);
            // The kill comes once 30 % of the grants are revoked, while both replicas revoke and intake may go on
            // (a request the dead replica cannot answer is sent to the survivor).
            java.util.concurrent.atomic.AtomicReference<Instant> killedAt = new java.util.concurrent.atomic
                    .AtomicReference<>();
            Thread killer = new Thread(() -> {
                try {
                    rig.await(() -> rig.arm.all().stream().filter(x -> x.deleted != null).count()
                            >= Math.max(1, s.haGrants() * 3L / 10), Duration.ofMinutes(6));
                    killedAt.set(Instant.now());
                    a.kill();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "jitbot-bench-killer");
            killer.start();
            rig.spread = SUBS.size();
            List<Sent> sent = rig.file(List.of(a, b), s.haGrants(), 0, SUB, "ha", SHORT, SENDERS);
            List<Sent> accepted = sent.stream().filter(Sent::accepted).toList();
            killer.join();
            Instant killed = killedAt.get() == null ? Instant.now() : killedAt.get();
            rig.await(() -> rig.revoked(accepted) >= accepted.size(), Duration.ofMinutes(4));
            List<BenchArm.Assignment> made = accepted.stream().map(x -> rig.arm.find(key(x.principal(), x.scope())))
                    .filter(x -> x != null).toList();
            long revoked = made.stream().filter(x -> x.deleted != null).count();
            long doublePut = made.stream().filter(x -> x.puts.get() > 1).count();
            long secondAssignments = rig.arm.all().stream().collect(Collectors.groupingBy(x -> key(x.principalId,
                    x.scope), Collectors.counting())).values().stream().filter(n -> n > 1).count();
            long doubleDelete = made.stream().filter(x -> x.deletes.get() > 1).count();
            // Takeover: the grants that were due but not yet revoked when the replica died (the survivor's own and
            // those the dead one had claimed, taken over once their leases ran out), until the last is revoked.
            List<BenchArm.Assignment> inFlight = made.stream().filter(x -> x.created.plus(SHORT).isBefore(killed))
                    .filter(x -> x.deleted != null && x.deleted.isAfter(killed)).toList();
            Instant takenOver = inFlight.stream().map(x -> x.deleted).max(Instant::compareTo).orElse(killed);
            long[] lagsAfter = made.stream().filter(x -> x.deleted != null && x.created.plus(SHORT).isAfter(killed))
                    .mapToLong(x -> Math.max(0, Duration.between(x.created.plus(SHORT), x.deleted).toNanos()))
                    .sorted().toArray();
            report.row("duplicates", secondAssignments + " second assignments, " + doublePut + " grants PUT twice "
                    + "(the same assignment again), " + doubleDelete + " revocations DELETEd twice, of " + made.size()
                    + " grants and " + revoked + " revocations  (goal 0; two replicas on "
                    + Config.redactUrl(base) + ", one killed with -9 among the revocations)");
            report.row("survivor's takeover", (inFlight.isEmpty() ? "n/a: no revocation was due and undone at the "
                    + "kill" : BenchCommand.seconds(Duration.between(killed, takenOver)) + " from the kill until the "
                    + inFlight.size() + " grants due and not yet revoked then were revoked") + "  (goal < 30 s)"
                    + (lagsAfter.length == 0 ? "" : "; lag of those due after the kill " + BenchCommand.percentiles(
                    lagsAfter, true)));
            report.number("grants", made.size());
            report.number("revoked", revoked);
            report.number("second_assignments", secondAssignments);
            report.number("duplicate_puts", doublePut);
            report.number("duplicate_deletes", doubleDelete);
            report.number("takeover_ms", Duration.between(killed, takenOver).toMillis());
            report.number("in_flight_at_kill", inFlight.size());
            if (lagsAfter.length > 0) {
                report.number("lag_after_kill_max_ms", ms(lagsAfter[lagsAfter.length - 1]));
            }
            return revoked == accepted.size() && accepted.size() == sent.size() ? 0 : 1;
        } finally {
            try (Connection c = DriverManager.getConnection(base, s.db().user(), s.db().password())) {
                c.createStatement().execute("DROP SCHEMA " + schema + " CASCADE");
            } catch (java.sql.SQLException e) {
                err.println("jitbot bench could not drop its schema " + schema + ": " + e.getMessage());
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ the rig

    /** One slash command sent: who, where, the ack's status and text, the request id it named, how long it took. */
    record Sent(int index, String user, String principal, String scope, int status, long nanos, String text,
                String id, Duration duration) {
        boolean accepted() {
            return status == 200 && text != null && text.contains("Azure is granting");
        }
    }

    /**
     * The fakes, the generated policy and the serve processes of one scenario; the fault ITs use it too, with the
     * built jar as the class path.
     */
    static final class Rig implements AutoCloseable {
        final Path dir;
        final BenchArm arm;
        final BenchSlack slack;
        final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build();
        private final Path policy;
        private final List<String> users = new ArrayList<>();
        private final Map<String, String> emails = new LinkedHashMap<>();
        private final Map<String, String> objectIds = new LinkedHashMap<>();
        private final List<BurstBench.Serve> serves = new ArrayList<>();
        private final String h2;
        private final String classPath;
        /** Requests on {@link #SUB} go round-robin over this many of {@link #SUBS}. */
        int spread = 1;
        /** Variables every serve of this rig gets on top of the rig's own, e.g. a database user. */
        final Map<String, String> extraEnv = new java.util.concurrent.ConcurrentHashMap<>();
        private final Map<BurstBench.Serve, Duration> readyIn = new java.util.concurrent.ConcurrentHashMap<>();

        /** The H2 file serve uses when {@link #start} is given no database. */
        String h2Url() {
            return h2;
        }

        /** How long a serve took from its process start until {@code /readyz} answered 200. */
        Duration readyIn(BurstBench.Serve serve) {
            return readyIn.get(serve);
        }

        Rig(Path dir, BenchArm.Throttle writes, BenchArm.Throttle deletes, Duration latency) throws Exception {
            this(dir, writes, deletes, latency, BenchArm.Faults.NONE, null);
        }

        /** @param classPath where serve's classes are (the jar); null for this JVM's own class path */
        Rig(Path dir, BenchArm.Throttle writes, BenchArm.Throttle deletes, Duration latency, BenchArm.Faults faults,
            String classPath) throws Exception {
            this.dir = dir;
            this.classPath = classPath;
            for (int k = 0; k < SENDERS; k++) {
                person(String.format(Locale.ROOT, "UFIRE%04d", k), String.format(Locale.ROOT,
                        "fire-sender-%02d@bench.example", k));
            }
            person(APPROVER, "fire-approver@bench.example");
            policy = dir.resolve("fire-policy.yaml");
            Files.writeString(policy, policy());
            PolicyLoader.Result checked = PolicyLoader.load(policy);
            if (!checked.isOk()) {
                throw new IllegalStateException("the bench's policy is invalid: " + checked.report());
            }
            h2 = "jdbc:h2:file:" + dir.resolve("jitbot").toAbsolutePath();
            arm = new BenchArm(dir, writes, deletes, latency, faults);
            slack = new BenchSlack(emails);
        }

        private void person(String user, String email) {
            users.add(user);
            emails.put(user, email);
            objectIds.put(email, UUID.nameUUIDFromBytes(("jitbot-bench-fire:" + email)
                    .getBytes(StandardCharsets.UTF_8)).toString());
        }

        private String policy() {
            List<String> senders = objectIds.keySet().stream().filter(e -> e.startsWith("fire-sender-")).toList();
            String people = objectIds.entrySet().stream().map(e -> "  " + e.getKey() + ": { object_id: "
                    + e.getValue() + " }").collect(Collectors.joining("\n"));
            return """
                    # jitbot bench: generated for one run
                    defaults: { max_duration: 8h, request_ttl: 30m, approvals: 1 }
                    groups:
                      senders: { members: [%s] }
                      approvers: { members: [fire-approver@bench.example] }
                    channels:
                      approvals: { slack: %s }
                    rules:
                      - name: bench auto-approved reader
                        role: Reader
                        scopes: [%s]
                        requesters: [senders]
                        approvals: 0
                        max_duration: 8h
                      - name: bench approved reader
                        role: Reader
                        scopes: ["/subscriptions/%s/resourceGroups/*"]
                        requesters: [senders]
                        approvers: [approvers]
                        approvals: 1
                        max_duration: 8h
                    users:
                    %s
                    """.formatted(String.join(", ", senders), APPROVALS_CHANNEL, SUBS.stream().map(x -> "\"/subscriptions/" + x
                    + "/resourceGroups/*\"").collect(Collectors.joining(", ")), APPROVAL_SUB, people);
        }

        /** Starts serve in a directory of its own, on the rig's H2 file or on {@code dbUrl}; ready or throws. */
        BurstBench.Serve start(String name, String dbUrl) throws Exception {
            Path home = Files.createDirectories(dir.resolve(name));
            Map<String, String> e = new HashMap<>(arm.env());
            e.put("JITBOT_HTTP_PORT", Integer.toString(BurstBench.freePort()));
            e.put("JITBOT_POLICY", policy.toString());
            e.put("SLACK_BOT_TOKEN", "xoxb-0000-0000-jitbot-bench");
            e.put("SLACK_SIGNING_SECRET", BurstBench.SIGNING_SECRET);
            e.put("JITBOT_SLACK_API_URL", slack.apiUrl());
            e.put("JITBOT_DB_URL", dbUrl == null ? h2 : dbUrl);
            e.putAll(extraEnv);
            BurstBench.Serve serve = BurstBench.Serve.start(home, e, arm.trustOptions(), classPath);
            serves.add(serve);
            readyIn.put(serve, serve.awaitReady(http, Duration.ofMinutes(2)));
            return serve;
        }

        /**
         * Files {@code n} requests for {@code duration} from the rig's senders, {@code threads} at once, round-robin
         * over {@code targets}; sender {@code i % SENDERS} asks for resource group {@code tag-(i / SENDERS)}.
         */
        List<Sent> file(List<BurstBench.Serve> targets, int n, int from, String sub, String tag, Duration duration,
                        int threads) throws Exception {
            return file(targets, n, from, sub, tag, i -> duration, threads);
        }

        /** As above, request {@code i} asking for {@code duration.apply(i)} at the moment it is sent. */
        List<Sent> file(List<BurstBench.Serve> targets, int n, int from, String sub, String tag,
                        java.util.function.IntFunction<Duration> duration, int threads) throws Exception {
            ExecutorService pool = Executors.newFixedThreadPool(threads, dev.jitbot.core.app.Threads.named("jitbot-bench-client"));
            AtomicInteger next = new AtomicInteger(from);
            Sent[] results = new Sent[n];
            try {
                List<Future<?>> running = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    running.add(pool.submit(() -> {
                        for (int i = next.getAndIncrement(); i < from + n; i = next.getAndIncrement()) {
                            BurstBench.Serve target = targets.get(i % targets.size());
                            Sent x = slash(target, i, sub, tag, duration.apply(i));
                            if (x.status() == 0 && targets.size() > 1) {
                                x = slash(targets.get((i + 1) % targets.size()), i, sub, tag, duration.apply(i));
                            }
                            results[i - from] = x;
                        }
                        return null;
                    }));
                }
                for (Future<?> f : running) {
                    f.get();
                }
            } finally {
                pool.shutdownNow();
            }
            return Arrays.asList(results);
        }

        /** One signed {@code /jit request Reader ...} slash command, timed until its whole ack has arrived. */
        Sent slash(BurstBench.Serve serve, int i, String sub, String tag, Duration duration) {
            String user = users.get(i % SENDERS);
            String where = sub.equals(SUB) && spread > 1 ? SUBS.get(i % spread) : sub;
            String scope = String.format(Locale.ROOT, "/subscriptions/%s/resourceGroups/rg-%s-%05d", where, tag,
                    i / SENDERS);
            String text = "request Reader on " + scope + " for " + duration.toSeconds() + "s because bench " + tag
                    + " " + i;
            String body = BurstBench.form("token", "bench", "team_id", "TBENCH0001", "team_domain", "bench",
                    "channel_id", "CBENCH0002", "channel_name", "bench", "user_id", user, "user_name", user,
                    "command", "/jit", "text", text, "response_url", slack.responseUrl(), "trigger_id",
                    "bench." + tag + "." + i);
            Answer a = post(serve, body);
            String id = null;
            if (a.text() != null) {
                Matcher m = ID.matcher(a.text());
                id = m.find() ? m.group() : null;
            }
            return new Sent(i, user, objectIds.get(emails.get(user)), scope, a.status(), a.nanos(), a.text(), id,
                    duration);
        }

        /** A signed {@code block_actions} click on a card's button, as Slack sends it. */
        Sent click(BurstBench.Serve serve, String user, String action, String requestId) {
            String payload = "{\"type\":\"block_actions\",\"team\":{\"id\":\"TBENCH0001\",\"domain\":\"bench\"},"
                    + "\"user\":{\"id\":\"" + user + "\",\"username\":\"approver\",\"name\":\"approver\","
                    + "\"team_id\":\"TBENCH0001\"},\"api_app_id\":\"ABENCH0001\",\"token\":\"bench\","
                    + "\"trigger_id\":\"1.2.3\",\"response_url\":\"" + slack.responseUrl() + "\",\"container\":"
                    + "{\"type\":\"message\",\"message_ts\":\"1700000000.000001\",\"channel_id\":\""
                    + APPROVALS_CHANNEL + "\",\"is_ephemeral\":false},\"channel\":{\"id\":\"" + APPROVALS_CHANNEL
                    + "\",\"name\":\"approvals\"},\"message\":{\"type\":\"message\",\"ts\":\"1700000000.000001\"},"
                    + "\"actions\":[{\"action_id\":\"" + action + "\",\"block_id\":\"jit-actions\",\"value\":\""
                    + requestId + "\",\"type\":\"button\",\"action_ts\":\"1700000000.000002\"}]}";
            Answer a = post(serve, "payload=" + URLEncoder.encode(payload, StandardCharsets.UTF_8));
            return new Sent(-1, user, null, null, a.status(), a.nanos(), a.text(), requestId, null);
        }

        private record Answer(int status, long nanos, String text) { }

        private Answer post(BurstBench.Serve serve, String body) {
            String ts = Long.toString(System.currentTimeMillis() / 1000);
            HttpRequest req = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + serve.port
                            + HttpServer.SLACK_PATH)).timeout(Duration.ofSeconds(30))
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .header("X-Slack-Request-Timestamp", ts)
                    .header("X-Slack-Signature", BurstBench.sign(ts, body))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            long t0 = System.nanoTime();
            int status;
            String answer;
            try {
                HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                status = r.statusCode();
                answer = r.body();
            } catch (IOException e) {
                status = 0;
                answer = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                status = 0;
                answer = e.toString();
            }
            long took = System.nanoTime() - t0;
            String said = answer;
            if (status == 200 && answer != null && answer.startsWith("{")) {
                try {
                    said = JSON.readTree(answer).path("text").asText(answer);
                } catch (IOException e) {
                    said = answer;
                }
            }
            return new Answer(status, took, said);
        }

        /** How many of these requests' grants reached ARM. */
        long granted(List<Sent> sent) {
            return sent.stream().filter(x -> arm.find(key(x.principal(), x.scope())) != null).count();
        }

        /** How many of these requests' grants ARM has seen deleted. */
        long revoked(List<Sent> sent) {
            return sent.stream().map(x -> arm.find(key(x.principal(), x.scope())))
                    .filter(a -> a != null && a.deleted != null).count();
        }

        boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline) {
                if (condition.getAsBoolean()) {
                    return true;
                }
                Thread.sleep(50);
            }
            return condition.getAsBoolean();
        }

        @Override
        public void close() {
            for (BurstBench.Serve serve : serves) {
                try {
                    serve.close();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            arm.close();
            slack.close();
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    static String key(String principal, String scope) {
        return principal + "|" + scope.toLowerCase(Locale.ROOT);
    }

    private static String key(String row) {
        return row.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_");
    }

    private static String example(List<Sent> sent) {
        return sent.stream().filter(x -> !x.accepted()).findFirst().map(x -> "; e.g. \"" + clip(x.status() + " "
                + x.text()) + "\"").orElse("");
    }

    private static String clip(String s) {
        String one = String.valueOf(s).replaceAll("\\s+", " ");
        return one.length() > 160 ? one.substring(0, 157) + "..." : one;
    }

    private static long at(long[] sorted, int percent) {
        int rank = (int) Math.ceil(percent / 100.0 * sorted.length);
        return sorted[Math.max(0, Math.min(sorted.length, rank) - 1)];
    }

    private static double ms(long nanos) {
        return Math.round(nanos / 1e4) / 100.0;
    }
}
