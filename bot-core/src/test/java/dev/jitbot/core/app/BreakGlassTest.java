package dev.jitbot.core.app;

import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.BOB;
import static dev.jitbot.core.testing.TestPolicies.CAROL;
import static dev.jitbot.core.testing.TestPolicies.DAVE;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Refusal.Reason;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.policy.PolicyLoader;
import dev.jitbot.core.testing.CoreHarness;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Break-glass: granted at once without approval, loudly, and reviewed afterwards by someone else. */
class BreakGlassTest {

    static final String POLICY = """
            defaults: { max_duration: 1h, request_ttl: 30m, approvals: 1 }
            scopes:
              sub-prod: /subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6
              rg-payments: /subscriptions/5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6/resourceGroups/rg-payments
            groups:
              engineers: { members: [alice@contoso.com, bob@contoso.com, carol@contoso.com] }
              leads: { members: [bob@contoso.com] }
              oncall: { members: [carol@contoso.com, dave@contoso.com] }
            channels:
              approvals: { slack: C0APPROVALS }
              security: { slack: C0SECURITY }
            oncall: oncall
            rules:
              - name: operate payments
                role: Contributor
                scopes: [rg-payments]
                requesters: [engineers]
                approvers: [leads]
            break_glass:
              requesters: [engineers]
              roles: [Owner, Contributor]
              scopes: [sub-prod, rg-payments]
              max_duration: 1h
              for: 30m
              channel: security
            """;

    CoreHarness h;

    @BeforeEach
    void setUp() {
        h = new CoreHarness();
        PolicyLoader.Result loaded = PolicyLoader.parse(POLICY, "policy.yaml");
        assertThat(loaded.errors()).isEmpty();
        h.policy.set(loaded.file().policy());
    }

    private AccessRequest broken() {
        Outcome o = h.service.handle(ALICE, "breakglass Owner on sub-prod because INC-4711 payments down");
        assertThat(o).isInstanceOf(Outcome.Activating.class);
        return h.store.find(((Outcome.Activating) o).request().id()).orElseThrow();
    }

    private List<String> actions(AccessRequest r) {
        return h.audit.forRequest(r.id()).stream().map(AuditEvent::action).toList();
    }

    @Nested
    class Granting {
        @Test
        void breakglass_grantsAtOnceWithoutApproval_forThePolicysDefaultDuration() {
            AccessRequest r = broken();
            assertThat(r.state()).isEqualTo(State.ACTIVE);
            assertThat(r.approvals()).isZero();
            assertThat(r.duration()).isEqualTo(Duration.ofMinutes(30));
            assertThat(r.isBreakGlass()).isTrue();
            assertThat(r.breakGlass().reviewed()).isFalse();
            assertThat(h.provider.grants).containsExactly(r.id());
            assertThat(actions(r)).startsWith("requested", "breakglass-granted");
            assertThat(h.audit.forRequest(r.id()).get(0).details()).startsWith("BREAK-GLASS Owner on sub-prod");
        }

        @Test
        void breakglass_postsTheCardInTheSecurityChannelOnly_andDmsEveryOnCallMember() {
            AccessRequest r = broken();
            assertThat(h.slack.cards).extracting(c -> c.ref().channel()).containsExactly("C0SECURITY");
            assertThat(h.slack.to("dm:carol@contoso.com")).singleElement().asString()
                    .contains("Break-glass: Alice granted Owner on sub-prod").contains("review " + r.id());
            assertThat(h.slack.to("dm:dave@contoso.com")).hasSize(1);
        }

        @Test
        void aRequestUnderARule_doesNotReachTheSecurityChannel() {
            h.service.handle(ALICE, "request Contributor on rg-payments for 30m because INC-1 deploy");
            assertThat(h.slack.cards).extracting(c -> c.ref().channel()).containsExactly("C0APPROVALS");
        }

        @Test
        void someoneNotInBreakGlassRequesters_isRefusedWithWhatToDo() {
            Outcome o = h.service.handle(DAVE, "breakglass Owner on sub-prod because outage");
            assertThat(o).isInstanceOf(Outcome.Refused.class);
            assertThat(((Outcome.Refused) o).refusal().reason()).isEqualTo(Reason.NOT_ELIGIBLE);
            assertThat(((Outcome.Refused) o).message()).contains("lets only engineers").contains("request");
            assertThat(h.provider.grants).isEmpty();
        }

        @Test
        void aRoleOrScopeOutsideBreakGlass_orOverItsMaximum_isRefused() {
            Outcome role = h.service.handle(ALICE, "breakglass Reader on sub-prod because outage");
            Outcome scope = h.service.handle(ALICE, "breakglass Owner on /subscriptions/0b1c2d3e-4f5a-4b6c-8d7e-"
                    + "9f0a1b2c3d4e because outage");
            Outcome longer = h.service.handle(ALICE, "breakglass Owner on sub-prod for 2h because outage");
            assertThat(((Outcome.Refused) role).message()).contains("does not grant `Reader`").contains("Owner, Contributor");
            assertThat(((Outcome.Refused) scope).message()).contains("does not reach").contains("sub-prod, rg-payments");
            assertThat(((Outcome.Refused) longer).refusal().reason()).isEqualTo(Reason.OVER_MAX_DURATION);
            assertThat(((Outcome.Refused) longer).message()).contains("at most 1 h").contains("`for 1h`");
            assertThat(h.provider.grants).isEmpty();
        }

        @Test
        void withoutABreakGlassSection_itIsRefused() {
            h.policy.set(PolicyLoader.parse(POLICY.substring(0, POLICY.indexOf("break_glass:")), "p.yaml")
                    .file().policy());
            Outcome o = h.service.handle(ALICE, "breakglass Owner on sub-prod because outage");
            assertThat(((Outcome.Refused) o).message()).contains("no `break_glass:` section");
        }

        @Test
        void approvingOrDenyingABreakGlassGrant_pointsToReviewAndRevoke() {
            AccessRequest r = broken();
            Outcome approve = h.service.handle(CAROL, "approve " + r.id());
            Outcome deny = h.service.handle(CAROL, "deny " + r.id() + " no");
            assertThat(((Outcome.Refused) approve).message()).contains("needed no approval").contains("review " + r.id());
            assertThat(((Outcome.Refused) deny).message()).contains("nothing to deny");
            assertThat(h.store.find(r.id()).orElseThrow().state()).isEqualTo(State.ACTIVE);
        }

        @Test
        void onCall_canRevokeABreakGlassGrant() {
            AccessRequest r = broken();
            assertThat(h.service.handle(CAROL, "revoke " + r.id() + " incident over")).isInstanceOf(Outcome.Revoking.class);
            assertThat(h.provider.revokes).containsExactly(r.id());
        }

        @Test
        void aBreakGlassGrant_cannotBeExtended() {
            AccessRequest r = broken();
            Outcome o = h.service.handle(ALICE, "extend " + r.id() + " 30m");
            assertThat(((Outcome.Refused) o).message()).contains("cannot be extended");
        }
    }

    @Nested
    class Reviewing {
        @Test
        void theRequester_isRefused_andItStaysUnreviewed() {
            AccessRequest r = broken();
            Outcome o = h.service.handle(ALICE, "review " + r.id() + " all fine");
            assertThat(((Outcome.Refused) o).refusal().reason()).isEqualTo(Reason.SELF_APPROVAL);
            assertThat(((Outcome.Refused) o).message()).contains("cannot review your own break-glass");
            assertThat(h.store.find(r.id()).orElseThrow().breakGlass().reviewed()).isFalse();
        }

        @Test
        void onCall_reviewsWithANote_andTheAuditSaysSo() {
            AccessRequest r = broken();
            Outcome o = h.service.handle(CAROL, "review " + r.id() + " confirmed with Alice, INC-4711 is real");
            assertThat(o).isInstanceOf(Outcome.Reviewed.class);
            AccessRequest after = h.store.find(r.id()).orElseThrow();
            assertThat(after.breakGlass().reviewer().samePerson(CAROL)).isTrue();
            assertThat(after.breakGlass().note()).isEqualTo("confirmed with Alice, INC-4711 is real");
            assertThat(after.state()).isEqualTo(State.ACTIVE);
            assertThat(actions(r)).contains("breakglass-reviewed");
            assertThat(h.slack.to("dm:U0ALICE")).anyMatch(t -> t.contains("was reviewed by Carol"));
        }

        @Test
        void aReviewerWhoseEntraAccountIsDisabled_isRefused_andItStaysUnreviewed() {
            AccessRequest r = broken();
            h.directory.disable("carol@contoso.com");

            Outcome o = h.service.handle(CAROL, "review " + r.id() + " confirmed with Alice");

            assertThat(((Outcome.Refused) o).message()).contains("is disabled").contains("does not count");
            assertThat(h.store.find(r.id()).orElseThrow().breakGlass().reviewed()).isFalse();
            assertThat(actions(r)).contains("review-refused");
        }

        @Test
        void aSecondReview_saysWhoAlreadyReviewed() {
            AccessRequest r = broken();
            h.service.handle(CAROL, "review " + r.id() + " fine");
            Outcome o = h.service.handle(DAVE, "review " + r.id() + " also fine");
            assertThat(((Outcome.Refused) o).message()).contains("already reviewed by Carol").contains("fine");
        }

        @Test
        void withoutANote_itAsksWhatWasChecked() {
            AccessRequest r = broken();
            Outcome o = h.service.handle(CAROL, "review " + r.id());
            assertThat(((Outcome.Refused) o).message()).contains("Say what you checked");
        }

        @Test
        void someoneNotAReviewer_isRefused() {
            AccessRequest r = broken();
            Outcome o = h.service.handle(BOB, "review " + r.id() + " looks ok");
            assertThat(o).isInstanceOf(Outcome.Refused.class);
            assertThat(h.store.find(r.id()).orElseThrow().breakGlass().reviewed()).isFalse();
        }

        @Test
        void aNormalRequest_isNotReviewed() {
            h.service.handle(ALICE, "request Contributor on rg-payments for 30m because INC-1 deploy");
            AccessRequest r = h.store.findByState(List.of(State.PENDING)).get(0);
            Outcome o = h.service.handle(CAROL, "review " + r.id() + " ok");
            assertThat(((Outcome.Refused) o).message()).contains("not a break-glass grant");
        }
    }

    @Nested
    class Reminding {
        @Test
        void unreviewedAfter24h_remindsTheSecurityChannel_once() {
            AccessRequest r = broken();
            h.advance(Duration.ofHours(23).plusMinutes(59));
            assertThat(h.slack.to("channel:C0SECURITY")).isEmpty();
            h.advance(Duration.ofMinutes(2));
            assertThat(h.slack.to("channel:C0SECURITY")).singleElement().asString()
                    .contains("Break-glass " + r.id()).contains("still unreviewed after 24 h")
                    .contains("review " + r.id());
            h.advance(Duration.ofHours(25));
            assertThat(h.slack.to("channel:C0SECURITY")).hasSize(1);
        }

        @Test
        void reviewedBefore24h_noReminder() {
            AccessRequest r = broken();
            h.service.handle(CAROL, "review " + r.id() + " fine");
            h.advance(Duration.ofHours(25));
            assertThat(h.slack.to("channel:C0SECURITY")).isEmpty();
        }
    }

    @Test
    void findBreakGlass_listsOnlyBreakGlassRequests() {
        AccessRequest r = broken();
        h.service.handle(BOB, "request Contributor on rg-payments for 30m because INC-1 deploy");
        assertThat(h.store.findBreakGlass(h.clock.instant().minus(Duration.ofDays(1))))
                .extracting(AccessRequest::id).containsExactly(r.id());
    }
}
