package dev.jitbot.core.azure;

import static com.github.tomakehurst.wiremock.client.WireMock.containing;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static dev.jitbot.core.azure.AzureFakes.json;
import static org.assertj.core.api.Assertions.assertThat;

import dev.jitbot.core.app.Directory;
import dev.jitbot.core.domain.ChatUser;
import dev.jitbot.core.domain.Outcome;
import dev.jitbot.core.domain.Parsed;
import dev.jitbot.core.domain.Platform;
import dev.jitbot.core.domain.Principal;
import dev.jitbot.core.domain.PrincipalType;
import dev.jitbot.core.domain.Refusal;
import dev.jitbot.core.domain.State;
import dev.jitbot.core.testing.MutableClock;
import dev.jitbot.core.testing.RecordingAccessProvider;
import dev.jitbot.core.testing.TestPolicies;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GraphDirectory against an HTTPS fake of Microsoft Graph, with the token from the Entra fake. */
class GraphDirectoryIT {

    private static final String ALICE_ID = "9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";
    private static final String ERIN_ID = "2d3e4f5a-6b7c-4d8e-9f0a-1b2c3d4e5f6a";
    private static final String FRANK_ID = "5e6f7a8b-9c0d-4e1f-8a2b-3c4d5e6f7a8b";
    private static final ChatUser FRANK = TestPolicies.slack("U0FRANK", "Frank", "frank@contoso.com");
    @RegisterExtension
    static final AzureFakes fakes = new AzureFakes();

    private MutableClock clock;
    private Directory directory;

    @BeforeEach
    void wire() {
        fakes.reset();
        clock = MutableClock.at("2026-11-25T10:00:00Z");
        directory = fakes.access("rbac", clock).directory().orElseThrow();
    }

    private static void user(String email, String id, String name) {
        fakes.wm.stubFor(get(urlPathEqualTo("/v1.0/users/" + email)).willReturn(json(200, "{\"id\":\"" + id
                + "\",\"displayName\":\"" + name + "\",\"userPrincipalName\":\"" + email + "\",\"mail\":\"" + email
                + "\"}")));
        account(id, name, true);
    }

    /** What Graph says of the account's state when asked by object id with $select=accountEnabled. */
    private static void account(String id, String name, boolean enabled) {
        fakes.wm.stubFor(get(urlPathEqualTo("/v1.0/users/" + id)).withQueryParam("$select", containing("accountEnabled"))
                .willReturn(json(200, "{\"@odata.context\":\"https://graph.microsoft.com/v1.0/$metadata#users(id,"
                        + "displayName,accountEnabled)/$entity\",\"id\":\"" + id + "\",\"displayName\":\"" + name
                        + "\",\"accountEnabled\":" + enabled + "}")));
    }

    private static void noUser(String email) {
        fakes.wm.stubFor(get(urlPathEqualTo("/v1.0/users/" + email)).willReturn(json(404,
                "{\"error\":{\"code\":\"Request_ResourceNotFound\",\"message\":\"Resource '" + email
                        + "' does not exist.\"}}")));
        fakes.wm.stubFor(get(urlPathEqualTo("/v1.0/users")).withQueryParam("$filter", containing(email))
                .willReturn(json(200, "{\"value\":[]}")));
    }

    @Nested
    class Users {

        @Test
        void email_resolvesToTheEntraObjectId_withTheBotsBearerToken_andIsCached() {
            user("alice@contoso.com", ALICE_ID, "Alice Liddell");

            Parsed<Principal> first = directory.user(TestPolicies.ALICE);
            Parsed<Principal> second = directory.user(TestPolicies.ALICE);

            assertThat(first.orThrow()).isEqualTo(new Principal(ALICE_ID, PrincipalType.USER, "Alice Liddell"));
            assertThat(second.orThrow()).isEqualTo(first.orThrow());
            fakes.wm.verify(1, getRequestedFor(urlPathEqualTo("/v1.0/users/alice@contoso.com"))
                    .withHeader("Authorization", equalTo("Bearer " + AzureFakes.TOKEN)));
        }

        @Test
        void cacheExpires_afterTheTtl() {
            user("alice@contoso.com", ALICE_ID, "Alice Liddell");
            directory.user(TestPolicies.ALICE);

            clock.advance(Duration.ofMinutes(11));
            directory.user(TestPolicies.ALICE);

            fakes.wm.verify(2, getRequestedFor(urlPathEqualTo("/v1.0/users/alice@contoso.com")));
        }

        @Test
        void mailThatIsNotTheUpn_isFoundThroughTheFilter() {
            noUser("erin@contoso.com");
            fakes.wm.stubFor(get(urlPathEqualTo("/v1.0/users")).withQueryParam("$filter",
                    equalTo("mail eq 'erin@contoso.com' or userPrincipalName eq 'erin@contoso.com'"))
                    .willReturn(json(200, "{\"value\":[{\"id\":\"" + ERIN_ID + "\",\"displayName\":\"Erin\"}]}")));

            assertThat(directory.user(TestPolicies.ERIN).orThrow().objectId()).isEqualTo(ERIN_ID);
        }

        @Test
        void mailSharedByTwoAccounts_isARefusal_notAGuess() {
            noUser("erin@contoso.com");
            fakes.wm.stubFor(get(urlPathEqualTo("/v1.0/users")).withQueryParam("$filter",
                    equalTo("mail eq 'erin@contoso.com' or userPrincipalName eq 'erin@contoso.com'"))
                    .willReturn(json(200, "{\"value\":[{\"id\":\"" + ERIN_ID + "\",\"displayName\":\"Erin\"},"
                            + "{\"id\":\"" + ALICE_ID + "\",\"displayName\":\"Erin (guest)\"}]}")));

            Parsed<Principal> p = directory.user(TestPolicies.ERIN);

            assertThat(p.isOk()).isFalse();
            assertThat(p.reason()).contains("More than one Entra account has the address erin@contoso.com");
        }

        @Test
        void unknownEmail_isARefusalThatSaysWhatToDo() {
            noUser("alice@contoso.com");

            Parsed<Principal> p = directory.user(TestPolicies.ALICE);

            assertThat(p.reason()).isEqualTo("No Entra account for alice@contoso.com; an admin can map it under "
                    + "`users:` in policy.yaml.");
        }

        @Test
        void teamsUserWithAnObjectId_needsNoGraphCall() {
            ChatUser teams = new ChatUser(Platform.TEAMS, "29:1abc", "Alice", "alice@contoso.com", ALICE_ID);

            assertThat(directory.user(teams).orThrow().objectId()).isEqualTo(ALICE_ID);
            fakes.wm.verify(0, getRequestedFor(urlPathMatching("/v1.0/.*")));
        }
    }

    @Nested
    class ServicePrincipals {

        @Test
        void byAppId_fallsBackFromObjectId_andKnowsAManagedIdentity() {
            String appId = "6c1d2e3f-4a5b-4c6d-8e7f-9a0b1c2d3e4f";
            String objectId = "7d2e3f4a-5b6c-4d7e-8f9a-0b1c2d3e4f5a";
            fakes.wm.stubFor(get(urlPathEqualTo("/v1.0/servicePrincipals/" + appId)).willReturn(json(404,
                    "{\"error\":{\"code\":\"Request_ResourceNotFound\",\"message\":\"nope\"}}")));
            fakes.wm.stubFor(get(urlPathMatching("/v1.0/servicePrincipals\\(appId=.*" + appId + ".*\\)"))
                    .willReturn(json(200, "{\"id\":\"" + objectId + "\",\"appId\":\"" + appId + "\",\"displayName\":"
                            + "\"deploy-pipeline\",\"servicePrincipalType\":\"ManagedIdentity\"}")));

            Principal p = directory.servicePrincipal(appId).orThrow();

            assertThat(p).isEqualTo(new Principal(objectId, PrincipalType.MANAGED_IDENTITY, "deploy-pipeline"));
        }

        @Test
        void unknownId_isARefusal() {
            fakes.wm.stubFor(get(urlPathMatching("/v1.0/servicePrincipals.*")).willReturn(json(404,
                    "{\"error\":{\"code\":\"Request_ResourceNotFound\",\"message\":\"nope\"}}")));

            assertThat(directory.servicePrincipal(TestPolicies.PIPELINE_ID).reason())
                    .contains("No service principal or managed identity").contains(TestPolicies.PIPELINE_ID);
        }
    }

    @Nested
    class ApproverGroups {

        private AzureHarness core;
        private final RecordingAccessProvider provider = new RecordingAccessProvider();

        @BeforeEach
        void wireCore() {
            core = new AzureHarness(clock, provider, directory);
            user("alice@contoso.com", ALICE_ID, "Alice Liddell");
            user("erin@contoso.com", ERIN_ID, "Erin");
            user("frank@contoso.com", FRANK_ID, "Frank");
            fakes.wm.stubFor(post(urlPathEqualTo("/v1.0/directoryObjects/" + ERIN_ID + "/checkMemberGroups"))
                    .willReturn(json(200, "{\"value\":[\"" + TestPolicies.LEADS_ENTRA_GROUP + "\"]}")));
            fakes.wm.stubFor(post(urlPathEqualTo("/v1.0/directoryObjects/" + FRANK_ID + "/checkMemberGroups"))
                    .willReturn(json(200, "{\"value\":[]}")));
        }

        @Test
        void transitiveMemberOfTheLeadsEntraGroup_mayApprove() {
            Outcome requested = core.service.handle(TestPolicies.ALICE,
                    "request Contributor on rg-payments for 45m because INC-4411 hotfix");
            assertThat(requested).isInstanceOf(Outcome.Requested.class);
            var id = ((Outcome.Requested) requested).request().id();

            Outcome approved = core.service.approve(TestPolicies.ERIN, id);

            assertThat(approved).isInstanceOf(Outcome.Activating.class);
            assertThat(core.store.find(id).orElseThrow().principal().objectId()).isEqualTo(ALICE_ID);
            assertThat(provider.grants).containsExactly(id);
            fakes.wm.verify(postRequestedFor(urlPathEqualTo("/v1.0/directoryObjects/" + ERIN_ID + "/checkMemberGroups"))
                    .withHeader("Authorization", equalTo("Bearer " + AzureFakes.TOKEN))
                    .withRequestBody(equalToJson("{\"groupIds\":[\"" + TestPolicies.LEADS_ENTRA_GROUP + "\"]}")));
        }

        @Test
        void someoneOutsideTheGroup_mayNotApprove() {
            Outcome requested = core.service.handle(TestPolicies.ALICE,
                    "request Contributor on rg-payments for 45m because INC-4411 hotfix");
            var id = ((Outcome.Requested) requested).request().id();

            Outcome refused = core.service.approve(FRANK, id);

            assertThat(refused).isInstanceOf(Outcome.Refused.class);
            assertThat(core.store.find(id).orElseThrow().state()).isEqualTo(State.PENDING);
            assertThat(provider.grants).isEmpty();
        }

        @Test
        void disabledApprover_clickIsRefusedAuditedAndGrantsNothing() {
            Outcome requested = core.service.handle(TestPolicies.ALICE,
                    "request Contributor on rg-payments for 45m because INC-4411 hotfix");
            var id = ((Outcome.Requested) requested).request().id();
            account(ERIN_ID, "Erin", false);

            Outcome refused = core.service.approve(TestPolicies.ERIN, id);

            assertThat(refused).isInstanceOf(Outcome.Refused.class);
            assertThat(((Outcome.Refused) refused).refusal().reason()).isEqualTo(Refusal.Reason.APPROVER_NOT_LIVE);
            assertThat(((Outcome.Refused) refused).message()).isEqualTo("Your Entra account (Erin) is disabled, so "
                    + "your approval of " + id + " does not count. Ask another approver, or your Entra admin if this "
                    + "is wrong.");
            assertThat(core.store.find(id).orElseThrow().state()).isEqualTo(State.PENDING);
            assertThat(core.store.find(id).orElseThrow().votes()).isEmpty();
            assertThat(provider.grants).isEmpty();
            assertThat(core.audit.forRequest(id)).anySatisfy(e -> {
                assertThat(e.action()).isEqualTo("approve-refused");
                assertThat(e.actor()).isEqualTo("erin@contoso.com");
                assertThat(e.details()).contains("identity not live: Your Entra account (Erin) is disabled");
            });
            fakes.wm.verify(getRequestedFor(urlPathEqualTo("/v1.0/users/" + ERIN_ID))
                    .withQueryParam("$select", containing("accountEnabled")));
        }

        @Test
        void approverRemovedFromTheEntraGroup_isRefusedWithinAMinuteThoughMembershipIsCachedLonger() {
            Outcome requested = core.service.handle(TestPolicies.ALICE,
                    "request Contributor on rg-payments for 45m because INC-4411 hotfix");
            var id = ((Outcome.Requested) requested).request().id();
            assertThat(core.service.canApprove(TestPolicies.ERIN, core.store.find(id).orElseThrow())).isTrue();
            fakes.wm.stubFor(post(urlPathEqualTo("/v1.0/directoryObjects/" + ERIN_ID + "/checkMemberGroups"))
                    .willReturn(json(200, "{\"value\":[]}")));
            clock.advance(Duration.ofSeconds(61));

            Outcome refused = core.service.approve(TestPolicies.ERIN, id);

            assertThat(refused).isInstanceOf(Outcome.Refused.class);
            assertThat(((Outcome.Refused) refused).message()).startsWith("Entra no longer lists you in leads");
            assertThat(provider.grants).isEmpty();
            assertThat(core.audit.actions(id)).contains("approve-refused");
        }

        @Test
        void disabledApprover_mayNotDenyEither() {
            Outcome requested = core.service.handle(TestPolicies.ALICE,
                    "request Contributor on rg-payments for 45m because INC-4411 hotfix");
            var id = ((Outcome.Requested) requested).request().id();
            account(ERIN_ID, "Erin", false);

            Outcome refused = core.service.deny(TestPolicies.ERIN, id, "no");

            assertThat(refused).isInstanceOf(Outcome.Refused.class);
            assertThat(core.store.find(id).orElseThrow().state()).isEqualTo(State.PENDING);
            assertThat(core.audit.actions(id)).contains("deny-refused");
        }

        @Test
        void requesterWithoutAnEntraAccount_isToldWhatToDo() {
            noUser("alice@contoso.com");

            Outcome refused = core.service.handle(TestPolicies.ALICE,
                    "request Contributor on rg-payments for 45m because INC-4411 hotfix");

            assertThat(refused).isInstanceOf(Outcome.Refused.class);
            assertThat(((Outcome.Refused) refused).refusal().reason()).isEqualTo(Refusal.Reason.UNKNOWN_USER);
            assertThat(((Outcome.Refused) refused).message()).isEqualTo("No Entra account for alice@contoso.com; an "
                    + "admin can map it under `users:` in policy.yaml.");
        }
    }
}
