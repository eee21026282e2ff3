package dev.jitbot.core.testing;

import dev.jitbot.core.app.AuditLog;
import dev.jitbot.core.app.RequestStore;

class InMemoryLifecycleTest extends LifecycleContract {
    @Override
    protected RequestStore newStore() {
        return new InMemoryRequestStore();
    }

    @Override
    protected AuditLog newAuditLog() {
        return new InMemoryAuditLog();
    }
}
