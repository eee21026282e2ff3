package dev.jitbot.core.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.Policy;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code max_lead:}: how far ahead {@code request … from <time>} may lie. */
class MaxLeadPolicyTest {

    private static String policy(String top) {
        return top + PolicyLoaderTest.withRule(PolicyLoaderTest.GOOD_RULE);
    }

    @Test
    void unset_isSevenDays() {
        PolicyLoader.Result r = PolicyLoader.parse(policy(""), "policy.yaml");

        assertThat(r.policy().maxLead()).isEqualTo(Policy.DEFAULT_MAX_LEAD).isEqualTo(Duration.ofDays(7));
    }

    @Test
    void set_isRead() {
        PolicyLoader.Result r = PolicyLoader.parse(policy("max_lead: 36h\n"), "policy.yaml");

        assertThat(r.policy().maxLead()).isEqualTo(Duration.ofHours(36));
    }

    @Test
    void notADuration_namesTheLineAndAnExample() {
        var error = PolicyLoaderTest.onlyError(policy("max_lead: soon\n"));

        assertThat(error.line()).isEqualTo(1);
        assertThat(error.message()).contains("max_lead \"soon\" is not a duration; write e.g. `max_lead: 7d`");
    }

    @Test
    void overNinetyDays_isRefused() {
        var error = PolicyLoaderTest.onlyError(policy("max_lead: 120d\n"));

        assertThat(error.message()).contains("longer than 90d");
    }
}
