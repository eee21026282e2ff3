package dev.jitbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.app.Directory;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.policy.PolicyDirectory;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * The runtime's directory (policy map first, Graph after) asks Graph whether an approver's account is live and in
 * the group now: the policy map knows no account state, so a default "live" would let a disabled account approve.
 */
class DirectoriesTest {

    /** Graph as far as these checks go: Alice's account is disabled, and nobody is in any group. */
    static final class Graph implements Directory {
        final List<String> asked = new ArrayList<>();

        public Parsed<Principal> user(ChatUser user) {
            return Parsed.ok(new Principal(dev.jitbot.core.testing.FakeDirectory.objectIdOf(user.email()),
                    dev.jitbot.core.domain.PrincipalType.USER, user.displayName()));
        }

        public Parsed<Principal> servicePrincipal(String objectOrAppId) {
            return Parsed.invalid("not here");
        }

        public boolean isMember(Principal principal, String groupObjectId) {
            asked.add("isMember");
            return true;
        }

        @Override
        public boolean isMember(Principal principal, String groupObjectId, Duration maxAge) {
            asked.add("isMember " + maxAge.toSeconds() + "s");
            return false;
        }

        @Override
        public Optional<String> whyNotLive(ChatUser user, Principal account) {
            asked.add("whyNotLive " + account.objectId());
            return Optional.of("the Entra account of " + user.email() + " is disabled");
        }
    }

    @Test
    void liveAndFreshMembershipChecks_goToGraph_notToTheDefaults() {
        Graph graph = new Graph();
        Directory d = new Pieces.Directories(new PolicyDirectory(TestPolicies::design), graph);
        Principal alice = new Principal("9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
                dev.jitbot.core.domain.PrincipalType.USER, "Alice");

        assertThat(d.whyNotLive(TestPolicies.ALICE)).contains("the Entra account of alice@contoso.com is disabled");
        assertThat(d.isMember(alice, "0c9e2a7d-4f51-4b8e-9d3a-6e2f1b7c8a90", Duration.ofSeconds(60))).isFalse();
        assertThat(graph.asked).containsExactly("whyNotLive " + dev.jitbot.core.testing.FakeDirectory.objectIdOf(
                "alice@contoso.com"), "isMember 60s");
    }
}
