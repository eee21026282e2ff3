package dev.jitbot.core.testing;

import dev.jitbot.core.app.ConversationStore;
import dev.jitbot.core.domain.Platform;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/** Conversation references in memory. */
public final class InMemoryConversationStore implements ConversationStore {

    private final Map<String, String> refs = new ConcurrentHashMap<>();

    @Override
    public void save(Platform platform, String key, String referenceJson) {
        refs.put(platform + "|" + key, referenceJson);
    }

    @Override
    public Optional<String> find(Platform platform, String key) {
        return Optional.ofNullable(refs.get(platform + "|" + key));
    }
}
