package dev.jitbot.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.tomakehurst.wiremock.http.RequestMethod;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jitbot scan} through the built jar against a fake subscription over HTTPS, read by the real ARM SDK
 * clients: a standing Owner for a user on the subscription, a standing Contributor for a managed identity on a
 * resource group, a jitbot-tagged Reader, a PIM-eligible Contributor, a custom role with {@code *} actions, a
 * Reader a rule already covers, and a second subscription jitbot's identity may not read.
 */
class ScanJarIT {

    static final String SUB = "5f0c6a4e-1b2c-4d3e-8f90-a1b2c3d4e5f6";
    static final String SUB2 = "6a1d7b5f-2c3d-4e4f-9a01-b2c3d4e5f6a7";
    static final String OWNER = "8e3af657-a8ff-443c-a75c-2fe8c4bcb635";
    static final String CONTRIBUTOR = "b24988ac-6180-42a0-ab88-20f7382dd24c";
    static final String READER = "acdd72a7-3385-48ef-bd42-f606fba81ae7";
    static final String CUSTOM = "1c2d3e4f-5a6b-4c7d-8e9f-0a1b2c3d4e5f";
    static final String USER = "9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d";
    static final String MI = "3a7f5c1e-2b4d-4e6f-8a9b-0c1d2e3f4a5b";
    static final String GROUP = "0c9e2a7d-4f51-4b8e-9d3a-6e2f1b7c8a90";
    static final String BOB = "2b3c4d5e-6f70-4182-93a4-b5c6d7e8f901";
    static final String AUTH = "/providers/Microsoft.Authorization/";
    static final String OWNER_ID = "/subscriptions/" + SUB + AUTH + "roleAssignments/11111111-1111-4111-8111-111111111111";

    @TempDir
    static Path dir;
    static ArmFake arm;

    @TempDir
    Path work;
    Map<String, String> env;

    @BeforeAll
    static void fakeSubscription() throws Exception {
        arm = new ArmFake(dir);
    }

    @AfterAll
    static void stop() {
        arm.close();
    }

    @BeforeEach
    void mixedSubscription() throws Exception {
        arm.wm.resetRequests();
        stubMixedSubscription(arm);
        Path policy = work.resolve("policy.yaml");
        Files.writeString(policy, String.join("\n",
                "defaults: { max_duration: 1h, request_ttl: 30m, approvals: 1 }",
                "scopes:",
                "  sub-prod: /subscriptions/" + SUB,
                "  rg-payments: /subscriptions/" + SUB + "/resourceGroups/rg-payments",
                "groups:",
                "  engineers: { members: [alice@contoso.com, bob@contoso.com] }",
                "  oncall: { members: [carol@contoso.com, dave@contoso.com] }",
                "oncall: oncall",
                "rules:",
                "  - name: read production",
                "    role: Reader",
                "    scopes: [sub-prod]",
                "    requesters: [engineers]",
                "    approvals: 0",
                "  - name: operate the other subscription",
                "    role: Contributor",
                "    scopes: [/subscriptions/" + SUB2 + "/resourceGroups/rg-other]",
                "    requesters: [engineers]",
                "    approvers: [oncall]",
                ""));
        env = new HashMap<>(arm.env());
        env.put("JITBOT_POLICY", policy.toString());
        env.put("JITBOT_DB_URL", "jdbc:h2:file:" + work.resolve("data/jitbot").toAbsolutePath());
    }

    /** The fake subscription's role assignments, PIM instances, definitions and the unreadable second one. */
    static void stubMixedSubscription(ArmFake arm) {
        String sub = "/subscriptions/" + SUB;
        String rg = sub + "/resourceGroups/rg-payments";
        arm.wm.stubFor(get(urlPathMatching("/+subscriptions/" + SUB + "/providers/Microsoft\\.Authorization/roleAssignments"))
                .willReturn(okJson("{\"value\":[" + String.join(",",
                        assignment(OWNER_ID, sub, OWNER, USER, "User", null),
                        assignment(rg + AUTH + "roleAssignments/22222222-2222-4222-8222-222222222222", rg, CONTRIBUTOR,
                                MI, "ServicePrincipal", null),
                        assignment(sub + AUTH + "roleAssignments/33333333-3333-4333-8333-333333333333", sub, READER,
                                BOB, "User", "jitbot:JIT-7K3F expires 2030-01-01T00:00:00Z"),
                        assignment(rg + AUTH + "roleAssignments/44444444-4444-4444-8444-444444444444", rg, CUSTOM,
                                GROUP, "Group", null),
                        assignment(sub + AUTH + "roleAssignments/55555555-5555-4555-8555-555555555555", sub, READER,
                                BOB, "User", "audit team"),
                        // Inherited from the management group above: not at or under the managed scope.
                        assignment("/providers/Microsoft.Management/managementGroups/root" + AUTH
                                + "roleAssignments/66666666-6666-4666-8666-666666666666",
                                "/providers/Microsoft.Management/managementGroups/root", OWNER, BOB, "User", null))
                        + "]}")));
        arm.wm.stubFor(get(urlPathMatching("/+subscriptions/" + SUB + "/providers/Microsoft\\.Authorization/"
                + "roleEligibilityScheduleInstances")).willReturn(okJson("{\"value\":[{\"id\":\"" + rg + AUTH
                + "roleEligibilityScheduleInstances/77777777-7777-4777-8777-777777777777\",\"name\":\"77777777-7777-"
                + "4777-8777-777777777777\",\"type\":\"Microsoft.Authorization/roleEligibilityScheduleInstances\","
                + "\"properties\":{\"scope\":\"" + rg + "\",\"roleDefinitionId\":\"" + sub + AUTH + "roleDefinitions/"
                + CONTRIBUTOR + "\",\"principalId\":\"" + BOB + "\",\"principalType\":\"User\",\"status\":"
                + "\"Provisioned\",\"memberType\":\"Direct\"}}]}")));
        arm.wm.stubFor(get(urlPathMatching("/+subscriptions/" + SUB + "/providers/Microsoft\\.Authorization/"
                + "roleAssignmentScheduleInstances")).willReturn(okJson("{\"value\":[]}")));
        arm.wm.stubFor(get(urlPathMatching("/+subscriptions/" + SUB2 + "/.*"))
                .willReturn(aResponse().withStatus(403).withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"code\":\"AuthorizationFailed\",\"message\":\"The client does not have "
                                + "authorization to perform action 'Microsoft.Authorization/roleAssignments/read'\"}}")));
        definition(arm, OWNER, "Owner", "BuiltInRole", "[\"*\"]", "[]", "[]");
        definition(arm, CONTRIBUTOR, "Contributor", "BuiltInRole", "[\"*\"]",
                "[\"Microsoft.Authorization/*/Delete\",\"Microsoft.Authorization/*/Write\"]", "[]");
        definition(arm, READER, "Reader", "BuiltInRole", "[\"*/read\"]", "[]", "[]");
        definition(arm, CUSTOM, "Platform Breakglass", "CustomRole", "[\"*\"]", "[]", "[]");
        arm.wm.stubFor(get(urlPathMatching("/v1\\.0/servicePrincipals/" + MI)).willReturn(okJson("{\"id\":\"" + MI
                + "\",\"appId\":\"" + MI + "\",\"displayName\":\"payments-api\",\"servicePrincipalType\":"
                + "\"ManagedIdentity\"}")));

    }

    static String assignment(String id, String scope, String role, String principal, String type,
                                     String description) {
        return "{\"id\":\"" + id + "\",\"name\":\"" + id.substring(id.lastIndexOf('/') + 1) + "\",\"type\":"
                + "\"Microsoft.Authorization/roleAssignments\",\"properties\":{\"scope\":\"" + scope + "\","
                + "\"roleDefinitionId\":\"/subscriptions/" + SUB + AUTH + "roleDefinitions/" + role + "\","
                + "\"principalId\":\"" + principal + "\",\"principalType\":\"" + type + "\""
                + (description != null ? ",\"description\":\"" + description + "\"" : "") + "}}";
    }

    static void definition(ArmFake arm, String guid, String name, String type, String actions, String notActions,
                                   String dataActions) {
        arm.wm.stubFor(get(urlPathMatching("/+subscriptions/" + SUB + "/providers/Microsoft\\.Authorization/"
                + "roleDefinitions/" + guid)).willReturn(okJson("{\"id\":\"/subscriptions/" + SUB + AUTH
                + "roleDefinitions/" + guid + "\",\"name\":\"" + guid + "\",\"type\":\"Microsoft.Authorization/"
                + "roleDefinitions\",\"properties\":{\"roleName\":\"" + name + "\",\"type\":\"" + type + "\","
                + "\"assignableScopes\":[\"/\"],\"permissions\":[{\"actions\":" + actions + ",\"notActions\":"
                + notActions + ",\"dataActions\":" + dataActions + ",\"notDataActions\":[]}]}}")));
    }

    private JarProcess scan(String... args) throws Exception {
        List<String> all = new java.util.ArrayList<>(List.of("scan"));
        all.addAll(List.of(args));
        return JarProcess.start(work, env, arm.trustOptions(), all.toArray(String[]::new));
    }

    private static JsonNode byId(JsonNode list, String idEnd) {
        for (JsonNode n : list) {
            if (n.path("assignmentId").asText().endsWith(idEnd)) {
                return n;
            }
        }
        throw new AssertionError("no assignment ending " + idEnd + " in " + list);
    }

    @Test
    void scanJson_classifiesAndRatesEachAssignment_andReportsTheUnreadableScope() throws Exception {
        try (JarProcess jitbot = scan("--format", "json")) {
            assertThat(jitbot.waitFor(Duration.ofSeconds(90))).as(jitbot.all()).isZero();
            JsonNode root = new ObjectMapper().readTree(String.join("\n", jitbot.out()));
            JsonNode list = root.path("assignments");
            assertThat(list).hasSize(6);

            JsonNode owner = byId(list, "11111111-1111-4111-8111-111111111111");
            assertThat(owner.path("kind").asText()).isEqualTo("standing");
            assertThat(owner.path("risk").asText()).isEqualTo("critical");
            assertThat(owner.path("principal").path("id").asText()).isEqualTo(USER);
            assertThat(owner.path("principal").path("type").asText()).isEqualTo("User");
            assertThat(owner.path("role").path("name").asText()).isEqualTo("Owner");
            assertThat(owner.path("role").path("id").asText()).endsWith(OWNER);
            assertThat(owner.path("scope").asText()).isEqualTo("/subscriptions/" + SUB);
            assertThat(owner.path("reasons").toString()).contains("can change who has access", "all actions (`*`)",
                    "subscription scope", "held by a user");
            assertThat(owner.has("coveredByRule")).isFalse();

            JsonNode mi = byId(list, "22222222-2222-4222-8222-222222222222");
            assertThat(mi.path("kind").asText()).isEqualTo("standing");
            assertThat(mi.path("risk").asText()).isEqualTo("high");
            assertThat(mi.path("principal").path("type").asText()).isEqualTo("ManagedIdentity");
            assertThat(mi.path("reasons").toString()).doesNotContain("can change who has access")
                    .contains("held by a managed identity");

            assertThat(byId(list, "33333333-3333-4333-8333-333333333333").path("kind").asText()).isEqualTo("jitbot");
            JsonNode eligible = byId(list, "77777777-7777-4777-8777-777777777777");
            assertThat(eligible.path("kind").asText()).isEqualTo("pim");
            assertThat(eligible.path("role").path("name").asText()).isEqualTo("Contributor");

            JsonNode custom = byId(list, "44444444-4444-4444-8444-444444444444");
            assertThat(custom.path("kind").asText()).isEqualTo("standing");
            assertThat(custom.path("risk").asText()).isEqualTo("critical");
            assertThat(custom.path("reasons").toString()).contains("all actions (`*`)", "held by a group");

            JsonNode covered = byId(list, "55555555-5555-4555-8555-555555555555");
            assertThat(covered.path("risk").asText()).isEqualTo("low");
            assertThat(covered.path("coveredByRule").asText()).isEqualTo("read production");

            assertThat(root.path("notReadable").toString()).contains("/subscriptions/" + SUB2,
                    "not readable by jitbot's identity (needs Reader at /subscriptions/" + SUB2);
        }
    }

    @Test
    void scanTable_andCsv_printTheSameFindings() throws Exception {
        try (JarProcess table = scan()) {
            assertThat(table.waitFor(Duration.ofSeconds(90))).as(table.all()).isZero();
            assertThat(table.out().get(0)).startsWith("RISK");
            assertThat(String.join("\n", table.out())).contains("critical", "Owner", "6 assignments: 4 standing");
        }
        try (JarProcess csv = scan("--format", "csv")) {
            assertThat(csv.waitFor(Duration.ofSeconds(90))).as(csv.all()).isZero();
            assertThat(csv.out().get(0)).startsWith("assignmentId,principalId");
            assertThat(csv.out()).hasSize(7);
        }
    }

    @Test
    void suggest_printsRulesThatJitbotCheckAccepts() throws Exception {
        String suggested;
        try (JarProcess jitbot = scan("--suggest")) {
            assertThat(jitbot.waitFor(Duration.ofSeconds(90))).as(jitbot.all()).isZero();
            suggested = String.join("\n", jitbot.out());
        }
        assertThat(suggested).contains("role: \"Owner\"", "max_duration: 30m", "approvals: ",
                "role: \"Platform Breakglass\"", "role: \"Contributor\"").doesNotContain("role: \"Reader\"");
        Path policy = Path.of(env.get("JITBOT_POLICY"));
        Files.writeString(policy, Files.readString(policy) + suggested + "\n");
        try (JarProcess check = JarProcess.start(work, Map.of(), List.of(), "check", "policy.yaml")) {
            assertThat(check.waitFor(Duration.ofSeconds(60))).as(check.all() + "\n---\n" + suggested).isZero();
        }
    }

    @Test
    void remove_withoutATerminalToConfirmAt_removesNothing() throws Exception {
        try (JarProcess jitbot = scan("--remove", OWNER_ID, "--as", "carol@contoso.com")) {
            jitbot.stdin().write("Owner\n".getBytes());
            jitbot.stdin().close();
            assertThat(jitbot.waitFor(Duration.ofSeconds(90))).as(jitbot.all()).isEqualTo(2);
            assertThat(jitbot.all()).contains("nothing was removed");
        }
        assertThat(arm.wm.getAllServeEvents()).noneMatch(e -> e.getRequest().getMethod().equals(RequestMethod.DELETE));
    }

    @Test
    void throttledListing_waitsForRetryAfter_andPrintsTheWholeScan() throws Exception {
        arm.wm.stubFor(get(urlPathMatching("/+subscriptions/" + SUB + "/providers/Microsoft\\.Authorization/roleAssignments"))
                .inScenario("throttle").whenScenarioStateIs(Scenario.STARTED).willSetStateTo("open")
                .willReturn(aResponse().withStatus(429).withHeader("Retry-After", "1")
                        .withHeader("Content-Type", "application/json")
                        .withBody("{\"error\":{\"code\":\"TooManyRequests\",\"message\":\"slow down\"}}")));
        try (JarProcess jitbot = scan("--format", "json")) {
            assertThat(jitbot.waitFor(Duration.ofSeconds(90))).as(jitbot.all()).isZero();
            assertThat(new ObjectMapper().readTree(String.join("\n", jitbot.out())).path("assignments")).hasSize(6);
            assertThat(jitbot.err()).anyMatch(l -> l.contains("Retry-After"));
        } finally {
            arm.wm.resetScenarios();
        }
    }

    @Test
    void azureFailingAfterTheFirstPage_printsNothingOnStdout_andOneLineOnStderr_exit1() throws Exception {
        String list = "/+subscriptions/" + SUB + "/providers/Microsoft\\.Authorization/roleAssignments";
        // The first page arrives; the second never does (Azure answers 500 to it and to the SDK's retries).
        var firstPage = arm.wm.stubFor(get(urlPathMatching(list)).atPriority(2).willReturn(okJson("{\"value\":["
                + assignment(OWNER_ID, "/subscriptions/" + SUB, OWNER, USER, "User", null) + "],\"nextLink\":\""
                + arm.baseUrl() + "/subscriptions/" + SUB + "/providers/Microsoft.Authorization/roleAssignments?"
                + "api-version=2022-04-01&$skiptoken=page2\"}")));
        var secondPage = arm.wm.stubFor(get(urlPathMatching(list)).withQueryParam("$skiptoken", com.github.tomakehurst.wiremock.client
                .WireMock.equalTo("page2")).atPriority(1).willReturn(aResponse().withStatus(500)
                .withHeader("Content-Type", "application/json")
                .withBody("{\"error\":{\"code\":\"InternalServerError\",\"message\":\"try again later\"}}")));
        try (JarProcess jitbot = scan("--format", "json")) {
            assertThat(jitbot.waitFor(Duration.ofSeconds(120))).as(jitbot.all()).isEqualTo(1);
            assertThat(jitbot.out()).as(jitbot.all()).isEmpty();
            assertThat(jitbot.err()).as(jitbot.all()).anyMatch(l -> l.startsWith("The scan stopped: listing role "
                    + "assignments at /subscriptions/" + SUB + ": Azure did not answer")
                    && l.endsWith("Nothing was changed; run it again later."));
            assertThat(arm.wm.getAllServeEvents()).anyMatch(e -> e.getRequest().getUrl().contains("skiptoken=page2"));
        } finally {
            arm.wm.removeStub(firstPage);
            arm.wm.removeStub(secondPage);
        }
    }
}
