package dev.jitbot.core.app;

/** The database failed (unreachable, full, schema out of step): an infrastructure failure, never a refusal. */
public final class StoreException extends RuntimeException {

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
