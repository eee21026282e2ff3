package dev.jitbot.core.app;

import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.BOB;
import static dev.jitbot.core.testing.TestPolicies.CAROL;
import static dev.jitbot.core.testing.TestPolicies.RG_PAYMENTS;
import static dev.jitbot.core.testing.TestPolicies.SUB_PROD;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.RoleRef;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.CoreHarness;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Bundles: one request, one card, one decision, every member granted and revoked together. */
class BundleTest {

    private final CoreHarness h = new CoreHarness();

    BundleTest() {
        Policy p = h.policy.get();
        // Contributor on rg-payments needs one lead (2h); Reader on sub-prod is auto-approved (8h); Owner needs two.
        h.policy.set(new Policy(p.defaults(), p.scopeAliases(), p.groups(), p.channels(), p.oncallGroup(), p.rules(),
                p.principals(), p.users(), p.oncallSource(), p.remindBefore(), p.maxLead(), p.breakGlass(), p.reports(), Map.of(
                "incident-payments", new Policy.Bundle("incident-payments", List.of(
                        new Policy.BundleMember(new RoleRef("Contributor", null), RG_PAYMENTS, "rg-payments"),
                        new Policy.BundleMember(new RoleRef("Reader", null), SUB_PROD, "sub-prod")), 1),
                "break-glass", new Policy.Bundle("break-glass", List.of(
                        new Policy.BundleMember(new RoleRef("Reader", null), SUB_PROD, "sub-prod"),
                        new Policy.BundleMember(new RoleRef("Owner", null), SUB_PROD, "sub-prod")), 2),
                "look-around", new Policy.Bundle("look-around", List.of(
                        new Policy.BundleMember(new RoleRef("Reader", null), SUB_PROD, "sub-prod"),
                        new Policy.BundleMember(new RoleRef("Reader", null), dev.jitbot.core.domain.AzureScope.parse(
                                "/subscriptions/" + dev.jitbot.core.testing.TestPolicies.SUB
                                        + "/resourceGroups/rg-logs").orThrow(), "rg-logs")), 3))));
    }

    @Test
    void aBundleNoMemberRuleNeedsApprovalFor_hasNoApprovers_soAStrangerCanNeitherSeeNorRevokeIt() {
        Outcome o = h.service.handle(ALICE, "request bundle look-around for 1h because INC-8 reading logs");
        AccessRequest r = ((Outcome.Activating) o).request();
        dev.jitbot.core.domain.ChatUser zed = new dev.jitbot.core.domain.ChatUser(
                dev.jitbot.core.domain.Platform.SLACK, "U0ZED", "Zed", "zed@contoso.com", null);

        assertThat(h.service.find(zed, r.id())).isEmpty();
        assertThat(h.service.actionsFor(zed, h.store.find(r.id()).orElseThrow())).isEmpty();
        assertThat(h.service.revoke(zed, r.id(), "oops")).isInstanceOf(Outcome.Refused.class);
        assertThat(h.store.find(r.id()).orElseThrow().state()).isEqualTo(State.ACTIVE);
    }

    private AccessRequest requested(String line) {
        Outcome o = h.service.handle(ALICE, line);
        assertThat(o).isInstanceOf(Outcome.Requested.class);
        return ((Outcome.Requested) o).request();
    }

    @Nested
    class Filing {
        @Test
        void request_isOneRequestOneCard_underTheStrictestMemberRule() {
            AccessRequest r = requested("request bundle incident-payments for 1h because INC-7 payments down");

            assertThat(r.label()).isEqualTo("bundle incident-payments (Contributor on rg-payments, Reader on sub-prod)");
            assertThat(r.approvalsNeeded()).isEqualTo(1);
            assertThat(h.slack.cards).singleElement().satisfies(c -> assertThat(c.id()).isEqualTo(r.id()));
            assertThat(r.bundle().members()).extracting(m -> m.ruleName())
                    .containsExactly("operate payments", "read production");
            assertThat(h.provider.grants).isEmpty();
        }

        @Test
        void request_longerThanTheShortestMember_namesThatLimit() {
            Outcome o = h.service.handle(ALICE, "request bundle incident-payments for 3h because INC-7 long night");

            assertThat(o).isInstanceOf(Outcome.Refused.class);
            assertThat(((Outcome.Refused) o).message()).contains("at most 2 h").contains("Contributor on rg-payments");
        }

        @Test
        void request_withAMemberTheUserIsNotEligibleFor_namesThatMember() {
            Outcome o = h.service.handle(ALICE, "request bundle break-glass for 20m because INC-9 outage");

            assertThat(((Outcome.Refused) o).message()).startsWith("You are not eligible for Owner on sub-prod, a "
                    + "member of bundle break-glass: rule \"own the subscription\" allows leads.");
            assertThat(h.store.findOpenFor(h.directory.user(ALICE).orThrow().objectId())).isEmpty();
        }

        @Test
        void request_whileAMemberIsHeldAlone_isRefusedNamingIt() {
            Outcome single = h.service.handle(ALICE, "request Reader on sub-prod for 1h because looking");
            RequestId held = ((Outcome.Activating) single).request().id();

            Outcome o = h.service.handle(ALICE, "request bundle incident-payments for 1h because INC-7 fix");

            assertThat(((Outcome.Refused) o).message()).contains("Reader on sub-prod open as " + held);
        }

        @Test
        void singleRequest_forAMemberOfAnOpenBundle_isRefused() {
            AccessRequest b = requested("request bundle incident-payments for 1h because INC-7 fix");

            Outcome o = h.service.handle(ALICE, "request Reader on sub-prod for 1h because looking");

            assertThat(((Outcome.Refused) o).message()).contains(b.id().value());
        }

        @Test
        void unknownBundle_listsTheOnesOpenToTheUser() {
            Outcome o = h.service.handle(ALICE, "request bundle nope for 1h because INC-7 fix");

            assertThat(((Outcome.Refused) o).message()).contains("no bundle `nope`")
                    .contains("incident-payments").doesNotContain("break-glass");
        }

        @Test
        void blastRadius_isAMembersOne_notTheBundleGoingRound() {
            AccessRequest r = requested("request bundle incident-payments for 1h because INC-7 payments down");

            // The card of every bundle asks this; a member view carries its bundle, so it must not recurse.
            assertThat(h.service.blastRadius(r).line()).contains("on one resource group");
        }

        @Test
        void typos_getTheBundleGrammarBack() {
            assertThat(((Outcome.Refused) h.service.handle(ALICE, "request bundle for 1h because x")).message())
                    .startsWith("Say which bundle").contains("request bundle <name> for <duration>");
            assertThat(((Outcome.Refused) h.service.handle(ALICE,
                    "request bundle incident-payments on rg-payments for 1h because x")).message())
                    .startsWith("A bundle names its own scopes, so leave out `on rg-payments`.");
            assertThat(((Outcome.Refused) h.service.handle(ALICE,
                    "request bundle incident-payments for 1h because x as deploy-pipeline")).message())
                    .startsWith("Bundles are granted to the person who asks");
            assertThat(((Outcome.Refused) h.service.handle(ALICE, "request bundle incident-payments because x"))
                    .message()).startsWith("Say how long you need it");
        }

        @Test
        void offers_listOnlyBundlesEligibleInEveryMember() {
            assertThat(h.service.bundleOffers(ALICE)).extracting(AccessService.BundleOffer::name)
                    .containsExactly("incident-payments", "look-around");
            assertThat(h.service.bundleOffers(BOB)).extracting(AccessService.BundleOffer::name)
                    .containsExactly("incident-payments", "break-glass", "look-around");
            assertThat(h.service.bundleOffers(BOB).get(1).approvals()).isEqualTo(2);
            assertThat(h.service.bundleOffers(BOB).get(1).maxDuration()).isEqualTo(Duration.ofMinutes(30));
        }
    }

    @Nested
    class Granting {
        @Test
        void approval_grantsEveryMemberTogether() {
            AccessRequest r = requested("request bundle incident-payments for 1h because INC-7 fix");

            Outcome o = h.service.approve(BOB, r.id());

            assertThat(o).isInstanceOf(Outcome.Activating.class);
            AccessRequest active = h.store.find(r.id()).orElseThrow();
            assertThat(active.state()).isEqualTo(State.ACTIVE);
            assertThat(h.provider.grants).hasSize(2);
            assertThat(h.provider.assignments).hasSize(2);
            assertThat(active.bundle().members()).allSatisfy(m -> assertThat(m.assignmentId()).isNotNull());
            assertThat(h.slack.to("dm:U0ALICE")).anySatisfy(t -> assertThat(t)
                    .startsWith("bundle incident-payments (Contributor on rg-payments, Reader on sub-prod) is yours"));
        }

        @Test
        void oneMemberRefused_takesTheOthersBackAndTheCardSaysWhich() {
            h.provider.refuseRole("Contributor", "jitbot's Azure identity lacks the permission "
                    + "Microsoft.Authorization/roleAssignments/write on rg-payments");
            AccessRequest r = requested("request bundle incident-payments for 1h because INC-7 fix");

            h.service.approve(BOB, r.id());

            AccessRequest failed = h.store.find(r.id()).orElseThrow();
            assertThat(failed.state()).isEqualTo(State.FAILED);
            assertThat(failed.note()).startsWith("Contributor on rg-payments failed: jitbot's Azure identity lacks")
                    .contains("removed the other member again (Reader on sub-prod)");
            assertThat(h.provider.assignments).isEmpty();
            assertThat(h.slack.lastShown(r.id())).isEqualTo(State.FAILED);
            assertThat(h.memoryAudit.forRequest(r.id())).extracting(e -> e.action())
                    .contains("grant-refused", "failed");
        }

        @Test
        void release_revokesEveryMember() {
            AccessRequest r = requested("request bundle incident-payments for 1h because INC-7 fix");
            h.service.approve(BOB, r.id());

            h.service.release(ALICE, r.id());

            assertThat(h.store.find(r.id()).orElseThrow().state()).isEqualTo(State.ENDED);
            assertThat(h.provider.revokeCalls(r.id())).isEqualTo(2);
            assertThat(h.provider.assignments).isEmpty();
        }

        @Test
        void expiry_revokesEveryMember() {
            AccessRequest r = requested("request bundle incident-payments for 1h because INC-7 fix");
            h.service.approve(BOB, r.id());

            h.advance(Duration.ofMinutes(61));

            assertThat(h.store.find(r.id()).orElseThrow().state()).isEqualTo(State.ENDED);
            assertThat(h.provider.assignments).isEmpty();
        }

        @Test
        void extend_isApprovedAsTheBundleWas_andCappedAtTheShortestMember() {
            AccessRequest r = requested("request bundle incident-payments for 1h because INC-7 fix");
            h.service.approve(BOB, r.id());
            AccessRequest active = h.store.find(r.id()).orElseThrow();

            assertThat(h.service.extend(ALICE, r.id(), Duration.ofMinutes(90), "more"))
                    .isInstanceOf(Outcome.Refused.class);
            assertThat(h.service.extend(ALICE, r.id(), Duration.ofMinutes(30), "more"))
                    .isInstanceOf(Outcome.ExtensionRequested.class);
            assertThat(h.service.approve(BOB, r.id())).isInstanceOf(Outcome.Extended.class);

            assertThat(h.store.find(r.id()).orElseThrow().expiresAt())
                    .isEqualTo(active.expiresAt().plus(Duration.ofMinutes(30)));
        }

        @Test
        void approver_mustMayApproveEveryMemberRule() {
            Policy p = h.policy.get();
            // Carol (oncall) may approve Owner on sub-prod but not Contributor on rg-payments (leads only) when she
            // is no lead; Bob (a lead) approves both.
            h.policy.set(new Policy(p.defaults(), p.scopeAliases(), Map.of(
                    "engineers", p.groups().get("engineers"),
                    "leads", new Policy.Group("leads", java.util.Set.of("bob@contoso.com", "dave@contoso.com"), null),
                    "oncall", p.groups().get("oncall")), p.channels(), p.oncallGroup(), p.rules(), p.principals(),
                    p.users(), p.oncallSource(), p.remindBefore(), p.maxLead(), p.breakGlass(), p.reports(), p.bundles()));
            AccessRequest r = requested("request bundle incident-payments for 1h because INC-7 fix");

            Outcome o = h.service.approve(CAROL, r.id());

            assertThat(o).isInstanceOf(Outcome.Refused.class);
            assertThat(((Outcome.Refused) o).message()).contains("every member");
            assertThat(h.service.approve(BOB, r.id())).isInstanceOf(Outcome.Activating.class);
        }
    }

    @Nested
    class Reconciling {
        @Test
        void reconcile_keepsEveryMemberOfALiveBundle() {
            AccessRequest r = requested("request bundle incident-payments for 1h because INC-7 fix");
            h.service.approve(BOB, r.id());
            h.advance(Duration.ofMinutes(5));

            Reconciler.Report report = new Reconciler(h.policy::get, h.store, h.outbox, h.audit, h.provider,
                    h.notifications, h.clock).reconcile();

            assertThat(report.clean()).isTrue();
            assertThat(h.provider.assignments).hasSize(2);
        }

        @Test
        void reconcile_withOneMemberGone_revokesTheRest() {
            AccessRequest r = requested("request bundle incident-payments for 1h because INC-7 fix");
            h.service.approve(BOB, r.id());
            h.advance(Duration.ofMinutes(5));
            h.provider.assignments.keySet().removeIf(k -> k.contains("Reader"));

            Reconciler.Report report = new Reconciler(h.policy::get, h.store, h.outbox, h.audit, h.provider,
                    h.notifications, h.clock).reconcile();

            assertThat(report.vanished()).isEqualTo(1);
            assertThat(h.store.find(r.id()).orElseThrow().state()).isEqualTo(State.ENDED);
            assertThat(h.provider.assignments).isEmpty();
        }
    }
}
