package dev.jitbot.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.slack.api.util.json.GsonFactory;
import dev.jitbot.core.app.Digest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduled scan's digest as Block Kit: title, counts as fields, one section a line, names from Azure escaped. */
class DigestCardTest {

    static final Digest DIGEST = new Digest("Standing access scan: 2 standing (1 critical, 1 high)",
            List.of(new Digest.Fact("Standing", "2 (1 critical, 1 high, 0 medium, 0 low)"),
                    new Digest.Fact("Not readable", "1 scope")),
            List.of("CRITICAL · Owner · User 9b8a… · /subscriptions/5f0c… — can change who has access",
                    "HIGH · <!channel> Ops & co · Group 0c9e… · /subscriptions/5f0c…/resourceGroups/rg-a — all actions"),
            "`jitbot scan` lists every assignment.");

    @Test
    void digest_laysOutTitleCountsAndOneSectionPerFinding_escapingWhatAzureNames() {
        String json = GsonFactory.createSnakeCase().toJson(Cards.digest(DIGEST)).replace("\\u003c", "<")
                .replace("\\u003e", ">").replace("\\u0026", "&");

        assertThat(json).contains("jit-digest-title", "Standing access scan: 2 standing (1 critical, 1 high)",
                "jit-digest-counts", "*Not readable*\\n1 scope", "jit-digest-0", "jit-digest-1", "jit-digest-footer")
                .doesNotContain("<!channel>").contains("&lt;!channel&gt; Ops &amp; co");
    }
}
