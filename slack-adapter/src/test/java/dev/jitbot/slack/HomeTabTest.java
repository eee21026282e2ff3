package dev.jitbot.slack;

import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.slack.api.model.view.View;
import dev.jitbot.core.app.Permissions.Action;
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
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
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
        // What the core gives on-call in each list: their own grants, requests they approve, everyone's grants.
        View home = HomeTab.build(many(1000, 40, true), many(2000, 40, false), many(3000, 40, true), true,
                r -> r.id().value().startsWith("JIT-1") ? EnumSet.of(Action.RELEASE, Action.EXTEND)
                        : r.id().value().startsWith("JIT-2") ? EnumSet.of(Action.APPROVE, Action.DENY)
                        : EnumSet.of(Action.REVOKE), T0);

        // views.publish answers invalid_blocks above 100, and the person would see no App Home at all.
        assertThat(home.getBlocks()).hasSizeLessThanOrEqualTo(100);
        assertThat(home.getBlocks().stream().map(b -> String.valueOf(b.getBlockId())))
                .anyMatch(id -> id.startsWith("mine-release-JIT-1"))
                .anyMatch(id -> id.startsWith("decide-JIT-2"))
                .anyMatch(id -> id.startsWith("all-revoke-JIT-3"));
    }

    @Test
    void build_drawsEveryButtonFromTheCoresActions_withTheCoresLabels() {
        AccessRequest waiting = pending(7);
        AccessRequest stoppable = pending(8);
        View home = HomeTab.build(List.of(), List.of(waiting), List.of(stoppable), true,
                r -> r == waiting ? EnumSet.of(Action.APPROVE, Action.DENY) : EnumSet.of(Action.STOP_PENDING), T0);

        String json = com.slack.api.util.json.GsonFactory.createSnakeCase().toJson(home);
        assertThat(json).contains("\"action_id\":\"jit-approve\"", "\"text\":\"Approve\"",
                "\"action_id\":\"jit-deny\"", "\"text\":\"Deny\"");
        // On-call's stop of a request nobody decided is a revoke, labelled as the core labels it everywhere.
        assertThat(home.getBlocks().stream().map(b -> String.valueOf(b.getBlockId()))).contains("all-revoke-JIT-0008");
        assertThat(json).contains("\"text\":\"" + Action.STOP_PENDING.label() + "\"");
    }

    @Test
    void build_forOncallWithAGrantOfTheirOwn_repeatsNoBlockId_whichSlackWouldRefuse() {
        AccessRequest own = many(5, 1, true).get(0);
        View home = HomeTab.build(List.of(own), List.of(), List.of(own), true,
                r -> EnumSet.of(Action.RELEASE, Action.REVOKE), T0);

        List<String> ids = home.getBlocks().stream().map(b -> b.getBlockId()).filter(java.util.Objects::nonNull)
                .toList();
        assertThat(ids).doesNotHaveDuplicates().contains("mine-release-JIT-0005", "all-release-JIT-0005");
    }

    @Test
    void build_withNoActionForARow_drawsNoButton() {
        View home = HomeTab.build(List.of(pending(9)), List.of(), List.of(), false, r -> Set.of(), T0);

        assertThat(com.slack.api.util.json.GsonFactory.createSnakeCase().toJson(home)).doesNotContain("\"button\"");
    }
}
