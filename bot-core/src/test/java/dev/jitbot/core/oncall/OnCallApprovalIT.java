package dev.jitbot.core.oncall;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.wireMockConfig;
import static dev.jitbot.core.testing.TestPolicies.ALICE;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Policy;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.CoreHarness;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * {@code auto_approve_if: oncall} end to end: the core asks a WireMock PagerDuty or Opsgenie through the real HTTP
 * client, with the key from the environment, and grants (or waits for approvers) on what it hears.
 */
class OnCallApprovalIT {

    private static final String PD_KEY = "pd-test-key-y_NbAkKc66ryYTWUXYEu";
    private static final String OG_KEY = "0a1b2c3d-og-test-key";
    private static final WireMockServer wm = new WireMockServer(wireMockConfig().dynamicPort());

    @BeforeAll
    static void start() {
        wm.start();
    }

    @AfterAll
    static void stop() {
        wm.stop();
    }

    @BeforeEach
    void reset() {
        wm.resetAll();
    }

    /** A generous call timeout: on a loaded machine the first call to WireMock took over 2 s, read as "timed out". */
    private static CoreHarness core(Policy.OnCallProvider provider, String schedule) {
        HttpOnCallSource source = new HttpOnCallSource(Map.of(Policy.OnCallProvider.PAGERDUTY.defaultKeyEnv(), PD_KEY,
                Policy.OnCallProvider.OPSGENIE.defaultKeyEnv(), OG_KEY), Duration.ofSeconds(15));
        CoreHarness h = new CoreHarness(source);
        h.policy.set(TestPolicies.withOnCall(TestPolicies.design(), provider, wm.baseUrl(), "operate payments",
                Duration.ofHours(1), schedule));
        return h;
    }

    private static Outcome askForContributor(CoreHarness h, String duration) {
        return h.service.handle(ALICE, "request Contributor on rg-payments for " + duration + " because INC-4411 fix");
    }

    private static void pagerDutyOnCall(String schedule, String scheduleName, String email) {
        wm.stubFor(get(urlPathEqualTo("/oncalls")).withQueryParam("schedule_ids[]", equalTo(schedule))
                .withQueryParam("include[]", equalTo("users"))
                .withHeader("Authorization", equalTo("Token token=" + PD_KEY))
                .withHeader("Accept", equalTo("application/vnd.pagerduty+json;version=2"))
                .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
                        {"oncalls":[{"user":{"id":"PT23IWX","type":"user","name":"Someone","email":"%s",
                            "time_zone":"Europe/London","self":"https://api.pagerduty.com/users/PT23IWX"},
                          "schedule":{"id":"%s","type":"schedule_reference","summary":"%s"},
                          "escalation_policy":{"id":"PT20YPA","type":"escalation_policy_reference","summary":"Payments"},
                          "escalation_level":1,"start":"2026-11-25T09:00:00Z","end":"2026-11-26T09:00:00Z"}],
                         "limit":100,"offset":0,"more":false,"total":null}
                        """.formatted(email, schedule, scheduleName))));
    }

    @Nested
    class PagerDuty {

        @Test
        void request_whenRequesterIsOnCallInTheSchedule_isGrantedWithoutAClickAndSaysWhy() {
            CoreHarness h = core(Policy.OnCallProvider.PAGERDUTY, "PI7DH85");
            pagerDutyOnCall("PI7DH85", "Payments primary", "alice@contoso.com");

            Outcome o = askForContributor(h, "45m");

            assertThat(o).isInstanceOf(Outcome.Activating.class);
            AccessRequest r = h.store.find(((Outcome.Activating) o).request().id()).orElseThrow();
            assertThat(r.state()).isEqualTo(State.ACTIVE);
            assertThat(r.autoApproval()).isEqualTo("on call in schedule Payments primary");
            assertThat(h.provider.grants).containsExactly(r.id());
            assertThat(h.memoryAudit.forRequest(r.id())).anySatisfy(e -> {
                assertThat(e.action()).isEqualTo("approved");
                assertThat(e.details()).contains("auto-approved: on call in schedule Payments primary");
            });
            wm.verify(1, getRequestedFor(urlPathEqualTo("/oncalls")));
        }

        @Test
        void request_whenRequesterIsOffCall_waitsForApproval() {
            CoreHarness h = core(Policy.OnCallProvider.PAGERDUTY, "PI7DH85");
            pagerDutyOnCall("PI7DH85", "Payments primary", "bob@contoso.com");

            Outcome o = askForContributor(h, "45m");

            assertThat(o).isInstanceOf(Outcome.Requested.class);
            assertThat(((Outcome.Requested) o).request().state()).isEqualTo(State.PENDING);
            assertThat(h.provider.grants).isEmpty();
            assertThat(h.memoryAudit.forRequest(((Outcome.Requested) o).request().id()))
                    .anySatisfy(e -> assertThat(e.details()).contains("not on call, so approvers decide"));
        }

        @Test
        void request_whenPagerDutyAnswers500_waitsForApprovalAndNeverAutoApproves() {
            CoreHarness h = core(Policy.OnCallProvider.PAGERDUTY, "PI7DH85");
            wm.stubFor(get(urlPathEqualTo("/oncalls")).willReturn(aResponse().withStatus(500)
                    .withBody("{\"error\":{\"message\":\"Internal\",\"code\":2000}}")));

            Outcome o = askForContributor(h, "45m");

            assertThat(o).isInstanceOf(Outcome.Requested.class);
            assertThat(h.provider.grants).isEmpty();
            assertThat(h.memoryAudit.forRequest(((Outcome.Requested) o).request().id()))
                    .anySatisfy(e -> assertThat(e.details()).contains("on-call check unavailable")
                            .contains("PagerDuty answered 500").doesNotContain(PD_KEY));
        }

        @Test
        void request_longerThanTheOnCallCap_waitsForApprovalWithoutAsking() {
            CoreHarness h = core(Policy.OnCallProvider.PAGERDUTY, "PI7DH85");
            pagerDutyOnCall("PI7DH85", "Payments primary", "alice@contoso.com");

            Outcome o = askForContributor(h, "90m");

            assertThat(o).isInstanceOf(Outcome.Requested.class);
            wm.verify(0, getRequestedFor(urlPathEqualTo("/oncalls")));
        }

        @Test
        void answers_areReusedForAtMostSixtySeconds() {
            CoreHarness h = core(Policy.OnCallProvider.PAGERDUTY, "PI7DH85");
            pagerDutyOnCall("PI7DH85", "Payments primary", "bob@contoso.com");

            askForContributor(h, "45m");
            h.service.handle(TestPolicies.DAVE, "request Contributor on rg-payments for 45m because INC-4412 fix");
            wm.verify(1, getRequestedFor(urlPathEqualTo("/oncalls")));

            h.clock.advance(Duration.ofSeconds(61));
            h.service.handle(TestPolicies.CAROL, "request Contributor on rg-payments for 45m because INC-4413 fix");
            wm.verify(2, getRequestedFor(urlPathEqualTo("/oncalls")));
        }
    }

    @Nested
    class Opsgenie {

        private void onCall(String schedule, String email) {
            wm.stubFor(get(urlPathEqualTo("/v2/schedules/" + schedule + "/on-calls"))
                    .withQueryParam("flat", equalTo("true"))
                    .withHeader("Authorization", equalTo("GenieKey " + OG_KEY))
                    .willReturn(aResponse().withStatus(200).withHeader("Content-Type", "application/json").withBody("""
                            {"data":{"_parent":{"id":"%s","name":"Payments rota","enabled":true},
                              "onCallRecipients":["%s"]},"took":0.1,"requestId":"6c5e4d"}
                            """.formatted(schedule, email))));
        }

        @Test
        void request_whenRequesterIsOnCall_isGrantedWithoutAClick() {
            CoreHarness h = core(Policy.OnCallProvider.OPSGENIE, "d875e654-9b4e-4219-a4c6-2ba1a6e21cd4");
            onCall("d875e654-9b4e-4219-a4c6-2ba1a6e21cd4", "Alice@Contoso.com");

            Outcome o = askForContributor(h, "1h");

            assertThat(o).isInstanceOf(Outcome.Activating.class);
            AccessRequest r = h.store.find(((Outcome.Activating) o).request().id()).orElseThrow();
            assertThat(r.state()).isEqualTo(State.ACTIVE);
            assertThat(r.autoApproval()).isEqualTo("on call in schedule Payments rota");
        }

        @Test
        void request_whenRequesterIsOffCall_waitsForApproval() {
            CoreHarness h = core(Policy.OnCallProvider.OPSGENIE, "d875e654-9b4e-4219-a4c6-2ba1a6e21cd4");
            onCall("d875e654-9b4e-4219-a4c6-2ba1a6e21cd4", "bob@contoso.com");

            assertThat(askForContributor(h, "1h")).isInstanceOf(Outcome.Requested.class);
        }

        @Test
        void request_whenTheKeyIsRefused_waitsForApproval() {
            CoreHarness h = core(Policy.OnCallProvider.OPSGENIE, "d875e654-9b4e-4219-a4c6-2ba1a6e21cd4");
            wm.stubFor(get(urlPathEqualTo("/v2/schedules/d875e654-9b4e-4219-a4c6-2ba1a6e21cd4/on-calls"))
                    .willReturn(aResponse().withStatus(401).withBody("{\"message\":\"Key format is not valid!\","
                            + "\"took\":0.002,\"requestId\":\"x\"}")));

            Outcome o = askForContributor(h, "1h");

            assertThat(o).isInstanceOf(Outcome.Requested.class);
            assertThat(h.memoryAudit.forRequest(((Outcome.Requested) o).request().id()))
                    .anySatisfy(e -> assertThat(e.details()).contains("Opsgenie answered 401"));
        }
    }
}
