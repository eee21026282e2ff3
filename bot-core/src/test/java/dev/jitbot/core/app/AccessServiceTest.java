package dev.jitbot.core.app;

import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.BOB;
import static dev.jitbot.core.testing.TestPolicies.CAROL;
import static dev.jitbot.core.testing.TestPolicies.DAVE;
import static dev.jitbot.core.testing.TestPolicies.ERIN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.EndReason;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Refusal.Reason;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.CoreHarness;
import dev.jitbot.core.testing.FakeDirectory;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class AccessServiceTest {

    private final CoreHarness h = new CoreHarness();

    private AccessRequest requestContributor(String duration) {
        Outcome o = h.service.handle(ALICE, "request Contributor on rg-payments for " + duration + " because INC-4411 hotfix");
        assertThat(o).isInstanceOf(Outcome.Requested.class);
        return ((Outcome.Requested) o).request();
    }

    private AccessRequest current(RequestId id) {
        return h.store.find(id).orElseThrow();
    }

    private static String refusal(Outcome o) {
        assertThat(o).isInstanceOf(Outcome.Refused.class);
        return ((Outcome.Refused) o).message();
    }

    private static Reason reason(Outcome o) {
        assertThat(o).isInstanceOf(Outcome.Refused.class);
        return ((Outcome.Refused) o).refusal().reason();
    }

    @Nested
    class Request {

        @Test
        void request_withOneApprovalRule_staysPendingAndPostsACardToTheApprovalsChannel() {
            AccessRequest r = requestContributor("45m");

            assertThat(r.state()).isEqualTo(State.PENDING);
            assertThat(r.scope()).isEqualTo(TestPolicies.RG_PAYMENTS);
            assertThat(r.scopeLabel()).isEqualTo("rg-payments");
            assertThat(r.duration()).isEqualTo(Duration.ofMinutes(45));
            assertThat(r.principal().objectId()).isEqualTo(FakeDirectory.objectIdOf("alice@contoso.com"));
            assertThat(h.slack.cards).singleElement().satisfies(c -> {
                assertThat(c.ref().channel()).isEqualTo(TestPolicies.SLACK_APPROVALS);
                assertThat(c.state()).isEqualTo(State.PENDING);
            });
            assertThat(h.provider.grants).isEmpty();
            assertThat(h.memoryAudit.actions(r.id())).containsExactly("requested");
            assertThat(h.slack.to("dm:U0ALICE")).singleElement().asString().contains("needs 1 approval");
        }

        @Test
        void request_whenRuleNeedsNoApproval_grantsAtOnce() {
            Outcome o = h.service.handle(ALICE, "/jit request Reader on sub-prod for 2h because looking at logs");

            assertThat(o).isInstanceOf(Outcome.Activating.class);
            AccessRequest filed = ((Outcome.Activating) o).request();
            assertThat(filed.state()).isEqualTo(State.ACTIVATING);
            AccessRequest r = current(filed.id());
            assertThat(r.state()).isEqualTo(State.ACTIVE);
            assertThat(r.expiresAt()).isEqualTo(h.clock.instant().plus(Duration.ofHours(2)));
            assertThat(h.provider.grants).containsExactly(r.id());
            assertThat(h.memoryAudit.actions(r.id())).containsExactly("requested", "approved", "granted");
            assertThat(h.slack.to("dm:U0ALICE")).anySatisfy(t -> assertThat(t).contains("Reader on sub-prod is yours until"));
        }

        @Test
        void request_onResourceGroupCoveredByWildcard_isEligible() {
            Outcome o = h.service.handle(ALICE, "request reader on /subscriptions/" + TestPolicies.SUB
                    + "/resourceGroups/rg-other for 30m because checking");
            assertThat(o).isInstanceOf(Outcome.Activating.class);
            assertThat(((Outcome.Activating) o).request().role().name()).isEqualTo("Reader");
        }

        @Test
        void request_withMalformedScope_refusesNamingTheProblemWithAnExample() {
            String msg = refusal(h.service.handle(ALICE, "request Contributor on /subscriptions/nope for 45m because x"));
            assertThat(msg).contains("/subscriptions/nope").contains("e.g. `/subscriptions/");
        }

        @Test
        void request_withUnknownAlias_listsTheKnownAliases() {
            String msg = refusal(h.service.handle(ALICE, "request Contributor on rg-nope for 45m because x"));
            assertThat(msg).contains("rg-nope").contains("`rg-payments`").contains("`sub-prod`");
        }

        @Test
        void request_withUnknownRole_namesTheRolesThatExist() {
            Outcome o = h.service.handle(ALICE, "request Contributer on rg-payments for 45m because x");
            assertThat(reason(o)).isEqualTo(Reason.UNKNOWN_ROLE);
            assertThat(refusal(o)).contains("Contributer").contains("Reader, Contributor, Owner").contains("request Contributor on");
        }

        @Test
        void request_forScopeNoRuleCovers_refusesAsNotEligible() {
            Outcome o = h.service.handle(ALICE, "request Contributor on sub-prod for 45m because x");
            assertThat(reason(o)).isEqualTo(Reason.NOT_ELIGIBLE);
            assertThat(refusal(o)).contains("No rule grants Contributor on sub-prod").contains("rg-payments");
        }

        @Test
        void request_forRoleGrantedOnlyUnderAWildcard_refusesNamingThePattern() {
            dev.jitbot.core.domain.Policy p = TestPolicies.design();
            java.util.List<dev.jitbot.core.domain.Policy.Rule> rules = new java.util.ArrayList<>(p.rules());
            rules.add(new dev.jitbot.core.domain.Policy.Rule("vaults", dev.jitbot.core.domain.RoleRef.named(
                    "Key Vault Administrator"), java.util.List.of(new dev.jitbot.core.domain.ScopePattern(
                    "/subscriptions/*/resourceGroups/rg-vaults")), java.util.List.of("engineers"),
                    java.util.List.of("leads"), 1, Duration.ofHours(1), Duration.ofMinutes(30), null,
                    java.util.List.of(), java.util.List.of(), 40));
            h.policy.set(new dev.jitbot.core.domain.Policy(p.defaults(), p.scopeAliases(), p.groups(), p.channels(),
                    p.oncallGroup(), rules, p.principals(), p.users()));

            Outcome o = h.service.handle(ALICE, "request Key Vault Administrator on rg-payments for 30m because x");

            assertThat(reason(o)).isEqualTo(Reason.NOT_ELIGIBLE);
            assertThat(refusal(o)).contains("is granted on: /subscriptions/*/resourceGroups/rg-vaults");
        }

        @Test
        void request_overTheMaximum_refusesWithTheMaximum() {
            Outcome o = h.service.handle(ALICE, "request Contributor on rg-payments for 3h because x");
            assertThat(reason(o)).isEqualTo(Reason.OVER_MAX_DURATION);
            assertThat(refusal(o)).contains("at most 2 h").contains("`for 2h`");
            assertThat(h.store.findByState(java.util.EnumSet.allOf(State.class))).isEmpty();
        }

        @Test
        void request_withEmptyJustification_refusesWithAnExample() {
            String msg = refusal(h.service.handle(ALICE, "request Contributor on rg-payments for 45m because   "));
            assertThat(msg).contains("because <reason>").contains("request Contributor on rg-payments for 45m");
        }

        @Test
        void request_withTicketNotMatching_refusesShowingTheFormat() {
            Outcome o = h.service.handle(BOB, "request Owner on sub-prod for 20m because outage ticket CHG-1");
            assertThat(reason(o)).isEqualTo(Reason.TICKET_REQUIRED);
            assertThat(refusal(o)).contains("CHG-1").contains("INC-\\d+").contains("ticket INC-1234");
        }

        @Test
        void request_takesTheTicketFromTheJustificationWhenItMatches() {
            Outcome o = h.service.handle(BOB, "request Owner on sub-prod for 20m because INC-4411 outage");
            assertThat(o).isInstanceOf(Outcome.Requested.class);
            assertThat(((Outcome.Requested) o).request().ticket()).isEqualTo("INC-4411");
        }

        @Test
        void request_byPersonOutsideRequesters_refusesAsNotEligible() {
            Outcome o = h.service.handle(ERIN, "request Contributor on rg-payments for 45m because x");
            assertThat(reason(o)).isEqualTo(Reason.NOT_ELIGIBLE);
            assertThat(refusal(o)).contains("not eligible").contains("engineers");
        }

        @Test
        void request_whenDirectoryHasNoAccount_refusesSayingHowToMapIt() {
            h.directory.without("alice@contoso.com");
            Outcome o = h.service.handle(ALICE, "request Contributor on rg-payments for 45m because x");
            assertThat(reason(o)).isEqualTo(Reason.UNKNOWN_USER);
            assertThat(refusal(o)).contains("alice@contoso.com").contains("policy.yaml");
        }

        @Test
        void request_forPrincipalSomeoneElseOwns_refuses() {
            Outcome o = h.service.handle(BOB, "request Reader on sub-prod for 1h because deploy check as deploy-pipeline");
            assertThat(reason(o)).isEqualTo(Reason.NOT_ELIGIBLE);
            assertThat(refusal(o)).contains("not an owner of `deploy-pipeline`");
        }

        @Test
        void request_whileTheSameGrantIsOpen_refusesAndPointsToExtend() {
            Outcome first = h.service.handle(ALICE, "request Reader on sub-prod for 1h because logs");
            RequestId id = ((Outcome.Activating) first).request().id();
            Outcome again = h.service.handle(ALICE, "request reader on sub-prod for 2h because more logs");
            assertThat(reason(again)).isEqualTo(Reason.WRONG_STATE);
            assertThat(refusal(again)).contains("already has Reader on sub-prod as " + id).contains("extend " + id);
            assertThat(h.provider.grants).hasSize(1);
        }

        @Test
        void request_withUnparseableText_refusesWithTheGrammar() {
            Outcome o = h.service.handle(ALICE, "request Contributor on rg-payments because x");
            assertThat(reason(o)).isEqualTo(Reason.INVALID_INPUT);
            assertThat(refusal(o)).contains("for <duration>");
        }
    }

    @Nested
    class Approve {

        @Test
        void approve_byALead_grantsAndStartsTheClockWhenAzureConfirms() {
            AccessRequest r = requestContributor("45m");
            h.clock.advance(Duration.ofMinutes(3));

            Outcome o = h.service.approve(BOB, r.id());

            assertThat(o).isInstanceOf(Outcome.Activating.class);
            AccessRequest active = current(r.id());
            assertThat(active.state()).isEqualTo(State.ACTIVE);
            assertThat(active.activatedAt()).isEqualTo(h.clock.instant());
            assertThat(active.expiresAt()).isEqualTo(h.clock.instant().plus(Duration.ofMinutes(45)));
            assertThat(h.provider.grants).containsExactly(r.id());
            assertThat(h.slack.lastShown(r.id())).isEqualTo(State.ACTIVE);
            assertThat(h.scheduler.pending()).extracting(j -> j.kind()).contains("expire");
        }

        @Test
        void approve_whenApproverIsRequester_refusesAndGrantsNothing() {
            AccessRequest r = requestContributor("45m");
            Outcome o = h.service.approve(ALICE, r.id());
            assertThat(reason(o)).isEqualTo(Reason.SELF_APPROVAL);
            assertThat(refusal(o)).contains("your own request").contains("leads");
            assertThat(current(r.id()).state()).isEqualTo(State.PENDING);
            assertThat(h.provider.grants).isEmpty();
        }

        @Test
        void approve_byLeadWhoIsAlsoTheRequester_refuses() {
            Outcome req = h.service.handle(BOB, "request Contributor on rg-payments for 45m because x");
            RequestId id = ((Outcome.Requested) req).request().id();
            assertThat(reason(h.service.approve(BOB, id))).isEqualTo(Reason.SELF_APPROVAL);
        }

        @Test
        void approve_byNonApprover_refusesNamingTheApproverGroup() {
            AccessRequest r = requestContributor("45m");
            Outcome o = h.service.handle(ERIN, "approve " + r.id());
            // Erin is in no group and cannot see the request at all: she learns nothing about it.
            assertThat(reason(o)).isEqualTo(Reason.UNKNOWN_REQUEST);
            assertThat(h.provider.grants).isEmpty();
        }

        @Test
        void approve_byEngineerWhoMayNotApprove_refusesAsNotApprover() {
            h.policy.set(withOncall("alice@contoso.com"));
            Outcome req = h.service.handle(CAROL, "request Contributor on rg-payments for 45m because x");
            RequestId id = ((Outcome.Requested) req).request().id();
            Outcome o = h.service.approve(ALICE, id);
            assertThat(reason(o)).isEqualTo(Reason.NOT_APPROVER);
            assertThat(refusal(o)).contains("Only members of leads");
        }

        @Test
        void approve_viaEntraGroupMembership_counts() {
            dev.jitbot.core.domain.ChatUser frank = TestPolicies.slack("U0FRANK", "Frank", "frank@contoso.com");
            h.directory.member(TestPolicies.LEADS_ENTRA_GROUP, "frank@contoso.com");
            AccessRequest r = requestContributor("45m");
            assertThat(h.service.approve(frank, r.id())).isInstanceOf(Outcome.Activating.class);
        }

        @Test
        void approve_twiceBySamePerson_countsOnce() {
            Outcome req = h.service.handle(BOB, "request Owner on sub-prod for 20m because INC-1 outage");
            RequestId id = ((Outcome.Requested) req).request().id();
            assertThat(h.service.approve(CAROL, id)).isInstanceOf(Outcome.Approved.class);
            Outcome again = h.service.approve(CAROL, id);
            assertThat(reason(again)).isEqualTo(Reason.ALREADY_VOTED);
            assertThat(current(id).approvals()).isEqualTo(1);
            assertThat(h.provider.grants).isEmpty();
        }

        @Test
        void approve_withQuorumOfTwo_grantsOnTheSecondDistinctApprover() {
            Outcome req = h.service.handle(BOB, "request Owner on sub-prod for 20m because INC-1 outage");
            RequestId id = ((Outcome.Requested) req).request().id();

            Outcome first = h.service.approve(CAROL, id);
            assertThat(first).isInstanceOf(Outcome.Approved.class);
            assertThat(current(id).state()).isEqualTo(State.PENDING);
            assertThat(h.slack.lastShown(id)).isEqualTo(State.PENDING);
            assertThat(h.slack.to("dm:U0BOB")).last().asString().contains("Carol approved").contains("1 of 2");

            Outcome second = h.service.approve(DAVE, id);
            assertThat(second).isInstanceOf(Outcome.Activating.class);
            assertThat(current(id).approvers()).containsExactly(CAROL, DAVE);
            assertThat(h.provider.grants).containsExactly(id);
        }

        @Test
        void approve_afterDeny_refuses() {
            AccessRequest r = requestContributor("45m");
            h.service.deny(BOB, r.id(), "not during the freeze");
            Outcome o = h.service.approve(DAVE, r.id());
            assertThat(reason(o)).isEqualTo(Reason.WRONG_STATE);
            assertThat(refusal(o)).contains("already denied");
            assertThat(h.provider.grants).isEmpty();
        }

        @Test
        void approve_afterCancel_refuses() {
            AccessRequest r = requestContributor("45m");
            assertThat(h.service.cancel(ALICE, r.id())).isInstanceOf(Outcome.Cancelled.class);
            assertThat(refusal(h.service.approve(BOB, r.id()))).contains("cancelled");
        }

        @Test
        void approve_afterLapse_refuses() {
            AccessRequest r = requestContributor("45m");
            h.advance(Duration.ofMinutes(31));
            assertThat(current(r.id()).state()).isEqualTo(State.LAPSED);
            assertThat(h.slack.to("dm:U0ALICE")).anySatisfy(t -> assertThat(t).contains("lapsed"));
            assertThat(refusal(h.service.approve(BOB, r.id()))).contains("lapsed");
            assertThat(h.provider.grants).isEmpty();
        }

        @Test
        void approve_afterEnd_refuses() {
            AccessRequest r = requestContributor("45m");
            h.service.approve(BOB, r.id());
            h.advance(Duration.ofMinutes(46));
            assertThat(current(r.id()).state()).isEqualTo(State.ENDED);
            assertThat(refusal(h.service.approve(DAVE, r.id()))).contains("already over");
            assertThat(h.provider.grants).hasSize(1);
        }

        @Test
        void approve_unknownId_refusesWithTheIdShape() {
            Outcome o = h.service.handle(BOB, "approve JIT-ZZZZ");
            assertThat(reason(o)).isEqualTo(Reason.UNKNOWN_REQUEST);
            assertThat(refusal(o)).contains("JIT-ZZZZ").contains("`list`");
        }

        @Test
        void approve_whenAzureRefuses_failsAndTellsTheRequester() {
            h.provider.refuseGrants("the bot identity lacks roleAssignments/write on rg-payments");
            AccessRequest r = requestContributor("45m");
            Outcome o = h.service.approve(BOB, r.id());
            assertThat(o).isInstanceOf(Outcome.Activating.class);
            assertThat(current(r.id()).state()).isEqualTo(State.FAILED);
            assertThat(h.slack.to("dm:U0ALICE")).anySatisfy(t -> assertThat(t).contains("lacks roleAssignments/write"));
        }

        @Test
        void approve_whenAzureCannotBeReached_retriesTheSamePutUntilItIsConfirmed() {
            h.provider.throwOnGrant(new AccessProviderException("Azure could not be reached"));
            AccessRequest r = requestContributor("45m");
            Outcome o = h.service.approve(BOB, r.id());
            assertThat(o).isInstanceOf(Outcome.Activating.class);
            assertThat(current(r.id()).state()).isEqualTo(State.ACTIVATING);
            assertThat(h.outbox.pending(r.id())).singleElement()
                    .satisfies(i -> assertThat(i.lastError()).isEqualTo("Azure could not be reached"));

            h.provider.throwOnGrant(null);
            h.advance(Duration.ofSeconds(1));

            assertThat(current(r.id()).state()).isEqualTo(State.ACTIVE);
            assertThat(current(r.id()).activatedAt()).isEqualTo(h.clock.instant());
            assertThat(h.provider.grants).containsExactly(r.id(), r.id());
            assertThat(h.memoryAudit.actions(r.id()).stream().filter(a -> a.startsWith("grant")).toList())
                    .as("the one failed attempt audited once, then the grant").containsExactly("grant-failed", "granted");
        }

        @Test
        void approve_whenAzureFailsUnexpectedly_showsAnEventIdAndNoStackTrace() {
            h.provider.throwOnGrant(new IllegalStateException("Status code 500, <html>secret-ish SDK text"));
            AccessRequest r = requestContributor("45m");
            h.service.approve(BOB, r.id());
            assertThat(h.outbox.pending(r.id())).singleElement()
                    .satisfies(i -> assertThat(i.lastError()).contains("event id E").doesNotContain("SDK"));
        }

        @Test
        void approve_whenAzureNeverConfirms_givesUpAfterTwentyAttemptsAndRemovesWhateverItMade() {
            h.provider.throwOnGrant(new AccessProviderException("Azure could not be reached"));
            AccessRequest r = requestContributor("45m");
            h.service.approve(BOB, r.id());
            for (int i = 0; i < 30; i++) {
                h.advance(Duration.ofMinutes(1));
            }

            AccessRequest ended = current(r.id());
            assertThat(ended.state()).isEqualTo(State.ENDED);
            assertThat(h.provider.revokeCalls(r.id())).isEqualTo(1);
            assertThat(h.memoryAudit.actions(r.id())).containsSubsequence("activation-abandoned", "revoked");
            assertThat(h.slack.to("dm:U0ALICE")).anySatisfy(t -> assertThat(t).contains("request again"));
        }
    }

    @Nested
    class Deny {

        @Test
        void deny_withReason_endsTheRequestAndTellsTheRequesterWhy() {
            AccessRequest r = requestContributor("45m");
            Outcome o = h.service.handle(BOB, "deny " + r.id() + " not during the freeze");
            assertThat(o).isInstanceOf(Outcome.Denied.class);
            AccessRequest denied = current(r.id());
            assertThat(denied.state()).isEqualTo(State.DENIED);
            assertThat(denied.note()).isEqualTo("not during the freeze");
            assertThat(h.slack.lastShown(r.id())).isEqualTo(State.DENIED);
            assertThat(h.slack.to("dm:U0ALICE")).anySatisfy(t -> assertThat(t).contains("denied by Bob: not during the freeze"));
        }

        @Test
        void deny_byRequester_refusesAndPointsToCancel() {
            AccessRequest r = requestContributor("45m");
            assertThat(refusal(h.service.deny(ALICE, r.id(), null))).contains("cancel " + r.id());
        }
    }

    @Nested
    class EndingAccess {

        private AccessRequest active() {
            AccessRequest r = requestContributor("45m");
            h.service.approve(BOB, r.id());
            return current(r.id());
        }

        @Test
        void expiry_revokesAndConfirmsInTheThreadAndToTheRequester() {
            AccessRequest r = active();
            h.advance(Duration.ofMinutes(45));

            AccessRequest ended = current(r.id());
            assertThat(ended.state()).isEqualTo(State.ENDED);
            assertThat(ended.endReason()).isEqualTo(EndReason.EXPIRED);
            assertThat(h.provider.revokeCalls(r.id())).isEqualTo(1);
            String card = h.slack.cards.get(0).ref().messageId();
            assertThat(h.slack.to("thread:" + card)).singleElement().asString()
                    .contains("Contributor on rg-payments revoked at 10:45:00 UTC — expired");
            assertThat(h.slack.to("dm:U0ALICE")).anySatisfy(t -> assertThat(t).contains("revoked at"));
            assertThat(h.memoryAudit.actions(r.id())).endsWith("granted", "expired", "revoked");
        }

        @Test
        void revoke_byOncall_endsAtOnce() {
            AccessRequest r = active();
            Outcome o = h.service.handle(CAROL, "revoke " + r.id() + " incident closed");
            assertThat(o).isInstanceOf(Outcome.Revoking.class);
            AccessRequest ended = current(r.id());
            assertThat(ended.state()).isEqualTo(State.ENDED);
            assertThat(ended.endReason()).isEqualTo(EndReason.REVOKED);
            assertThat(ended.endedBy()).isEqualTo(CAROL);
            assertThat(h.scheduler.pending()).isEmpty();
        }

        @Test
        void revoke_bySomeoneNotAllowed_refusesAndKeepsTheGrant() {
            h.policy.set(withOncall("nobody@contoso.com"));
            Outcome req = h.service.handle(ALICE, "request Reader on sub-prod for 1h because logs");
            RequestId id = ((Outcome.Activating) req).request().id();
            // Bob is not on-call, not the requester, and the Reader rule has no approvers.
            Outcome o = h.service.revoke(BOB, id, null);
            assertThat(reason(o)).isIn(Reason.NOT_ALLOWED, Reason.UNKNOWN_REQUEST);
            assertThat(current(id).state()).isEqualTo(State.ACTIVE);
            assertThat(h.provider.revokes).isEmpty();
        }

        @Test
        void revoke_ofAPendingRequestByOncall_stopsItAndTellsTheRequester() {
            AccessRequest r = requestContributor("45m");
            Outcome o = h.service.handle(CAROL, "revoke " + r.id() + " suspicious request");
            assertThat(o).isInstanceOf(Outcome.Denied.class);
            assertThat(current(r.id()).state()).isEqualTo(State.DENIED);
            assertThat(current(r.id()).note()).isEqualTo("suspicious request");
            assertThat(h.slack.to("dm:U0ALICE")).last().asString().contains("denied by Carol: suspicious request");
            assertThat(h.scheduler.pending()).isEmpty();
            assertThat(h.provider.grants).isEmpty();
        }

        @Test
        void revoke_ofAPendingRequestByAnApproverWhoIsNotOncall_pointsToDeny() {
            AccessRequest r = requestContributor("45m");
            assertThat(refusal(h.service.revoke(BOB, r.id(), null))).contains("deny " + r.id());
            assertThat(current(r.id()).state()).isEqualTo(State.PENDING);
        }

        @Test
        void release_byRequester_endsAsReleased() {
            AccessRequest r = active();
            assertThat(h.service.handle(ALICE, "release " + r.id().value().toLowerCase())).isInstanceOf(Outcome.Revoking.class);
            assertThat(current(r.id()).state()).isEqualTo(State.ENDED);
            assertThat(current(r.id()).endReason()).isEqualTo(EndReason.RELEASED);
        }

        @Test
        void release_bySomeoneElse_refuses() {
            AccessRequest r = active();
            assertThat(refusal(h.service.release(BOB, r.id()))).contains("Only Alice can release");
        }

        @Test
        void revoke_whenAzureFails_retriesWithBackoffUntilConfirmed() {
            AccessRequest r = active();
            h.provider.failRevocations(3);
            h.advance(Duration.ofMinutes(45));
            assertThat(current(r.id()).state()).isEqualTo(State.REVOKING);
            for (int i = 0; i < 10 && current(r.id()).state() != State.ENDED; i++) {
                h.advance(Duration.ofSeconds(8));
            }
            assertThat(current(r.id()).state()).isEqualTo(State.ENDED);
            assertThat(h.provider.revokeCalls(r.id())).isEqualTo(4);
            assertThat(h.memoryAudit.actions(r.id()))
                    .containsSubsequence("revoke-failed", "revoke-failed", "revoke-failed", "revoked");
        }

        @Test
        void revoke_failingWithAnUnexpectedError_showsAnEventIdAndNotTheErrorText() {
            AccessRequest r = active();
            h.provider.throwOnNextRevoke(new IllegalStateException("Status code 500, <html>secret-ish SDK text"));

            h.advance(Duration.ofMinutes(45));

            AccessRequest revoking = current(r.id());
            assertThat(revoking.state()).isEqualTo(State.REVOKING);
            assertThat(h.outbox.pending(r.id())).filteredOn(i -> i.kind() == WorkKind.REVOKE).singleElement()
                    .satisfies(i -> assertThat(i.lastError()).contains("event id E").doesNotContain("SDK"));
            assertThat(h.audit.forRequest(r.id())).noneMatch(e -> e.details().contains("SDK"));
            h.advance(Duration.ofSeconds(2));
            assertThat(current(r.id()).state()).isEqualTo(State.ENDED);
        }

        @Test
        void revoke_stillFailingAMinuteAfterExpiry_alertsTheChannelOnce() {
            AccessRequest r = active();
            h.provider.failRevocations(1000);
            h.advance(Duration.ofMinutes(45));
            for (int i = 0; i < 12; i++) {
                h.advance(Duration.ofSeconds(30));
            }
            assertThat(h.slack.to("channel:" + TestPolicies.SLACK_APPROVALS)).singleElement().asString()
                    .contains("has not confirmed its removal");
            assertThat(current(r.id()).state()).isEqualTo(State.REVOKING);
        }

        @Test
        void recover_queuesTheGrantOfAnActivationLeftWithoutWork_andAzureGetsTheSamePut() {
            AccessRequest r = requestContributor("45m");
            AccessRequest stuck = r.withVote(new dev.jitbot.core.domain.Vote(BOB, dev.jitbot.core.domain.Vote.Decision.APPROVE,
                    h.clock.instant(), null)).to(State.ACTIVATING);
            assertThat(h.store.compareAndSet(r, stuck)).isTrue();
            h.clock.advance(Duration.ofMinutes(4));

            h.expiry.recover();

            assertThat(current(r.id()).state()).isEqualTo(State.ACTIVE);
            assertThat(current(r.id()).expiresAt()).isEqualTo(h.clock.instant().plus(Duration.ofMinutes(45)));
            assertThat(h.provider.grants).containsExactly(r.id());
        }

        @Test
        void grant_whoseWorkerDiedAfterThePut_isRunAgainByAnotherWorker_andCountsOnce() {
            h.autoDrain(false);
            AccessRequest r = requestContributor("45m");
            h.service.approve(BOB, r.id());
            List<dev.jitbot.core.app.WorkItem> claimed = h.outbox.claim(WorkKind.Lane.AZURE, 10, h.clock.instant(),
                    List.of());
            assertThat(claimed).singleElement().satisfies(i -> assertThat(i.kind()).isEqualTo(WorkKind.ACTIVATE));
            // The worker holding it dies: nothing else may run it until its lease runs out.
            h.drain();
            assertThat(h.provider.grants).isEmpty();
            assertThat(current(r.id()).state()).isEqualTo(State.ACTIVATING);

            h.clock.advance(Duration.ofSeconds(21));
            h.drain();

            assertThat(current(r.id()).state()).isEqualTo(State.ACTIVE);
            assertThat(h.provider.grants).containsExactly(r.id());
            assertThat(h.memoryAudit.actions(r.id())).containsOnlyOnce("granted");
        }

        @Test
        void revoke_ofAnActivationBackingOff_doesNotWaitForItsNextTry() {
            h.provider.throwOnGrant(new AccessProviderException("Azure could not be reached"));
            AccessRequest r = requestContributor("45m");
            h.service.approve(BOB, r.id());
            for (int i = 0; i < 6; i++) {
                h.advance(Duration.ofSeconds(40));
            }
            assertThat(h.outbox.pending(r.id())).filteredOn(i -> i.kind() == WorkKind.ACTIVATE).singleElement()
                    .satisfies(i -> assertThat(i.dueAt()).isAfter(h.clock.instant()));
            int grants = h.provider.grants.size();

            h.service.handle(CAROL, "revoke " + r.id() + " not needed any more");

            assertThat(current(r.id()).state()).isEqualTo(State.ENDED);
            assertThat(h.provider.grants).hasSize(grants);
            assertThat(h.outbox.pending(r.id())).isEmpty();
        }

        @Test
        void revoke_whileAzureIsGranting_removesTheAssignmentOnceAzureAnswers() {
            AccessRequest r = requestContributor("45m");
            h.provider.duringGrant(() -> {
                h.provider.duringGrant(null);
                assertThat(h.service.handle(CAROL, "revoke " + r.id() + " wrong subscription"))
                        .isInstanceOf(Outcome.Revoking.class);
            });

            h.service.approve(BOB, r.id());

            assertThat(current(r.id()).state()).isEqualTo(State.ENDED);
            assertThat(h.provider.assignments).isEmpty();
            assertThat(h.provider.revokeCalls(r.id())).isEqualTo(1);
            assertThat(h.memoryAudit.actions(r.id())).containsSubsequence("revoke-requested", "revoked")
                    .doesNotContain("granted");
        }

        @Test
        void schedulerDown_grantAndRevocationStillCompleteAndAreAudited_andTheSweeperExpiresTheGrant() {
            AccessRequest r = requestContributor("45m");
            h.scheduler.down(true);

            assertThat(h.service.approve(BOB, r.id())).isInstanceOf(Outcome.Activating.class);
            assertThat(h.memoryAudit.actions(r.id())).containsSubsequence("approved", "granted");
            assertThat(h.slack.to("dm:U0ALICE")).anySatisfy(t -> assertThat(t).contains("is yours until"));

            h.clock.advance(Duration.ofMinutes(46));
            h.expiry.sweep();

            assertThat(current(r.id()).state()).isEqualTo(State.ENDED);
            assertThat(h.memoryAudit.actions(r.id())).containsSubsequence("granted", "expired", "revoked");
            assertThat(h.slack.to("dm:U0ALICE")).anySatisfy(t -> assertThat(t).contains("revoked at"));
        }

        @Test
        void sweep_retriesARevocationWhoseRetryJobWasLost() {
            AccessRequest r = active();
            h.provider.failRevocations(1);
            h.advance(Duration.ofMinutes(45));
            assertThat(current(r.id()).state()).isEqualTo(State.REVOKING);
            h.scheduler.cancel(r.id());
            h.clock.advance(Duration.ofMinutes(3));

            h.expiry.sweep();
            h.scheduler.runDue();

            assertThat(current(r.id()).state()).isEqualTo(State.ENDED);
        }

        @Test
        void sweep_revokesGrantsPastExpiryWhenTheJobWasLost() {
            AccessRequest r = active();
            h.scheduler.cancel(r.id());
            h.clock.advance(Duration.ofHours(1));
            assertThat(h.expiry.sweep()).isEqualTo(1);
            assertThat(current(r.id()).state()).isEqualTo(State.ENDED);
        }
    }

    @Nested
    class Extend {

        @Test
        void extend_withinMaximum_asksForReapprovalThenMovesTheExpiry() {
            AccessRequest r = requestContributor("1h");
            h.service.approve(BOB, r.id());
            AccessRequest active = current(r.id());

            Outcome asked = h.service.handle(ALICE, "extend " + r.id() + " 30m because migration still running");
            assertThat(asked).isInstanceOf(Outcome.ExtensionRequested.class);
            assertThat(current(r.id()).expiresAt()).isEqualTo(active.expiresAt());

            Outcome approved = h.service.approve(DAVE, r.id());
            assertThat(approved).isInstanceOf(Outcome.Extended.class);
            assertThat(current(r.id()).expiresAt()).isEqualTo(active.expiresAt().plus(Duration.ofMinutes(30)));
            h.advance(Duration.ofMinutes(61));
            assertThat(current(r.id()).state()).isEqualTo(State.ACTIVE);
            h.advance(Duration.ofMinutes(30));
            assertThat(current(r.id()).state()).isEqualTo(State.ENDED);
        }

        @Test
        void extend_approvedByWhoeverApprovedTheGrant_movesTheExpiry() {
            AccessRequest r = requestContributor("1h");
            h.service.approve(BOB, r.id());
            AccessRequest active = current(r.id());
            h.service.extend(ALICE, r.id(), Duration.ofMinutes(30), "migration still running");

            assertThat(h.service.awaitingDecisionBy(BOB)).extracting(AccessRequest::id).containsExactly(r.id());
            assertThat(h.service.approve(BOB, r.id())).isInstanceOf(Outcome.Extended.class);
            assertThat(current(r.id()).expiresAt()).isEqualTo(active.expiresAt().plus(Duration.ofMinutes(30)));
        }

        @Test
        void extend_ofATwoApproverGrant_needsTwoDistinctVotesOnTheExtensionItself() {
            Outcome req = h.service.handle(BOB, "request Owner on sub-prod for 20m because INC-1 outage");
            RequestId id = ((Outcome.Requested) req).request().id();
            h.service.approve(CAROL, id);
            h.service.approve(DAVE, id);
            AccessRequest active = current(id);
            h.service.extend(BOB, id, Duration.ofMinutes(5), "INC-1 still open");

            assertThat(h.service.approve(CAROL, id)).isInstanceOf(Outcome.Approved.class);
            assertThat(reason(h.service.approve(CAROL, id))).isEqualTo(Reason.ALREADY_VOTED);
            assertThat(h.service.awaitingDecisionBy(CAROL)).isEmpty();
            assertThat(current(id).expiresAt()).isEqualTo(active.expiresAt());
            assertThat(h.service.approve(DAVE, id)).isInstanceOf(Outcome.Extended.class);
            assertThat(current(id).expiresAt()).isEqualTo(active.expiresAt().plus(Duration.ofMinutes(5)));
        }

        @Test
        void extend_pastTheRulesMaximum_refusesWithWhatIsLeft() {
            AccessRequest r = requestContributor("90m");
            h.service.approve(BOB, r.id());
            Outcome o = h.service.extend(ALICE, r.id(), Duration.ofHours(1), null);
            assertThat(reason(o)).isEqualTo(Reason.OVER_MAX_DURATION);
            assertThat(refusal(o)).contains("at most 2 h").contains("extend it by at most 30 min");
        }

        @Test
        void extend_autoApprovedRule_appliesAtOnce() {
            Outcome req = h.service.handle(ALICE, "request Reader on sub-prod for 1h because logs");
            RequestId id = ((Outcome.Activating) req).request().id();
            assertThat(h.service.extend(ALICE, id, Duration.ofHours(1), null)).isInstanceOf(Outcome.Extended.class);
            assertThat(current(id).duration()).isEqualTo(Duration.ofHours(2));
        }
    }

    @Nested
    class Reading {

        @Test
        void list_forEngineer_showsOnlyTheirOwn() {
            requestContributor("45m");
            h.service.handle(BOB, "request Contributor on rg-payments for 45m because x");
            Outcome o = h.service.handle(ALICE, "list");
            assertThat(((Outcome.Listing) o).requests()).extracting(AccessRequest::requester).containsOnly(ALICE);
            assertThat(((Outcome.Listing) o).everyone()).isFalse();
        }

        @Test
        void list_forOncall_showsEveryone() {
            requestContributor("45m");
            h.service.handle(BOB, "request Contributor on rg-payments for 45m because x");
            Outcome o = h.service.handle(CAROL, "list");
            assertThat(((Outcome.Listing) o).requests()).hasSize(2);
        }

        @Test
        void listAll_byNonOncall_refuses() {
            assertThat(refusal(h.service.handle(ALICE, "list all"))).contains("list mine");
        }

        @Test
        void show_givesTheAuditTrail() {
            AccessRequest r = requestContributor("45m");
            h.service.approve(BOB, r.id());
            Outcome o = h.service.handle(ALICE, "show " + r.id());
            assertThat(((Outcome.Details) o).events()).extracting(e -> e.action())
                    .containsExactly("requested", "approved", "granted");
        }

        @Test
        void show_toSomeoneWhoMayNotSeeIt_looksLikeNoSuchRequest() {
            AccessRequest r = requestContributor("45m");
            assertThat(reason(h.service.handle(ERIN, "show " + r.id()))).isEqualTo(Reason.UNKNOWN_REQUEST);
        }

        @Test
        void history_ofSomeoneElse_isForOncallOnly() {
            requestContributor("45m");
            assertThat(reason(h.service.handle(BOB, "history alice@contoso.com"))).isEqualTo(Reason.NOT_ALLOWED);
            Outcome o = h.service.handle(CAROL, "history alice@contoso.com");
            assertThat(((Outcome.History) o).events()).extracting(e -> e.action()).containsExactly("requested");
        }
    }

    private static dev.jitbot.core.domain.Policy withOncall(String email) {
        dev.jitbot.core.domain.Policy p = TestPolicies.design();
        java.util.Map<String, dev.jitbot.core.domain.Policy.Group> groups = new java.util.HashMap<>(p.groups());
        groups.put("oncall", new dev.jitbot.core.domain.Policy.Group("oncall", java.util.Set.of(email), null));
        return new dev.jitbot.core.domain.Policy(p.defaults(), p.scopeAliases(), groups, p.channels(), p.oncallGroup(),
                p.rules(), p.principals(), p.users());
    }
}
