package dev.jitbot.deploy.console;

import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.Phrases;
import dev.jitbot.core.app.RequestStore;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import java.io.BufferedReader;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A terminal chat with the real core: reads one command per line (interactive or piped), runs it as the person
 * currently typing, prints what Slack would show as text. At end of input it waits until nothing is pending or
 * active, so a piped session shows every grant through to its revocation.
 */
public final class ConsoleSession {

    public static final EnumSet<State> OPEN = EnumSet.of(State.PENDING, State.SCHEDULED, State.ACTIVATING,
            State.ACTIVE, State.REVOKING);
    private static final Pattern AS = Pattern.compile("^/as\\s+(\\S+)\\s*$", Pattern.CASE_INSENSITIVE);
    private static final Pattern LAST = Pattern.compile("(?i)(\\$last\\b|(?<=^(?:/?jit\\s+)?(?:approve|deny|reject|cancel|"
            + "revoke|release|extend|show|info|history|audit)\\s)last\\b)");

    private final AccessService service;
    private final RequestStore store;
    private final Supplier<Policy> policy;
    private final ConsoleText text;
    private final ConsoleOut out;
    private final Duration poll;
    /** The revocation confirmation follows the store's last write; a notifier that prints none is not waited for longer. */
    private static final Duration MAX_CONFIRMATION_WAIT = Duration.ofSeconds(5);

    private volatile RequestId last;
    private ChatUser user;

    public ConsoleSession(AccessService service, RequestStore store, Supplier<Policy> policy, ConsoleText text,
                   ConsoleOut out, String firstUser, Duration poll) {
        this.service = Objects.requireNonNull(service, "service");
        this.store = Objects.requireNonNull(store, "store");
        this.policy = Objects.requireNonNull(policy, "policy");
        this.text = Objects.requireNonNull(text, "text");
        this.out = Objects.requireNonNull(out, "out");
        this.poll = poll;
        this.user = userFor(firstUser);
    }

    /** Remembers the newest request the session has seen, for {@code last}. */
    public void seen(AccessRequest r) {
        RequestId current = last;
        if (current == null || !current.equals(r.id())) {
            AccessRequest newest = current == null ? null : store.find(current).orElse(null);
            if (newest == null || !r.createdAt().isBefore(newest.createdAt())) {
                last = r.id();
            }
        }
    }

    public ChatUser user() {
        return user;
    }

    /**
     * Reads commands until end of input or {@code /quit}, then waits for open requests to end.
     *
     * @param echo print each line read after the prompt (piped input, so the transcript reads as a chat)
     */
    public void run(BufferedReader in, boolean echo, Runnable prompt) throws IOException, InterruptedException {
        String line;
        prompt.run();
        while ((line = in.readLine()) != null) {
            String s = line.strip();
            if (echo && !s.isEmpty()) {
                out.accept(user.id() + "> " + s);
            }
            if (s.equalsIgnoreCase("/quit") || s.equalsIgnoreCase("/exit")) {
                break;
            }
            if (!s.isEmpty() && !s.startsWith("#")) {
                handle(s);
            }
            prompt.run();
        }
        awaitQuiet();
    }

    /** Runs one line typed by the current user. */
    public void handle(String line) {
        Matcher as = AS.matcher(line);
        if (as.matches()) {
            user = userFor(as.group(1));
            out.accept("You are now " + user.displayName() + (user.email() != null ? " (" + user.email() + ")" : "")
                    + ".");
            return;
        }
        if (line.toLowerCase(Locale.ROOT).startsWith("/as")) {
            out.accept("Say who with `/as <user>`, e.g. `/as bob`.");
            return;
        }
        String resolved = line;
        Matcher m = LAST.matcher(line);
        if (m.find()) {
            if (last == null) {
                out.accept("There is no request yet for `last` to stand for; make one with `request …` first.");
                return;
            }
            resolved = m.replaceAll(last.value());
        }
        Outcome outcome;
        try {
            outcome = service.handle(user, resolved);
        } catch (RuntimeException e) {
            // As in chat: the core's words and an event id, the detail in the log, and the session goes on.
            out.accept(text.failure("handle your command", e));
            return;
        }
        AccessRequest r = requestOf(outcome);
        if (r != null) {
            seen(r);
        }
        out.accept(text.render(outcome));
    }

    /**
     * Waits until no request is pending, activating, active or revoking, and the last confirmations are printed
     * (they follow the store's final write).
     */
    void awaitQuiet() throws InterruptedException {
        Set<String> reported = new TreeSet<>();
        Set<RequestId> watched = new java.util.HashSet<>();
        long quietSince = 0;
        while (true) {
            List<AccessRequest> open = store.findByState(OPEN);
            open.forEach(r -> watched.add(r.id()));
            if (open.isEmpty()) {
                quietSince = quietSince == 0 ? System.nanoTime() : quietSince;
                boolean unconfirmed = watched.stream().anyMatch(id -> !out.confirmed(id)
                        && store.find(id).map(r -> r.state() == State.ENDED).orElse(false));
                boolean patience = Duration.ofNanos(System.nanoTime() - quietSince).compareTo(MAX_CONFIRMATION_WAIT) < 0;
                if ((unconfirmed && patience) || out.quietFor().compareTo(settle()) < 0) {
                    Thread.sleep(poll.toMillis());
                    continue;
                }
                out.accept("Nothing is pending or active any more. Bye.");
                return;
            }
            quietSince = 0;
            List<String> lines = new ArrayList<>();
            for (AccessRequest r : open) {
                String waiting = r.id() + " " + r.state().label();
                if (reported.add(waiting)) {
                    lines.add(r.id() + " (" + r.label() + ") is " + r.state().label() + until(r));
                }
            }
            if (!lines.isEmpty()) {
                out.accept("End of input; waiting until this ends: " + String.join("; ", lines)
                        + ". Ctrl-C stops now.");
            }
            Thread.sleep(poll.toMillis());
        }
    }

    private Duration settle() {
        return poll.multipliedBy(4);
    }

    private static String until(AccessRequest r) {
        if (r.state() == State.ACTIVE) {
            return " until " + Phrases.preciseTime(r.expiresAt());
        }
        if (r.state() == State.PENDING) {
            return ", lapsing at " + Phrases.preciseTime(r.decideBy()) + " unless someone decides";
        }
        return "";
    }

    private static AccessRequest requestOf(Outcome o) {
        if (o instanceof Outcome.Requested x) {
            return x.request();
        } else if (o instanceof Outcome.Activating x) {
            return x.request();
        } else if (o instanceof Outcome.Scheduled x) {
            return x.request();
        } else if (o instanceof Outcome.Approved x) {
            return x.request();
        } else if (o instanceof Outcome.Failed x) {
            return x.request();
        }
        return null;
    }

    /**
     * Who {@code name} is: an email as given, else the person the policy lists as {@code name@…}, else a console
     * user known only by that name.
     */
    public ChatUser userFor(String name) {
        String n = name.strip().toLowerCase(Locale.ROOT);
        if (n.contains("@")) {
            return new ChatUser(Platform.CONSOLE, n.substring(0, n.indexOf('@')), n.substring(0, n.indexOf('@')), n);
        }
        String email = knownEmails(policy.get()).stream().filter(e -> e.startsWith(n + "@")).findFirst().orElse(null);
        return new ChatUser(Platform.CONSOLE, n, n, email);
    }

    private static Set<String> knownEmails(Policy p) {
        Set<String> emails = new TreeSet<>();
        p.groups().values().forEach(g -> g.members().stream().filter(m -> m.contains("@")).forEach(emails::add));
        p.users().keySet().stream().filter(k -> k.contains("@")).forEach(emails::add);
        p.principals().values().forEach(n -> n.owners().stream().filter(o -> o.contains("@")).forEach(emails::add));
        return emails;
    }

    /**
     * The policy as the console needs it: every channel also gets a console id ({@code #name}), and a policy
     * without channels gets {@code #approvals}, so request cards show up on the terminal.
     */
    public static Policy withConsoleChannels(Policy p) {
        java.util.Map<String, Policy.Channel> channels = new java.util.LinkedHashMap<>();
        p.channels().forEach((name, c) -> {
            java.util.Map<Platform, String> ids = new java.util.EnumMap<>(Platform.class);
            ids.putAll(c.ids());
            ids.put(Platform.CONSOLE, "#" + name);
            channels.put(name, new Policy.Channel(name, ids));
        });
        if (channels.isEmpty()) {
            channels.put("approvals", new Policy.Channel("approvals", java.util.Map.of(Platform.CONSOLE, "#approvals")));
        }
        return new Policy(p.defaults(), p.scopeAliases(), p.groups(), channels, p.oncallGroup(), p.rules(),
                p.principals(), p.users(), p.oncallSource(), p.remindBefore(), p.maxLead(), p.breakGlass(),
                p.reports(), p.bundles());
    }
}
