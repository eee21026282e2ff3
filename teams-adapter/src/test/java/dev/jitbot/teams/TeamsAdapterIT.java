package dev.jitbot.teams;

import static dev.jitbot.teams.FakeTeams.ACCESS_TOKEN;
import static dev.jitbot.teams.FakeTeams.ALICE;
import static dev.jitbot.teams.FakeTeams.APP_ID;
import static dev.jitbot.teams.FakeTeams.APP_PASSWORD;
import static dev.jitbot.teams.FakeTeams.BOB;
import static dev.jitbot.teams.FakeTeams.CARD_ID;
import static dev.jitbot.teams.FakeTeams.CAROL;
import static dev.jitbot.teams.FakeTeams.ERIN;
import static dev.jitbot.teams.FakeTeams.json;
import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.put;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import com.github.tomakehurst.wiremock.stubbing.StubMapping;
import com.github.tomakehurst.wiremock.verification.LoggedRequest;
import dev.jitbot.core.app.AccessService;
import dev.jitbot.core.app.AuditLog;
import dev.jitbot.core.app.WorkKind;
import dev.jitbot.core.app.Notifications;
import dev.jitbot.core.domain.AccessRequest;
import dev.jitbot.core.domain.AuditEvent;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.CoreHarness;
import dev.jitbot.core.testing.InMemoryAuditLog;
import dev.jitbot.core.testing.InMemoryConversationStore;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.List;
import java.util.regex.Pattern;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The Teams adapter over real HTTP: activities with RS256 JWTs go to {@code POST /api/messages} on a Jetty server;
 * WireMock is Bot Framework's key metadata, Entra's token endpoint and the Teams connector (with a roster that
 * gives each member's email, which is how the policy names people).
 */
class TeamsAdapterIT {

    static final String APPROVALS = "19:approvals@thread.tacv2";
    static final String ALICE_CHAT = "a:1alice-personal-chat";
    static final String REQUEST = "request Contributor on rg-payments for 45m because INC-4411 hotfix";

    static FakeTeams teams;
    final HttpClient http = HttpClient.newHttpClient();
    final InMemoryConversationStore conversations = new InMemoryConversationStore();
    CoreHarness core;
    TeamsModule module;
    Server jetty;

    @BeforeAll
    static void fakes() {
        teams = new FakeTeams();
    }

    @AfterAll
    static void stopFakes() {
        teams.close();
    }

    @BeforeEach
    void start() throws Exception {
        teams.reset();
        core = new CoreHarness();
        serve(core);
    }

    @AfterEach
    void stop() throws Exception {
        jetty.stop();
        module.close();
    }

    void serve(CoreHarness harness) throws Exception {
        serve(harness.service, harness.audit, harness.clock, harness.notifications);
    }

    void serve(AccessService service, AuditLog audit, Clock clock, Notifications notifications) throws Exception {
        serve(service, audit, clock, notifications, true);
    }

    /** @param plainHttpServiceUrls whether activities may name an http serviceUrl (FakeTeams is plain http) */
    void serve(AccessService service, AuditLog audit, Clock clock, Notifications notifications,
               boolean plainHttpServiceUrls) throws Exception {
        module = TeamsModule.create(new TeamsModule.Settings(APP_ID, APP_PASSWORD, null, teams.openIdMetadataUrl(),
                teams.authority()), service, conversations, audit, clock, plainHttpServiceUrls);
        notifications.register(module.notifier());
        jetty = new Server(0);
        ServletContextHandler context = new ServletContextHandler();
        context.addServlet(new ServletHolder(module.servlet()), "/api/messages");
        jetty.setHandler(context);
        jetty.start();
    }

    // ------------------------------------------------------------------------------------------------ the loop

    @Nested
    class WholeLoop {

        @Test
        void request_approve_expire_postsCardGrantsThenUpdatesCardAndConfirmsRevocation() throws Exception {
            assertThat(post(teams.install(APPROVALS, "channel", CAROL)).statusCode()).isEqualTo(202);

            assertThat(post(teams.message(ALICE, ALICE_CHAT, "personal", REQUEST)).statusCode()).isEqualTo(202);
            AccessRequest pending = only(State.PENDING);
            assertThat(pending.requester().email()).isEqualTo("alice@contoso.com");
            assertThat(pending.principal().objectId()).isEqualTo(ALICE.aadObjectId());
            String receipt = text(one("POST", "/v3/conversations/" + ALICE_CHAT + "/activities/.+"));
            String dm = text(one("POST", "/v3/conversations/" + ALICE_CHAT + "/activities"));
            assertThat(receipt).as("the reply is a short receipt").contains("Filed as " + pending.id())
                    .contains("cancel " + pending.id()).doesNotContain("Requested Contributor");
            assertThat(dm).as("the core's message has the details")
                    .contains("Requested Contributor on rg-payments for 45 min as " + pending.id());
            assertThat(receipt).as("the requester does not get the same sentence twice").isNotEqualTo(dm);

            LoggedRequest cardPost = one("POST", "/v3/conversations/" + APPROVALS + "/activities");
            JsonNode card = card(cardPost);
            assertThat(card.path("version").asText()).isEqualTo("1.5");
            assertThat(card.toString()).contains(pending.id().value()).contains("INC-4411 hotfix");
            assertThat(card.at("/refresh/action/verb").asText()).isEqualTo("refresh");
            assertThat(strings(card.at("/refresh/userIds"))).as("the deciders, and the requester who may cancel")
                    .contains(BOB.id(), CAROL.id(), ALICE.id()).doesNotContain(ERIN.id());
            assertThat(card.has("actions")).as("the shared card shows status only").isFalse();
            assertThat(card.path("body").toString()).as("a card's text shows no inline code, so no backticks")
                    .doesNotContain("`");
            assertAllConnectorCallsCarryTheBearerToken();
            teams.reset();

            HttpResponse<String> invoke = post(teams.invoke(BOB, "approve", pending.id().value(), null));
            assertThat(invoke.statusCode()).isEqualTo(200);
            ObjectNode body = json(invoke.body());
            assertThat(body.path("statusCode").asInt()).isEqualTo(200);
            assertThat(body.path("type").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
            assertThat(body.at("/value/version").asText()).isEqualTo("1.5");
            assertThat(body.path("value").toString()).contains("Approved").contains("Active until")
                    .contains("\"verb\":\"revoke\"").doesNotContain("\"verb\":\"approve\"");
            assertThat(body.at("/value/body").toString()).as("the notice and the facts, without backticks")
                    .contains(pending.id().value()).doesNotContain("`");
            assertThat(core.provider.grants).containsExactly(pending.id());
            AccessRequest active = core.store.find(pending.id()).orElseThrow();
            assertThat(active.state()).isEqualTo(State.ACTIVE);
            assertThat(text(one("POST", "/v3/conversations/" + ALICE_CHAT + "/activities")))
                    .contains("is yours until").endsWith("Release early with `release " + pending.id() + "`.")
                    .doesNotContain("<@").doesNotContain("/jit").doesNotContainPattern(":[a-z_]+:");
            assertAllConnectorCallsCarryTheBearerToken();

            teams.reset();
            core.advance(Duration.ofMinutes(46));

            assertThat(core.store.find(pending.id()).orElseThrow().state()).isEqualTo(State.ENDED);
            LoggedRequest put = one("PUT", "/v3/conversations/" + APPROVALS + "/activities/" + CARD_ID);
            assertThat(card(put).toString()).contains("revoked at").contains("expired").doesNotContain("\"actions\"");
            LoggedRequest reply = one("POST", "/v3/conversations/" + APPROVALS + "/activities/" + CARD_ID);
            assertThat(text(reply)).contains("Contributor on rg-payments revoked at").contains("expired")
                    .contains(pending.id().value());
            assertThat(json(reply.getBodyAsString()).path("replyToId").asText()).isEqualTo(CARD_ID);
            assertAllConnectorCallsCarryTheBearerToken();
        }

        @Test
        void expiry_whenTeamsThrottlesTheCardUpdate_theOutboxSendsItOnceMoreAfterRetryAfter() throws Exception {
            post(teams.install(APPROVALS, "channel", CAROL));
            post(teams.message(ALICE, ALICE_CHAT, "personal", REQUEST));
            AccessRequest pending = only(State.PENDING);
            post(teams.invoke(BOB, "approve", pending.id().value(), null));
            StubMapping throttle = teams.wm.stubFor(put(urlPathMatching("/v3/conversations/.+/activities/" + CARD_ID))
                    .atPriority(1).inScenario("throttle").whenScenarioStateIs(Scenario.STARTED)
                    .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "5")
                            .withBody("{\"error\":{\"code\":\"Throttled\",\"message\":\"slow down\"}}"))
                    .willSetStateTo("served"));
            try {
                teams.reset();
                core.advance(Duration.ofMinutes(46));

                // One attempt, no sleep: the update waits in the outbox, and the thread reply behind it (a card's
                // items go in order), until Retry-After has passed on the clock.
                assertThat(puts()).hasSize(1);
                assertThat(all("POST", "/v3/conversations/" + APPROVALS + "/activities/" + CARD_ID)).isEmpty();
                assertThat(core.outbox.pending(pending.id())).extracting(i -> i.kind())
                        .startsWith(WorkKind.UPDATE_CARD);

                core.advance(Duration.ofSeconds(4));
                assertThat(puts()).hasSize(1);
                core.advance(Duration.ofSeconds(1));
                assertThat(puts()).hasSize(2);
                assertThat(card(puts().get(1)).toString()).contains("revoked at").contains("expired");
                assertThat(text(one("POST", "/v3/conversations/" + APPROVALS + "/activities/" + CARD_ID)))
                        .contains("revoked at");
                core.advance(Duration.ofMinutes(5));
                assertThat(puts()).hasSize(2);
                assertThat(core.outbox.pending(pending.id())).isEmpty();
            } finally {
                teams.wm.removeStub(throttle);
                teams.wm.resetScenarios();
            }
        }

        @Test
        void cardUpdate_whenTheConversationIsGone_isNotRetried() throws Exception {
            post(teams.install(APPROVALS, "channel", CAROL));
            post(teams.message(ALICE, ALICE_CHAT, "personal", REQUEST));
            AccessRequest pending = only(State.PENDING);
            post(teams.invoke(BOB, "approve", pending.id().value(), null));
            StubMapping gone = teams.wm.stubFor(put(urlPathMatching("/v3/conversations/.+/activities/" + CARD_ID))
                    .atPriority(1).willReturn(aResponse().withStatus(404)
                            .withBody("{\"error\":{\"code\":\"ConversationNotFound\",\"message\":\"gone\"}}")));
            try {
                teams.reset();
                core.advance(Duration.ofMinutes(46));

                assertThat(puts()).hasSize(1);
                assertThat(core.outbox.pending(pending.id())).isEmpty();
                core.advance(Duration.ofHours(1));
                assertThat(puts()).hasSize(1);
                assertThat(core.store.find(pending.id()).orElseThrow().state()).isEqualTo(State.ENDED);
            } finally {
                teams.wm.removeStub(gone);
            }
        }

        private List<LoggedRequest> puts() {
            return teams.connectorCalls().stream().filter(r -> r.getMethod().getName().equals("PUT")).toList();
        }

        @Test
        void outboundToken_isFetchedWithTheBotsCredentialsFromTheConfiguredAuthority() throws Exception {
            post(teams.install(APPROVALS, "channel", CAROL));

            List<LoggedRequest> tokenCalls = teams.wm.getAllServeEvents().stream().map(e -> e.getRequest())
                    .filter(r -> r.getUrl().equals("/botframework.com/oauth2/v2.0/token")).toList();
            assertThat(tokenCalls).hasSize(1);
            String form = URLDecoder.decode(tokenCalls.get(0).getBodyAsString(), StandardCharsets.UTF_8);
            assertThat(form).contains("grant_type=client_credentials", "client_id=" + APP_ID,
                    "scope=https://api.botframework.com/.default");
        }

        @Test
        void restartBetweenApprovalAndExpiry_stillUpdatesTheCardAndConfirms() throws Exception {
            post(teams.install(APPROVALS, "channel", CAROL));
            post(teams.message(ALICE, ALICE_CHAT, "personal", REQUEST));
            AccessRequest pending = only(State.PENDING);
            assertThat(post(teams.invoke(BOB, "approve", pending.id().value(), null)).statusCode()).isEqualTo(200);
            assertThat(core.store.find(pending.id()).orElseThrow().state()).isEqualTo(State.ACTIVE);

            // A new process: same database (requests, audit, conversation references), nothing else survives.
            stop();
            CoreHarness restarted = new CoreHarness(core.store, core.audit);
            restarted.clock.set(core.clock.instant());
            core = restarted;
            serve(restarted);
            teams.reset();

            restarted.clock.advance(Duration.ofMinutes(46));
            restarted.expiry.sweep();

            assertThat(restarted.store.find(pending.id()).orElseThrow().state()).isEqualTo(State.ENDED);
            assertThat(restarted.provider.revokes).containsExactly(pending.id());
            assertThat(card(one("PUT", "/v3/conversations/" + APPROVALS + "/activities/" + CARD_ID)).toString())
                    .contains("revoked at").contains("expired");
            assertThat(text(one("POST", "/v3/conversations/" + APPROVALS + "/activities/" + CARD_ID)))
                    .contains("revoked at").contains("expired");
            assertThat(text(one("POST", "/v3/conversations/" + ALICE_CHAT + "/activities")))
                    .contains("revoked at");
            assertAllConnectorCallsCarryTheBearerToken();
        }

        @Test
        void aJustificationShapedLikeALink_isShownLiterallyOnTheApproversCard() throws Exception {
            assertThat(post(teams.install(APPROVALS, "channel", CAROL)).statusCode()).isEqualTo(202);

            assertThat(post(teams.message(ALICE, ALICE_CHAT, "personal", "request Contributor on rg-payments for "
                    + "45m because [Approve](https://evil.example)")).statusCode()).isEqualTo(202);
            AccessRequest pending = only(State.PENDING);
            assertThat(pending.justification()).isEqualTo("[Approve](https://evil.example)");

            JsonNode body = card(one("POST", "/v3/conversations/" + APPROVALS + "/activities")).path("body");
            assertThat(body.toString()).contains("[Approve]").contains("https://evil.example").doesNotContain("](");
            ObjectNode personal = json(post(teams.invoke(BOB, "refresh", pending.id().value(), null)).body());
            assertThat(personal.at("/value/body").toString()).contains("[Approve]").doesNotContain("](");
        }
    }

    // ------------------------------------------------------------------------------------------------ auth

    @Nested
    class ForgedRequests {

        @Test
        void signedWithAnotherKey_is401AndChangesNothing() throws Exception {
            assertRejected(teams.token(teams.otherKey, APP_ID, teams.serviceUrl(), inHalfAnHour()));
        }

        @Test
        void forAnotherBot_is401AndChangesNothing() throws Exception {
            assertRejected(teams.token(teams.key, "0e0e0e0e-1111-4222-8333-444455556666", teams.serviceUrl(),
                    inHalfAnHour()));
        }

        @Test
        void forAnotherServiceUrl_is401AndChangesNothing() throws Exception {
            assertRejected(teams.token(teams.key, APP_ID, "https://smba.trafficmanager.net/amer/", inHalfAnHour()));
        }

        @Test
        void expired_is401AndChangesNothing() throws Exception {
            assertRejected(teams.token(teams.key, APP_ID, teams.serviceUrl(), Instant.now().minus(Duration.ofMinutes(10))));
        }

        @Test
        void fromAChannelTheKeyIsNotEndorsedFor_is401AndChangesNothing() throws Exception {
            String webchat = teams.message(ALICE, ALICE_CHAT, "personal", REQUEST)
                    .replace("\"channelId\":\"msteams\"", "\"channelId\":\"webchat\"");
            assertRejected(webchat, teams.token());
        }

        @Test
        void withoutAToken_is401AndChangesNothing() throws Exception {
            assertRejected(null);
        }

        @Test
        void notAJwt_is401AndChangesNothing() throws Exception {
            assertRejected("not-a-jwt");
        }

        private void assertRejected(String token) throws Exception {
            assertRejected(teams.message(ALICE, ALICE_CHAT, "personal", REQUEST), token);
        }

        private void assertRejected(String activity, String token) throws Exception {
            HttpResponse<String> response = post(activity, token);

            assertThat(response.statusCode()).isEqualTo(401);
            assertThat(core.store.findByState(EnumSet.allOf(State.class))).isEmpty();
            assertThat(teams.connectorCalls()).isEmpty();
            assertThat(conversations.find(Platform.TEAMS, ALICE_CHAT)).isEmpty();
            List<AuditEvent> events = ((InMemoryAuditLog) core.audit).all();
            assertThat(events).hasSize(1);
            assertThat(events.get(0).action()).isEqualTo("rejected-request");
            assertThat(events.get(0).platform()).isEqualTo(Platform.TEAMS);
            if (token != null) {
                assertThat(events.get(0).details()).doesNotContain(token);
            }
        }

        private Instant inHalfAnHour() {
            return Instant.now().plus(Duration.ofMinutes(30));
        }
    }

    // ------------------------------------------------------------------------------------------------ identity

    /**
     * The requester is the connector's roster member for {@code from.id}: what the activity itself claims about the
     * sender (Entra object id, name, tenant) is checked against it, never taken on trust.
     */
    @Nested
    class IdentityBinding {

        static final String BOB_CHAT = "a:1bob-personal-chat";
        static final String READER = "request Reader on sub-prod for 1h because audit prep";

        @Test
        void commands_claimingAnotherMembersEntraId_areRefusedAuditedAndTouchNothingOfTheirs() throws Exception {
            post(teams.message(BOB, BOB_CHAT, "personal", READER));
            AccessRequest bobs = only(State.ACTIVE);
            assertThat(bobs.principal().objectId()).isEqualTo(BOB.aadObjectId());
            int eventsBefore = audit().size();
            teams.reset();

            for (String command : List.of("show " + bobs.id(), "extend " + bobs.id() + " by 30m because more audit",
                    "release " + bobs.id(), READER)) {
                String spoofed = FakeTeams.withFrom(teams.message(ALICE, ALICE_CHAT, "personal", command),
                        "aadObjectId", BOB.aadObjectId());
                assertThat(post(spoofed).statusCode()).isEqualTo(202);
            }

            List<LoggedRequest> replies = all("POST", "/v3/conversations/" + ALICE_CHAT + "/activities/.+");
            assertThat(replies).hasSize(4).allSatisfy(r -> assertThat(text(r)).contains("I did nothing")
                    .contains("not the one Teams has for your account").doesNotContain(bobs.id().value()));
            AccessRequest after = core.store.find(bobs.id()).orElseThrow();
            assertThat(after.state()).isEqualTo(State.ACTIVE);
            assertThat(after.expiresAt()).isEqualTo(bobs.expiresAt());
            assertThat(core.store.findByState(EnumSet.allOf(State.class))).hasSize(1);
            assertThat(core.provider.grants).containsExactly(bobs.id());
            assertThat(core.provider.revokes).isEmpty();
            List<AuditEvent> added = audit().subList(eventsBefore, audit().size());
            assertThat(added).hasSize(4).allSatisfy(e -> {
                assertThat(e.action()).isEqualTo("identity-mismatch");
                assertThat(e.actor()).isEqualTo("teams:" + ALICE.id());
                assertThat(e.details()).contains(BOB.aadObjectId()).contains(ALICE.aadObjectId());
            });
            assertThat(conversations.find(Platform.TEAMS, "user:" + BOB.aadObjectId())).get().asString()
                    .as("Bob's direct messages still go to Bob").contains(BOB_CHAT).doesNotContain(ALICE_CHAT);
        }

        @Test
        void cardButton_claimingAnotherMembersEntraId_isRefusedWithAToastAndRevokesNothing() throws Exception {
            post(teams.message(BOB, BOB_CHAT, "personal", READER));
            AccessRequest bobs = only(State.ACTIVE);
            int eventsBefore = audit().size();

            String spoofed = FakeTeams.withFrom(teams.invoke(ERIN, "revoke", bobs.id().value(), "mine now"),
                    "aadObjectId", BOB.aadObjectId());
            HttpResponse<String> invoke = post(spoofed);

            assertThat(invoke.statusCode()).isEqualTo(200);
            ObjectNode body = json(invoke.body());
            assertThat(body.path("type").asText()).isEqualTo("application/vnd.microsoft.activity.message");
            assertThat(body.path("value").asText()).contains("I did nothing");
            assertThat(core.store.find(bobs.id()).orElseThrow().state()).isEqualTo(State.ACTIVE);
            assertThat(core.provider.revokes).isEmpty();
            List<AuditEvent> added = audit().subList(eventsBefore, audit().size());
            assertThat(added).singleElement().satisfies(e -> {
                assertThat(e.action()).isEqualTo("identity-mismatch");
                assertThat(e.actor()).isEqualTo("teams:" + ERIN.id());
            });
        }

        @Test
        void fromId_thatIsAnEntraObjectIdRatherThanARosterId_isRefusedAndAudited() throws Exception {
            post(teams.message(BOB, BOB_CHAT, "personal", READER));
            AccessRequest bobs = only(State.ACTIVE);
            int eventsBefore = audit().size();
            String alias = FakeTeams.withFrom(teams.message(BOB, ALICE_CHAT, "personal", "release " + bobs.id()),
                    "id", BOB.aadObjectId());

            assertThat(post(alias).statusCode()).isEqualTo(202);

            assertThat(text(one("POST", "/v3/conversations/" + ALICE_CHAT + "/activities/.+"))).contains("I did nothing");
            assertThat(core.store.find(bobs.id()).orElseThrow().state()).isEqualTo(State.ACTIVE);
            assertThat(core.provider.revokes).isEmpty();
            assertThat(audit().subList(eventsBefore, audit().size())).singleElement()
                    .satisfies(e -> assertThat(e.details()).contains("is not a roster id").contains(BOB.id()));
        }

        @Test
        void personalInstall_claimingAnotherMembersEntraId_filesNoChatUnderTheirId() throws Exception {
            String spoofed = FakeTeams.withFrom(teams.install(ALICE_CHAT, "personal", ALICE), "aadObjectId",
                    BOB.aadObjectId());

            assertThat(post(spoofed).statusCode()).isEqualTo(202);

            assertThat(conversations.find(Platform.TEAMS, "user:" + BOB.aadObjectId())).isEmpty();
            assertThat(conversations.find(Platform.TEAMS, "user:" + ALICE.aadObjectId())).isEmpty();
            assertThat(audit()).singleElement().satisfies(e -> assertThat(e.action()).isEqualTo("identity-mismatch"));
        }

        @Test
        void message_whoseTenantsDisagree_isRefusedAndAudited() throws Exception {
            ObjectNode a = json(teams.message(ALICE, ALICE_CHAT, "personal", READER));
            ((ObjectNode) a.path("channelData").path("tenant")).put("id", "0d0d0d0d-1111-4222-8333-444455556666");

            assertThat(post(a.toString()).statusCode()).isEqualTo(202);

            assertThat(text(one("POST", "/v3/conversations/" + ALICE_CHAT + "/activities/.+"))).contains("I did nothing");
            assertThat(core.store.findByState(EnumSet.allOf(State.class))).isEmpty();
            assertThat(audit()).singleElement().satisfies(e -> {
                assertThat(e.action()).isEqualTo("identity-mismatch");
                assertThat(e.details()).contains("0d0d0d0d-1111-4222-8333-444455556666").contains(FakeTeams.TENANT);
            });
        }

        @Test
        void rosterUnreadable_refusesTheTurnWithTryAgain_andNeverFallsBackToTheClaimedFields() throws Exception {
            StubMapping down = teams.failMemberLookUp(ALICE, 503);
            try {
                assertThat(post(teams.message(ALICE, ALICE_CHAT, "personal", READER)).statusCode()).isEqualTo(202);
            } finally {
                teams.wm.removeStub(down);
            }

            assertThat(text(one("POST", "/v3/conversations/" + ALICE_CHAT + "/activities/.+")))
                    .contains("could not confirm who you are").contains("Try again in a minute");
            assertThat(core.store.findByState(EnumSet.allOf(State.class))).isEmpty();
            assertThat(core.provider.grants).isEmpty();
            assertThat(conversations.find(Platform.TEAMS, "user:" + ALICE.aadObjectId())).isEmpty();
        }

        @Test
        void rosterUnreadable_forACardButton_answersTryAgainAndDecidesNothing() throws Exception {
            post(teams.install(APPROVALS, "channel", CAROL));
            post(teams.message(ALICE, ALICE_CHAT, "personal", REQUEST));
            AccessRequest pending = only(State.PENDING);

            StubMapping down = teams.failMemberLookUp(BOB, 503);
            HttpResponse<String> invoke;
            try {
                invoke = post(teams.invoke(BOB, "approve", pending.id().value(), null));
            } finally {
                teams.wm.removeStub(down);
            }

            assertThat(invoke.statusCode()).isEqualTo(200);
            ObjectNode body = json(invoke.body());
            assertThat(body.path("type").asText()).isEqualTo("application/vnd.microsoft.activity.message");
            assertThat(body.path("value").asText()).contains("Try again in a minute");
            assertThat(core.store.find(pending.id()).orElseThrow().state()).isEqualTo(State.PENDING);
            assertThat(core.provider.grants).isEmpty();
        }

        @Test
        void memberLookUp_isAskedOncePerFiveMinutes() throws Exception {
            post(teams.message(ALICE, ALICE_CHAT, "personal", "list"));
            post(teams.message(ALICE, ALICE_CHAT, "personal", "list"));
            assertThat(teams.memberLookUps(ALICE)).hasSize(1);

            core.clock.advance(Duration.ofMinutes(5).plusSeconds(1));
            post(teams.message(ALICE, ALICE_CHAT, "personal", "list"));

            assertThat(teams.memberLookUps(ALICE)).hasSize(2);
            assertThat(all("POST", "/v3/conversations/" + ALICE_CHAT + "/activities/.+")).hasSize(3)
                    .allSatisfy(r -> assertThat(text(r)).contains("You have no active grants or pending requests"));
        }

        @Test
        void displayNameInTheActivity_isNotTheOneShown_theRostersIs() throws Exception {
            post(teams.install(APPROVALS, "channel", CAROL));
            post(FakeTeams.withFrom(teams.message(ALICE, ALICE_CHAT, "personal", REQUEST), "name", "Bob"));

            AccessRequest pending = only(State.PENDING);
            assertThat(pending.requester().displayName()).isEqualTo("Alice");
            assertThat(card(one("POST", "/v3/conversations/" + APPROVALS + "/activities")).toString())
                    .contains("Alice").doesNotContain("Bob");
        }

        private List<AuditEvent> audit() {
            return ((InMemoryAuditLog) core.audit).all();
        }
    }

    // ------------------------------------------------------------------------------------------------ malformed

    @Nested
    class MalformedActivities {

        @Test
        void withoutServiceUrl_is400AndRunsNoTurn() throws Exception {
            assertBadRequest(post(FakeTeams.with(teams.message(ALICE, ALICE_CHAT, "personal", "list"), "serviceUrl",
                    null)));
        }

        @Test
        void withARelativeServiceUrl_signedAsSuch_is400AndRunsNoTurn() throws Exception {
            String relative = "smba.trafficmanager.net/amer/";
            assertBadRequest(post(FakeTeams.with(teams.message(ALICE, ALICE_CHAT, "personal", "list"), "serviceUrl",
                    relative), teams.token(teams.key, APP_ID, relative, Instant.now().plus(Duration.ofMinutes(30)))));
        }

        @Test
        void withAPlainHttpServiceUrl_whenHttpsIsRequired_is400AndRunsNoTurn() throws Exception {
            stop();
            serve(core.service, core.audit, core.clock, core.notifications, false);

            assertBadRequest(post(teams.message(ALICE, ALICE_CHAT, "personal", "list")));
        }

        @Test
        void withoutFrom_is400AndRunsNoTurn() throws Exception {
            ObjectNode a = json(teams.message(ALICE, ALICE_CHAT, "personal", "list"));
            a.remove("from");
            assertBadRequest(post(a.toString()));
        }

        @Test
        void withoutFromId_is400AndRunsNoTurn() throws Exception {
            assertBadRequest(post(FakeTeams.withFrom(teams.message(ALICE, ALICE_CHAT, "personal", "list"), "id", null)));
        }

        @Test
        void withoutType_is400AndRunsNoTurn() throws Exception {
            assertBadRequest(post(FakeTeams.with(teams.message(ALICE, ALICE_CHAT, "personal", "list"), "type", null)));
        }

        @Test
        void notJson_is400AndRunsNoTurn() throws Exception {
            assertBadRequest(post("{\"type\":\"message\",\"text\":"));
        }

        private void assertBadRequest(HttpResponse<String> response) {
            assertThat(response.statusCode()).isEqualTo(400);
            assertThat(response.body()).doesNotContain("Exception").doesNotContain("at dev.jitbot")
                    .doesNotContain("at com.microsoft");
            assertThat(teams.connectorCalls()).as("no turn ran").isEmpty();
            assertThat(conversations.find(Platform.TEAMS, ALICE_CHAT)).isEmpty();
        }
    }

    // ------------------------------------------------------------------------------------------------ cards

    @Nested
    class CardButtons {

        @Test
        void approve_whenApproverIsRequester_answersWithTheRefusalAndGrantsNothing() throws Exception {
            post(teams.install(APPROVALS, "channel", CAROL));
            post(teams.message(ALICE, ALICE_CHAT, "personal", REQUEST));
            AccessRequest pending = only(State.PENDING);
            teams.reset();

            HttpResponse<String> invoke = post(teams.invoke(ALICE, "approve", pending.id().value(), null));

            assertThat(invoke.statusCode()).isEqualTo(200);
            ObjectNode body = json(invoke.body());
            assertThat(body.path("statusCode").asInt()).isEqualTo(200);
            assertThat(body.path("type").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
            assertThat(body.path("value").toString()).contains("You cannot approve your own request " + pending.id());
            assertThat(core.provider.grants).isEmpty();
            assertThat(core.store.find(pending.id()).orElseThrow().state()).isEqualTo(State.PENDING);
            assertThat(teams.connectorWrites()).as("nothing posted or updated").isEmpty();
        }

        @Test
        void approve_byPersonOutsideTheApprovers_revealsNothingAndGrantsNothing() throws Exception {
            post(teams.install(APPROVALS, "channel", CAROL));
            post(teams.message(ALICE, ALICE_CHAT, "personal", REQUEST));
            AccessRequest pending = only(State.PENDING);

            HttpResponse<String> invoke = post(teams.invoke(ERIN, "approve", pending.id().value(), null));

            assertThat(invoke.statusCode()).isEqualTo(200);
            ObjectNode body = json(invoke.body());
            assertThat(body.path("type").asText()).as("a toast; the card stays").isEqualTo(
                    "application/vnd.microsoft.activity.message");
            assertThat(body.path("value").asText()).contains("I know no request " + pending.id());
            assertThat(core.provider.grants).isEmpty();
        }

        @Test
        void refresh_bySomeoneWhoMayNotAct_keepsTheirStatusCardWithAToast() throws Exception {
            post(teams.install(APPROVALS, "channel", CAROL));
            post(teams.message(ALICE, ALICE_CHAT, "personal", REQUEST));
            AccessRequest pending = only(State.PENDING);

            ObjectNode body = json(post(teams.invoke(ERIN, "refresh", pending.id().value(), null)).body());

            assertThat(body.path("type").asText()).isEqualTo("application/vnd.microsoft.activity.message");
            assertThat(body.path("value").asText()).contains("Only the approvers, on-call and the requester");
        }

        @Test
        void deny_withReason_endsTheRequestAndTellsTheRequesterWhy() throws Exception {
            post(teams.install(APPROVALS, "channel", CAROL));
            post(teams.message(ALICE, ALICE_CHAT, "personal", REQUEST));
            AccessRequest pending = only(State.PENDING);
            teams.reset();

            HttpResponse<String> invoke = post(teams.invoke(BOB, "deny", pending.id().value(), "not during the freeze"));

            assertThat(json(invoke.body()).path("value").toString()).contains("not during the freeze");
            assertThat(core.store.find(pending.id()).orElseThrow().state()).isEqualTo(State.DENIED);
            assertThat(text(one("POST", "/v3/conversations/" + ALICE_CHAT + "/activities")))
                    .as("the approver by name: no Slack mention, no Slack shortcode")
                    .isEqualTo("Contributor on rg-payments (" + pending.id() + ") was denied by Bob: not during the "
                            + "freeze.").doesNotContain("<@").doesNotContainPattern(":[a-z_]+:");
            assertThat(card(one("PUT", "/v3/conversations/" + APPROVALS + "/activities/" + CARD_ID)).toString())
                    .contains("Denied by Bob");
        }

        @Test
        void pendingExtension_isApprovedFromTheApproversRefreshedCard() throws Exception {
            post(teams.install(APPROVALS, "channel", CAROL));
            post(teams.message(ALICE, ALICE_CHAT, "personal", REQUEST));
            AccessRequest pending = only(State.PENDING);
            post(teams.invoke(BOB, "approve", pending.id().value(), null));
            post(teams.message(ALICE, ALICE_CHAT, "personal", "extend " + pending.id() + " 30m because still fixing"));
            assertThat(core.store.find(pending.id()).orElseThrow().extension()).isNotNull();

            String refreshed = json(post(teams.invoke(BOB, "refresh", pending.id().value(), null)).body())
                    .path("value").toString();
            assertThat(refreshed).contains("\"title\":\"Approve extension\"").contains("Deny extension")
                    .contains("\"verb\":\"revoke\"");

            String approved = json(post(teams.invoke(BOB, "approve", pending.id().value(), null)).body())
                    .path("value").toString();

            AccessRequest extended = core.store.find(pending.id()).orElseThrow();
            assertThat(extended.extension()).isNull();
            assertThat(extended.duration()).isEqualTo(Duration.ofMinutes(75));
            assertThat(approved).doesNotContain("Approve extension");
        }

        @Test
        void onCall_stopsAPendingRequestFromTheirRefreshedCard() throws Exception {
            core.policy.set(TestPolicies.withOncallMembers(core.policy.get(), "erin@contoso.com"));
            post(teams.install(APPROVALS, "channel", CAROL));
            post(teams.message(ALICE, ALICE_CHAT, "personal", REQUEST));
            AccessRequest pending = only(State.PENDING);

            String refreshed = json(post(teams.invoke(ERIN, "refresh", pending.id().value(), null)).body())
                    .path("value").toString();
            assertThat(refreshed).contains("\"title\":\"Stop request\"").doesNotContain("\"verb\":\"approve\"");

            post(teams.invoke(ERIN, "revoke", pending.id().value(), "not during the freeze"));

            AccessRequest stopped = core.store.find(pending.id()).orElseThrow();
            assertThat(stopped.state()).isEqualTo(State.DENIED);
            assertThat(stopped.endedBy().email()).isEqualTo("erin@contoso.com");
            assertThat(core.provider.grants).isEmpty();
        }

        @Test
        void overdueAlert_inTeams_carriesNoSlackShortcode() throws Exception {
            post(teams.install(APPROVALS, "channel", CAROL));
            post(teams.message(ALICE, ALICE_CHAT, "personal", REQUEST));
            AccessRequest pending = only(State.PENDING);
            post(teams.invoke(BOB, "approve", pending.id().value(), null));
            teams.reset();

            module.notifier().postToChannel(APPROVALS, dev.jitbot.core.app.Phrases.overdue(
                    core.store.find(pending.id()).orElseThrow(), core.clock.instant()));

            String said = text(one("POST", "/v3/conversations/" + APPROVALS + "/activities"));
            assertThat(said).contains(pending.id().value()).doesNotContainPattern(":[a-z_]+:");
        }

        @Test
        void refresh_byApprover_showsApproveAndDenyButtons() throws Exception {
            post(teams.install(APPROVALS, "channel", CAROL));
            post(teams.message(ALICE, ALICE_CHAT, "personal", REQUEST));
            AccessRequest pending = only(State.PENDING);

            String value = json(post(teams.invoke(BOB, "refresh", pending.id().value(), null)).body())
                    .path("value").toString();

            assertThat(value).contains("\"verb\":\"approve\"").contains("\"verb\":\"deny\"")
                    .contains("\"id\":\"reason\"");
            assertThat(core.provider.grants).isEmpty();
        }

        @Test
        void approve_answersBeforeAzureIsAsked_andTheCardIsRedrawnOnceGranted() throws Exception {
            post(teams.install(APPROVALS, "channel", CAROL));
            post(teams.message(ALICE, ALICE_CHAT, "personal", REQUEST));
            AccessRequest pending = only(State.PENDING);
            teams.reset();
            core.autoDrain(false);

            HttpResponse<String> invoke = post(teams.invoke(BOB, "approve", pending.id().value(), null));

            assertThat(invoke.statusCode()).isEqualTo(200);
            assertThat(json(invoke.body()).path("value").toString())
                    .contains("Approved: Azure is granting Contributor on rg-payments")
                    .contains("message Alice when it's theirs").contains("Approved by Bob. Azure is granting it now.");
            assertThat(core.store.find(pending.id()).orElseThrow().state()).isEqualTo(State.ACTIVATING);
            assertThat(core.provider.grants).isEmpty();

            core.drain();
            assertThat(core.store.find(pending.id()).orElseThrow().state()).isEqualTo(State.ACTIVE);
            assertThat(card(one("PUT", "/v3/conversations/" + APPROVALS + "/activities/" + CARD_ID)).toString())
                    .contains("Active until");
        }

        @Test
        void invoke_withoutAnAction_answersWithAnErrorTypedForTeams() throws Exception {
            String activity = teams.invoke(BOB, "approve", "JIT-AAAA", null).replaceFirst("\"action\":\\{[^}]*\\{[^}]*}}",
                    "\"nothing\":1");
            HttpResponse<String> invoke = post(activity);

            assertThat(invoke.statusCode()).isEqualTo(200);
            ObjectNode body = json(invoke.body());
            assertThat(body.path("statusCode").asInt()).isEqualTo(400);
            assertThat(body.path("type").asText()).isEqualTo("application/vnd.microsoft.error");
        }
    }

    // ------------------------------------------------------------------------------------------------ commands

    @Nested
    class Commands {

        @Test
        void request_withoutDuration_repliesWithTheProblemAndAValidExample() throws Exception {
            post(teams.message(ALICE, ALICE_CHAT, "personal", "request Contributor on rg-payments"));

            assertThat(text(one("POST", "/v3/conversations/" + ALICE_CHAT + "/activities/.+")))
                    .contains("Say how long you need it")
                    .contains("request Contributor on rg-payments for 45m because INC-4411 hotfix");
            assertThat(core.store.findByState(EnumSet.allOf(State.class))).isEmpty();
        }

        @Test
        void unknownVerb_repliesWithTheProblemAndAValidExample() throws Exception {
            post(teams.message(ALICE, ALICE_CHAT, "personal", "frobnicate everything"));

            assertThat(text(one("POST", "/v3/conversations/" + ALICE_CHAT + "/activities/.+")))
                    .contains("I don't know `frobnicate`").contains("request Contributor on rg-payments for 45m");
        }

        @Test
        void mentionInAChannel_isStrippedBeforeParsing() throws Exception {
            post(teams.message(CAROL, APPROVALS + ";messageid=1699", "channel", "<at>jitbot</at> help"));

            assertThat(text(one("POST", "/v3/conversations/" + APPROVALS + ";messageid=1699/activities/.+")))
                    .contains("Just-in-time Azure access");
            assertThat(conversations.find(Platform.TEAMS, APPROVALS)).as("the channel is remembered").isPresent();
        }

        @Test
        void requestFromAChannel_opensAPersonalChatOnceToTellTheRequester() throws Exception {
            post(teams.install(APPROVALS, "channel", CAROL));
            post(teams.message(ALICE, APPROVALS + ";messageid=1698", "channel", "<at>jitbot</at> " + REQUEST));
            AccessRequest pending = only(State.PENDING);
            assertThat(text(one("POST", "/v3/conversations/" + FakeTeams.NEW_CHAT + "/activities")))
                    .contains("Requested Contributor on rg-payments");

            post(teams.invoke(BOB, "approve", pending.id().value(), null));

            LoggedRequest create = one("POST", "/v3/conversations");
            JsonNode params = json(create.getBodyAsString());
            assertThat(params.path("isGroup").asBoolean()).isFalse();
            assertThat(params.at("/members/0/id").asText()).isEqualTo(ALICE.id());
            assertThat(params.path("tenantId").asText()).isEqualTo(FakeTeams.TENANT);
            assertThat(all("POST", "/v3/conversations/" + FakeTeams.NEW_CHAT + "/activities").stream()
                    .map(TeamsAdapterIT::text)).hasSize(2).anySatisfy(t -> assertThat(t).contains("is yours until"));
            assertThat(conversations.find(Platform.TEAMS, "user:" + ALICE.aadObjectId())).isPresent();
        }

        @Test
        void approvalsChannelNeverHeardFrom_getsTheCardThroughTheTeamsInstall() throws Exception {
            post(teams.install("19:general@thread.tacv2", "channel", CAROL));
            post(teams.message(ALICE, ALICE_CHAT, "personal", REQUEST));

            LoggedRequest cardPost = one("POST", "/v3/conversations/" + APPROVALS + "/activities");
            assertThat(card(cardPost).toString()).contains(only(State.PENDING).id().value());
            assertThat(json(cardPost.getBodyAsString()).at("/conversation/id").asText()).isEqualTo(APPROVALS);
        }

        @Test
        void autoApprovedRequest_answersBeforeAzureIsAsked_andTellsTheRequesterOnceGranted() throws Exception {
            core.autoDrain(false);

            post(teams.message(ALICE, ALICE_CHAT, "personal", "request Reader on sub-prod for 1h because audit prep"));

            assertThat(text(one("POST", "/v3/conversations/" + ALICE_CHAT + "/activities/.+")))
                    .contains("Approved by the rule: Azure is granting Reader on sub-prod").contains("when it's yours");
            assertThat(only(State.ACTIVATING)).isNotNull();
            assertThat(core.provider.grants).isEmpty();

            core.drain();
            assertThat(core.store.findByState(List.of(State.ACTIVE))).hasSize(1);
            assertThat(text(one("POST", "/v3/conversations/" + ALICE_CHAT + "/activities")))
                    .contains("Reader on sub-prod is yours until");
        }

        @Test
        void personalMessage_remembersTheChatForDirectMessages() throws Exception {
            post(teams.message(ALICE, ALICE_CHAT, "personal", "list"));

            assertThat(conversations.find(Platform.TEAMS, "user:" + ALICE.aadObjectId())).get().asString()
                    .contains(ALICE_CHAT).contains(FakeTeams.TENANT).contains(teams.serviceUrl());
            assertThat(text(one("POST", "/v3/conversations/" + ALICE_CHAT + "/activities/.+")))
                    .contains("You have no active grants or pending requests");
        }
    }

    // ------------------------------------------------------------------------------------------------ break-glass

    @Nested
    class BreakGlass {

        static final String SECURITY = dev.jitbot.core.testing.TestPolicies.TEAMS_SECURITY;

        @Test
        void breakglass_grantsWithoutApproval_postsToTheSecurityChannel_andOnlySomeoneElseReviews() throws Exception {
            core.policy.set(dev.jitbot.core.testing.TestPolicies.withBreakGlass(
                    dev.jitbot.core.testing.TestPolicies.design()));
            assertThat(post(teams.install(SECURITY, "channel", CAROL)).statusCode()).isEqualTo(202);
            teams.reset();

            assertThat(post(teams.message(ALICE, ALICE_CHAT, "personal",
                    "breakglass Owner on sub-prod for 20m because INC-4711 payments down")).statusCode()).isEqualTo(202);

            AccessRequest r = only(State.ACTIVE);
            assertThat(r.isBreakGlass()).isTrue();
            assertThat(r.votes()).isEmpty();
            assertThat(r.duration()).isEqualTo(Duration.ofMinutes(20));
            assertThat(core.provider.grants).containsExactly(r.id());
            assertThat(text(one("POST", "/v3/conversations/" + ALICE_CHAT + "/activities/.+")))
                    .contains("Break-glass").contains("without approval");
            JsonNode card = card(one("POST", "/v3/conversations/" + SECURITY + "/activities"));
            assertThat(card.toString()).contains("Break-glass: Alice granted Owner on sub-prod")
                    .contains("Unreviewed: someone other than Alice must review it");
            assertThat(strings(card.at("/refresh/userIds"))).contains(CAROL.id()).doesNotContain(ERIN.id());

            ObjectNode self = json(post(teams.invokeWith(ALICE, "review", r.id().value(), "note", "all fine")).body());
            assertThat(self.path("value").toString()).contains("You cannot review your own break-glass grant "
                    + r.id()).doesNotContain("\"verb\":\"review\"");
            assertThat(core.store.find(r.id()).orElseThrow().breakGlass().reviewed()).isFalse();

            ObjectNode carolsCard = json(post(teams.invoke(CAROL, "refresh", r.id().value(), null)).body());
            assertThat(carolsCard.path("value").toString()).contains("\"verb\":\"review\"")
                    .contains("\"id\":\"note\"");

            ObjectNode reviewed = json(post(teams.invokeWith(CAROL, "review", r.id().value(), "note",
                    "confirmed on the bridge")).body());
            assertThat(reviewed.path("value").toString()).contains("Reviewed by Carol")
                    .contains("confirmed on the bridge").doesNotContain("\"verb\":\"review\"");
            AccessRequest after = core.store.find(r.id()).orElseThrow();
            assertThat(after.breakGlass().reviewer().email()).isEqualTo("carol@contoso.com");
            assertThat(core.audit.forRequest(r.id())).extracting(dev.jitbot.core.domain.AuditEvent::action)
                    .contains("breakglass-granted", "breakglass-reviewed");
        }
    }

    // ------------------------------------------------------------------------------------------------ reminders

    @Nested
    class Reminders {

        /** Alice's Contributor for 45 min, approved by Bob on the card; the connector's log starts empty. */
        private AccessRequest activeContributor() throws Exception {
            assertThat(post(teams.install(APPROVALS, "channel", CAROL)).statusCode()).isEqualTo(202);
            assertThat(post(teams.message(ALICE, ALICE_CHAT, "personal", REQUEST)).statusCode()).isEqualTo(202);
            AccessRequest pending = only(State.PENDING);
            assertThat(post(teams.invoke(BOB, "approve", pending.id().value(), null)).statusCode()).isEqualTo(200);
            teams.reset();
            return core.store.find(pending.id()).orElseThrow();
        }

        private List<LoggedRequest> reminders() {
            return all("POST", "/v3/conversations/" + ALICE_CHAT + "/activities").stream()
                    .filter(r -> r.getBodyAsString().contains("Extend 30m")).toList();
        }

        /** An Action.Execute of {@code verb} on the reminder, from Alice's personal chat where it arrived. */
        private String fromTheReminder(String verb, AccessRequest r) {
            ObjectNode a = FakeTeams.json(teams.invoke(ALICE, verb, r.id().value(), null));
            a.putObject("conversation").put("id", ALICE_CHAT).put("conversationType", "personal")
                    .put("tenantId", FakeTeams.TENANT);
            a.put("replyToId", "1700000000999");
            return a.toString();
        }

        @Test
        void reminder_reachesThePersonalChatTenMinutesBeforeExpiry_withExtendAndReleaseAsActionExecute()
                throws Exception {
            AccessRequest active = activeContributor();

            core.advance(Duration.ofMinutes(34));
            assertThat(reminders()).isEmpty();
            core.advance(Duration.ofMinutes(1));

            JsonNode card = card(reminders().stream().reduce((x, y) -> y).orElseThrow());
            assertThat(reminders()).hasSize(1);
            assertThat(card.path("body").toString()).contains("Contributor on rg-payments (" + active.id()
                    + ") ends at");
            assertThat(card.path("actions")).hasSize(2);
            assertThat(card.at("/actions/0/type").asText()).isEqualTo("Action.Execute");
            assertThat(card.at("/actions/0/verb").asText()).isEqualTo("extend");
            assertThat(card.at("/actions/0/title").asText()).isEqualTo("Extend 30m");
            assertThat(card.at("/actions/1/type").asText()).isEqualTo("Action.Execute");
            assertThat(card.at("/actions/1/verb").asText()).isEqualTo("release");
            assertThat(card.at("/actions/1/title").asText()).isEqualTo("Release now");
            assertThat(card.at("/actions/0/data/requestId").asText()).isEqualTo(active.id().value());
            assertAllConnectorCallsCarryTheBearerToken();
        }

        @Test
        void extend_fromTheReminder_runsTheExtensionFlow_andWaitsForTheApprovers() throws Exception {
            AccessRequest active = activeContributor();
            core.advance(Duration.ofMinutes(35));
            assertThat(reminders()).hasSize(1);

            HttpResponse<String> invoke = post(fromTheReminder("extend", active));

            assertThat(invoke.statusCode()).isEqualTo(200);
            AccessRequest asked = core.store.find(active.id()).orElseThrow();
            assertThat(asked.extension()).isNotNull();
            assertThat(asked.extension().by()).isEqualTo(Duration.ofMinutes(30));
            assertThat(asked.expiresAt()).as("not extended before an approver says so").isEqualTo(active.expiresAt());
            assertThat(core.audit.forRequest(active.id())).extracting(e -> e.action()).contains("extension-requested");
            assertThat(json(invoke.body()).toString()).contains("30 min");

            assertThat(post(teams.invoke(BOB, "approve", active.id().value(), null)).statusCode()).isEqualTo(200);
            assertThat(core.store.find(active.id()).orElseThrow().expiresAt())
                    .isEqualTo(active.expiresAt().plus(Duration.ofMinutes(30)));
        }

        @Test
        void release_fromTheReminder_endsTheGrant() throws Exception {
            AccessRequest active = activeContributor();
            core.advance(Duration.ofMinutes(35));

            assertThat(post(fromTheReminder("release", active)).statusCode()).isEqualTo(200);

            assertThat(core.store.find(active.id()).orElseThrow().state()).isEqualTo(State.ENDED);
            assertThat(core.provider.revokes).containsExactly(active.id());
        }
    }

    // ------------------------------------------------------------------------------------------------ helpers

    HttpResponse<String> post(String activity) throws Exception {
        return post(activity, teams.token());
    }

    HttpResponse<String> post(String activity, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://localhost:"
                        + ((ServerConnector) jetty.getConnectors()[0]).getLocalPort() + "/api/messages"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(activity));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Nested
    class ScheduledStarts {

        static final String LATER = "request Contributor on rg-payments from 22:00 for 45m because INC-4411 window";

        private String withZone(String activity, String field, String zone, boolean asClientInfo) throws Exception {
            var a = (com.fasterxml.jackson.databind.node.ObjectNode) new com.fasterxml.jackson.databind.ObjectMapper()
                    .readTree(activity);
            if (asClientInfo) {
                a.putArray("entities").addObject().put("type", "clientInfo").put("locale", "en-US")
                        .put("country", "DE").put("platform", "Web").put(field, zone);
            } else {
                a.put(field, zone);
            }
            return a.toString();
        }

        @Test
        void aStartWithoutZone_isReadInTheClientInfoTimezone_andShownBackWithIt() throws Exception {
            assertThat(post(withZone(teams.message(ALICE, ALICE_CHAT, "personal", LATER), "timezone",
                    "Europe/Berlin", true)).statusCode()).isEqualTo(202);

            AccessRequest pending = only(State.PENDING);
            assertThat(pending.startsAt()).hasToString("2026-11-25T21:00:00Z");
            assertThat(pending.startZone()).isEqualTo("Europe/Berlin");
            assertThat(text(one("POST", "/v3/conversations/" + ALICE_CHAT + "/activities/.+")))
                    .contains("Filed as " + pending.id() + ", starting Wed 25 Nov 22:00 Europe/Berlin (21:00 UTC)");
        }

        @Test
        void theActivitysLocalTimeZone_inEitherSpelling_isUsedToo() throws Exception {
            assertThat(post(withZone(teams.message(ALICE, ALICE_CHAT, "personal", LATER), "localTimeZone",
                    "Asia/Tokyo", false)).statusCode()).isEqualTo(202);

            // 22:00 in Tokyo is 13:00 UTC.
            assertThat(only(State.PENDING).startsAt()).hasToString("2026-11-25T13:00:00Z");
        }

        @Test
        void noZoneFromTheClient_isUtc() throws Exception {
            assertThat(post(teams.message(ALICE, ALICE_CHAT, "personal", LATER)).statusCode()).isEqualTo(202);

            assertThat(only(State.PENDING).startZone()).isEqualTo("UTC");
        }
    }

    AccessRequest only(State state) {
        List<AccessRequest> found = core.store.findByState(List.of(state));
        assertThat(found).hasSize(1);
        return found.get(0);
    }

    /** The connector calls with this method whose decoded path matches {@code pathRegex}. */
    List<LoggedRequest> all(String method, String pathRegex) {
        Pattern p = Pattern.compile(pathRegex);
        return teams.connectorCalls().stream()
                .filter(r -> r.getMethod().getName().equals(method))
                .filter(r -> p.matcher(decodedPath(r)).matches())
                .toList();
    }

    /** The one connector call with this method whose decoded path matches {@code pathRegex}. */
    LoggedRequest one(String method, String pathRegex) {
        List<LoggedRequest> hits = all(method, pathRegex);
        assertThat(hits).as(method + " " + pathRegex + " among " + teams.connectorCalls().stream()
                .map(r -> r.getMethod() + " " + decodedPath(r)).toList()).hasSize(1);
        return hits.get(0);
    }

    static String decodedPath(LoggedRequest r) {
        String url = r.getUrl();
        int q = url.indexOf('?');
        return URLDecoder.decode(q < 0 ? url : url.substring(0, q), StandardCharsets.UTF_8);
    }

    static String text(LoggedRequest r) {
        return json(r.getBodyAsString()).path("text").asText();
    }

    static JsonNode card(LoggedRequest r) {
        JsonNode attachment = json(r.getBodyAsString()).path("attachments").path(0);
        assertThat(attachment.path("contentType").asText()).isEqualTo("application/vnd.microsoft.card.adaptive");
        return attachment.path("content");
    }

    /** Azure that takes its time: grants wait until the test lets them through. */

    static List<String> strings(JsonNode array) {
        return java.util.stream.StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    void assertAllConnectorCallsCarryTheBearerToken() {
        assertThat(teams.connectorCalls()).isNotEmpty().allSatisfy(r ->
                assertThat(r.getHeader("Authorization")).as(r.getMethod() + " " + r.getUrl())
                        .isEqualTo("Bearer " + ACCESS_TOKEN));
    }
}
