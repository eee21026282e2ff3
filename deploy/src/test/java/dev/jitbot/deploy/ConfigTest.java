package dev.jitbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ConfigTest {

    private static final String BOT_TOKEN = "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOp";
    private static final String SIGNING = "8f742231b10e8888abcd99yyyzzz85a5";

    private static Config.Invalid refused(Map<String, String> env) {
        try {
            Config.from(env);
        } catch (Config.Invalid e) {
            return e;
        }
        throw new AssertionError("accepted " + env);
    }

    @Nested
    class Defaults {
        @Test
        void emptyEnvironment_givesDesignDefaults() {
            Config c = Config.from(Map.of());
            assertThat(c.httpPort()).isEqualTo(3000);
            assertThat(c.database().url()).isEqualTo("jdbc:h2:file:./data/jitbot");
            assertThat(c.policyFile().toString()).isEqualTo("./policy.yaml");
            assertThat(c.dryRun()).isTrue();
            assertThat(c.slack().enabled()).isFalse();
            assertThat(c.teams().enabled()).isFalse();
            assertThat(c.logFormat()).isEqualTo(Config.LogFormat.TEXT);
        }

        @Test
        void azureClientId_makesRbacTheDefaultMode() {
            Config c = Config.from(Map.of("AZURE_CLIENT_ID", "3a7f5c1e-2b4d-4e6f-8a9b-0c1d2e3f4a5b",
                    "AZURE_TENANT_ID", "9b8a7c6d-5e4f-4a3b-9c2d-1e0f9a8b7c6d"));
            assertThat(c.azure().mode()).isEqualTo(dev.jitbot.core.azure.AzureSettings.Mode.RBAC);
        }

        @Test
        void socketMode_needsNoSigningSecret() {
            Config c = Config.from(Map.of("SLACK_BOT_TOKEN", BOT_TOKEN, "SLACK_APP_TOKEN", "xapp-1-A0-1234-abcd"));
            assertThat(c.slack().enabled()).isTrue();
            assertThat(c.slack().socketMode()).isTrue();
            assertThat(c.slack().signingSecret()).isNull();
        }

        @Test
        void metricsPort_isUnsetByDefault_andReadWhenGiven() {
            assertThat(Config.from(Map.of()).metricsPort()).isZero();
            assertThat(Config.from(Map.of("JITBOT_METRICS_PORT", "9090")).metricsPort()).isEqualTo(9090);
        }

        @Test
        void postgresUrl_isRecognisedForClustering() {
            Config c = Config.from(Map.of("JITBOT_DB_URL", "jdbc:postgresql://db:5432/jitbot"));
            assertThat(c.database().isPostgres()).isTrue();
        }
    }

    @Nested
    class Refusals {
        @Test
        void slackBotTokenWithoutSigningSecret_namesTheMissingVariableWithAnExample() {
            Config.Invalid e = refused(Map.of("SLACK_BOT_TOKEN", BOT_TOKEN));
            assertThat(e.problems()).singleElement().asString()
                    .startsWith("SLACK_SIGNING_SECRET is missing").contains("SLACK_SIGNING_SECRET=");
            assertThat(e.getMessage()).doesNotContain(BOT_TOKEN);
        }

        @Test
        void signingSecretWithoutBotToken_namesTheBotToken() {
            assertThat(refused(Map.of("SLACK_SIGNING_SECRET", SIGNING)).problems()).singleElement().asString()
                    .startsWith("SLACK_BOT_TOKEN is missing").doesNotContain(SIGNING);
        }

        @Test
        void metricsPortThatIsTheHttpPort_orNoPort_isRefusedWithAnExample() {
            assertThat(refused(Map.of("JITBOT_METRICS_PORT", "3000")).problems()).singleElement().asString()
                    .contains("JITBOT_METRICS_PORT=9090");
            assertThat(refused(Map.of("JITBOT_METRICS_PORT", "metrics")).problems()).singleElement().asString()
                    .contains("JITBOT_METRICS_PORT=9090");
        }

        @Test
        void badPort_namesItWithAnExample() {
            assertThat(refused(Map.of("JITBOT_HTTP_PORT", "99999")).problems()).singleElement().asString()
                    .contains("JITBOT_HTTP_PORT").contains("JITBOT_HTTP_PORT=3000");
            assertThat(refused(Map.of("JITBOT_HTTP_PORT", "web")).problems()).singleElement().asString()
                    .contains("JITBOT_HTTP_PORT");
        }

        @Test
        void unknownAzureModeAndLogFormat_areBothReported() {
            Config.Invalid e = refused(Map.of("JITBOT_AZURE_MODE", "yolo", "JITBOT_LOG_FORMAT", "xml"));
            assertThat(e.problems()).hasSize(2);
            assertThat(e.problems().get(0)).contains("JITBOT_AZURE_MODE");
            assertThat(e.problems().get(1)).contains("JITBOT_LOG_FORMAT").contains("text or json");
        }

        @Test
        void teamsAppIdWithoutPassword_namesThePassword() {
            assertThat(refused(Map.of("MicrosoftAppId", "0c9e2a7d-4f51-4b8e-9d3a-6e2f1b7c8a90")).problems())
                    .singleElement().asString().startsWith("MicrosoftAppPassword is missing");
        }

        @Test
        void nonJdbcDatabaseUrl_isRefusedWithoutShowingItsPassword() {
            Config.Invalid e = refused(Map.of("JITBOT_DB_URL", "mysql://u:hunter2@db/jitbot"));
            assertThat(e.getMessage()).contains("JITBOT_DB_URL").doesNotContain("hunter2");
        }

        @Test
        void clientSecretWithoutClientId_namesTheClientId() {
            assertThat(refused(Map.of("AZURE_CLIENT_SECRET", "s3cr3t-value")).problems()).singleElement().asString()
                    .startsWith("AZURE_CLIENT_ID is missing").doesNotContain("s3cr3t-value");
        }

        @Test
        void missingPolicyFile_namesJitbotPolicy() {
            Config c = Config.from(Map.of("JITBOT_POLICY", "/nonexistent/policy.yaml"));
            assertThatThrownBy(c::requirePolicyFile).isInstanceOf(Config.Invalid.class)
                    .hasMessageContaining("JITBOT_POLICY=/nonexistent/policy.yaml");
        }
    }

    @Test
    void toString_neverShowsSecrets() {
        Map<String, String> env = new HashMap<>();
        env.put("SLACK_BOT_TOKEN", BOT_TOKEN);
        env.put("SLACK_SIGNING_SECRET", SIGNING);
        env.put("MicrosoftAppId", "0c9e2a7d-4f51-4b8e-9d3a-6e2f1b7c8a90");
        env.put("MicrosoftAppPassword", "teams-password-value");
        env.put("JITBOT_DB_PASSWORD", "db-password-value");
        String shown = Config.from(env).toString();
        assertThat(shown).doesNotContain(BOT_TOKEN).doesNotContain(SIGNING).doesNotContain("teams-password-value")
                .doesNotContain("db-password-value").contains("<set>");
    }
}
