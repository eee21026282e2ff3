package dev.jitbot.deploy;

import dev.jitbot.core.app.EligibilityReview;
import dev.jitbot.core.domain.Durations;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Policy;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code jitbot review eligibility}: the eligibility nobody uses, from the configured database. */
@Command(name = "review", description = "Review what the policy allows against what people use.",
        subcommands = {ReviewCommand.Eligibility.class})
final class ReviewCommand implements Runnable {

    @picocli.CommandLine.Spec
    picocli.CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "eligibility", description = {"Every (rule, requester, role, scope) never requested in the window,",
            "rules nobody used, and rules whose grants are mostly handed back early."})
    static final class Eligibility extends Main.Env implements Callable<Integer> {
        @Option(names = "--since", paramLabel = "DURATION", defaultValue = "90d",
                description = "how far back to look, e.g. 90d (default), 30d or 12h")
        String since;

        @Override
        public Integer call() {
            Duration window = window(since);
            if (window == null) {
                err.println("--since " + since + " is not a duration; use e.g. 90d, 30d or 12h.");
                return Main.REFUSED;
            }
            Config config = config();
            config.requirePolicyFile();
            Policy policy = Pieces.loadPolicy(config.policyFile(), err);
            if (policy == null) {
                return Main.REFUSED;
            }
            try (Backend backend = Pieces.openBackend(config.database())) {
                EligibilityReview.Report report = new EligibilityReview(() -> policy, backend.requests(),
                        Clock.systemUTC()).run(window);
                EligibilityReview.lines(report, config.policyFile().getFileName().toString()).forEach(out::println);
            }
            return 0;
        }

        /** Days as well as what {@link Durations} reads (minutes and hours). */
        static Duration window(String s) {
            String t = s.strip().toLowerCase(java.util.Locale.ROOT);
            if (t.matches("\\d{1,4}d")) {
                return Duration.ofDays(Long.parseLong(t.substring(0, t.length() - 1)));
            }
            Parsed<Duration> d = Durations.parse(t);
            return d.isOk() ? d.orThrow() : null;
        }
    }
}
