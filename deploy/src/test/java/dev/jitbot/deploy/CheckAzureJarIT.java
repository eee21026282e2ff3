package dev.jitbot.deploy;

import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathMatching;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jitbot check --azure} through the built jar: each rule's role resolved by name through the real ARM SDK
 * against the HTTPS fake, a custom role with {@code *} on a whole subscription flagged, a narrower built-in role
 * suggested for Contributor on one storage account, and a role Azure does not have named.
 */
class CheckAzureJarIT {

    static final String SUB = ScanJarIT.SUB;
    static final String ACCOUNT = "/subscriptions/" + SUB + "/resourceGroups/rg-data/providers/Microsoft.Storage/"
            + "storageAccounts/stpayments";
    static final String POLICY = String.join("\n",
            "defaults: { max_duration: 1h, request_ttl: 30m, approvals: 1 }",
            "scopes:",
            "  sub-prod: /subscriptions/" + SUB,
            "  st-payments: " + ACCOUNT,
            "groups:",
            "  engineers: { members: [alice@contoso.com, bob@contoso.com] }",
            "  leads: { members: [carol@contoso.com, dave@contoso.com] }",
            "rules:",
            "  - name: read production",
            "    role: Reader",
            "    scopes: [sub-prod]",
            "    requesters: [engineers]",
            "    approvals: 0",
            "  - name: break glass",
            "    role: Platform Breakglass",
            "    scopes: [sub-prod]",
            "    requesters: [leads]",
            "    approvers: [leads]",
            "  - name: operate the payments storage",
            "    role: Contributor",
            "    scopes: [st-payments]",
            "    requesters: [engineers]",
            "    approvers: [leads]",
            "  - name: ghost",
            "    role: Storage Wizard",
            "    scopes: [sub-prod]",
            "    requesters: [engineers]",
            "    approvers: [leads]",
            "");

    @TempDir
    Path work;
    private ArmFake arm;

    @AfterEach
    void stop() {
        if (arm != null) {
            arm.close();
        }
    }

    private void byName(String name, String guid, String type, String actions, String notActions) {
        arm.wm.stubFor(get(urlPathMatching("/+(subscriptions/.*/)?providers/Microsoft\\.Authorization/roleDefinitions"))
                .withQueryParam("$filter", equalTo("roleName eq '" + name + "'")).atPriority(1)
                .willReturn(okJson("{\"value\":[{\"id\":\"/providers/Microsoft.Authorization/roleDefinitions/" + guid
                        + "\",\"name\":\"" + guid + "\",\"type\":\"Microsoft.Authorization/roleDefinitions\","
                        + "\"properties\":{\"roleName\":\"" + name + "\",\"type\":\"" + type + "\",\"assignableScopes\":"
                        + "[\"/\"],\"permissions\":[{\"actions\":" + actions + ",\"notActions\":" + notActions
                        + ",\"dataActions\":[],\"notDataActions\":[]}]}}]}")));
    }

    @Test
    void checkAzure_flagsWildcardsOnASubscription_suggestsANarrowerBuiltInRole_andNamesAMissingRole() throws Exception {
        arm = new ArmFake(work);
        byName("Reader", ScanJarIT.READER, "BuiltInRole", "[\"*/read\"]", "[]");
        byName("Platform Breakglass", ScanJarIT.CUSTOM, "CustomRole", "[\"*\"]", "[]");
        byName("Contributor", ScanJarIT.CONTRIBUTOR, "BuiltInRole", "[\"*\"]",
                "[\"Microsoft.Authorization/*/Delete\",\"Microsoft.Authorization/*/Write\"]");
        arm.wm.stubFor(get(urlPathMatching("/+(subscriptions/.*/)?providers/Microsoft\\.Authorization/roleDefinitions"))
                .withQueryParam("$filter", equalTo("roleName eq 'Storage Wizard'")).atPriority(1)
                .willReturn(okJson("{\"value\":[]}")));
        Files.writeString(work.resolve("policy.yaml"), POLICY);

        try (JarProcess jitbot = JarProcess.start(work, arm.env(), arm.trustOptions(), "check", "--azure",
                "policy.yaml")) {
            assertThat(jitbot.waitFor(Duration.ofSeconds(90))).as(jitbot.all()).isZero();
            String out = String.join("\n", jitbot.out());
            assertThat(out).as(jitbot.all())
                    .contains("policy.yaml:16: warning: rule \"break glass\": Platform Breakglass allows wildcard "
                            + "actions (`*`) on a whole subscription (/subscriptions/" + SUB + ")")
                    .contains("policy.yaml:20: warning: rule \"operate the payments storage\": `Storage Account "
                            + "Contributor` covers what the rule asks for (Microsoft.Storage/storageAccounts/*)")
                    .contains("consider `role: Storage Account Contributor`")
                    .contains("policy.yaml:25: warning: rule \"ghost\": Azure has no role named \"Storage Wizard\"")
                    .contains("--azure: 3 of 4 rules' roles resolved in Azure.")
                    .doesNotContain("rule \"read production\": `");
            assertThat(jitbot.all()).doesNotContain("Exception");
        }
    }

    @Test
    void checkAzure_withoutAnAzureIdentity_saysSo_andExitsWithTheFilesOwnResult() throws Exception {
        Files.writeString(work.resolve("policy.yaml"), POLICY);
        try (JarProcess jitbot = JarProcess.start(work, Map.of(), List.of(), "check", "--azure", "policy.yaml")) {
            assertThat(jitbot.waitFor(Duration.ofSeconds(60))).as(jitbot.all()).isZero();
            assertThat(jitbot.err()).anyMatch(l -> l.contains("--azure: no Azure identity is configured"));
            assertThat(jitbot.out()).anyMatch(l -> l.contains("policy.yaml: valid, 4 rules"));
        }
    }
}
