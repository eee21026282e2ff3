package dev.jitbot.slack;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** deploy/slack/manifest.yaml must describe what the code serves, or installs break in ways tests never see. */
class ManifestTest {

    @Test
    void manifest_declaresTheCommandEventsScopesAndUrlsTheCodeServes() throws Exception {
        String manifest = Files.readString(Path.of("..", "deploy", "slack", "manifest.yaml"));
        assertThat(manifest).contains("command: " + SlackHandlers.COMMAND)
                .contains("- app_home_opened").contains("home_tab_enabled: true")
                .contains("- commands").contains("- chat:write").containsPattern("- users:read\\s")
                .contains("- users:read.email").contains("socket_mode_enabled:");
        var urls = java.util.regex.Pattern.compile("(?m)^\\s*(?:url|request_url):\\s*(\\S+)").matcher(manifest)
                .results().map(m -> m.group(1)).toList();
        assertThat(urls).hasSize(3).allSatisfy(u -> assertThat(u).endsWith("/slack/events"));
    }
}
