package dev.jitbot.core.app;

import dev.jitbot.core.domain.Platform;
import java.util.Optional;

/**
 * Where chat platforms keep what they need to post into a conversation later (Teams' ConversationReference, as
 * JSON), so a restart loses none. Keys are the platform's own: a conversation id, or {@code user:<id>} for the
 * personal chat with one person.
 */
public interface ConversationStore {

    /** Inserts or replaces the reference stored under {@code key}. */
    void save(Platform platform, String key, String referenceJson);

    Optional<String> find(Platform platform, String key);
}
