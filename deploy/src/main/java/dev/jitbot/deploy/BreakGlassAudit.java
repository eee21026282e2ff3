package dev.jitbot.deploy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.BreakGlass;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Policy;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code audit breakglass}: every break-glass grant since a date, reviewed or not, by whom and with what note. Exit 1
 * when any grant has waited more than a day for its review, so a scheduled job can page security.
 */
@Command(name = "breakglass", description = "List break-glass grants with their review; exit 1 if any has been "
        + "unreviewed for over 24 h.")
final class BreakGlassAudit extends AdminCommand implements Callable<Integer> {

    static final int OVERDUE = 1;
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    @Option(names = "--since", defaultValue = "30d", paramLabel = "DURATION",
            description = "how far back, e.g. 7d, 24h (default 30d)")
    String since;

    @Option(names = "--format", defaultValue = "text", description = "text (default) or json")
    String format;

    Clock clock = Clock.systemUTC();

    @Override
    public Integer call() throws Exception {
        if (!format.equals("text") && !format.equals("json")) {
            err.println("--format " + format + " is not supported; use --format text or --format json.");
            return Main.REFUSED;
        }
        Duration back = back(since);
        if (back == null) {
            err.println("--since " + since + " is not a duration; write e.g. --since 7d or --since 24h.");
            return Main.REFUSED;
        }
        try (Core core = open(false)) {
            if (core == null) {
                return Main.REFUSED;
            }
            Instant now = clock.instant();
            List<AccessRequest> rows = core.backend.requests().findBreakGlass(now.minus(back));
            long overdue = rows.stream().filter(r -> overdue(r, now)).count();
            if (format.equals("json")) {
                out.println(json(rows, now));
            } else {
                rows.forEach(r -> out.println(line(r, now)));
                out.println(rows.size() + " break-glass grant" + (rows.size() == 1 ? "" : "s") + " since "
                        + WHEN.format(now.minus(back)) + "; " + rows.stream().filter(r -> !r.breakGlass().reviewed())
                        .count() + " unreviewed, " + overdue + " of them for over 24 h"
                        + (overdue > 0 ? ": review with `/jit review <id> <note>`." : "."));
            }
            return overdue > 0 ? OVERDUE : 0;
        }
    }

    static boolean overdue(AccessRequest r, Instant now) {
        return !r.breakGlass().reviewed()
                && r.createdAt().plus(Policy.BreakGlassRule.REVIEW_REMINDER).isBefore(now);
    }

    private static String line(AccessRequest r, Instant now) {
        BreakGlass b = r.breakGlass();
        String review = b.reviewed() ? "reviewed by " + AccessService.actorKey(b.reviewer()) + " at "
                + WHEN.format(b.reviewedAt()) + ": " + b.note()
                : "UNREVIEWED for " + Durations.format(Duration.between(r.createdAt(), now).withNanos(0)
                .truncatedTo(java.time.temporal.ChronoUnit.MINUTES)) + (overdue(r, now) ? " (over 24 h)" : "");
        return String.join("  ", r.id().value(), WHEN.format(r.createdAt()), requester(r),
                r.label(), Durations.format(r.duration()), r.state().label(), review, "because: " + r.justification());
    }

    private static String json(List<AccessRequest> rows, Instant now) throws Exception {
        ObjectMapper m = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ArrayNode out = m.createArrayNode();
        for (AccessRequest r : rows) {
            ObjectNode o = out.addObject();
            o.put("id", r.id().value());
            o.put("createdAt", r.createdAt().toString());
            o.put("requester", requester(r));
            o.put("role", r.role().name());
            o.put("scope", r.scope().id());
            o.put("scopeLabel", r.scopeLabel());
            o.put("duration", Durations.compact(r.duration()));
            o.put("state", r.state().label());
            o.put("reason", r.justification());
            o.put("reviewed", r.breakGlass().reviewed());
            o.put("overdue", overdue(r, now));
            if (r.breakGlass().reviewed()) {
                o.put("reviewedBy", AccessService.actorKey(r.breakGlass().reviewer()));
                o.put("reviewedAt", r.breakGlass().reviewedAt().toString());
                o.put("note", r.breakGlass().note());
            }
        }
        return m.writeValueAsString(out);
    }

    /** A person by their email (as the audit log names them), a workload by its policy name. */
    private static String requester(AccessRequest r) {
        return r.requester().platform() == dev.jitbot.core.domain.Platform.API ? r.requester().displayName()
                : AccessService.actorKey(r.requester());
    }

    /** {@code 30d}, {@code 7d}, or any duration jitbot reads ({@code 24h}, {@code 90m}). */
    static Duration back(String s) {
        String t = s.strip();
        if (t.matches("\\d{1,4}d")) {
            return Duration.ofDays(Long.parseLong(t.substring(0, t.length() - 1)));
        }
        Parsed<Duration> d = Durations.parse(t);
        return d.isOk() ? d.orThrow() : null;
    }
}
