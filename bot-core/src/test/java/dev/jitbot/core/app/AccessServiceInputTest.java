package dev.jitbot.core.app;

import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.BOB;
import static dev.jitbot.core.testing.TestPolicies.CAROL;
import static dev.jitbot.core.testing.TestPolicies.SUB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.Command;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.Refusal.Reason;
import dev.jitbot.core.testing.CoreHarness;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Issue 15 in the core: scopes, input limits and the meaning of a rule's {@code principals}, for every platform. */
class AccessServiceInputTest {

    static final String OTHER_SUB = "/subscriptions/0b7e4c1d-9a2f-4e3b-8c5d-6f1a2b3c4d5e";
    /** A resource under the auto-approved {@code /subscriptions/<SUB>/resourceGroups/*} of "read production". */
    static final String RESOURCE = "/subscriptions/" + SUB
            + "/resourceGroups/rg-a/providers/Microsoft.Storage/storageAccounts/sa1";

    private final CoreHarness h = new CoreHarness();

    private static Outcome.Refused refused(Outcome o) {
        assertThat(o).isInstanceOf(Outcome.Refused.class);
        return (Outcome.Refused) o;
    }

    private void assertNothingGranted() {
        assertThat(h.provider.grants).isEmpty();
        assertThat(h.store.findByRequester(AccessService.actorKey(ALICE), 10)).isEmpty();
        assertThat(h.memoryAudit.all()).isEmpty();
    }

    @Nested
    class Scopes {

        @Test
        void request_withDotSegmentsClimbingToAnotherSubscription_isRefusedAndAzureIsNeverAsked() {
            Outcome o = h.service.handle(ALICE, "request Reader on " + RESOURCE + "/../../../../../../../.."
                    + OTHER_SUB + " for 10m because INC-901");

            assertThat(refused(o).refusal().reason()).isEqualTo(Reason.UNKNOWN_SCOPE);
            assertThat(refused(o).message()).contains("`..`");
            assertNothingGranted();
        }

        @Test
        void request_withPercentEncodedDots_isRefusedAndAzureIsNeverAsked() {
            Outcome o = h.service.handle(ALICE, "request Reader on " + RESOURCE
                    + "/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e" + OTHER_SUB + " for 10m because INC-901");

            assertThat(refused(o).message()).contains("percent-encoded");
            assertNothingGranted();
        }

        @Test
        void request_withSingleDotsOrDotRuns_isRefused() {
            // In type/name pairs, so only the dots are wrong.
            for (String tail : List.of("/./.", "/.../...", "/blobServices/..", "/./blobServices/default/..")) {
                Outcome o = h.service.handle(ALICE, "request Reader on " + RESOURCE + tail + " for 10m because x");
                assertThat(refused(o).refusal().reason()).as(tail).isEqualTo(Reason.UNKNOWN_SCOPE);
            }
            assertNothingGranted();
        }

        @Test
        void request_climbingToAManagementGroup_isRefused() {
            Outcome o = h.service.request(ALICE, new Command.Request("Reader", RESOURCE
                    + "/../../../../../../../../providers/Microsoft.Management/managementGroups/root",
                    Duration.ofMinutes(10), "INC-901", null, null));

            assertThat(refused(o).refusal().reason()).isEqualTo(Reason.UNKNOWN_SCOPE);
            assertNothingGranted();
        }

        @Test
        void request_atAMixedCaseScope_isStoredAuditedAndGrantedInCanonicalForm() {
            Outcome o = h.service.handle(ALICE, "request Reader on " + RESOURCE.toUpperCase()
                    .replace("SUBSCRIPTIONS", "subscriptions").replace("MICROSOFT.STORAGE", "Microsoft.Storage")
                    .replace("STORAGEACCOUNTS", "storageAccounts") + "/ for 10m because INC-901");

            assertThat(o).isInstanceOf(Outcome.Activating.class);
            AccessRequest r = ((Outcome.Activating) o).request();
            String canonical = "/subscriptions/" + SUB + "/resourceGroups/RG-A/providers/Microsoft.Storage/storageAccounts/SA1";
            assertThat(r.scope().id()).isEqualTo(canonical);
            assertThat(h.store.find(r.id()).orElseThrow().scope().id()).isEqualTo(canonical);
            assertThat(h.provider.assignments.values()).singleElement()
                    .satisfies(a -> assertThat(a.scope().id()).isEqualTo(canonical));
            assertThat(h.memoryAudit.all()).filteredOn(e -> e.action().equals("requested")).singleElement()
                    .satisfies(e -> assertThat(e.details()).contains(canonical));
        }
    }

    @Nested
    class Limits {

        @Test
        void request_withAJustificationOverTheLimit_isRefusedNamingTheLimit() {
            Outcome o = h.service.handle(ALICE, "request Reader on sub-prod for 1h because " + "x".repeat(1001));

            assertThat(refused(o).refusal().reason()).isEqualTo(Reason.INVALID_INPUT);
            assertThat(refused(o).message()).contains("1,001 characters").contains("limit is 1,000")
                    .doesNotContain("xxxx");
            assertNothingGranted();
        }

        @Test
        void request_withAJustificationAtTheLimit_isGranted() {
            assertThat(h.service.handle(ALICE, "request Reader on sub-prod for 1h because " + "x".repeat(1000)))
                    .isInstanceOf(Outcome.Activating.class);
        }

        @Test
        void request_withATicketOverTheLimit_isRefusedNamingTheLimit() {
            Outcome o = h.service.handle(ALICE, "request Reader on sub-prod for 1h because logs ticket INC-"
                    + "1".repeat(61));

            assertThat(refused(o).message()).contains("ticket id").contains("65 characters").contains("limit is 64");
            assertNothingGranted();
        }

        @Test
        void request_withControlCharacters_storesShowsAndAuditsTheReasonWithoutThem() {
            Outcome o = h.service.request(ALICE, new Command.Request("Reader", "sub-prod", Duration.ofHours(1),
                    "logs\u0000 for\u0007 INC-1\u001b[2J\r\nplease", "INC-1\u0000", null));

            AccessRequest r = ((Outcome.Activating) o).request();
            assertThat(r.justification()).isEqualTo("logs for INC-1[2J please");
            assertThat(r.ticket()).isEqualTo("INC-1");
            assertThat(h.memoryAudit.all()).extracting(AuditEvent::details)
                    .noneMatch(d -> d.chars().anyMatch(Character::isISOControl));
        }

        @Test
        void request_shorterThanAMinute_isRefusedSayingTheMinimum() {
            Outcome o = h.service.handle(ALICE, "request Reader on sub-prod for 30s because logs");

            assertThat(refused(o).message()).isEqualTo("jitbot grants a role for at least 1 min; ask for `for 1m` or more.");
            assertNothingGranted();
        }

        @Test
        void request_forHalfASecond_isRefused() {
            assertThat(refused(h.service.handle(ALICE, "request Reader on sub-prod for PT0.5S because logs")).message())
                    .contains("fraction of a second");
            assertThat(refused(h.service.request(ALICE, new Command.Request("Reader", "sub-prod",
                    Duration.ofMillis(500), "logs", null, null))).message()).contains("at least 1 min");
            assertNothingGranted();
        }

        @Test
        void request_inPimMode_saysPimsMinimumOfFiveMinutes() {
            h.provider.actAs("pim", Duration.ofMinutes(5));

            Outcome o = h.service.handle(ALICE, "request Reader on sub-prod for 4m because logs");

            assertThat(refused(o).message()).contains("PIM").contains("at least 5 min").contains("`for 5m`");
            assertThat(h.service.handle(ALICE, "request Reader on sub-prod for 5m because logs"))
                    .isInstanceOf(Outcome.Activating.class);
        }

        @Test
        void request_withARepeatedUnit_isRefusedNotSummed() {
            assertThat(refused(h.service.handle(ALICE, "request Reader on sub-prod for 10m10m because logs")).message())
                    .contains("same unit twice");
            assertNothingGranted();
        }

        @Test
        void deny_reasonIsStoredWithoutControlCharacters_andRefusedOverTheLimit() {
            AccessRequest r = ((Outcome.Requested) h.service.handle(ALICE,
                    "request Contributor on rg-payments for 45m because INC-4411 hotfix")).request();

            assertThat(refused(h.service.deny(BOB, r.id(), "n".repeat(1001))).message()).contains("limit is 1,000");
            Outcome denied = h.service.deny(BOB, r.id(), "not\u0007 during\u001b the freeze\n");

            assertThat(((Outcome.Denied) denied).request().note()).isEqualTo("not during the freeze");
            assertThat(h.slack.said).extracting(s -> s.text()).noneMatch(t -> t.chars().anyMatch(Character::isISOControl));
        }

        @Test
        void revoke_reasonOverTheLimit_isRefusedAndTheGrantStays() {
            AccessRequest r = ((Outcome.Activating) h.service.handle(ALICE, "request Reader on sub-prod for 1h because logs"))
                    .request();

            assertThat(refused(h.service.revoke(CAROL, r.id(), "r".repeat(1001))).message()).contains("limit is 1,000");
            assertThat(h.provider.revokes).isEmpty();
            assertThat(h.service.revoke(CAROL, r.id(), "incident\u0000 closed")).isNotInstanceOf(Outcome.Refused.class);
            assertThat(h.store.find(r.id()).orElseThrow().note()).isEqualTo("incident closed");
        }

        @Test
        void extend_justificationIsStoredWithoutControlCharacters() {
            AccessRequest r = ((Outcome.Requested) h.service.handle(ALICE,
                    "request Contributor on rg-payments for 45m because INC-4411 hotfix")).request();
            h.service.approve(BOB, r.id());

            Outcome o = h.service.extend(ALICE, r.id(), Duration.ofMinutes(30), "still\u001b[1m migrating\u0007");

            assertThat(((Outcome.ExtensionRequested) o).request().extension().justification())
                    .isEqualTo("still[1m migrating");
        }
    }

    @Nested
    class Principals {

        private void readProductionPrincipals(List<String> principals) {
            Policy p = TestPolicies.design();
            List<Policy.Rule> rules = new ArrayList<>();
            for (Policy.Rule r : p.rules()) {
                rules.add(!r.name().equals("read production") ? r : new Policy.Rule(r.name(), r.role(), r.scopes(),
                        r.requesters(), r.approvers(), r.approvals(), r.maxDuration(), r.requestTtl(), r.ticket(),
                        r.channels(), principals, r.line()));
            }
            h.policy.set(new Policy(p.defaults(), p.scopeAliases(), p.groups(), p.channels(), p.oncallGroup(), rules,
                    p.principals(), p.users()));
        }

        @Test
        void request_asAWorkload_underARuleWithoutPrincipals_isRefusedNamingTheRule() {
            Outcome o = h.service.handle(ALICE, "request Reader on sub-prod for 1h because deploy check as deploy-pipeline");

            assertThat(refused(o).refusal().reason()).isEqualTo(Reason.NOT_ELIGIBLE);
            assertThat(refused(o).message()).contains("Rule \"read production\"").contains("people only")
                    .contains("no `principals:`").contains("principals: [deploy-pipeline]");
            assertNothingGranted();
        }

        @Test
        void request_forOneself_underARuleWithoutPrincipals_isGranted() {
            assertThat(h.service.handle(ALICE, "request Reader on sub-prod for 1h because logs"))
                    .isInstanceOf(Outcome.Activating.class);
        }

        @Test
        void request_asAnOwnedWorkload_underARuleWithStar_isGrantedToTheWorkload() {
            readProductionPrincipals(List.of("*"));

            Outcome o = h.service.handle(ALICE, "request Reader on sub-prod for 1h because deploy check as deploy-pipeline");

            assertThat(((Outcome.Activating) o).request().principal().objectId()).isEqualTo(TestPolicies.PIPELINE_ID);
            assertThat(((Outcome.Activating) o).request().requester()).isEqualTo(ALICE);
        }

        @Test
        void request_asAWorkload_notInTheRulesList_isRefused() {
            readProductionPrincipals(List.of("backup-job"));

            Outcome o = h.service.handle(ALICE, "request Reader on sub-prod for 1h because deploy check as deploy-pipeline");

            assertThat(refused(o).message()).contains("only to backup-job");
            assertNothingGranted();
        }

        @Test
        void offers_listNoWorkloadsForARuleWithoutPrincipals() {
            assertThat(h.service.offers(ALICE)).filteredOn(offer -> offer.rule().equals("read production"))
                    .singleElement().satisfies(offer -> assertThat(offer.principals()).isEmpty());
        }
    }
}
