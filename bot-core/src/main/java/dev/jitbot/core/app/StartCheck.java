package dev.jitbot.core.app;

import dev.jitbot.core.domain.AccessRequest;
import java.util.Optional;

/**
 * The check a scheduled request passes again at its start before anything is granted
 * ({@link AccessService#whyNotStartable}): why it may not start, or empty when it may. Throws when it cannot tell
 * (the directory is away), and the start is tried again later.
 */
@FunctionalInterface
public interface StartCheck {

    /** Refuses every start, saying the runtime never wired the check: a scheduled request is never granted unchecked. */
    StartCheck UNWIRED = r -> Optional.of("this jitbot was started without the check a scheduled request passes at "
            + "its start, so nothing was granted; tell the jitbot operators.");

    Optional<String> whyNot(AccessRequest request);
}
