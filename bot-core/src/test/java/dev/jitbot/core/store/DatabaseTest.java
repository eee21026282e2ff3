package dev.jitbot.core.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DatabaseTest {

    @Test
    void h2Url_getsOptionsForOneProcess_unlessItSetsThemItself() {
        assertThat(Database.withH2Defaults("jdbc:h2:file:./data/jitbot"))
                .isEqualTo("jdbc:h2:file:./data/jitbot;DB_CLOSE_ON_EXIT=FALSE;LOCK_TIMEOUT=10000;WRITE_DELAY=0");
        assertThat(Database.withH2Defaults("jdbc:h2:file:/var/jitbot;lock_timeout=500;write_delay=100"))
                .isEqualTo("jdbc:h2:file:/var/jitbot;lock_timeout=500;write_delay=100;DB_CLOSE_ON_EXIT=FALSE");
    }

    @Test
    void open_withAnotherDatabasesUrl_namesTheVariableAndShowsExamples() {
        assertThatThrownBy(() -> Database.open("jdbc:mysql://db/jitbot?password=hunter2", "u", "p"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("JITBOT_DB_URL")
                .hasMessageContaining("jdbc:h2:file:./data/jitbot")
                .hasMessageContaining("jdbc:postgresql://")
                .hasMessageNotContaining("hunter2");
    }
}
