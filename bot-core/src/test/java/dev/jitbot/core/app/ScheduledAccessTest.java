package dev.jitbot.core.app;

import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static dev.jitbot.core.testing.TestPolicies.BOB;
import static dev.jitbot.core.testing.TestPolicies.CAROL;
import static dev.jitbot.core.testing.TestPolicies.DAVE;
import static dev.jitbot.core.testing.TestPolicies.LEADS_ENTRA_GROUP;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.EndReason;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.RequestId;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.CoreHarness;
import dev.jitbot.core.testing.RecordingNotifier;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@code request … from <time> for …}: approval before the start, nothing granted until it, the check again at the
 * start, and the clock from activation. The harness clock starts at Wed 25 Nov 2026 10:00 UTC.
 */
class ScheduledAccessTest {

    private final CoreHarness h = new CoreHarness();

    private Outcome ask(String from) {
        return h.service.handle(ALICE, "request Contributor on rg-payments from " + from
                + " for 1h because INC-4411 migration window");
    }

    private RequestId requested(String from) {
        Outcome o = ask(from);
        assertThat(o).as(o.toString()).isInstanceOf(Outcome.Requested.class);
        return ((Outcome.Requested) o).request().id();
    }

    private AccessRequest stored(RequestId id) {
        return h.store.find(id).orElseThrow();
    }

    /** The policy with the leads group listing only {@code members} (Entra group as before). */
    private void leadsAre(String... members) {
        Policy p = h.policy.get();
        Map<String, Policy.Group> groups = new LinkedHashMap<>(p.groups());
        groups.put("leads", new Policy.Group("leads", Set.of(members), LEADS_ENTRA_GROUP));
        h.policy.set(new Policy(p.defaults(), p.scopeAliases(), groups, p.channels(), p.oncallGroup(), p.rules(),
                p.principals(), p.users(), p.oncallSource(), p.remindBefore(), p.maxLead()));
    }

    @Nested
    class ApprovedBeforeTheStart {

        @Test
        void approval_anHourEarly_grantsNothingUntilTheStart_thenGrantsWithTheClockFromActivation() {
            RequestId id = requested("11:00");

            Outcome approved = h.service.approve(BOB, id);

            assertThat(approved).isInstanceOf(Outcome.Scheduled.class);
            assertThat(stored(id).state()).isEqualTo(State.SCHEDULED);
            assertThat(h.slack.to("dm:U0ALICE")).last().asString()
                    .contains("is approved and starts at Wed 25 Nov 11:00 UTC");
            h.advance(Duration.ofMinutes(59).plusSeconds(59));
            assertThat(h.provider.grants).as("no grant before the start").isEmpty();

            h.advance(Duration.ofSeconds(1));

            AccessRequest active = stored(id);
            assertThat(h.provider.grants).containsExactly(id);
            assertThat(active.state()).isEqualTo(State.ACTIVE);
            assertThat(active.activatedAt()).isEqualTo(Instant.parse("2026-11-25T11:00:00Z"));
            assertThat(active.expiresAt()).isEqualTo(Instant.parse("2026-11-25T12:00:00Z"));
            assertThat(h.audit.forRequest(id)).extracting(e -> e.action())
                    .containsSubsequence("requested", "approved", "started", "granted");

            h.advance(Duration.ofHours(1));
            assertThat(h.provider.revokes).containsExactly(id);
            assertThat(stored(id).state()).isEqualTo(State.ENDED);
        }

        @Test
        void anApproverDroppedFromTheGroupBeforeTheStart_noLongerCounts_soNothingIsGrantedAndTheRequesterIsTold() {
            RequestId id = requested("11:00");
            h.service.approve(BOB, id);
            leadsAre("carol@contoso.com", "dave@contoso.com");

            h.advance(Duration.ofHours(1));

            AccessRequest r = stored(id);
            assertThat(h.provider.grants).isEmpty();
            assertThat(r.state()).isEqualTo(State.ENDED);
            assertThat(r.endReason()).isEqualTo(EndReason.NOT_STARTED);
            assertThat(r.note()).contains("Bob is no longer an approver");
            assertThat(h.slack.to("dm:U0ALICE")).last().asString()
                    .contains("was due to start at Wed 25 Nov 11:00 UTC, but jitbot did not grant it")
                    .contains("it needs 1 approval from leads and none still count: Bob is no longer an approver");
            assertThat(h.slack.updates).last().extracting(RecordingNotifier.Card::state).isEqualTo(State.ENDED);
            assertThat(h.audit.forRequest(id)).extracting(e -> e.action()).contains("start-refused")
                    .doesNotContain("granted");
        }

        @Test
        void anApproverTakenOutOfTheEntraGroup_noLongerCounts() {
            leadsAre("carol@contoso.com");
            h.directory.member(LEADS_ENTRA_GROUP, "bob@contoso.com");
            RequestId id = requested("11:00");
            assertThat(h.service.approve(BOB, id)).isInstanceOf(Outcome.Scheduled.class);
            h.directory.remove(LEADS_ENTRA_GROUP, "bob@contoso.com");

            h.advance(Duration.ofHours(1));

            assertThat(h.provider.grants).isEmpty();
            assertThat(stored(id).note()).contains("Bob is no longer an approver");
        }

        @Test
        void aDisabledApproverAccount_noLongerCounts() {
            RequestId id = requested("11:00");
            h.service.approve(BOB, id);
            h.directory.disable("bob@contoso.com");

            h.advance(Duration.ofHours(1));

            assertThat(h.provider.grants).isEmpty();
            assertThat(stored(id).state()).isEqualTo(State.ENDED);
        }

        @Test
        void aRequesterNoLongerEligibleAtTheStart_getsNothing() {
            RequestId id = requested("11:00");
            h.service.approve(BOB, id);
            Policy p = h.policy.get();
            Map<String, Policy.Group> groups = new LinkedHashMap<>(p.groups());
            groups.put("engineers", new Policy.Group("engineers", Set.of("bob@contoso.com"), null));
            h.policy.set(new Policy(p.defaults(), p.scopeAliases(), groups, p.channels(), p.oncallGroup(), p.rules(),
                    p.principals(), p.users(), p.oncallSource(), p.remindBefore(), p.maxLead()));

            h.advance(Duration.ofHours(1));

            assertThat(h.provider.grants).isEmpty();
            assertThat(stored(id).note()).contains("Alice is no longer eligible");
        }

        @Test
        void aTicketPatternTheRequestNoLongerMatches_refusesTheStart() {
            RequestId id = requested("11:00");
            h.service.approve(BOB, id);
            Policy p = h.policy.get();
            var rules = p.rules().stream().map(r -> !r.name().equals("operate payments") ? r
                    : new Policy.Rule(r.name(), r.role(), r.scopes(), r.requesters(), r.approvers(), r.approvals(),
                    r.maxDuration(), r.requestTtl(), java.util.regex.Pattern.compile("CHG-\\d+"), r.channels(),
                    r.principals(), r.line(), r.oncallApproval())).toList();
            h.policy.set(new Policy(p.defaults(), p.scopeAliases(), p.groups(), p.channels(), p.oncallGroup(), rules,
                    p.principals(), p.users(), p.oncallSource(), p.remindBefore(), p.maxLead()));

            h.advance(Duration.ofHours(1));

            assertThat(h.provider.grants).isEmpty();
            assertThat(stored(id).note()).contains("now needs a ticket id matching `CHG-\\d+`");
        }

        @Test
        void aRuleWithoutApprovals_schedulesAtOnce_andGrantsAtTheStart() {
            Outcome o = h.service.handle(ALICE, "request Reader on sub-prod from 12:30 for 30m because audit prep");

            assertThat(o).isInstanceOf(Outcome.Scheduled.class);
            RequestId id = ((Outcome.Scheduled) o).request().id();
            h.advance(Duration.ofMinutes(150).minusSeconds(1));
            assertThat(h.provider.grants).isEmpty();
            h.advance(Duration.ofSeconds(1));
            assertThat(h.provider.grants).containsExactly(id);
        }

        @Test
        void quorumOfTwo_bothVotesMustStillCountAtTheStart() {
            Outcome o = h.service.handle(BOB, "request Owner on sub-prod from 11:00 for 30m because INC-7 outage");
            RequestId id = ((Outcome.Requested) o).request().id();
            assertThat(h.service.approve(CAROL, id)).isInstanceOf(Outcome.Approved.class);
            assertThat(h.service.approve(DAVE, id)).isInstanceOf(Outcome.Scheduled.class);
            leadsAre("bob@contoso.com", "carol@contoso.com");

            h.advance(Duration.ofHours(1));

            assertThat(h.provider.grants).isEmpty();
            assertThat(stored(id).note()).contains("it needs 2 approvals from leads, oncall and only 1 still counts")
                    .contains("Dave is no longer an approver");
        }
    }


    @Nested
    class CancelAndLateApproval {

        @Test
        void cancel_beforeTheStart_withdrawsIt_andNothingIsGrantedAtTheStart() {
            RequestId id = requested("11:00");
            h.service.approve(BOB, id);

            assertThat(h.service.cancel(ALICE, id)).isInstanceOf(Outcome.Cancelled.class);
            h.advance(Duration.ofHours(2));

            assertThat(stored(id).state()).isEqualTo(State.CANCELLED);
            assertThat(h.provider.grants).isEmpty();
        }

        @Test
        void cancel_afterTheStart_isRefused_andReleaseIsOffered() {
            RequestId id = requested("11:00");
            h.service.approve(BOB, id);
            h.advance(Duration.ofHours(1));

            Outcome o = h.service.cancel(ALICE, id);

            assertThat(o).isInstanceOf(Outcome.Refused.class);
            assertThat(((Outcome.Refused) o).message()).contains("release " + id);
        }

        @Test
        void release_ofAScheduledRequest_pointsToCancel() {
            RequestId id = requested("11:00");
            h.service.approve(BOB, id);

            Outcome o = h.service.release(ALICE, id);

            assertThat(((Outcome.Refused) o).message()).contains("starts at Wed 25 Nov 11:00 UTC")
                    .contains("`cancel " + id + "`");
        }

        @Test
        void approval_afterTheStart_grantsAtOnce() {
            RequestId id = requested("10:20");
            h.advance(Duration.ofMinutes(25));

            assertThat(h.service.approve(BOB, id)).isInstanceOf(Outcome.Activating.class);
            assertThat(h.provider.grants).containsExactly(id);
        }

        @Test
        void undecidedByTheStart_lapses() {
            RequestId id = requested("tomorrow 09:00");

            h.advance(Duration.ofHours(23));

            assertThat(stored(id).state()).isEqualTo(State.LAPSED);
            assertThat(h.provider.grants).isEmpty();
        }

        @Test
        void aSecondRequestForTheSameGrant_whileOneIsScheduled_isRefused() {
            RequestId id = requested("11:00");
            h.service.approve(BOB, id);

            Outcome again = h.service.handle(ALICE, "request Contributor on rg-payments for 1h because INC-4411 now");

            assertThat(((Outcome.Refused) again).message()).contains(id.toString());
        }
    }

    @Nested
    class TimeZones {

        @Test
        void aTimeWithoutZone_isReadInTheRequestersZone_andShownBackWithIt() {
            Outcome o = h.service.handle(ALICE.inZone("Europe/Berlin"),
                    "request Contributor on rg-payments from 22:00 for 1h because INC-4411 window");

            AccessRequest r = ((Outcome.Requested) o).request();
            assertThat(r.startsAt()).isEqualTo(Instant.parse("2026-11-25T21:00:00Z"));
            assertThat(r.startZone()).isEqualTo("Europe/Berlin");
            assertThat(Phrases.awaiting(r).toString()).contains("starting Wed 25 Nov 22:00 Europe/Berlin (21:00 UTC)");
        }

        @Test
        void tomorrow_isTheRequestersTomorrow() {
            // 10:00 UTC is 02:00 in Los Angeles: "tomorrow" there is Thursday 26 Nov.
            Outcome o = h.service.handle(ALICE.inZone("America/Los_Angeles"),
                    "request Contributor on rg-payments from tomorrow 09:00 for 1h because INC-4411 window");

            assertThat(((Outcome.Requested) o).request().startsAt()).isEqualTo(Instant.parse("2026-11-26T17:00:00Z"));
        }

        @Test
        void anExplicitZone_winsOverTheProfile() {
            Outcome o = h.service.handle(ALICE.inZone("Europe/Berlin"),
                    "request Contributor on rg-payments from 2026-12-02T09:00Z for 1h because INC-4411 window");

            AccessRequest r = ((Outcome.Requested) o).request();
            assertThat(r.startsAt()).isEqualTo(Instant.parse("2026-12-02T09:00:00Z"));
            assertThat(r.startZone()).isEqualTo("UTC");
            assertThat(Phrases.starts(r)).isEqualTo("Wed 2 Dec 09:00 UTC");
        }

        @Test
        void noZoneAnywhere_isUtc() {
            AccessRequest r = ((Outcome.Requested) ask("13:15")).request();

            assertThat(r.startsAt()).isEqualTo(Instant.parse("2026-11-25T13:15:00Z"));
            assertThat(Phrases.starts(r)).isEqualTo("Wed 25 Nov 13:15 UTC");
        }

        @Test
        void anUnknownProfileZone_isReadAsUtc_withANote() {
            Outcome o = h.service.handle(ALICE.inZone("Mars/Olympus_Mons"),
                    "request Contributor on rg-payments from 13:00 for 1h because INC-4411 window");

            Outcome.Requested r = (Outcome.Requested) o;
            assertThat(r.request().startsAt()).isEqualTo(Instant.parse("2026-11-25T13:00:00Z"));
            assertThat(r.notice()).isEqualTo("I don't know the time zone `Mars/Olympus_Mons` from your chat profile, "
                    + "so I read the time as UTC.");
            dev.jitbot.core.domain.Text dm = h.slack.messagesTo("dm:U0ALICE").get(h.slack.to("dm:U0ALICE").size() - 1);
            assertThat(dm.segments()).contains(new dev.jitbot.core.domain.Text.Code("Mars/Olympus_Mons"));
            assertThat(dm.toString()).endsWith("from your chat profile, so I read the time as UTC.");
        }

        @Test
        void aStartInThePast_isRefusedWithTomorrowSuggested() {
            Outcome o = ask("09:00");

            assertThat(((Outcome.Refused) o).message()).isEqualTo("That start is Wed 25 Nov 09:00 UTC: that is in the "
                    + "past; did you mean tomorrow 09:00? Write `from tomorrow 09:00`, or leave out `from` to start as "
                    + "soon as it is approved.");
            assertThat(h.store.findByState(java.util.EnumSet.allOf(State.class))).isEmpty();
        }

        @Test
        void aStartPastMaxLead_isRefusedWithTheLimit() {
            Outcome o = ask("2026-12-03T10:00Z");

            assertThat(((Outcome.Refused) o).message()).isEqualTo("That start is Thu 3 Dec 10:00 UTC, more than 7 days "
                    + "ahead: jitbot schedules access at most 7 days ahead (policy `max_lead`), so the latest start now "
                    + "is Wed 2 Dec 10:00 UTC. Ask again closer to the time.");
        }

        @Test
        void exactlyMaxLeadAhead_isAccepted() {
            assertThat(ask("2026-12-02T10:00Z")).isInstanceOf(Outcome.Requested.class);
        }
    }
}
