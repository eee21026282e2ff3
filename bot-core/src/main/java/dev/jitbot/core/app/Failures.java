package dev.jitbot.core.app;

import dev.jitbot.core.domain.EventIds;
import dev.jitbot.core.domain.Text;
import dev.jitbot.core.domain.UserText;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place that turns a failure into words for a person, for every platform: what happened and what to do
 * next, with an event id that the log line about it carries too. Never the exception's or an SDK's words, which go
 * to the log only; each adapter draws the {@link Text} in its own style.
 */
public final class Failures {

    private static final Logger log = LoggerFactory.getLogger(Failures.class);

    /** The most characters of what was attempted (which may quote a person's own words) that are repeated. */
    static final int MAX_ATTEMPTED = 200;

    private Failures() {
    }

    /** What a person is told about a failure, and the event id it was logged under. */
    public record Said(String eventId, Text text) {
        public Said {
            Objects.requireNonNull(eventId, "eventId");
            Objects.requireNonNull(text, "text");
        }
    }

    /**
     * Logs {@code error} under a fresh event id and words it for the person. A database that cannot be reached is
     * the one failure worth naming: the transition was not written, so the person knows to try again.
     *
     * @param attempted what the person asked for, as a verb phrase ("show App Home", "handle your command"); it may
     *                  carry their own words (a command line), so it is cleaned and clipped for them and escaped
     *                  for the log
     */
    public static Said of(String attempted, Throwable error) {
        String what = UserText.excerpt(Objects.requireNonNullElse(UserText.clean(attempted), ""), MAX_ATTEMPTED);
        String eventId = EventIds.next();
        if (databaseDown(error)) {
            log.error("{} failed: the database is unreachable [event {}]", UserText.forLog(attempted), eventId, error);
            return new Said(eventId, Text.of().warning("jitbot cannot reach its database right now; nothing was "
                    + "changed — try again in a minute.").plain(" If it keeps happening, tell the jitbot operators "
                    + "event id ").code(eventId).plain(".").done());
        }
        log.error("{} failed [event {}]", UserText.forLog(attempted), eventId, error);
        return new Said(eventId, Text.of().warning("Something went wrong on my side while I tried to " + what + ".")
                .plain(" Check where things stand with ").command("list").plain(", and try again in a minute; if it "
                        + "keeps happening, tell the jitbot operators event id ").code(eventId).plain(".").done());
    }

    /** Whether {@code error} came from the store: the core writes nothing else while it handles a command. */
    public static boolean databaseDown(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            // The store wraps what JDBC throws; a driver's exception that reached here another way counts too,
            // named rather than imported, since the core does not depend on JDBC.
            if (t instanceof StoreException || isSqlException(t.getClass())) {
                return true;
            }
        }
        return false;
    }

    private static boolean isSqlException(Class<?> type) {
        for (Class<?> c = type; c != null; c = c.getSuperclass()) {
            if (c.getName().equals("java.sql.SQLException")) {
                return true;
            }
        }
        return false;
    }
}
