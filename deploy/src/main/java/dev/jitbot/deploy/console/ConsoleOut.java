package dev.jitbot.deploy.console;

import dev.jitbot.core.domain.RequestId;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * The console's one output: lines from the person's commands and from the scheduler's threads, one at a time,
 * remembering when the last one went out (so the session can wait for the final confirmations).
 */
public final class ConsoleOut implements Consumer<String> {

    private static final Pattern CONFIRMATION = Pattern.compile("^\\[to [^]]+] .* revoked at .*\\((JIT-[0-9A-Z]+)\\)\\.$");

    private final Consumer<String> sink;
    private final Set<String> confirmed = ConcurrentHashMap.newKeySet();
    private volatile long lastNanos = System.nanoTime();

    public ConsoleOut(Consumer<String> sink) {
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    @Override
    public synchronized void accept(String line) {
        lastNanos = System.nanoTime();
        sink.accept(line);
        Matcher m = CONFIRMATION.matcher(line);
        if (m.find()) {
            confirmed.add(m.group(1));
        }
    }

    /** True once the requester's revocation confirmation (the last thing a revocation prints) named {@code id}. */
    public boolean confirmed(RequestId id) {
        return confirmed.contains(id.value());
    }

    /** How long nothing has been printed. */
    public Duration quietFor() {
        return Duration.ofNanos(System.nanoTime() - lastNanos);
    }
}
