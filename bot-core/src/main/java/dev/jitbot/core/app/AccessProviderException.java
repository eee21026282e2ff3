package dev.jitbot.core.app;

/** Azure could not be reached or did not confirm a call after the provider's own retries. */
public class AccessProviderException extends RuntimeException {

    public AccessProviderException(String message) {
        super(message);
    }

    public AccessProviderException(String message, Throwable cause) {
        super(message, cause);
    }
}
