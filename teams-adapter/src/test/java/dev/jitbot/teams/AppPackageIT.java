package dev.jitbot.teams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.jitbot.core.domain.CommandParser;
import dev.jitbot.core.domain.Parsed;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** The Teams app package the build zips: what an admin uploads to Teams. */
class AppPackageIT {

    @Test
    void zip_holdsTheManifestAndBothIconsInTheSizesTeamsRequires() throws Exception {
        Map<String, byte[]> entries = read(Path.of("target", "jitbot-teams.zip"));

        assertThat(entries.keySet()).containsExactlyInAnyOrder("manifest.json", "color.png", "outline.png");
        BufferedImage color = ImageIO.read(new ByteArrayInputStream(entries.get("color.png")));
        BufferedImage outline = ImageIO.read(new ByteArrayInputStream(entries.get("outline.png")));
        assertThat(color.getWidth()).isEqualTo(192);
        assertThat(color.getHeight()).isEqualTo(192);
        assertThat(outline.getWidth()).isEqualTo(32);
        assertThat(outline.getHeight()).isEqualTo(32);
        assertThat(outline.getColorModel().hasAlpha()).as("the outline icon is white on transparent").isTrue();
    }

    @Test
    void manifest_listsCommandsTheParserUnderstands() throws Exception {
        JsonNode manifest = new ObjectMapper().readTree(read(Path.of("target", "jitbot-teams.zip")).get("manifest.json"));

        assertThat(manifest.path("icons").path("color").asText()).isEqualTo("color.png");
        JsonNode bot = manifest.path("bots").path(0);
        assertThat(bot.path("botId").asText()).matches("[0-9a-f-]{36}");
        List<String> titles = new ArrayList<>();
        bot.path("commandLists").path(0).path("commands").forEach(c -> {
            titles.add(c.path("title").asText());
            assertThat(c.path("title").asText().length()).isLessThanOrEqualTo(32);
            assertThat(c.path("description").asText().length()).isLessThanOrEqualTo(128);
        });
        assertThat(titles).hasSizeLessThanOrEqualTo(10).contains("request", "list", "show", "revoke", "release",
                "extend", "cancel", "history", "help");
        for (String title : titles) {
            Parsed<?> parsed = CommandParser.parse(title);
            assertThat(parsed.reason() == null || !parsed.reason().startsWith("I don't know"))
                    .as(title + " is a verb the parser knows").isTrue();
        }
    }

    private static Map<String, byte[]> read(Path zip) throws Exception {
        assertThat(zip).as("built by the package phase").exists();
        Map<String, byte[]> entries = new HashMap<>();
        try (ZipInputStream in = new ZipInputStream(Files.newInputStream(zip))) {
            for (ZipEntry e = in.getNextEntry(); e != null; e = in.getNextEntry()) {
                entries.put(e.getName(), in.readAllBytes());
            }
        }
        return entries;
    }
}
