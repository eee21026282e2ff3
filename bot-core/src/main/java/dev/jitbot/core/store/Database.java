package dev.jitbot.core.store;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;

/**
 * The one connection pool jitbot uses (stores and Quartz alike), on an H2 file by default or on PostgreSQL, with
 * the schema migrated to the current version when it opens.
 */
public final class Database implements AutoCloseable {

    /** Where the embedded database lives unless {@code JITBOT_DB_URL} says otherwise. */
    public static final String DEFAULT_URL = "jdbc:h2:file:./data/jitbot";
    /**
     * Connections per process. Nothing holds one across an Azure or chat call (workers read, call, then write), so
     * 24 serve Quartz's 16 job threads, the 16 Azure and 8 chat workers, the dispatchers and the request threads
     * taking turns; a caller waits at most {@link #CONNECTION_TIMEOUT_MS} for one. It also keeps two replicas well
     * inside PostgreSQL's default of 100 connections.
     */
    public static final int DEFAULT_POOL_SIZE = 24;
    /** How long a caller waits for a pooled connection before it hears the database is unreachable. */
    static final long CONNECTION_TIMEOUT_MS = 2_500;

    private final HikariDataSource dataSource;
    private final boolean postgres;
    private final String url;

    private Database(HikariDataSource dataSource, boolean postgres, String url) {
        this.dataSource = dataSource;
        this.postgres = postgres;
        this.url = url;
    }

    /** Opens the pool on {@code url} (H2 or PostgreSQL) and migrates the schema; user and password may be null. */
    public static Database open(String url, String user, String password) {
        return open(url, user, password, DEFAULT_POOL_SIZE);
    }

    /** As {@link #open(String, String, String)} with a pool of at most {@code poolSize} connections. */
    public static Database open(String url, String user, String password, int poolSize) {
        String jdbcUrl = url == null || url.isBlank() ? DEFAULT_URL : url.strip();
        boolean postgres = jdbcUrl.startsWith("jdbc:postgresql:");
        if (!postgres && !jdbcUrl.startsWith("jdbc:h2:")) {
            throw new IllegalArgumentException("JITBOT_DB_URL must start with jdbc:h2: or jdbc:postgresql:, e.g. "
                    + DEFAULT_URL + " or jdbc:postgresql://db:5432/jitbot (got " + redact(jdbcUrl) + ")");
        }
        if (!postgres) {
            jdbcUrl = withH2Defaults(jdbcUrl);
        }
        HikariConfig config = new HikariConfig();
        config.setPoolName("jitbot-db");
        config.setJdbcUrl(jdbcUrl);
        if (user != null && !user.isBlank()) {
            config.setUsername(user);
        }
        if (password != null && !password.isEmpty()) {
            config.setPassword(password);
        }
        config.setMaximumPoolSize(poolSize);
        config.setMinimumIdle(Math.min(2, poolSize));
        // A request acks within Slack's 3 s: while the database is unreachable a caller is told so after 2.5 s,
        // rather than waiting on the pool's connection attempts until the ack is too late to say anything.
        config.setConnectionTimeout(CONNECTION_TIMEOUT_MS);
        if (postgres) {
            // Hikari would also cut the driver's login to 3 s; a new connection (TLS, SCRAM) keeps its 30 s.
            config.addDataSourceProperty("loginTimeout", "30");
        }
        HikariDataSource ds = new HikariDataSource(config);
        try {
            Flyway.configure()
                    .dataSource(ds)
                    .locations("classpath:db/migration/common",
                            postgres ? "classpath:db/migration/postgresql" : "classpath:db/migration/h2")
                    .load()
                    .migrate();
        } catch (RuntimeException e) {
            ds.close();
            throw e;
        }
        return new Database(ds, postgres, jdbcUrl);
    }

    /**
     * H2 options for one process: the JVM's shutdown hook must not close the file under running jobs (the pool
     * closes it), a row lock is waited for long enough that busy revocation bursts do not fail, and a commit is
     * written to the file before it returns ({@code WRITE_DELAY=0}): H2's default writes committed transactions up
     * to half a second later, so a killed process forgot requests it had acknowledged and granted. Even so, H2's
     * recovery after a kill can reopen an older version and forget the last commits (docs/architecture.md, "Crash
     * safety"); a {@code CHECKPOINT} after each commit was measured and does not help, so none is run.
     */
    static String withH2Defaults(String url) {
        StringBuilder sb = new StringBuilder(url);
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        if (!upper.contains("DB_CLOSE_ON_EXIT=")) {
            sb.append(";DB_CLOSE_ON_EXIT=FALSE");
        }
        if (!upper.contains("LOCK_TIMEOUT=")) {
            sb.append(";LOCK_TIMEOUT=10000");
        }
        if (!upper.contains("WRITE_DELAY=")) {
            sb.append(";WRITE_DELAY=0");
        }
        return sb.toString();
    }

    private static String redact(String url) {
        return url.replaceAll("(?i)(password=)[^;&]*", "$1***");
    }

    public DataSource dataSource() {
        return dataSource;
    }

    /** True on PostgreSQL, false on H2. */
    public boolean isPostgres() {
        return postgres;
    }

    /**
     * True when no other process can have this database open: an embedded H2 file or memory database (H2 locks the
     * file), not one served over TCP or shared with {@code AUTO_SERVER}.
     */
    public boolean isSingleProcess() {
        String upper = url.toUpperCase(java.util.Locale.ROOT);
        return !postgres && !upper.startsWith("JDBC:H2:TCP:") && !upper.startsWith("JDBC:H2:SSL:")
                && !upper.contains("AUTO_SERVER=TRUE");
    }

    /** The JDBC URL in use, with any password masked. */
    public String url() {
        return redact(url);
    }

    @Override
    public void close() {
        dataSource.close();
    }

    @Override
    public String toString() {
        return "Database[" + url() + "]";
    }
}
