package dev.jitbot.deploy;

/** Placeholder until the store module (JDBC stores, Quartz scheduler) lands in main; see src/pending. */
final class JdbcBackend {

    private JdbcBackend() {
    }

    static Backend open(Config.Database database) {
        throw new UnsupportedOperationException("the store piece has not landed in main yet");
    }
}
