package dev.jitbot.slack;

import static org.assertj.core.api.Assertions.assertThat;

import com.slack.api.model.view.ViewState;
import com.slack.api.util.json.GsonFactory;
import dev.jitbot.core.app.AccessService.BundleOffer;
import dev.jitbot.core.app.AccessService.Offer;
import dev.jitbot.core.app.FormReading;
import dev.jitbot.core.app.RequestFormModel;
import dev.jitbot.core.domain.Command;
import dev.jitbot.core.domain.Refusal;
import dev.jitbot.core.testing.TestOffers;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Slack drawing of the core's request form, and how a sent form's blocks reach the core's reading. */
class RequestFormTest {

    static final List<Offer> OFFERS = TestOffers.OFFERS;
    static final List<BundleOffer> BUNDLES = TestOffers.BUNDLES;

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

    static String json(RequestFormModel form) {
        return GsonFactory.createSnakeCase().toJson(RequestForm.modal(form));
    }

    @Test
    void modal_drawsOnlyTheModelsChoices_andCapsThePickerAtTheLongestMaximum() {
        String json = json(RequestFormModel.of(OFFERS.subList(0, 2), List.of()));

        assertThat(json).contains("Contributor|rg-payments").contains("Owner|sub-prod").doesNotContain("Reader")
                .contains("Owner on sub-prod · up to 30 min, 2 approvals, ticket")
                .contains("\"value\":\"2h\"").doesNotContain("\"value\":\"3h\"").contains("\"block_id\":\"ticket\"")
                .contains("e.g. INC-1234").contains("deploy-pipeline").doesNotContain("\"block_id\":\"scope\"");
    }

    @Test
    void modal_drawsBundlesAsChoices_withTheirMembersListed() {
        String json = json(RequestFormModel.of(OFFERS.subList(0, 1), BUNDLES));

        assertThat(json).contains("bundle|incident-payments").contains("Bundle incident-payments: 2 roles")
                .contains("*incident-payments*: Contributor on rg-payments, Reader on sub-prod")
                .doesNotContain("\"block_id\":\"ticket\"").doesNotContain("\"block_id\":\"principal\"");
    }

    @Test
    void modal_forAPatternChoice_hasTheExactScopeField() {
        assertThat(json(RequestFormModel.of(OFFERS, List.of()))).contains("\"block_id\":\"scope\"");
    }

    @Test
    void read_handsEachBlockToTheModel_chosenOrTyped_asTheCommandTheTextGrammarWouldBuild() {
        select("offer", "Owner|sub-prod");
        type("duration", "30m");
        type("justification", "restore the key vault");
        type("ticket", "INC-42");
        select("principal", "deploy-pipeline");
        type("start", "tomorrow 09:00");

        FormReading r = RequestForm.read(values, RequestFormModel.of(OFFERS, BUNDLES));

        assertThat(((FormReading.Ready) r).command()).isEqualTo(new Command.Request("Owner", "sub-prod",
                Duration.ofMinutes(30), "restore the key vault", "INC-42", "deploy-pipeline",
                dev.jitbot.core.domain.StartTime.parse("tomorrow 09:00").orThrow()));
    }

    @Test
    void errors_putEachOfTheModelsRefusalsUnderItsBlock() {
        type("justification", "");
        type("start", "after lunch");

        FormReading r = RequestForm.read(values, RequestFormModel.of(OFFERS, BUNDLES));
        Map<String, String> errors = RequestForm.errors((FormReading.Unfinished) r, Refusal::message);

        assertThat(errors).containsOnlyKeys("offer", "duration", "start", "justification");
        assertThat(errors.get("start")).contains("22:00").contains("tomorrow 09:00");
    }

    @Test
    void blockFor_putsACoreRefusalUnderTheBlockOfTheFieldItNames_orUnderTheChoice() {
        select("offer", "Owner|sub-prod");
        select("duration", "2h");
        type("justification", "outage");
        FormReading.Ready noTicketBlock = (FormReading.Ready) RequestForm.read(values,
                RequestFormModel.of(OFFERS, BUNDLES));
        type("ticket", "CHG-1");
        FormReading.Ready ticketBlock = (FormReading.Ready) RequestForm.read(values, RequestFormModel.of(OFFERS, BUNDLES));

        assertThat(RequestForm.blockFor(ticketBlock, new Refusal(Refusal.Reason.OVER_MAX_DURATION, "long")))
                .isEqualTo("duration");
        assertThat(RequestForm.blockFor(ticketBlock, new Refusal(Refusal.Reason.TICKET_REQUIRED, "t")))
                .isEqualTo("ticket");
        assertThat(RequestForm.blockFor(noTicketBlock, new Refusal(Refusal.Reason.TICKET_REQUIRED, "t")))
                .isEqualTo("justification");
        assertThat(RequestForm.blockFor(ticketBlock, new Refusal(Refusal.Reason.UNKNOWN_SCOPE, "s")))
                .isEqualTo("offer");
        assertThat(RequestForm.blockFor(ticketBlock, new Refusal(Refusal.Reason.WRONG_STATE, "w")))
                .isEqualTo("offer");
    }
}
