package dev.jitbot.slack;

import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import com.slack.api.util.json.GsonFactory;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.EndReason;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.PrincipalType;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.RoleRef;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.domain.Vote;
import dev.jitbot.core.testing.MutableClock;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CardsTest {

    static final Instant T0 = Instant.parse("2026-11-25T14:00:00Z");

    static AccessRequest pending() {
        return AccessRequest.pending(RequestId.parse("JIT-7K3F").orThrow(), ALICE,
                new Principal("9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", PrincipalType.USER, "Alice"),
                new RoleRef("Contributor", null), TestPolicies.RG_PAYMENTS, "rg-payments", Duration.ofMinutes(45),
                "INC-4411 <hotfix> & more", "INC-4411", "operate payments", 1, T0, T0.plusSeconds(1800));
    }

    static AccessRequest active() {
        return pending().withVote(new Vote(BOB, Vote.Decision.APPROVE, T0, null)).to(State.ACTIVATING)
                .to(State.ACTIVE).withActivation(T0.plusSeconds(60), "/subscriptions/x/roleAssignments/1");
    }

    static String json(AccessRequest r, Instant now) {
        return GsonFactory.createSnakeCase().toJson(Cards.card(r, now, null)).replace("\\u003c", "<").replace("\\u003e", ">")
                .replace("\\u0026", "&");
    }

    @Test
    void bundleCard_listsEveryMember_andMarksTheOneAzureRefused() {
        AccessRequest one = pending();
        dev.jitbot.core.domain.BundleGrant bundle = new dev.jitbot.core.domain.BundleGrant("incident-payments",
                java.util.List.of(
                        new dev.jitbot.core.domain.BundleGrant.Member(new RoleRef("Contributor", null),
                                TestPolicies.RG_PAYMENTS, "rg-payments", "operate payments", null, null),
                        new dev.jitbot.core.domain.BundleGrant.Member(new RoleRef("Reader", null),
                                TestPolicies.SUB_PROD, "sub-prod", "read production", null, "no write permission")));
        AccessRequest r = one.withBundle(bundle).to(State.ACTIVATING).to(State.FAILED)
                .withEnd(T0, null, null, "Reader on sub-prod failed: no write permission");

        String json = json(r, T0);

        assertThat(json).contains("bundle incident-payments (Contributor on rg-payments, Reader on sub-prod)")
                .contains("*Members*\\n• Contributor on rg-payments")
                .contains(":x: Reader on sub-prod")
                .contains("Azure did not grant it: Reader on sub-prod failed: no write permission")
                .doesNotContain("*Role*");
    }

    @Nested
    class Card {

        @Test
        void pending_withAPastedWallOfText_staysUnderSlacksSectionLimit_soTheCardIsStillPosted() {
            AccessRequest r = AccessRequest.pending(RequestId.parse("JIT-7K3G").orThrow(), ALICE,
                    new Principal("9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", PrincipalType.USER, "Alice"),
                    new RoleRef("Contributor", null), TestPolicies.RG_PAYMENTS, "rg-payments", Duration.ofMinutes(45),
                    "<stack>&".repeat(375), null, "operate payments", 1, T0, T0.plusSeconds(1800));

            var why = (com.slack.api.model.block.SectionBlock) Cards.card(r, T0, null).stream()
                    .filter(b -> "jit-why".equals(b.getBlockId())).findFirst().orElseThrow();

            assertThat(why.getText().getText()).hasSizeLessThanOrEqualTo(3000).startsWith("*Justification*\n&lt;stack&gt;")
                    .endsWith("…").doesNotContain("<stack>").doesNotMatch("(?s).*&[a-z]{0,3}…$");
        }

        @Test
        void pending_namesEverythingAnApproverNeeds_andCarriesApproveAndDeny() {
            String card = json(pending(), T0);
            assertThat(card).contains("Contributor on rg-payments").contains("<@U0ALICE>").contains("45 min")
                    .contains("INC-4411 &lt;hotfix&gt; &amp; more").contains("*Ticket*\\nINC-4411").contains("0 of 1")
                    .contains("lapses at 14:30 UTC").contains("\"action_id\":\"jit-approve\"")
                    .contains("\"action_id\":\"jit-deny\"").doesNotContain("jit-revoke");
        }

        @Test
        void active_saysWhoApprovedAndUntilWhen_andOffersRevoke() {
            String card = json(active(), T0.plusSeconds(600));
            assertThat(card).contains("Approved by <@U0BOB>").contains("Active until 14:46 UTC").contains("36 min left")
                    .contains("1 of 1").contains("jit-revoke").doesNotContain("jit-approve");
        }

        @Test
        void ended_saysHowItEnded_andHasNoButtons() {
            AccessRequest ended = active().to(State.REVOKING).withEnd(T0.plusSeconds(2760), EndReason.EXPIRED, null, null)
                    .to(State.ENDED);
            assertThat(json(ended, T0.plusSeconds(2800))).contains("Ended").contains("revoked at 14:46:00 UTC — expired")
                    .doesNotContain("\"type\":\"actions\"");
        }

        @Test
        void denied_showsTheApproversReason() {
            AccessRequest denied = pending().withVote(new Vote(BOB, Vote.Decision.DENY, T0, "change freeze"))
                    .to(State.DENIED).withEnd(T0, null, BOB, "change freeze");
            assertThat(json(denied, T0)).contains("Denied by <@U0BOB>: change freeze").doesNotContain("jit-approve");
        }
    }

    @Nested
    class Words {

        final Replies replies = new Replies(MutableClock.at("2026-11-25T14:10:00Z"));

        @Test
        void refusal_pointsAtTheSlashCommand_andEscapesPlaceholders() {
            String text = replies.render(new Outcome.Refused(dev.jitbot.core.domain.Refusal.Reason.INVALID_INPUT,
                    "Write it as `request <role> on <scope>`; `list` shows yours."));
            assertThat(text).contains("`/jit request &lt;role&gt; on &lt;scope&gt;`").contains("`/jit list`");
        }

        @Test
        void failure_givesAnEventIdAndNeverTheExceptionText() {
            String text = replies.failure("approve JIT-7K3F", new IllegalStateException("xoxb-secret token leaked"));
            assertThat(text).containsPattern("event id `E[0-9A-F]{8}`").doesNotContain("xoxb").doesNotContain("Exception");
        }

        @Test
        void activating_afterTheLastApproval_tellsTheApproverWhoHearsWhenAzureConfirms() {
            AccessRequest approved = pending().withVote(new Vote(BOB, Vote.Decision.APPROVE, T0, null))
                    .to(State.ACTIVATING);
            assertThat(replies.render(new Outcome.Activating(approved))).isEqualTo(":white_check_mark: Approved: Azure "
                    + "is granting Contributor on rg-payments (`JIT-7K3F`) now; I'll message Alice when it's theirs.");
        }

        @Test
        void activating_whenAutoApproved_tellsTheRequesterTheClockStartsWhenItIsTheirs() {
            AccessRequest auto = AccessRequest.pending(RequestId.parse("JIT-7K3H").orThrow(), ALICE,
                    new Principal("9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", PrincipalType.USER, "Alice"),
                    new RoleRef("Reader", null), TestPolicies.SUB_PROD, "sub-prod", Duration.ofHours(1), "metrics",
                    null, "read production", 0, T0, T0.plusSeconds(1800)).to(State.ACTIVATING);
            assertThat(replies.render(new Outcome.Activating(auto))).isEqualTo(":white_check_mark: Approved by the "
                    + "rule: Azure is granting Reader on sub-prod (`JIT-7K3H`) now; I'll message you when it's yours; "
                    + "the 1 h run from then.");
        }

        @Test
        void revoking_saysWhoHearsWhenAzureHasRemovedIt() {
            AccessRequest released = active().to(State.REVOKING).withEnd(T0.plusSeconds(600), EndReason.RELEASED,
                    ALICE, null);
            AccessRequest revoked = active().to(State.REVOKING).withEnd(T0.plusSeconds(600), EndReason.REVOKED,
                    TestPolicies.CAROL, "done");
            assertThat(replies.render(new Outcome.Revoking(released))).isEqualTo(":hourglass: Revoking Contributor "
                    + "on rg-payments (`JIT-7K3F`) now; the card and a message to you confirm when Azure has removed it.");
            assertThat(replies.render(new Outcome.Revoking(revoked))).endsWith("the card confirms when Azure has "
                    + "removed it, and Alice gets a message.").doesNotContain("not confirmed");
        }

        @Test
        void failure_ofTheStore_saysNothingChangedAndToTryAgain_withoutTheSqlDetail() {
            String text = replies.failure("/jit request", new dev.jitbot.core.app.StoreException(
                    "commit failed: Connection refused (SQLState 08001)", new java.sql.SQLException("refused")));
            assertThat(text).startsWith(":warning: jitbot cannot reach its database right now; nothing was changed — "
                    + "try again in a minute.").containsPattern("event id `E[0-9A-F]{8}`").doesNotContain("SQLState");
        }
    }

    @Nested
    class BlastRadiusLine {

        AccessRequest asking(String role, dev.jitbot.core.domain.AzureScope scope, String rule) {
            return AccessRequest.pending(RequestId.parse("JIT-8M4G").orThrow(), ALICE,
                    new Principal("9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d", PrincipalType.USER, "Alice"),
                    new RoleRef(role, null), scope, "sub-prod", Duration.ofMinutes(30), "INC-1 outage", "INC-1",
                    rule, 1, T0, T0.plusSeconds(1800));
        }

        String card(AccessRequest r) {
            var radii = dev.jitbot.core.app.BlastRadii.offline(TestPolicies::design, new MutableClock(T0));
            return GsonFactory.createSnakeCase().toJson(Cards.card(r, T0, radii.of(r)));
        }

        @Test
        void owner_cardSaysItCanChangeWhoHasAccess_onAWholeSubscription() {
            assertThat(card(asking("Owner", TestPolicies.SUB_PROD, "own the subscription")))
                    .contains("jit-blast", "can change who has access", "all actions (`*`)", "on a whole subscription");
        }

        @Test
        void reader_cardShowsNoneOfTheRiskyLines() {
            assertThat(card(asking("Reader", TestPolicies.SUB_PROD, "read production")))
                    .contains("read-only")
                    .doesNotContain("can change who has access", "Key Vault", "all actions", "listKeys");
        }
    }
}
