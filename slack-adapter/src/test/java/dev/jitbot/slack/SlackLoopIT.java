package dev.jitbot.slack;

import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.BOB;
import static dev.jitbot.core.testing.TestPolicies.CAROL;
import static dev.jitbot.core.testing.TestPolicies.DAVE;
import static dev.jitbot.core.testing.TestPolicies.ERIN;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.gson.JsonObject;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.MessageRef;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.TestPolicies;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The Slack face over real HTTP: slash command, card, buttons, expiry, forged requests, modals and App Home. */
class SlackLoopIT {

    SlackRig rig;
    /** The answer the last {@link #requestContributor} got in its ack. */
    String requestAck;

    @BeforeEach
    void start() throws Exception {
        rig = new SlackRig();
    }

    @AfterEach
    void stop() throws Exception {
        rig.close();
    }

    @AfterAll
    static void reportAckLatency() {
        List<Long> ms = new ArrayList<>(SlackRig.ACK_MILLIS);
        ms.sort(Long::compare);
        if (!ms.isEmpty()) {
            System.out.printf("ACK LATENCY over %d signed requests: median %d ms, max %d ms%n", ms.size(),
                    ms.get(ms.size() / 2), ms.get(ms.size() - 1));
        }
    }

    private AccessRequest requestContributor(String responsePath) throws Exception {
        HttpResponse<String> ack = rig.command(ALICE,
                "request Contributor on rg-payments for 45m because INC-4411 hotfix", responsePath);
        assertThat(ack.statusCode()).isEqualTo(200);
        assertThat(ack.body()).contains("\"response_type\":\"ephemeral\"");
        requestAck = SlackRig.ackText(ack);
        // The card comes from the outbox's workers, after the ack.
        await().atMost(Duration.ofSeconds(10)).until(() -> !rig.inState(State.PENDING).isEmpty()
                && !rig.store.messages(rig.inState(State.PENDING).get(0).id()).isEmpty());
        return rig.inState(State.PENDING).get(0);
    }

    private MessageRef card(AccessRequest r) {
        return rig.store.messages(r.id()).stream().filter(m -> MessageRef.CARD.equals(m.kind())).findFirst()
                .orElseThrow();
    }

    private List<Map<String, String>> updatesOf(MessageRef card) {
        return rig.calls("chat.update").stream().filter(u -> card.messageId().equals(u.get("ts"))).toList();
    }

    @Nested
    class WholeLoop {

        @Test
        void request_approve_expire_updatesTheCardThreadAndRequesterAtEachStep() throws Exception {
            AccessRequest pending = requestContributor("loop");

            Map<String, String> posted = rig.calls("chat.postMessage").stream()
                    .filter(c -> "C0APPROVALS".equals(c.get("channel"))).findFirst().orElseThrow();
            assertThat(posted.get("blocks")).contains("Contributor").contains("rg-payments").contains("45 min")
                    .contains("INC-4411 hotfix").contains("0 of 1").contains("\"action_id\":\"jit-approve\"")
                    .contains("\"action_id\":\"jit-deny\"").contains("<@U0ALICE>");
            assertThat(requestAck).contains("Requested Contributor on rg-payments").contains(pending.id().value());
            assertThat(rig.responses("loop")).isEmpty();

            MessageRef card = card(pending);
            HttpResponse<String> click = rig.click(BOB, Cards.APPROVE, pending.id().value(), "loop-approve",
                    card.messageId());
            assertThat(click.statusCode()).isEqualTo(200);

            await().until(() -> !rig.responses("loop-approve").isEmpty());
            assertThat(rig.responses("loop-approve").get(0).get("text").getAsString())
                    .contains("Approved: Azure is granting Contributor on rg-payments").contains("message Alice");
            await().atMost(Duration.ofSeconds(10)).until(() -> !rig.inState(State.ACTIVE).isEmpty());
            assertThat(rig.provider.grants).containsExactly(pending.id());
            await().until(() -> updatesOf(card).stream().anyMatch(u -> u.get("blocks").contains("Active until 14:45 UTC")));
            Map<String, String> active = updatesOf(card).get(updatesOf(card).size() - 1);
            assertThat(active.get("channel")).isEqualTo("C0APPROVALS");
            assertThat(active.get("blocks")).contains("Approved by <@U0BOB>").contains("\"action_id\":\"jit-revoke\"")
                    .doesNotContain("jit-approve");
            await().until(() -> dmsTo("U0ALICE").stream().anyMatch(t -> t.contains("is yours until 14:45 UTC")
                    && t.endsWith("Release early with `/jit release " + pending.id() + "`.")));

            rig.advance(Duration.ofMinutes(46));
            rig.scheduler.runDue();

            await().until(() -> rig.store.find(pending.id()).orElseThrow().state() == State.ENDED);
            assertThat(rig.provider.revokes).containsExactly(pending.id());
            await().until(() -> updatesOf(card).stream().anyMatch(u -> u.get("blocks").contains("Ended")));
            Map<String, String> ended = updatesOf(card).get(updatesOf(card).size() - 1);
            assertThat(ended.get("blocks")).contains("expired").doesNotContain("jit-revoke");
            await().until(() -> rig.calls("chat.postMessage").stream()
                    .anyMatch(c -> card.messageId().equals(c.get("thread_ts")) && c.get("text").contains("expired")));
            await().until(() -> dmsTo("U0ALICE").stream().anyMatch(t -> t.contains("revoked at 14:46")));
        }

        @Test
        void anApprovalShortOfQuorum_andARevocation_mentionTheApproverInTheDmAndTheThread() throws Exception {
            HttpResponse<String> ack = rig.command(BOB, "request Owner on sub-prod for 20m because INC-4411 outage",
                    "owner");
            assertThat(ack.statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10)).until(() -> !rig.inState(State.PENDING).isEmpty()
                    && !rig.store.messages(rig.inState(State.PENDING).get(0).id()).isEmpty());
            AccessRequest pending = rig.inState(State.PENDING).get(0);
            MessageRef card = card(pending);

            rig.click(CAROL, Cards.APPROVE, pending.id().value(), "owner-approve", card.messageId());

            await().atMost(Duration.ofSeconds(10)).until(() -> dmsTo("U0BOB").stream()
                    .anyMatch(t -> t.contains("approvals so far")));
            assertThat(dmsTo("U0BOB")).filteredOn(t -> t.contains("approvals so far")).singleElement().isEqualTo(
                    "<@U0CAROL> approved Owner on sub-prod (" + pending.id() + "): 1 of 2 approvals so far.");

            rig.click(DAVE, Cards.APPROVE, pending.id().value(), "owner-approve-2", card.messageId());
            await().atMost(Duration.ofSeconds(10)).until(() -> !rig.inState(State.ACTIVE).isEmpty());
            rig.command(CAROL, "revoke " + pending.id() + " done with it", "owner-revoke");

            await().atMost(Duration.ofSeconds(10)).until(() -> rig.calls("chat.postMessage").stream()
                    .anyMatch(c -> card.messageId().equals(c.get("thread_ts"))));
            assertThat(rig.calls("chat.postMessage")).filteredOn(c -> card.messageId().equals(c.get("thread_ts")))
                    .singleElement().satisfies(c -> assertThat(c.get("text")).contains("revoked by <@U0CAROL>: done "
                            + "with it (" + pending.id() + ")").doesNotContain("by Carol"));
            await().until(() -> dmsTo("U0BOB").stream().anyMatch(t -> t.contains("revoked by <@U0CAROL>")));
        }

        private List<String> dmsTo(String user) {
            return rig.calls("chat.postMessage").stream().filter(c -> user.equals(c.get("channel")))
                    .map(c -> c.get("text")).toList();
        }
    }

    @Nested
    class Signatures {

        @Test
        void forgedSignature_is401_changesNothing_andIsAudited() throws Exception {
            String body = SlackRig.form("command", "/jit", "text",
                    "request Contributor on rg-payments for 45m because x", "user_id", "U0ALICE", "response_url",
                    rig.responseUrl("forged"), "trigger_id", "1.2.3");
            HttpResponse<String> r = rig.send(body, SlackRig.nowSeconds(),
                    (ts, b) -> "v0=" + "0".repeat(64), "application/x-www-form-urlencoded");

            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(rejections()).singleElement().satisfies(e -> {
                assertThat(e.platform()).isEqualTo(dev.jitbot.core.domain.Platform.SLACK);
                assertThat(e.details()).contains("signature does not match");
            });
            Thread.sleep(300);
            assertThat(rig.store.findByState(List.of(State.values()))).isEmpty();
            assertThat(rig.calls("chat.postMessage")).isEmpty();
            assertThat(rig.responses("forged")).isEmpty();
        }

        @Test
        void timestampOlderThanFiveMinutes_is401_evenWhenSignedWithTheRightSecret() throws Exception {
            String body = SlackRig.form("command", "/jit", "text",
                    "request Contributor on rg-payments for 45m because x", "user_id", "U0ALICE", "response_url",
                    rig.responseUrl("stale"), "trigger_id", "1.2.3");
            HttpResponse<String> r = rig.send(body, SlackRig.nowSeconds() - 6 * 60, SlackRig::sign,
                    "application/x-www-form-urlencoded");

            assertThat(r.statusCode()).isEqualTo(401);
            assertThat(rejections()).singleElement().satisfies(e -> assertThat(e.details()).contains("s old"));
            Thread.sleep(300);
            assertThat(rig.store.findByState(List.of(State.values()))).isEmpty();
            assertThat(rig.responses("stale")).isEmpty();
        }

        @Test
        void signedButUndecodableBody_is400AndChangesNothing() throws Exception {
            String body = "command=%2Fjit&text=%ZZ&user_id=U0ALICE&trigger_id=1.2.3";
            HttpResponse<String> r = rig.send(body, SlackRig.nowSeconds(), SlackRig::sign,
                    "application/x-www-form-urlencoded");

            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).doesNotContain("Exception").doesNotContain("at com.");
            assertThat(rig.store.findByState(List.of(State.values()))).isEmpty();
        }

        @Test
        void forgedSignature_whileSlackIsUnreachable_isStill401() throws Exception {
            SlackRig down = new SlackRig(null, null, true);
            try {
                String body = SlackRig.form("command", "/jit", "text", "list", "user_id", "U0ALICE", "response_url",
                        down.responseUrl("forged-down"), "trigger_id", "1.2.3");
                HttpResponse<String> r = down.send(body, SlackRig.nowSeconds(),
                        (ts, b) -> "v0=" + "0".repeat(64), "application/x-www-form-urlencoded");

                assertThat(r.statusCode()).isEqualTo(401);
                assertThat(down.audit.all()).extracting(AuditEvent::action).containsExactly("rejected-request");
            } finally {
                down.close();
            }
        }

        private List<AuditEvent> rejections() {
            return rig.audit.all().stream().filter(e -> e.action().equals("rejected-request")).toList();
        }
    }

    @Nested
    class Transport {

        @Test
        void urlVerification_isAnsweredWithTheChallenge_soTheManifestsEventUrlCanBeSaved() throws Exception {
            String json = "{\"token\":\"gIkuvaNzQIHg97ATvDxqgjtO\",\"challenge\":\"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P\","
                    + "\"type\":\"url_verification\"}";
            HttpResponse<String> r = rig.send(json, SlackRig.nowSeconds(), SlackRig::sign, "application/json");
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
        }

        @Test
        void usersInfo_isCachedForAWhile_thenAskedAgain() throws Exception {
            rig.command(ALICE, "list", "cache-1");
            rig.command(ALICE, "list mine", "cache-2");
            assertThat(rig.calls("users.info").stream().filter(c -> "U0ALICE".equals(c.get("user")))).hasSize(1);

            rig.clock.advance(SlackUsers.TTL.plusMinutes(1));
            HttpResponse<String> third = rig.command(ALICE, "list", "cache-3");
            assertThat(rig.calls("users.info").stream().filter(c -> "U0ALICE".equals(c.get("user")))).hasSize(2);
            assertThat(SlackRig.ackText(third)).contains("no active grants");
        }

        @Test
        void help_answersWithTheSharedGrammarWrittenForSlash() throws Exception {
            HttpResponse<String> ack = rig.command(ALICE, "help", "help");
            assertThat(SlackRig.ackText(ack))
                    .contains("`/jit request &lt;role&gt; on &lt;scope&gt;").contains("`/jit list [mine|all]`")
                    .contains("`/jit` alone opens a form");
        }
    }

    @Nested
    class Buttons {

        @Test
        void selfApproval_getsAnEphemeralRefusal_andLeavesCardAndStateAlone() throws Exception {
            AccessRequest pending = requestContributor("self");
            MessageRef card = card(pending);

            rig.click(ALICE, Cards.APPROVE, pending.id().value(), "self-click", card.messageId());

            await().until(() -> !rig.responses("self-click").isEmpty());
            JsonObject reply = rig.responses("self-click").get(0);
            assertThat(reply.get("response_type").getAsString()).isEqualTo("ephemeral");
            assertThat(reply.get("replace_original").getAsBoolean()).isFalse();
            assertThat(reply.get("text").getAsString()).contains("You cannot approve your own request");
            assertThat(rig.store.find(pending.id()).orElseThrow().state()).isEqualTo(State.PENDING);
            assertThat(rig.store.find(pending.id()).orElseThrow().votes()).isEmpty();
            assertThat(updatesOf(card)).isEmpty();
            assertThat(rig.provider.grants).isEmpty();
        }

        @Test
        void deny_opensAReasonForm_andTheCardShowsTheReason() throws Exception {
            AccessRequest pending = requestContributor("deny");
            MessageRef card = card(pending);

            HttpResponse<String> click = rig.click(BOB, Cards.DENY, pending.id().value(), "deny-click", card.messageId());
            assertThat(click.statusCode()).as(click.body()).isEqualTo(200);
            await().until(() -> !rig.calls("views.open").isEmpty());
            assertThat(rig.calls("views.open").get(0).get("view")).contains("jit-deny-reason")
                    .contains(pending.id().value());

            HttpResponse<String> submitted = rig.submit(BOB, RequestForm.DENY_CALLBACK, pending.id().value(),
                    "{\"reason\":{\"value\":{\"type\":\"plain_text_input\",\"value\":\"not during the change freeze\"}}}");
            assertThat(submitted.statusCode()).isEqualTo(200);
            assertThat(submitted.body()).doesNotContain("errors");

            assertThat(rig.store.find(pending.id()).orElseThrow().state()).isEqualTo(State.DENIED);
            await().until(() -> updatesOf(card).stream().anyMatch(u -> u.get("blocks")
                    .contains("Denied by <@U0BOB>: not during the change freeze")));
            assertThat(updatesOf(card).get(updatesOf(card).size() - 1).get("blocks")).doesNotContain("jit-approve");
        }

        @Test
        void revokeByOncall_endsTheGrantNow_andTheThreadSaysWhoRevoked() throws Exception {
            AccessRequest pending = requestContributor("revoke");
            MessageRef card = card(pending);
            rig.click(BOB, Cards.APPROVE, pending.id().value(), "revoke-approve", card.messageId());
            await().until(() -> !rig.inState(State.ACTIVE).isEmpty());

            rig.click(CAROL, Cards.REVOKE, pending.id().value(), "revoke-click", card.messageId());

            await().until(() -> rig.store.find(pending.id()).orElseThrow().state() == State.ENDED);
            assertThat(rig.provider.revokes).containsExactly(pending.id());
            await().until(() -> rig.calls("chat.postMessage").stream().anyMatch(c -> card.messageId()
                    .equals(c.get("thread_ts")) && c.get("text").contains("revoked by <@U0CAROL>")));
            await().until(() -> updatesOf(card).stream().anyMatch(u -> u.get("blocks")
                    .contains("revoked by <@U0CAROL>")));
            assertThat(rig.responses("revoke-click")).singleElement().satisfies(r -> assertThat(
                    r.get("text").getAsString()).contains("Revoking Contributor on rg-payments")
                    .contains("the card confirms when Azure has removed it, and Alice gets a message"));
        }

        @Test
        void denyWithoutReason_isAFieldError() throws Exception {
            AccessRequest pending = requestContributor("deny-empty");
            HttpResponse<String> submitted = rig.submit(BOB, RequestForm.DENY_CALLBACK, pending.id().value(),
                    "{\"reason\":{\"value\":{\"type\":\"plain_text_input\",\"value\":\"  \"}}}");
            assertThat(submitted.body()).contains("\"response_action\":\"errors\"").contains("\"reason\"");
            assertThat(rig.store.find(pending.id()).orElseThrow().state()).isEqualTo(State.PENDING);
        }
    }

    @Nested
    class Mentions {

        @Test
        void aMentionInHistory_reachesTheCoreAsThatPerson_andFindsTheirEvents() throws Exception {
            // The core reads no Slack markup: the adapter wrote <@U0ALICE|alice> as the name the audit log keeps for
            // Alice (her email, from users.info), so it is her own history, with her events in it.
            SlackRig.ackText(rig.command(ALICE, "request Contributor on rg-payments for 45m because INC-4411 hotfix",
                    "filed"));
            String own = SlackRig.ackText(rig.command(ALICE, "history <@U0ALICE|alice>", "own"));
            String other = SlackRig.ackText(rig.command(ALICE, "history <@U0BOB|bob>", "other"));

            assertThat(own).doesNotContain("Only on-call").doesNotContain("No audit events")
                    .contains("alice@contoso.com").contains("requested");
            assertThat(other).contains("Only on-call can read someone else's history").contains("`/jit history`");
        }

        @Test
        void aMentionInAReason_isThePersonsOwnWords_andStaysAsWritten() throws Exception {
            String ack = SlackRig.ackText(rig.command(ALICE,
                    "request Contributor on rg-payments for 45m because <@U0BOB|bob> asked for INC-4411", "reason"));

            assertThat(ack).doesNotContain("slack:U0BOB").doesNotContain("bob@contoso.com");
            assertThat(rig.store.findByState(List.of(State.values())))
                    .anySatisfy(r -> assertThat(r.justification()).isEqualTo("<@U0BOB|bob> asked for INC-4411"));
        }
    }

    @Nested
    class MalformedCommands {

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', value = {
                "frobnicate JIT-7K3F | I don't know `frobnicate` | request Contributor on rg-payments for 45m",
                "request Contributor on rg-payments because hotfix | Say how long you need it with `for &lt;duration&gt;` | request Contributor on rg-payments for 45m",
                "request Contributor on rg-payments for 45 parsecs because hotfix | is not a duration | request Contributor on rg-payments for 45m",
                "request Janitor on rg-payments for 45m because hotfix | No rule in the policy grants the role `Janitor` | request Contributor on rg-payments for 45m",
                "request Contributor on rg-nowhere for 45m because hotfix | `rg-nowhere` is neither a scope alias nor an ARM id | `rg-payments`",
                "request Contributor on /subscriptions/00000000-0000-0000-0000-000000000000 for 45m because hotfix | No rule grants Contributor on | Contributor is granted on: rg-payments",
        })
        void answersEphemerally_namingTheProblem_withAValidExample(String text, String problem, String example)
                throws Exception {
            HttpResponse<String> ack = rig.command(ALICE, text, "bad");
            assertThat(ack.statusCode()).isEqualTo(200);

            JsonObject reply = com.google.gson.JsonParser.parseString(ack.body()).getAsJsonObject();
            assertThat(reply.get("response_type").getAsString()).isEqualTo("ephemeral");
            assertThat(reply.get("text").getAsString()).contains(problem).contains(example);
            assertThat(rig.store.findByState(List.of(State.values()))).isEmpty();
        }
    }

    @Nested
    class RequestForm_ {

        @Test
        void jitAlone_opensAFormWithOnlyTheUsersEligibleChoices() throws Exception {
            HttpResponse<String> ack = rig.command(ALICE, "", "form");
            assertThat(SlackRig.ackText(ack)).isEmpty();
            assertThat(rig.calls("views.open")).hasSize(1);
            String view = rig.calls("views.open").get(0).get("view");
            assertThat(view).contains("\"callback_id\":\"jit-request\"").contains("Contributor|rg-payments")
                    .contains("Reader|sub-prod").doesNotContain("Owner|")
                    .contains("\"value\":\"8h\"}]");
            assertThat(rig.calls("views.open").get(0).get("trigger_id")).isEqualTo("13345224609.738474920.8088930838d88f008e0");
        }

        @Test
        void jitAlone_forSomeoneWithNoRule_saysSoInsteadOfAnEmptyForm() throws Exception {
            HttpResponse<String> ack = rig.command(ERIN, "", "erin");
            assertThat(SlackRig.ackText(ack)).contains("request nothing yet");
            assertThat(rig.calls("views.open")).isEmpty();
        }

        @Test
        void submissionWithoutAReason_getsTheFormsErrorUnderIt_andFilesNothing() throws Exception {
            JsonObject errors = errors(ownerForm("2h", "", "CHG-1"));

            assertThat(errors.keySet()).containsExactly("justification");
            assertThat(rig.store.findByState(List.of(State.values()))).isEmpty();
        }

        @Test
        void submissionTheCoreRefuses_showsTheCoresSentenceUnderTheFieldItNames() throws Exception {
            JsonObject tooLong = errors(ownerForm("2h", "INC-77 outage", ""));
            assertThat(tooLong.keySet()).containsExactly("duration");
            assertThat(tooLong.get("duration").getAsString()).contains("at most 30 min")
                    .doesNotContain("`");

            JsonObject badTicket = errors(ownerForm("30m", "outage", "CHG-1"));
            assertThat(badTicket.keySet()).containsExactly("ticket");
            assertThat(badTicket.get("ticket").getAsString()).contains("CHG-1").contains("INC-\\d+")
                    .contains("ticket INC-1234");

            assertThat(rig.store.findByState(List.of(State.values()))).isEmpty();
        }

        @Test
        void submissionWithAStartTheFormCannotRead_saysHowToWriteOneUnderStarting_inPlainWords() throws Exception {
            JsonObject errors = errors(rig.submit(ALICE, RequestForm.CALLBACK, null, "{"
                    + "\"offer\":{\"value\":{\"type\":\"static_select\",\"selected_option\":{\"value\":\"Contributor|rg-payments\"}}},"
                    + "\"duration\":{\"value\":{\"type\":\"static_select\",\"selected_option\":{\"value\":\"1h\"}}},"
                    + "\"start\":{\"value\":{\"type\":\"plain_text_input\",\"value\":\"after lunch\"}},"
                    + "\"justification\":{\"value\":{\"type\":\"plain_text_input\",\"value\":\"migration\"}}}"));

            assertThat(errors.keySet()).containsExactly("start");
            assertThat(errors.get("start").getAsString()).contains("after lunch").contains("tomorrow 09:00")
                    .doesNotContain("`").doesNotContain("from");
            assertThat(rig.store.findByState(List.of(State.values()))).isEmpty();
        }

        @Test
        void ticketWrittenInTheReason_isEnoughWithoutTheTicketField() throws Exception {
            HttpResponse<String> r = ownerForm("30m", "INC-77 outage", "");

            assertThat(r.body()).doesNotContain("errors");
            await().until(() -> !rig.inState(State.PENDING).isEmpty());
            assertThat(rig.inState(State.PENDING).get(0).ticket()).isEqualTo("INC-77");
        }

        private HttpResponse<String> ownerForm(String duration, String why, String ticket) throws Exception {
            return rig.submit(BOB, RequestForm.CALLBACK, null, "{"
                    + "\"offer\":{\"value\":{\"type\":\"static_select\",\"selected_option\":{\"value\":\"Owner|sub-prod\","
                    + "\"text\":{\"type\":\"plain_text\",\"text\":\"Owner\"}}}},"
                    + "\"duration\":{\"value\":{\"type\":\"static_select\",\"selected_option\":{\"value\":\"" + duration
                    + "\",\"text\":{\"type\":\"plain_text\",\"text\":\"" + duration + "\"}}}},"
                    + "\"justification\":{\"value\":{\"type\":\"plain_text_input\",\"value\":\"" + why + "\"}},"
                    + "\"ticket\":{\"value\":{\"type\":\"plain_text_input\",\"value\":\"" + ticket + "\"}}}");
        }

        private JsonObject errors(HttpResponse<String> r) {
            assertThat(r.statusCode()).isEqualTo(200);
            JsonObject body = com.google.gson.JsonParser.parseString(r.body()).getAsJsonObject();
            assertThat(body.get("response_action").getAsString()).isEqualTo("errors");
            return body.getAsJsonObject("errors");
        }

        @Test
        void validSubmission_filesTheRequestAndDmsTheReceipt() throws Exception {
            HttpResponse<String> r = rig.submit(ALICE, RequestForm.CALLBACK, null, "{"
                    + "\"offer\":{\"value\":{\"type\":\"static_select\",\"selected_option\":{\"value\":\"Contributor|rg-payments\"}}},"
                    + "\"duration\":{\"value\":{\"type\":\"static_select\",\"selected_option\":{\"value\":\"1h\"}}},"
                    + "\"justification\":{\"value\":{\"type\":\"plain_text_input\",\"value\":\"rotate the queue keys\"}},"
                    + "\"principal\":{\"value\":{\"type\":\"static_select\",\"selected_option\":{\"value\":\"-myself-\"}}}}");

            assertThat(r.body()).doesNotContain("errors");
            await().until(() -> !rig.inState(State.PENDING).isEmpty());
            AccessRequest filed = rig.inState(State.PENDING).get(0);
            assertThat(filed.label()).isEqualTo("Contributor on rg-payments");
            assertThat(filed.duration()).isEqualTo(Duration.ofHours(1));
            await().until(() -> rig.calls("chat.postMessage").stream().anyMatch(c -> "U0ALICE".equals(c.get("channel"))
                    && c.get("text").contains(filed.id().value())));
        }
    }

    @Nested
    class FormReceipt {

        @Test
        void validSubmission_dmsTheRequesterOnce_notTheCoresReceiptAndAnEchoOfIt() throws Exception {
            rig.submit(ALICE, RequestForm.CALLBACK, null, "{"
                    + "\"offer\":{\"value\":{\"type\":\"static_select\",\"selected_option\":{\"value\":\"Contributor|rg-payments\"}}},"
                    + "\"duration\":{\"value\":{\"type\":\"static_select\",\"selected_option\":{\"value\":\"1h\"}}},"
                    + "\"justification\":{\"value\":{\"type\":\"plain_text_input\",\"value\":\"rotate the queue keys\"}}}");

            await().until(() -> !rig.inState(State.PENDING).isEmpty());
            String id = rig.inState(State.PENDING).get(0).id().value();
            // Both DMs, when sent, leave within a few milliseconds of each other on the same channel queue.
            await().during(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(5)).until(() -> rig.calls("chat.postMessage")
                    .stream().filter(c -> "U0ALICE".equals(c.get("channel")) && c.get("text").contains(id)).count() == 1);
        }
    }

    @Nested
    class AppHome {

        @Test
        void oncall_seesEveryOpenRequestWithButtons_andRequesterSeesTheirOwn() throws Exception {
            AccessRequest pending = requestContributor("home");

            assertThat(rig.homeOpened(CAROL).statusCode()).isEqualTo(200);
            await().until(() -> rig.calls("views.publish").stream().anyMatch(c -> "U0CAROL".equals(c.get("user_id"))));
            String carol = rig.calls("views.publish").stream().filter(c -> "U0CAROL".equals(c.get("user_id")))
                    .findFirst().orElseThrow().get("view");
            assertThat(carol).contains("Waiting for your approval").contains("On-call: everything open")
                    .contains(pending.id().value()).contains("jit-approve");

            rig.homeOpened(ALICE);
            await().until(() -> rig.calls("views.publish").stream().anyMatch(c -> "U0ALICE".equals(c.get("user_id"))));
            String alice = rig.calls("views.publish").stream().filter(c -> "U0ALICE".equals(c.get("user_id")))
                    .findFirst().orElseThrow().get("view");
            assertThat(alice).contains("Your access").contains(pending.id().value()).contains("jit-cancel")
                    .doesNotContain("On-call");
        }

        @Test
        void oncallWhoApprovesNothing_stopsAPendingRequestFromHome() throws Exception {
            rig.policy.set(TestPolicies.withOncallMembers(rig.policy.get(), "erin@contoso.com"));
            AccessRequest pending = requestContributor("home-stop");

            rig.homeOpened(ERIN);
            await().until(() -> rig.calls("views.publish").stream().anyMatch(c -> "U0ERIN".equals(c.get("user_id"))));
            String erin = rig.calls("views.publish").stream().filter(c -> "U0ERIN".equals(c.get("user_id")))
                    .findFirst().orElseThrow().get("view");
            assertThat(erin).contains("On-call: everything open").contains("all-revoke-" + pending.id())
                    .contains("\"action_id\":\"jit-revoke\"")
                    .contains("\"text\":\"" + dev.jitbot.core.app.Permissions.Action.STOP_PENDING.label() + "\"")
                    .doesNotContain("jit-approve");

            rig.click(ERIN, Cards.REVOKE, pending.id().value(), null, null);

            await().until(() -> rig.store.find(pending.id()).orElseThrow().state() == State.DENIED);
            assertThat(rig.store.find(pending.id()).orElseThrow().endedBy().email()).isEqualTo("erin@contoso.com");
            assertThat(rig.provider.grants).isEmpty();
        }

        @Test
        void releaseFromHome_endsTheGrantAndRedrawsHome() throws Exception {
            AccessRequest pending = requestContributor("home-release");
            rig.click(BOB, Cards.APPROVE, pending.id().value(), "home-approve", card(pending).messageId());
            await().until(() -> !rig.inState(State.ACTIVE).isEmpty());

            rig.click(ALICE, Cards.RELEASE, pending.id().value(), null, null);

            await().until(() -> rig.store.find(pending.id()).orElseThrow().state() == State.ENDED);
            await().until(() -> rig.calls("views.publish").stream().anyMatch(c -> "U0ALICE".equals(c.get("user_id"))));
            assertThat(rig.store.find(pending.id()).orElseThrow().endReason())
                    .isEqualTo(dev.jitbot.core.domain.EndReason.RELEASED);
        }
    }
}
