package dev.jitbot.teams;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.testing.CoreHarness;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class CardsTest {

    final CoreHarness core = new CoreHarness();

    AccessRequest pending() {
        Outcome o = core.service.handle(TestPolicies.ALICE, "request Contributor on rg-payments for 45m because INC-4411 hotfix");
        return ((Outcome.Requested) o).request();
    }

    @Test
    void bundleCard_namesTheBundleAndListsEveryMemberAsAFact() {
        core.policy.set(TestPolicies.withBundle(core.policy.get()));
        Outcome o = core.service.handle(TestPolicies.ALICE,
                "request bundle incident-payments for 1h because INC-7 payments down");
        AccessRequest r = ((Outcome.Requested) o).request();

        ObjectNode card = Cards.request(r, List.of(), Cards.View.STATUS, core.clock.instant());

        assertThat(card.toString()).contains("bundle incident-payments (Contributor on rg-payments, Reader on "
                + "sub-prod) for 1 h")
                .contains("{\"title\":\"Contributor\",\"value\":\"rg-payments " + TestPolicies.RG_PAYMENTS.id() + "\"}")
                .contains("{\"title\":\"Reader\",\"value\":\"sub-prod " + TestPolicies.SUB_PROD.id() + "\"}")
                .doesNotContain("\"title\":\"Scope\"").doesNotContain("`");
    }

    @Nested
    class SharedCard {

        @Test
        void pending_withKnownApprovers_showsStatusAndAsksTeamsToRefreshForThem() {
            ObjectNode card = Cards.request(pending(), List.of("29:bob", "29:carol"), Cards.View.STATUS,
                    core.clock.instant());

            assertThat(card.path("type").asText()).isEqualTo("AdaptiveCard");
            assertThat(card.path("version").asText()).isEqualTo("1.5");
            assertThat(card.at("/refresh/action/type").asText()).isEqualTo("Action.Execute");
            assertThat(card.at("/refresh/userIds").toString()).isEqualTo("[\"29:bob\",\"29:carol\"]");
            assertThat(card.has("actions")).isFalse();
            assertThat(card.toString()).contains("Waiting for 1 more approval; lapses at 10:30 UTC.")
                    .contains("INC-4411 hotfix").contains("Alice").contains("or can write approve JIT-").doesNotContain("`");
        }

        @Test
        void refreshList_isCappedAtWhatTeamsRefreshesAutomatically() {
            List<String> many = java.util.stream.IntStream.range(0, 80).mapToObj(i -> "29:u" + i).toList();

            ObjectNode card = Cards.request(pending(), many, Cards.View.STATUS, core.clock.instant());

            assertThat(card.at("/refresh/userIds").size()).isEqualTo(Cards.MAX_REFRESH_USERS);
        }

        @Test
        void finishedRequest_hasNoRefreshAndNoButtons() {
            AccessRequest r = pending();
            core.service.deny(TestPolicies.BOB, r.id(), "not now");
            AccessRequest denied = core.store.find(r.id()).orElseThrow();

            ObjectNode card = Cards.request(denied, List.of("29:bob"),
                    new Cards.View(core.service.actionsFor(TestPolicies.BOB, denied), null, false), core.clock.instant());

            assertThat(card.has("refresh")).isFalse();
            assertThat(card.has("actions")).isFalse();
            assertThat(card.toString()).contains("Denied by Bob: not now");
        }
    }

    @Nested
    class ApproverCard {

        @Test
        void pending_offersApproveAndDenyWithAReasonInput() {
            AccessRequest r = pending();
            ObjectNode card = Cards.request(r, List.of(), new Cards.View(core.service.actionsFor(TestPolicies.BOB, r),
                    null, false), core.clock.instant());

            JsonNode actions = card.path("actions");
            assertThat(actions.get(0).path("verb").asText()).isEqualTo("approve");
            assertThat(actions.get(0).at("/data/requestId").asText()).startsWith("JIT-");
            assertThat(actions.get(1).path("type").asText()).isEqualTo("Action.ShowCard");
            assertThat(actions.get(1).at("/card/body/0/type").asText()).isEqualTo("Input.Text");
            assertThat(actions.get(1).at("/card/body/0/id").asText()).isEqualTo("reason");
            assertThat(actions.get(1).at("/card/actions/0/verb").asText()).isEqualTo("deny");
        }

        @Test
        void active_offersRevokeOnly() {
            AccessRequest r = pending();
            core.service.approve(TestPolicies.BOB, r.id());
            AccessRequest active = core.store.find(r.id()).orElseThrow();

            ObjectNode card = Cards.request(active, List.of(),
                    new Cards.View(core.service.actionsFor(TestPolicies.BOB, active), "Approved.", false),
                    core.clock.instant());

            assertThat(card.path("actions").size()).isEqualTo(1);
            assertThat(card.at("/actions/0/verb").asText()).isEqualTo("revoke");
            assertThat(card.at("/body/0/text").asText()).isEqualTo("Approved.");
            assertThat(card.at("/body/0/color").asText()).isEqualTo("Good");
            assertThat(card.toString()).contains("Active until 10:45 UTC (45 min left).");
        }
    }

    @Nested
    class Words_ {

        final Words words = new Words(core.clock);

        @Test
        void failure_showsAnEventIdAndNeverTheException() {
            String said = words.failure("approve it", new IllegalStateException("connection reset by 10.0.0.7"));

            assertThat(said).containsPattern("event id `E[0-9A-F]{8}`").doesNotContain("10.0.0.7")
                    .doesNotContain("IllegalStateException");
        }

        @Test
        void approvalCounted_saysHowManyMoreApproversAreMissing() {
            core.policy.set(TestPolicies.design());
            Outcome o = core.service.handle(TestPolicies.BOB, "request Owner on sub-prod for 30m because INC-77 outage");
            AccessRequest r = ((Outcome.Requested) o).request();

            String said = words.render(core.service.approve(TestPolicies.DAVE, r.id()));

            assertThat(said).contains("1 of 2").contains("1 more, from another approver")
                    .doesNotContain("another approver before");
        }

        @Test
        void requested_isAShortReceipt_notTheSentenceTheCoreAlsoMessages() {
            Outcome o = core.service.handle(TestPolicies.ALICE,
                    "request Contributor on rg-payments for 45m because INC-4411 hotfix");
            AccessRequest r = ((Outcome.Requested) o).request();

            String said = words.render(o);

            assertThat(said).isEqualTo("Filed as " + r.id() + ": I asked the approvers in the approvals channel, and "
                    + "I'll message you at each step. Cancel with `cancel " + r.id() + "`.");
            assertThat(said).isNotEqualTo(TeamsText.markdown(dev.jitbot.core.app.Phrases.awaiting(r)))
                    .doesNotContain("Requested Contributor");
        }

        @Test
        void help_usesTeamsMarkdown() {
            String said = words.render(core.service.handle(TestPolicies.ALICE, "help"));

            assertThat(said).startsWith("**Just-in-time Azure access**").contains("mention me first");
        }

        @Test
        void activatingOnACard_speaksToTheApprover_andSaysWhoHearsWhenAzureConfirms() {
            AccessRequest r = pending();
            Outcome approved = core.service.approve(TestPolicies.BOB, r.id());

            assertThat(words.onCard(approved)).isEqualTo("Approved: Azure is granting Contributor on rg-payments ("
                    + r.id() + ") now; I'll message Alice when it's theirs.");
        }

        @Test
        void activating_whenAutoApproved_speaksToTheRequester() {
            Outcome o = core.service.handle(TestPolicies.ALICE, "request Reader on sub-prod for 1h because audit prep");

            assertThat(words.render(o)).startsWith("Approved by the rule: Azure is granting Reader on sub-prod (")
                    .endsWith(") now; I'll message you when it's yours; the 1 h run from then.");
        }

        @Test
        void revoking_byOncall_saysTheCardConfirmsAndTheRequesterHears() {
            AccessRequest r = pending();
            core.service.approve(TestPolicies.BOB, r.id());
            core.autoDrain(false);
            Outcome o = core.service.revoke(TestPolicies.CAROL, r.id(), "done");

            assertThat(words.render(o)).isEqualTo("Revoking Contributor on rg-payments (`" + r.id() + "`) now; the card "
                    + "confirms when Azure has removed it, and Alice gets a message.");
        }

        @Test
        void failure_ofTheStore_saysNothingChangedAndToTryAgain() {
            String said = words.failure("handle your command", new dev.jitbot.core.app.StoreException(
                    "commit failed: Connection refused (SQLState 08001)", null));

            assertThat(said).startsWith("⚠️ jitbot cannot reach its database right now; nothing was changed — try "
                    + "again in a minute.").containsPattern("event id `E[0-9A-F]{8}`").doesNotContain("SQLState")
                    .doesNotContain(":warning:");
        }
    }

    @Nested
    class CardStyle {

        @Test
        void approverCard_showsIdsAndCommandsWithoutBackticks_inFactsNoticeAndHint() {
            AccessRequest r = pending();
            Outcome approved = core.service.approve(TestPolicies.BOB, r.id());
            AccessRequest now = core.store.find(r.id()).orElseThrow();

            ObjectNode card = Cards.request(now, List.of(), new Cards.View(core.service.actionsFor(TestPolicies.BOB,
                    now), new Words(core.clock).onCard(approved), false), core.clock.instant());

            assertThat(card.at("/body/0/text").asText()).contains("(" + r.id() + ")");
            assertThat(card.toString()).doesNotContain("`");
        }

        @Test
        void reminderAndDigest_showTheCoresCommandsWithoutBackticks() {
            AccessRequest r = pending();
            ObjectNode reminder = Cards.reminder(r, "Ends at 10:45 UTC; keep it with `extend " + r.id() + " 30m`.");
            ObjectNode digest = Cards.digest(new dev.jitbot.core.app.Digest("Scan", List.of(), List.of("a `b` c"),
                    "`jitbot scan` lists every assignment."));

            assertThat(reminder.at("/body/0/text").asText()).isEqualTo("Ends at 10:45 UTC; keep it with extend "
                    + r.id() + " 30m.");
            assertThat(digest.toString()).contains("• a b c").contains("jitbot scan lists every assignment.")
                    .doesNotContain("`");
        }

        @Test
        void chatMessage_keepsCodeInBackticks_becauseTeamsMarkdownRendersIt() {
            AccessRequest r = pending();

            assertThat(new Words(core.clock).render(core.service.approve(TestPolicies.BOB, r.id())))
                    .contains("(`" + r.id() + "`)");
        }
    }

    @Nested
    class LinksFromPeoplesWords {

        @Test
        void justificationWithAMarkdownLink_isShownLiterallyOnTheApproversCard() {
            Outcome o = core.service.handle(TestPolicies.ALICE,
                    "request Contributor on rg-payments for 45m because [Approve](https://evil.example)");
            AccessRequest r = ((Outcome.Requested) o).request();

            String card = Cards.request(r, List.of(), new Cards.View(core.service.actionsFor(TestPolicies.BOB, r),
                    null, false), core.clock.instant()).toString();

            assertThat(card).contains("[Approve]").contains("https://evil.example").doesNotContain("](");
        }

        @Test
        void linkAndImageSyntax_isBroken_everythingElseIsLeftAsItIs() {
            assertThat(TeamsText.unlinked("[Approve](https://evil.example)")).doesNotContain("](")
                    .isEqualTo("[Approve]\u200B(https://evil.example)");
            assertThat(TeamsText.unlinked("![x](https://evil.example/p.png)")).doesNotContain("![", "](");
            assertThat(TeamsText.unlinked("[Approve][1]\n[1]: https://evil.example")).doesNotContain("][", "]:");
            assertThat(TeamsText.unlinked("INC-7 (JIT-7K3F) on rg_payments [prod] ok! *now* a_b"))
                    .isEqualTo("INC-7 (JIT-7K3F) on rg_payments [prod] ok! *now* a_b");
        }

        @Test
        void aNameOrNoteWithALink_isBrokenInChatMessagesToo_butCodeSpansStayAsTheyAre() {
            dev.jitbot.core.domain.Text t = dev.jitbot.core.domain.Text.of().plain("note: [x](https://e.example) ")
                    .emphasis("[y](https://e.example)").plain(" ").code("a](b").done();

            assertThat(TeamsText.markdown(t)).as("inside a code span it is shown literally anyway")
                    .isEqualTo("note: [x]\u200B(https://e.example) **[y]\u200B(https://e.example)** `a](b`");
            assertThat(TeamsText.card(t)).doesNotContain("](").doesNotContain("`");
        }
    }

    @Nested
    class Mentions {

        @Test
        void commandText_dropsTheBotMentionAndHtmlSpaces() {
            assertThat(JitBot.commandText("<at>jitbot</at>&nbsp;list all")).isEqualTo("list all");
            assertThat(JitBot.commandText("  <at id=\"0\">JIT Bot</at> request Reader on sub-prod for 1h because x "))
                    .isEqualTo("request Reader on sub-prod for 1h because x");
            assertThat(JitBot.commandText(null)).isEmpty();
        }

        @Test
        void settingsFromEnvironment_readBotFrameworksNamesAndRejectWhatCannotWork() {
            TeamsModule.Settings s = TeamsModule.Settings.fromEnvironment(java.util.Map.of("MicrosoftAppId", "app",
                    "MicrosoftAppPassword", "pw", "MicrosoftAppTenantId", "contoso.onmicrosoft.com",
                    "JITBOT_TEAMS_AUTHORITY", "http://localhost:8089/"));

            assertThat(s.tenantId()).isEqualTo("contoso.onmicrosoft.com");
            assertThat(s.authority()).isEqualTo("http://localhost:8089/");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> TeamsModule.Settings.fromEnvironment(
                    java.util.Map.of("MicrosoftAppId", "app"))).hasMessageContaining("MicrosoftAppPassword");
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> TeamsModule.Settings.fromEnvironment(
                    java.util.Map.of("JITBOT_TEAMS_OPENID_METADATA", "login.botframework.com")))
                    .hasMessageContaining("JITBOT_TEAMS_OPENID_METADATA must be an http(s) URL");
        }

        @Test
        void settings_neverPrintThePassword() {
            TeamsModule.Settings s = new TeamsModule.Settings("app", "s3cret-value", " ", null, null);

            assertThat(s.toString()).doesNotContain("s3cret-value");
            assertThat(s.tenantId()).isNull();
            assertThat(s.authenticated()).isTrue();
        }
    }

    @Nested
    class BlastRadiusLine {

        AccessRequest asking(String role, String rule) {
            return AccessRequest.pending(dev.jitbot.core.domain.RequestId.parse("JIT-8M4G").orThrow(),
                    TestPolicies.ALICE, new dev.jitbot.core.domain.Principal("9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d",
                            dev.jitbot.core.domain.PrincipalType.USER, "Alice"),
                    dev.jitbot.core.domain.RoleRef.named(role), TestPolicies.SUB_PROD, "sub-prod",
                    Duration.ofMinutes(30), "INC-1 outage", "INC-1", rule, 1, core.clock.instant(),
                    core.clock.instant().plusSeconds(1800));
        }

        String card(AccessRequest r) {
            return Cards.request(r, List.of(), Cards.View.STATUS, core.clock.instant(), core.service.blastRadius(r))
                    .toString();
        }

        @Test
        void owner_cardSaysItCanChangeWhoHasAccess() {
            assertThat(card(asking("Owner", "own the subscription")))
                    .contains("Blast radius: can change who has access", "on a whole subscription");
        }

        @Test
        void contributor_cardNamesTheAzureActionsWithoutBackticks() {
            String card = card(asking("Contributor", "change production"));

            assertThat(card).contains("all actions (*)").doesNotContain("`");
        }

        @Test
        void reader_cardShowsNoneOfTheRiskyLines() {
            assertThat(card(asking("Reader", "read production"))).contains("Blast radius: read-only")
                    .doesNotContain("can change who has access", "Key Vault", "all actions");
        }
    }
}
