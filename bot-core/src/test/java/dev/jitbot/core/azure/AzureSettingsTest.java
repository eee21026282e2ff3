package dev.jitbot.core.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.jitbot.core.testing.MutableClock;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AzureSettingsTest {

    private static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    private static final String CLIENT = "0f4a7c1e-7d2b-4e3a-9c8d-1b2a3c4d5e6f";

    private static Map<String, String> env(String... pairs) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            m.put(pairs[i], pairs[i + 1]);
        }
        return m;
    }

    @Nested
    class Mode {

        @Test
        void noCredentials_defaultsToDryRunWithOneLoudWarning() {
            AzureSettings s = AzureSettings.fromEnvironment(env());

            assertThat(s.mode()).isEqualTo(AzureSettings.Mode.DRY_RUN);
            assertThat(s.warning()).startsWith("!!!").contains("DRY-RUN").contains("NOTHING in Azure")
                    .doesNotContain("\n");
        }

        @Test
        void credentials_defaultToRbac_neverToDryRun() {
            AzureSettings s = AzureSettings.fromEnvironment(env("AZURE_TENANT_ID", TENANT, "AZURE_CLIENT_ID", CLIENT,
                    "AZURE_CLIENT_SECRET", "s3cret"));

            assertThat(s.mode()).isEqualTo(AzureSettings.Mode.RBAC);
            assertThat(s.warning()).isNull();
        }

        @Test
        void workloadIdentityAlone_countsAsCredentials() {
            AzureSettings s = AzureSettings.fromEnvironment(env("AZURE_FEDERATED_TOKEN_FILE", "/var/run/token"));

            assertThat(s.mode()).isEqualTo(AzureSettings.Mode.RBAC);
        }

        @Test
        void explicitDryRunWithCredentials_isHonouredButWarnedAbout() {
            AzureSettings s = AzureSettings.fromEnvironment(env("JITBOT_AZURE_MODE", "dry-run",
                    "AZURE_TENANT_ID", TENANT, "AZURE_CLIENT_ID", CLIENT, "AZURE_CLIENT_SECRET", "s3cret"));

            assertThat(s.mode()).isEqualTo(AzureSettings.Mode.DRY_RUN);
            assertThat(s.warning()).contains("JITBOT_AZURE_MODE=dry-run");
        }

        @Test
        void pim_isChosenByName() {
            assertThat(AzureSettings.fromEnvironment(env("JITBOT_AZURE_MODE", "PIM")).mode())
                    .isEqualTo(AzureSettings.Mode.PIM);
        }

        @Test
        void unknownMode_namesTheVariableAndTheChoices() {
            assertThatThrownBy(() -> AzureSettings.fromEnvironment(env("JITBOT_AZURE_MODE", "live")))
                    .hasMessageStartingWith("JITBOT_AZURE_MODE is `live`; it must be rbac, pim or dry-run")
                    .hasMessageContaining("Example: JITBOT_AZURE_MODE=rbac");
        }
    }

    @Nested
    class Validation {

        @Test
        void clientIdWithoutTenant_namesAzureTenantId() {
            assertThatThrownBy(() -> AzureSettings.fromEnvironment(env("AZURE_CLIENT_ID", CLIENT,
                    "AZURE_CLIENT_SECRET", "s3cret")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageStartingWith("AZURE_TENANT_ID is missing")
                    .hasMessageContaining("Example: AZURE_TENANT_ID=");
        }

        @Test
        void secretWithoutClientId_namesAzureClientId() {
            assertThatThrownBy(() -> AzureSettings.fromEnvironment(env("AZURE_TENANT_ID", TENANT,
                    "AZURE_CLIENT_SECRET", "s3cret")))
                    .hasMessageStartingWith("AZURE_CLIENT_ID is missing");
        }

        @Test
        void unreadableCertificate_namesTheVariableAndThePath(@TempDir Path dir) {
            String missing = dir.resolve("nope.pem").toString();

            assertThatThrownBy(() -> AzureSettings.fromEnvironment(env("AZURE_TENANT_ID", TENANT,
                    "AZURE_CLIENT_ID", CLIENT, "AZURE_CLIENT_CERTIFICATE_PATH", missing)))
                    .hasMessageStartingWith("AZURE_CLIENT_CERTIFICATE_PATH is `" + missing + "`, but no readable file")
                    .hasMessageContaining("Example: AZURE_CLIENT_CERTIFICATE_PATH=");
        }

        @Test
        void certificatePathThatIsADirectory_isRefused(@TempDir Path dir) {
            assertThatThrownBy(() -> AzureSettings.fromEnvironment(env("AZURE_TENANT_ID", TENANT,
                    "AZURE_CLIENT_ID", CLIENT, "AZURE_CLIENT_CERTIFICATE_PATH", dir.toString())))
                    .hasMessageStartingWith("AZURE_CLIENT_CERTIFICATE_PATH");
        }

        @Test
        void readableCertificate_isAccepted(@TempDir Path dir) throws IOException {
            Path pem = Files.writeString(dir.resolve("bot.pem"), "-----BEGIN CERTIFICATE-----\n");

            AzureSettings s = AzureSettings.fromEnvironment(env("AZURE_TENANT_ID", TENANT,
                    "AZURE_CLIENT_ID", CLIENT, "AZURE_CLIENT_CERTIFICATE_PATH", pem.toString()));

            assertThat(s.certificatePath()).isEqualTo(pem);
            assertThat(s.credentialKind()).isEqualTo("client certificate");
        }

        @Test
        void malformedArmEndpoint_namesTheVariable() {
            assertThatThrownBy(() -> AzureSettings.fromEnvironment(env("JITBOT_ARM_ENDPOINT", "management azure com")))
                    .hasMessageStartingWith("JITBOT_ARM_ENDPOINT is `management azure com`")
                    .hasMessageContaining("Example: JITBOT_ARM_ENDPOINT=https://management.azure.com");
        }

        @Test
        void plainHttpGraphEndpoint_isRefusedBecauseTheBearerPolicyWouldBe() {
            assertThatThrownBy(() -> AzureSettings.fromEnvironment(env("JITBOT_GRAPH_ENDPOINT", "http://localhost:8080")))
                    .hasMessageStartingWith("JITBOT_GRAPH_ENDPOINT is `http://localhost:8080`; it must be an https URL");
        }

        @Test
        void authorityHostWithAQuery_isRefused() {
            assertThatThrownBy(() -> AzureSettings.fromEnvironment(env("AZURE_AUTHORITY_HOST",
                    "https://login.example.com/?x=1")))
                    .hasMessageStartingWith("AZURE_AUTHORITY_HOST");
        }

        @Test
        void endpoints_loseTheirTrailingSlash() {
            AzureSettings s = AzureSettings.fromEnvironment(env("JITBOT_ARM_ENDPOINT", "https://arm.example.com/"));

            assertThat(s.armEndpoint()).hasToString("https://arm.example.com");
            assertThat(s.graphEndpoint()).hasToString("https://graph.microsoft.com");
        }

        @Test
        void secrets_neverAppearInTheDescription() {
            AzureSettings s = AzureSettings.fromEnvironment(env("AZURE_TENANT_ID", TENANT, "AZURE_CLIENT_ID", CLIENT,
                    "AZURE_CLIENT_SECRET", "s3cret-value"));

            assertThat(s.describe()).doesNotContain("s3cret-value").contains("client secret").contains(CLIENT);
            assertThat(s.toString()).doesNotContain("s3cret-value");
        }
    }

    @Nested
    class Access {

        @Test
        void withoutCredentials_givesTheDryRunProviderAndNoGraphDirectory() {
            AzureAccess access = AzureAccess.create(AzureSettings.fromEnvironment(env()), MutableClock.at(
                    "2026-11-25T10:00:00Z"));

            assertThat(access.provider().mode()).isEqualTo("dry-run");
            assertThat(access.directory()).isEmpty();
        }

        @Test
        void withCredentials_givesTheModesProviderAndAGraphDirectory_withoutCallingAzureYet() {
            Map<String, String> e = env("AZURE_TENANT_ID", TENANT, "AZURE_CLIENT_ID", CLIENT,
                    "AZURE_CLIENT_SECRET", "s3cret", "AZURE_AUTHORITY_HOST", "https://localhost:1");

            assertThat(AzureAccess.create(AzureSettings.fromEnvironment(e), MutableClock.at("2026-11-25T10:00:00Z"))
                    .provider().mode()).isEqualTo("rbac");
            e.put("JITBOT_AZURE_MODE", "pim");
            AzureAccess pim = AzureAccess.create(AzureSettings.fromEnvironment(e), MutableClock.at("2026-11-25T10:00:00Z"));
            assertThat(pim.provider().mode()).isEqualTo("pim");
            assertThat(pim.directory()).isPresent();
        }
    }
}
