package dev.jitbot.core.schedule;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class QuartzExpirySchedulerTest {

    private static final QuartzExpiryScheduler.Settings SETTINGS =
            new QuartzExpiryScheduler.Settings("jitbot", 16, false, Duration.ofSeconds(30), Duration.ofSeconds(10));

    @Test
    void onH2_usesTheStandardDelegate_notClustered() {
        Properties p = QuartzExpiryScheduler.properties(SETTINGS, false, "ds");

        assertThat(p.getProperty("org.quartz.jobStore.class")).isEqualTo("org.quartz.impl.jdbcjobstore.JobStoreTX");
        assertThat(p.getProperty("org.quartz.jobStore.driverDelegateClass"))
                .isEqualTo("org.quartz.impl.jdbcjobstore.StdJDBCDelegate");
        assertThat(p.getProperty("org.quartz.jobStore.isClustered")).isEqualTo("false");
        assertThat(p.getProperty("org.quartz.jobStore.dataSource")).isEqualTo("ds");
    }

    @Test
    void onPostgres_usesThePostgresDelegate_clusteredWithGeneratedInstanceIds() {
        Properties p = QuartzExpiryScheduler.properties(SETTINGS.withClustered(true), true, "ds");

        assertThat(p.getProperty("org.quartz.jobStore.driverDelegateClass"))
                .isEqualTo("org.quartz.impl.jdbcjobstore.PostgreSQLDelegate");
        assertThat(p.getProperty("org.quartz.jobStore.isClustered")).isEqualTo("true");
        assertThat(p.getProperty("org.quartz.scheduler.instanceId")).isEqualTo("AUTO");
    }

    @Test
    void threadPool_isBoundedByTheSettings_andBatchesAsManyTriggersAsThreads() {
        Properties p = QuartzExpiryScheduler.properties(SETTINGS.withThreads(4), false, "ds");

        assertThat(p.getProperty("org.quartz.threadPool.threadCount")).isEqualTo("4");
        assertThat(p.getProperty("org.quartz.scheduler.batchTriggerAcquisitionMaxCount")).isEqualTo("4");
    }

    @Test
    void settings_refuseNoThreadsAndNoSweepInterval() {
        assertThatThrownBy(() -> SETTINGS.withThreads(0)).hasMessageContaining("threads");
        assertThatThrownBy(() -> SETTINGS.withSweepEvery(Duration.ZERO)).hasMessageContaining("sweepEvery");
    }
}
