package dev.jitbot.slack;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.testing.MutableClock;
import org.junit.jupiter.api.Test;

class RepliesTest {

    final Replies replies = new Replies(MutableClock.at("2026-11-25T14:00:00Z"));

    @Test
    void failure_quotingWhatWasTyped_escapesItAndShowsNoExceptionDetail() {
        String words = replies.failure("/jit revoke JIT-7K3F <!channel> see <https://evil.example|here>",
                new IllegalStateException("views.open answered invalid_auth for xoxb-secret"));

        assertThat(words).contains("/jit revoke JIT-7K3F &lt;!channel&gt; see &lt;https://evil.example|here&gt;")
                .doesNotContain("<!channel>").doesNotContain("invalid_auth").doesNotContain("xoxb")
                .containsPattern("event id `E[0-9A-F]{8}`");
    }
}
