package dev.jitbot.slack;

import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.slack.api.model.view.View;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.PrincipalType;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.RoleRef;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.domain.Vote;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class HomeTabTest {

    static final Instant T0 = Instant.parse("2026-11-25T14:00:00Z");

    static AccessRequest pending(int n) {
        return AccessRequest.pending(RequestId.parse("JIT-" + String.format("%04d", n)).orThrow(), ALICE,
                new Principal("9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", PrincipalType.USER, "Alice"),
                new RoleRef("Contributor", null), TestPolicies.RG_PAYMENTS, "rg-payments", Duration.ofMinutes(45),
                "hotfix", null, "operate payments", 1, T0, T0.plusSeconds(1800));
    }

    static List<AccessRequest> many(int from, int count, boolean active) {
        return IntStream.range(from, from + count).mapToObj(n -> active
                ? pending(n).withVote(new Vote(BOB, Vote.Decision.APPROVE, T0, null)).to(State.ACTIVATING)
                        .to(State.ACTIVE).withActivation(T0, "/subscriptions/x/roleAssignments/" + n)
                : pending(n)).toList();
    }

    @Test
    void build_forBusyOncall_staysWithinSlacksHundredBlocksAndListsEachSection() {
        View home = HomeTab.build(many(1000, 40, true), many(2000, 40, false), many(3000, 40, true), true, r -> java.util.EnumSet.allOf(dev.jitbot.core.app.Permissions.Action.class), T0);

        // views.publish answers invalid_blocks above 100, and the person would see no App Home at all.
        assertThat(home.getBlocks()).hasSizeLessThanOrEqualTo(100);
        assertThat(home.getBlocks().stream().map(b -> String.valueOf(b.getBlockId())))
                .anyMatch(id -> id.startsWith("jit-release-JIT-1"))
                .anyMatch(id -> id.startsWith("decide-JIT-2"))
                .anyMatch(id -> id.startsWith("jit-revoke-JIT-3"));
    }
}
