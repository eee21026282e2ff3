package dev.jitbot.core.testing;

import dev.jitbot.core.app.RequestStore;

class InMemoryRequestStoreTest extends RequestStoreContract {
    @Override
    protected RequestStore newStore() {
        return new InMemoryRequestStore();
    }
}
