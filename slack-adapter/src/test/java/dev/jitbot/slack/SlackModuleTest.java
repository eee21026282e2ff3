package dev.jitbot.slack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class SlackModuleTest {

    @Test
    void settings_withoutBotToken_namesTheVariableAndAnExample() {
        assertThatThrownBy(() -> new SlackModule.Settings(" ", "secret", null, null))
                .hasMessageContaining("SLACK_BOT_TOKEN").hasMessageContaining("xoxb-");
    }

    @Test
    void settings_overHttpWithoutSigningSecret_refusesToStart() {
        assertThatThrownBy(() -> new SlackModule.Settings("xoxb-1-2-abc", null, null, null))
                .hasMessageContaining("SLACK_SIGNING_SECRET");
    }

    @Test
    void settings_inSocketModeNeedNoSigningSecret_andNeverPrintSecrets() {
        SlackModule.Settings s = new SlackModule.Settings("xoxb-1-2-abc", null, "xapp-1-A-1-def", "http://localhost:1/api");
        assertThat(s.apiUrl()).isEqualTo("http://localhost:1/api/");
        assertThat(s.toString()).doesNotContain("xoxb").doesNotContain("xapp");
    }
}
