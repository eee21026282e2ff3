package dev.jitbot.core.domain;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one grammar every chat platform shares. Bad input gets the same words everywhere: what was wrong and a
 * command that would work.
 */
public final class CommandParser {

    public static final String EXAMPLE_REQUEST = "request Contributor on rg-payments for 45m because INC-4411 hotfix";
    public static final String USAGE_REQUEST =
            "request <role> on <scope> [from <time>] for <duration> because <reason> [ticket <id>] [as <principal>]";
    public static final String USAGE_BUNDLE = "request bundle <name> for <duration> because <reason> [ticket <id>]";
    private static final Pattern BUNDLE = Pattern.compile("bundle\\s+(\\S+)", Pattern.CASE_INSENSITIVE);

    public static final String EXAMPLE_BREAKGLASS = "breakglass Owner on sub-prod because INC-4711 payments down";
    public static final String USAGE_BREAKGLASS = "breakglass <role> on <scope> [for <duration>] because <reason>";
    public static final String EXAMPLE_REVIEW = "review JIT-7K3F checked with Alice, INC-4711 is real";

    private static final Pattern BREAKGLASS = Pattern.compile(
            "^(?<role>.+?)\\s+on\\s+(?<scope>\\S+)(?:\\s+for\\s+(?<dur>\\S+))?\\s+because\\s+(?<why>.+)$",
            Pattern.CASE_INSENSITIVE | Pattern.DOTALL);
    private static final Pattern LEADING_JIT = Pattern.compile("^/?jit\\b\\s*", Pattern.CASE_INSENSITIVE);
    // "as" is a word of its own ("because fix asap" names no principal "ap"); "for=" runs into its value.
    private static final Pattern TRAILING_AS = Pattern.compile("\\s+(?:as\\s+|for=\\s*)(\\S+)\\s*$",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern TRAILING_TICKET = Pattern.compile("\\s+ticket\\s+(\\S+)\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern KEYWORD = Pattern.compile("\\s(on|from|for|because|ticket|as)\\s", Pattern.CASE_INSENSITIVE);

    private CommandParser() {
    }

    /** Parses one line of chat text, with or without a leading {@code /jit}. */
    public static Parsed<Command> parse(String text) {
        if (text == null) {
            text = "";
        }
        // Neither echoed nor scanned: a command this long is pasted by mistake or sent to fill the log.
        Optional<String> tooLong = UserText.tooLong("that command", text, UserText.MAX_COMMAND,
                "Keep the reason short and put the detail in the ticket, e.g. `" + EXAMPLE_REQUEST + "`.");
        if (tooLong.isPresent()) {
            return Parsed.invalid(tooLong.get());
        }
        text = UserText.clean(text);
        String s = LEADING_JIT.matcher(text.strip()).replaceFirst("").strip();
        if (s.isEmpty()) {
            return Parsed.ok(new Command.Help(null));
        }
        String[] words = s.split("\\s+", 2);
        String verb = words[0].toLowerCase(Locale.ROOT);
        String rest = words.length > 1 ? words[1].strip() : "";
        return switch (verb) {
            case "request", "req" -> request(rest);
            case "list", "ls", "status" -> list(rest);
            case "show", "info" -> withId(verb, rest, "show JIT-7K3F").map(id -> new Command.Show(id));
            case "approve" -> withId(verb, rest, "approve JIT-7K3F").map(id -> new Command.Approve(id));
            case "deny", "reject" -> idAndText(verb, rest, "deny JIT-7K3F not during the freeze")
                    .map(p -> new Command.Deny(p.id, p.text));
            case "cancel" -> withId(verb, rest, "cancel JIT-7K3F").map(id -> new Command.Cancel(id));
            case "revoke" -> idAndText(verb, rest, "revoke JIT-7K3F incident closed")
                    .map(p -> new Command.Revoke(p.id, p.text));
            case "release" -> withId(verb, rest, "release JIT-7K3F").map(id -> new Command.Release(id));
            case "extend" -> extend(rest);
            case "breakglass", "break-glass" -> breakGlass(rest);
            case "review" -> idAndText(verb, rest, EXAMPLE_REVIEW).map(p -> new Command.Review(p.id, p.text));
            case "history", "audit" -> Parsed.ok(new Command.History(rest.isEmpty() ? null : rest.split("\\s+")[0]));
            case "help", "?" -> Parsed.ok(new Command.Help(rest.isEmpty() ? null : rest.toLowerCase(Locale.ROOT)));
            default -> Parsed.invalid("I don't know `" + UserText.excerpt(words[0], 40) + "`. Try `" + EXAMPLE_REQUEST
                    + "`, `list`, or `help` for everything I can do.");
        };
    }

    /**
     * The words that start a command (aliases left out), as core sentences quote them in backticks: an adapter that
     * types commands differently (Slack's {@code /jit release …}) rewrites exactly these.
     */
    public static final List<String> VERBS = List.of("request", "list", "show", "approve", "deny", "cancel", "revoke",
            "release", "extend", "history", "help", "breakglass", "review");

    private static Parsed<Command> request(String rest) {
        String usage = " Write it as `" + USAGE_REQUEST + "`, e.g. `" + EXAMPLE_REQUEST + "`.";
        if (rest.isEmpty()) {
            return Parsed.invalid("Say what you need." + usage);
        }
        String s = " " + rest + " ";
        String principal = null;
        String ticket = null;
        // Trailing clauses in either order: "... because text ticket INC-1 as deploy-pipeline"
        for (int i = 0; i < 2; i++) {
            Matcher as = TRAILING_AS.matcher(s);
            if (principal == null && as.find()) {
                principal = as.group(1);
                s = s.substring(0, as.start()) + " ";
                continue;
            }
            Matcher t = TRAILING_TICKET.matcher(s);
            if (ticket == null && t.find()) {
                ticket = t.group(1);
                s = s.substring(0, t.start()) + " ";
            }
        }
        String justification = null;
        int because = indexOfKeyword(s, "because");
        if (because >= 0) {
            justification = s.substring(because + " because ".length()).strip();
            s = s.substring(0, because) + " ";
        }
        // Clauses before "because" may come in any order.
        String role = null;
        String scope = null;
        String duration = null;
        String from = null;
        Matcher m = KEYWORD.matcher(s);
        int start = 0;
        String current = "role";
        while (true) {
            boolean found = m.find(start);
            String value = (found ? s.substring(start, m.start()) : s.substring(start)).strip();
            switch (current) {
                case "role" -> role = value;
                case "on" -> scope = value;
                case "for" -> duration = value;
                case "from" -> from = value;
                case "ticket" -> ticket = ticket == null ? value : ticket;
                case "as" -> principal = principal == null ? value : principal;
                default -> { }
            }
            if (!found) {
                break;
            }
            current = m.group(1).toLowerCase(Locale.ROOT);
            start = m.end();
            m = KEYWORD.matcher(s);
        }
        if (role == null || role.isBlank()) {
            return Parsed.invalid("Say which role you need first." + usage);
        }
        Matcher bundle = BUNDLE.matcher(role);
        if (bundle.matches() || role.equalsIgnoreCase("bundle")) {
            return bundle(bundle.matches() ? bundle.group(1) : null, scope, from, duration, justification, ticket,
                    principal);
        }
        if (scope == null || scope.isBlank()) {
            return Parsed.invalid("Say where you need it with `on <scope>` (a scope alias such as `rg-payments` or an "
                    + "ARM id)." + usage);
        }
        if (scope.contains(" ")) {
            return Parsed.invalid("`" + UserText.excerpt(scope, 60) + "` is not one scope: scopes have no spaces." + usage);
        }
        if (duration == null || duration.isBlank()) {
            return Parsed.invalid("Say how long you need it with `for <duration>`, e.g. `for 45m`." + usage);
        }
        Parsed<Duration> d = Durations.parse(duration);
        if (!d.isOk()) {
            return Parsed.invalid(d.reason() + usage);
        }
        if (justification == null || justification.isBlank()) {
            return Parsed.invalid("Say why with `because <reason>`: approvers and the audit log need it." + usage);
        }
        if (ticket != null && ticket.isBlank()) {
            ticket = null;
        }
        StartTime startTime = null;
        if (from != null) {
            Parsed<StartTime> st = StartTime.parse(from);
            if (!st.isOk()) {
                return Parsed.invalid(st.reason() + usage);
            }
            startTime = st.orThrow();
        }
        return Parsed.ok(new Command.Request(role, scope, d.orThrow(), justification, ticket, principal, startTime));
    }

    private static Parsed<Command> breakGlass(String rest) {
        String usage = " Write it as `" + USAGE_BREAKGLASS + "`, e.g. `" + EXAMPLE_BREAKGLASS + "`.";
        if (rest.isEmpty()) {
            return Parsed.invalid("Say which role you need, where and why." + usage);
        }
        if (indexOfKeyword(" " + rest + " ", "because") < 0) {
            return Parsed.invalid("Say why with `because <reason>`: the security channel and the audit log need it."
                    + usage);
        }
        Matcher m = BREAKGLASS.matcher(rest.strip());
        if (!m.matches()) {
            return Parsed.invalid("Say which role and where with `<role> on <scope>` before `because`." + usage);
        }
        Duration duration = null;
        if (m.group("dur") != null) {
            Parsed<Duration> d = Durations.parse(m.group("dur"));
            if (!d.isOk()) {
                return Parsed.invalid(d.reason() + usage);
            }
            duration = d.orThrow();
        }
        String why = m.group("why").strip();
        if (why.isEmpty()) {
            return Parsed.invalid("Say why with `because <reason>`." + usage);
        }
        return Parsed.ok(new Command.BreakGlass(m.group("role").strip(), m.group("scope").strip(), duration, why));
    }

    private static Parsed<Command> bundle(String name, String scope, String from, String duration,
                                          String justification, String ticket, String principal) {
        String usage = " Write it as `" + USAGE_BUNDLE + "`, e.g. `request bundle incident-payments for 1h because "
                + "INC-4411`.";
        if (name == null) {
            return Parsed.invalid("Say which bundle, by its name in the policy." + usage);
        }
        if (scope != null) {
            return Parsed.invalid("A bundle names its own scopes, so leave out `on " + UserText.excerpt(scope, 60)
                    + "`." + usage);
        }
        if (principal != null) {
            return Parsed.invalid("Bundles are granted to the person who asks, not `as` another identity; request "
                    + "the roles one by one for a workload." + usage);
        }
        if (from != null) {
            return Parsed.invalid("A bundle starts once it is approved; it cannot be scheduled with `from` yet. Leave "
                    + "out `from " + UserText.excerpt(from, 40) + "` and ask closer to the time, or request its roles "
                    + "one by one with `from`." + usage);
        }
        if (duration == null || duration.isBlank()) {
            return Parsed.invalid("Say how long you need it with `for <duration>`, e.g. `for 1h`." + usage);
        }
        Parsed<Duration> d = Durations.parse(duration);
        if (!d.isOk()) {
            return Parsed.invalid(d.reason() + usage);
        }
        if (justification == null || justification.isBlank()) {
            return Parsed.invalid("Say why with `because <reason>`: approvers and the audit log need it." + usage);
        }
        return Parsed.ok(new Command.RequestBundle(name, d.orThrow(), justification,
                ticket == null || ticket.isBlank() ? null : ticket));
    }

    private static int indexOfKeyword(String s, String keyword) {
        Matcher m = Pattern.compile("\\s" + keyword + "\\s", Pattern.CASE_INSENSITIVE).matcher(s);
        return m.find() ? m.start() : -1;
    }

    private static Parsed<Command> list(String rest) {
        String r = rest.toLowerCase(Locale.ROOT).strip();
        return switch (r) {
            case "" -> Parsed.ok(new Command.ListRequests(Command.ListRequests.Filter.DEFAULT));
            case "mine", "my", "me" -> Parsed.ok(new Command.ListRequests(Command.ListRequests.Filter.MINE));
            case "all", "everyone" -> Parsed.ok(new Command.ListRequests(Command.ListRequests.Filter.ALL));
            default -> Parsed.invalid("`list` takes `mine` or `all`, e.g. `list all`.");
        };
    }

    private static Parsed<RequestId> withId(String verb, String rest, String example) {
        if (rest.isEmpty()) {
            return Parsed.invalid("`" + verb + "` needs a request id, e.g. `" + example + "`.");
        }
        String[] parts = rest.split("\\s+");
        Parsed<RequestId> id = RequestId.parse(parts[0]);
        if (!id.isOk()) {
            return Parsed.invalid(id.reason() + " For example: `" + example + "`.");
        }
        return id;
    }

    private record IdAndText(RequestId id, String text) { }

    private static Parsed<IdAndText> idAndText(String verb, String rest, String example) {
        Parsed<RequestId> id = withId(verb, rest, example);
        if (!id.isOk()) {
            return Parsed.invalid(id.reason());
        }
        String[] parts = rest.split("\\s+", 2);
        String text = parts.length > 1 ? parts[1].strip() : null;
        if (text != null && text.toLowerCase(Locale.ROOT).startsWith("because ")) {
            text = text.substring("because ".length()).strip();
        }
        return Parsed.ok(new IdAndText(id.orThrow(), text == null || text.isEmpty() ? null : text));
    }

    private static Parsed<Command> extend(String rest) {
        String example = "extend JIT-7K3F 30m because the migration is still running";
        String[] parts = rest.split("\\s+", 2);
        Parsed<RequestId> id = withId("extend", rest, example);
        if (!id.isOk()) {
            return Parsed.invalid(id.reason());
        }
        String tail = parts.length > 1 ? parts[1].strip() : "";
        tail = tail.replaceFirst("(?i)^(by|for)\\s+", "");
        if (tail.isEmpty()) {
            return Parsed.invalid("Say how much longer, e.g. `" + example + "`.");
        }
        String[] durAndWhy = tail.split("\\s+", 2);
        Parsed<Duration> d = Durations.parse(durAndWhy[0]);
        if (!d.isOk()) {
            return Parsed.invalid(d.reason() + " For example: `" + example + "`.");
        }
        String why = durAndWhy.length > 1 ? durAndWhy[1].replaceFirst("(?i)^because\\s+", "").strip() : null;
        return Parsed.ok(new Command.Extend(id.orThrow(), d.orThrow(), why == null || why.isEmpty() ? null : why));
    }

    /**
     * The help on {@code topic} (a command such as {@code extend}; null or blank: everything): the lines about that
     * command under the heading, or everything after a line that says the topic is unknown.
     */
    public static String help(String topic) {
        String all = help();
        if (topic == null || topic.isBlank()) {
            return all;
        }
        String t = topic.strip().toLowerCase(Locale.ROOT).replaceFirst("^/?jit\\s+", "");
        List<String> lines = all.lines().toList();
        List<String> about = new java.util.ArrayList<>();
        for (int i = 1; i < lines.size(); i++) {
            String line = lines.get(i);
            boolean names = line.startsWith("`" + t + " ") || line.startsWith("`" + t + "`")
                    || line.contains("/ `" + t + " ");
            if (names || (!about.isEmpty() && line.startsWith("    ") && about.get(about.size() - 1).startsWith("`" + t))) {
                about.add(line);
            }
        }
        if (about.isEmpty()) {
            return "I have no help on `" + UserText.excerpt(topic.strip(), 40) + "`; here is everything.\n" + all;
        }
        return lines.get(0) + "\n" + String.join("\n", about);
    }

    /** The help text, the same on every platform: {@link HelpSheet#ALL} written out. */
    public static String help() {
        return HelpSheet.ALL.write();
    }
}
