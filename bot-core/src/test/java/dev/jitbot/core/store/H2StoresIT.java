package dev.jitbot.core.store;

/** The JDBC stores on an H2 file database in a temporary directory. */
class H2StoresIT extends JdbcStoresContract {

    private int n;

    @Override
    Database open() {
        // a new file per database, so a test that reopens gets a fresh, empty one
        return TestDatabases.h2(dir.resolve("db" + (n++)));
    }
}
