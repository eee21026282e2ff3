package dev.jitbot.core.testing;

import dev.jitbot.core.app.AuditLog;

class InMemoryAuditLogTest extends AuditLogContract {
    @Override
    protected AuditLog newLog() {
        return new InMemoryAuditLog();
    }
}
