package dev.jitbot.core.schedule;

import dev.jitbot.core.store.Database;
import dev.jitbot.core.store.TestDatabases;

/** Scheduled revocation on an H2 file database (Quartz with StdJDBCDelegate, not clustered). */
class H2ExpirySchedulingIT extends ExpirySchedulingContract {

    @Override
    Database open() {
        return TestDatabases.h2(dir);
    }
}
