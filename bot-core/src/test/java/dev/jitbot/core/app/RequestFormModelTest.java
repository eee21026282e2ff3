package dev.jitbot.core.app;

import static dev.jitbot.core.testing.TestPolicies.BOB;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.app.AccessService.BundleOffer;
import dev.jitbot.core.app.AccessService.Offer;
import dev.jitbot.core.domain.Command;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Refusal;
import dev.jitbot.core.domain.Refusal.Field;
import dev.jitbot.core.domain.StartTime;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.domain.Text;
import dev.jitbot.core.testing.CoreHarness;
import dev.jitbot.core.testing.TestOffers;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** The request form as the core decides it: what it offers, what a filled-in form reads as, where refusals go. */
class RequestFormModelTest {

    static final List<Offer> OFFERS = TestOffers.OFFERS;
    static final List<BundleOffer> BUNDLES = TestOffers.BUNDLES;

    final Map<Field, String> form = new EnumMap<>(Field.class);
    final RequestFormModel model = RequestFormModel.of(OFFERS, BUNDLES);

    Command ready() {
        FormReading r = model.read(form);
        assertThat(r).isInstanceOf(FormReading.Ready.class);
        return ((FormReading.Ready) r).command();
    }

    Map<Field, Refusal> unfinished() {
        FormReading r = model.read(form);
        assertThat(r).isInstanceOf(FormReading.Unfinished.class);
        return ((FormReading.Unfinished) r).refusals();
    }

    @Nested
    class WhatItOffers {

        @Test
        void choices_areBundlesThenEveryRoleAndScope_labelledWithTheirLimits() {
            assertThat(model.choices()).extracting(FormChoice::value).containsExactly("bundle|incident-payments",
                    "Contributor|rg-payments", "Owner|sub-prod", "Reader|/subscriptions/s/resourceGroups/*");
            assertThat(model.choices()).extracting(FormChoice::label).containsExactly(
                    "Bundle incident-payments: 2 roles · up to 2 h, 1 approval",
                    "Contributor on rg-payments · up to 2 h, 1 approval",
                    "Owner on sub-prod · up to 30 min, 2 approvals, ticket",
                    "Reader on /subscriptions/s/resourceGroups/* · up to 8 h, no approval");
        }

        @Test
        void durations_stopAtTheLongestOffer_andIncludeEachOffersOwnMaximum() {
            RequestFormModel m = RequestFormModel.of(List.of(new Offer("r", "Contributor", List.of("rg-payments"),
                    Duration.ofMinutes(100), 1, null, List.of())), List.of());

            assertThat(m.durations()).extracting(FormChoice::value)
                    .containsExactly("15m", "30m", "45m", "1h", "1h30m", "1h40m");
            assertThat(m.durations().get(0).label()).isEqualTo("15 min");
        }

        @Test
        void optionalFields_appearOnlyWhereTheOffersNeedThem() {
            assertThat(model.asksExactScope()).isTrue();
            assertThat(model.asksTicket()).isTrue();
            assertThat(model.exampleTicket()).isEqualTo("INC-1234");
            assertThat(model.principals()).extracting(FormChoice::value).containsExactly(RequestFormModel.MYSELF,
                    "deploy-pipeline");
            assertThat(model.principals().get(0).label()).isEqualTo("Me");

            RequestFormModel plain = RequestFormModel.of(OFFERS.subList(0, 1), List.of());
            assertThat(plain.asksExactScope()).isFalse();
            assertThat(plain.asksTicket()).isFalse();
            assertThat(plain.exampleTicket()).isNull();
            assertThat(plain.principals()).isEmpty();
            assertThat(plain.bundleNote()).isEmpty();
        }

        @Test
        void exampleTicket_followsTheRulesPattern_notAFixedOne() {
            RequestFormModel m = RequestFormModel.of(List.of(new Offer("r", "Owner", List.of("sub-prod"),
                    Duration.ofMinutes(30), 2, "CHG\\d+", List.of())), List.of());

            assertThat(m.exampleTicket()).isEqualTo("CHG1234");
        }

        @Test
        void bundleNote_namesEachBundlesMembers() {
            assertThat(model.bundleNote().orElseThrow().render(Text.PLAIN)).isEqualTo(
                    "Bundles grant all their roles together:\nincident-payments: Contributor on rg-payments, Reader on sub-prod");
        }

        @Test
        void noOffersAtAll_isAnEmptyForm() {
            assertThat(RequestFormModel.of(List.of(), List.of()).isEmpty()).isTrue();
            assertThat(model.isEmpty()).isFalse();
        }
    }

    @Nested
    class Reading {

        @Test
        void aFilledInForm_readsAsTheCommandTheTextGrammarWouldBuild() {
            form.put(Field.ROLE, "Owner|sub-prod");
            form.put(Field.DURATION, "30m");
            form.put(Field.JUSTIFICATION, " restore the key vault ");
            form.put(Field.TICKET, "INC-42");
            form.put(Field.PRINCIPAL, "deploy-pipeline");

            assertThat(ready()).isEqualTo(new Command.Request("Owner", "sub-prod", Duration.ofMinutes(30),
                    "restore the key vault", "INC-42", "deploy-pipeline", null));
        }

        @Test
        void me_asWhomItIsFor_isARequestForOneself() {
            form.put(Field.ROLE, "Contributor|rg-payments");
            form.put(Field.DURATION, "1h");
            form.put(Field.JUSTIFICATION, "rotate keys");
            form.put(Field.PRINCIPAL, RequestFormModel.MYSELF);

            assertThat(((Command.Request) ready()).principal()).isNull();
        }

        @Test
        void aStart_isReadAsTheTextGrammarReadsWhatFollowsFrom_withOrWithoutTheWord() {
            form.put(Field.ROLE, "Contributor|rg-payments");
            form.put(Field.DURATION, "1h");
            form.put(Field.JUSTIFICATION, "migration window");
            form.put(Field.START, "tomorrow 09:00");
            assertThat(((Command.Request) ready()).start()).isEqualTo(StartTime.parse("tomorrow 09:00").orThrow());

            form.put(Field.START, "from tomorrow 09:00");
            assertThat(((Command.Request) ready()).start()).isEqualTo(StartTime.parse("tomorrow 09:00").orThrow());
        }

        @Test
        void aStartItCannotRead_saysHowToWriteOne_withoutTheTextGrammarsFrom() {
            form.put(Field.ROLE, "Contributor|rg-payments");
            form.put(Field.DURATION, "1h");
            form.put(Field.JUSTIFICATION, "migration window");
            form.put(Field.START, "after lunch");

            Map<Field, Refusal> wrong = unfinished();

            assertThat(wrong).containsOnlyKeys(Field.START);
            assertThat(wrong.get(Field.START).message()).contains("`after lunch`").contains("`22:00`")
                    .contains("`tomorrow 09:00`").doesNotContain("from");
            assertThat(wrong.get(Field.START).field()).isEqualTo(Field.START);
        }

        @Test
        void anEmptyForm_namesEachFieldEveryRequestNeeds() {
            form.put(Field.JUSTIFICATION, "  ");

            Map<Field, Refusal> wrong = unfinished();

            assertThat(wrong).containsOnlyKeys(Field.ROLE, Field.DURATION, Field.JUSTIFICATION);
            assertThat(wrong.get(Field.ROLE).message()).isEqualTo("Choose the role and scope you need.");
            assertThat(wrong.get(Field.DURATION).message()).contains("`45m`");
            assertThat(wrong.get(Field.JUSTIFICATION).message())
                    .isEqualTo("Say why you need it: approvers and the audit log need it.");
        }

        @Test
        void theRulesStayWithTheCore_aDurationOverTheMaximumAndNoTicketStillMakeACommand() {
            form.put(Field.ROLE, "Owner|sub-prod");
            form.put(Field.DURATION, "2h");
            form.put(Field.JUSTIFICATION, "INC-77 outage");
            form.put(Field.TICKET, "");

            Command.Request r = (Command.Request) ready();

            assertThat(r.duration()).isEqualTo(Duration.ofHours(2));
            assertThat(r.ticket()).isNull();
        }

        @Test
        void aPatternChoice_needsTheExactScope_underTheExactScopeField() {
            form.put(Field.ROLE, "Reader|/subscriptions/s/resourceGroups/*");
            form.put(Field.DURATION, "1h");
            form.put(Field.JUSTIFICATION, "x");
            form.put(Field.SCOPE, " ");

            assertThat(unfinished()).containsOnlyKeys(Field.SCOPE);
            assertThat(unfinished().get(Field.SCOPE).message()).contains("exact ARM id")
                    .contains("/subscriptions/s/resourceGroups/rg-payments");

            form.put(Field.SCOPE, "/subscriptions/s/resourceGroups/rg-orders");
            assertThat(((Command.Request) ready()).scope()).isEqualTo("/subscriptions/s/resourceGroups/rg-orders");
        }

        @Test
        void aPatternChoice_onAFormWithoutTheExactScopeField_saysSoUnderTheChoice() {
            form.put(Field.ROLE, "Reader|/subscriptions/s/resourceGroups/*");
            form.put(Field.DURATION, "1h");
            form.put(Field.JUSTIFICATION, "x");

            assertThat(unfinished()).containsOnlyKeys(Field.ROLE);
        }

        @Test
        void aChoiceThePolicyNoLongerOffers_asksToOpenTheFormAgain() {
            form.put(Field.ROLE, "Owner|rg-payments");
            form.put(Field.DURATION, "30m");
            form.put(Field.JUSTIFICATION, "x");

            Refusal gone = unfinished().get(Field.ROLE);

            assertThat(gone.reason()).isEqualTo(Refusal.Reason.NOT_ELIGIBLE);
            assertThat(gone.message()).contains("no longer offers you Owner on rg-payments").contains("open it again");
        }
    }

    @Nested
    class Bundles {

        @Test
        void aBundleChoice_readsAsABundleRequest_andLeavesItsDurationCapToTheCore() {
            form.put(Field.ROLE, "bundle|incident-payments");
            form.put(Field.DURATION, "3h");
            form.put(Field.JUSTIFICATION, "INC-7 payments down");
            form.put(Field.PRINCIPAL, RequestFormModel.MYSELF);

            assertThat(ready()).isEqualTo(new Command.RequestBundle("incident-payments", Duration.ofHours(3),
                    "INC-7 payments down", null));
        }

        @Test
        void aBundle_isForTheRequesterOnly_andCannotBeScheduled() {
            form.put(Field.ROLE, "bundle|incident-payments");
            form.put(Field.DURATION, "1h");
            form.put(Field.JUSTIFICATION, "INC-7");
            form.put(Field.PRINCIPAL, "deploy-pipeline");
            form.put(Field.START, "22:00");

            Map<Field, Refusal> wrong = unfinished();

            assertThat(wrong).containsOnlyKeys(Field.PRINCIPAL, Field.START);
            assertThat(wrong.get(Field.PRINCIPAL).message()).startsWith("Bundles are granted to you only");
            assertThat(wrong.get(Field.START).message()).startsWith("A bundle starts once it is approved");
        }

        @Test
        void aBundleThePolicyNoLongerOffers_asksToOpenTheFormAgain() {
            form.put(Field.ROLE, "bundle|gone");
            form.put(Field.DURATION, "1h");
            form.put(Field.JUSTIFICATION, "x");

            assertThat(unfinished().get(Field.ROLE).message()).contains("no longer offers you bundle gone");
        }
    }

    @Nested
    class CoreRefusals {

        final FormReading.Ready withTicket = new FormReading.Ready(new Command.RequestBundle("b", Duration.ofHours(1),
                "x", null), Set.of(Field.ROLE, Field.DURATION, Field.JUSTIFICATION, Field.TICKET));
        final FormReading.Ready withoutTicket = new FormReading.Ready(withTicket.command(),
                Set.of(Field.ROLE, Field.DURATION, Field.JUSTIFICATION));

        @Test
        void fieldFor_isTheFieldTheRefusalNames_whenTheFormHasIt() {
            assertThat(withTicket.fieldFor(new Refusal(Refusal.Reason.OVER_MAX_DURATION, "too long")))
                    .isEqualTo(Field.DURATION);
            assertThat(withTicket.fieldFor(new Refusal(Refusal.Reason.TICKET_REQUIRED, "ticket")))
                    .isEqualTo(Field.TICKET);
        }

        @Test
        void fieldFor_aTicketOnAFormWithoutTheTicketField_isTheReason_whereAnIdCountsToo() {
            assertThat(withoutTicket.fieldFor(new Refusal(Refusal.Reason.TICKET_REQUIRED, "ticket")))
                    .isEqualTo(Field.JUSTIFICATION);
        }

        @Test
        void fieldFor_aFieldTheFormLacksOrNone_isTheChoice() {
            assertThat(withTicket.fieldFor(new Refusal(Refusal.Reason.UNKNOWN_SCOPE, "scope"))).isEqualTo(Field.ROLE);
            assertThat(withTicket.fieldFor(new Refusal(Refusal.Reason.WRONG_STATE, "open"))).isEqualTo(Field.ROLE);
        }

        @Test
        void aFormBuiltFromTheService_filesWhatItReads_andTheCoresRefusalLandsUnderTheFieldItNames() {
            CoreHarness h = new CoreHarness();
            RequestFormModel bobs = RequestFormModel.of(h.service, BOB);
            Map<Field, String> sent = new EnumMap<>(Field.class);
            sent.put(Field.ROLE, "Owner|sub-prod");
            sent.put(Field.DURATION, "2h");
            sent.put(Field.JUSTIFICATION, "INC-77 outage");
            sent.put(Field.TICKET, null);

            FormReading.Ready tooLong = (FormReading.Ready) bobs.read(sent);
            Outcome refused = h.service.handle(BOB, tooLong.command());

            assertThat(refused).isInstanceOf(Outcome.Refused.class);
            assertThat(tooLong.fieldFor(((Outcome.Refused) refused).refusal())).isEqualTo(Field.DURATION);

            sent.put(Field.DURATION, "30m");
            Outcome filed = h.service.handle(BOB, ((FormReading.Ready) bobs.read(sent)).command());

            assertThat(filed).isInstanceOf(Outcome.Requested.class);
            assertThat(((Outcome.Requested) filed).request().state()).isEqualTo(State.PENDING);
            assertThat(((Outcome.Requested) filed).request().ticket()).isEqualTo("INC-77");
        }
    }
}
