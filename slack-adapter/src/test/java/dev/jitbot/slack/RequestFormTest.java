package dev.jitbot.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.slack.api.model.view.ViewState;
import dev.jitbot.core.app.AccessService.Offer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestFormTest {

    static final List<Offer> OFFERS = List.of(
            new Offer("operate payments", "Contributor", List.of("rg-payments"), Duration.ofHours(2), 1, null, List.of()),
            new Offer("own the subscription", "Owner", List.of("sub-prod"), Duration.ofMinutes(30), 2, "INC-\\d+",
                    List.of("deploy-pipeline")),
            new Offer("read production", "Reader", List.of("/subscriptions/s/resourceGroups/*"), Duration.ofHours(8), 0,
                    null, List.of()));

    final Map<String, Map<String, ViewState.Value>> values = new HashMap<>();

    void select(String block, String value) {
        ViewState.Value v = new ViewState.Value();
        ViewState.SelectedOption o = new ViewState.SelectedOption();
        o.setValue(value);
        v.setSelectedOption(o);
        values.put(block, Map.of(RequestForm.VALUE, v));
    }

    void type(String block, String text) {
        ViewState.Value v = new ViewState.Value();
        v.setValue(text);
        values.put(block, Map.of(RequestForm.VALUE, v));
    }

    @Test
    void read_whenEverythingIsFine_buildsTheSameCommandTheTextGrammarWould() {
        select("offer", "Owner|sub-prod");
        select("duration", "30m");
        type("justification", "restore the key vault");
        type("ticket", "INC-42");
        select("principal", "deploy-pipeline");

        RequestForm.Submission s = RequestForm.read(values, OFFERS, List.of());

        assertThat(s.ok()).isTrue();
        assertThat(s.command().role()).isEqualTo("Owner");
        assertThat(s.command().scope()).isEqualTo("sub-prod");
        assertThat(s.command().duration()).isEqualTo(Duration.ofMinutes(30));
        assertThat(s.command().ticket()).isEqualTo("INC-42");
        assertThat(s.command().principal()).isEqualTo("deploy-pipeline");
    }

    @Test
    void read_withAStart_carriesItAsTheTextGrammarWould() {
        select("offer", "Contributor|rg-payments");
        select("duration", "1h");
        type("justification", "migration window");
        type("start", "tomorrow 09:00");

        RequestForm.Submission s = RequestForm.read(values, OFFERS, List.of());

        assertThat(s.command().start()).isEqualTo(dev.jitbot.core.domain.StartTime.parse("tomorrow 09:00").orThrow());
    }

    @Test
    void read_withAStartItCannotRead_saysHowToWriteOne() {
        select("offer", "Contributor|rg-payments");
        select("duration", "1h");
        type("justification", "migration window");
        type("start", "after lunch");

        Map<String, String> errors = RequestForm.read(values, OFFERS, List.of()).errors();

        assertThat(errors).containsOnlyKeys("start");
        assertThat(errors.get("start")).contains("22:00").contains("tomorrow 09:00");
    }

    @Test
    void read_whenNothingIsFilledIn_namesEachRequiredField() {
        assertThat(RequestForm.read(values, OFFERS, List.of()).errors()).containsOnlyKeys("offer", "duration", "justification");
    }

    @Test
    void read_leavesTheRulesToTheCore_aDurationOverTheMaximumAndNoTicketStillMakeACommand() {
        select("offer", "Owner|sub-prod");
        select("duration", "2h");
        type("justification", "INC-77 outage");
        type("ticket", "");

        RequestForm.Submission s = RequestForm.read(values, OFFERS, List.of());

        assertThat(s.errors()).isEmpty();
        assertThat(s.command().duration()).isEqualTo(java.time.Duration.ofHours(2));
        assertThat(s.command().ticket()).isNull();
    }

    @Test
    void blockFor_putsACoreRefusalUnderTheFieldItNames_orUnderTheChoice() {
        java.util.Set<String> blocks = java.util.Set.of("offer", "duration", "justification", "ticket");

        assertThat(RequestForm.blockFor(dev.jitbot.core.domain.Refusal.Field.DURATION, blocks)).isEqualTo("duration");
        assertThat(RequestForm.blockFor(dev.jitbot.core.domain.Refusal.Field.TICKET, blocks)).isEqualTo("ticket");
        assertThat(RequestForm.blockFor(dev.jitbot.core.domain.Refusal.Field.TICKET, java.util.Set.of("offer",
                "justification"))).isEqualTo("justification");
        assertThat(RequestForm.blockFor(dev.jitbot.core.domain.Refusal.Field.SCOPE, blocks)).isEqualTo("offer");
        assertThat(RequestForm.blockFor(null, blocks)).isEqualTo("offer");
    }

    @Test
    void read_whenThePatternChoiceHasNoExactScope_asksForIt() {
        select("offer", "Reader|/subscriptions/s/resourceGroups/*");
        select("duration", "1h");
        type("justification", "x");
        type("scope", " ");

        assertThat(RequestForm.read(values, OFFERS, List.of()).errors()).containsOnlyKeys("scope");

        type("scope", "/subscriptions/s/resourceGroups/rg-orders");
        assertThat(RequestForm.read(values, OFFERS, List.of()).command().scope()).isEqualTo("/subscriptions/s/resourceGroups/rg-orders");
    }

    @Test
    void read_whenTheOfferIsNoLongerThere_asksToReopenTheForm() {
        select("offer", "Owner|rg-payments");
        select("duration", "30m");
        type("justification", "x");
        assertThat(RequestForm.read(values, OFFERS, List.of()).errors().get("offer")).contains("open it again");
    }

    @Test
    void modal_offersOnlyTheGivenChoices_andCapsThePickerAtTheLongestMaximum() {
        String json = com.slack.api.util.json.GsonFactory.createSnakeCase().toJson(RequestForm.modal(OFFERS.subList(0, 2), List.of()));
        assertThat(json).contains("Contributor|rg-payments").contains("Owner|sub-prod").doesNotContain("Reader")
                .contains("\"value\":\"2h\"").doesNotContain("\"value\":\"3h\"").contains("\"block_id\":\"ticket\"")
                .contains("deploy-pipeline").doesNotContain("\"block_id\":\"scope\"");
    }

    static final List<dev.jitbot.core.app.AccessService.BundleOffer> BUNDLES = List.of(
            new dev.jitbot.core.app.AccessService.BundleOffer("incident-payments",
                    List.of("Contributor on rg-payments", "Reader on sub-prod"), Duration.ofHours(2), 1));

    @Test
    void modal_offersBundlesAsChoices_withTheirMembersListed() {
        String json = com.slack.api.util.json.GsonFactory.createSnakeCase()
                .toJson(RequestForm.modal(OFFERS.subList(0, 1), BUNDLES));
        assertThat(json).contains("bundle|incident-payments").contains("Bundle incident-payments: 2 roles")
                .contains("Contributor on rg-payments, Reader on sub-prod");
    }

    @Test
    void read_aBundleChoice_buildsABundleRequest_andLeavesItsDurationCapToTheCore() {
        select("offer", "bundle|incident-payments");
        select("duration", "3h");
        type("justification", "INC-7 payments down");

        assertThat(RequestForm.read(values, OFFERS, BUNDLES).errors()).isEmpty();

        select("duration", "1h");
        RequestForm.Submission s = RequestForm.read(values, OFFERS, BUNDLES);
        assertThat(s.toCommand()).isEqualTo(new dev.jitbot.core.domain.Command.RequestBundle("incident-payments",
                Duration.ofHours(1), "INC-7 payments down", null));
    }
}
