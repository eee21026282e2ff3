package dev.jitbot.teams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jitbot.core.app.Digest;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The scheduled scan's digest as an Adaptive Card: a bold title, the counts as a FactSet, a TextBlock a line. */
class DigestCardTest {

    @Test
    void digest_isAnAdaptiveCard_withTheCountsAsFacts_andEachFindingAsText() {
        ObjectNode card = Cards.digest(new Digest("Eligibility review (last 90d): 3 never requested, 1 rule unused",
                List.of(new Digest.Fact("Never requested", "3"), new Digest.Fact("Rules never used", "1")),
                List.of("policy.yaml:26-31: rule \"own the subscription\" was not used at all; delete lines 26-31"),
                "`jitbot review eligibility --since 90d` prints the whole review."));

        assertThat(card.path("type").asText()).isEqualTo("AdaptiveCard");
        assertThat(card.path("body").get(0).path("weight").asText()).isEqualTo("Bolder");
        assertThat(card.path("body").get(1).path("type").asText()).isEqualTo("FactSet");
        assertThat(card.path("body").get(1).path("facts").get(1).path("title").asText()).isEqualTo("Rules never used");
        assertThat(card.path("body").get(2).path("text").asText()).startsWith("• policy.yaml:26-31");
        assertThat(card.path("body").get(3).path("isSubtle").asBoolean()).isTrue();
        assertThat(card.has("actions")).isFalse();
    }
}
