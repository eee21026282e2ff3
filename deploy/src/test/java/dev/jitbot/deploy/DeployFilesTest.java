package dev.jitbot.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The container, chart and Bicep cannot run here: this keeps them consistent with the code instead (variable
 * names, the port, the probe paths), so a renamed variable cannot silently break a deployment.
 */
class DeployFilesTest {

    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    private static final Pattern VARIABLE = Pattern.compile("\\b(JITBOT_[A-Z_]+|AZURE_[A-Z_]+|SLACK_[A-Z_]+|Microsoft[A-Za-z]+)\\b");

    private static String read(String path) throws IOException {
        return Files.readString(ROOT.resolve(path));
    }

    private static Set<String> variables(String text) {
        Set<String> names = new TreeSet<>();
        Matcher m = VARIABLE.matcher(text);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    @Test
    void everyVariableTheConfigurationReads_isDocumented() throws IOException {
        Set<String> read = variables(read("deploy/src/main/java/dev/jitbot/deploy/Config.java"));
        read.removeIf(v -> v.startsWith("MicrosoftApp") && v.length() == "MicrosoftApp".length());
        assertThat(read).isNotEmpty();
        assertThat(variables(read("docs/configuration.md"))).containsAll(read);
    }

    @Test
    void chartBicepAndDockerfile_useOnlyDocumentedVariables() throws IOException {
        Set<String> documented = variables(read("docs/configuration.md"));
        assertThat(documented).containsAll(variables(read("deploy/helm/jitbot/templates/deployment.yaml")));
        assertThat(documented).containsAll(variables(read("deploy/helm/jitbot/values.yaml")));
        assertThat(documented).containsAll(variables(read("deploy/azure/main.bicep")));
        assertThat(documented).containsAll(variables(read("deploy/Dockerfile")));
    }

    @Test
    void everyDeploymentListensOnTheDefaultPortAndProbesHealthAndReadiness() throws IOException {
        String port = Integer.toString(Config.DEFAULT_PORT);
        String chart = read("deploy/helm/jitbot/templates/deployment.yaml");
        String bicep = read("deploy/azure/main.bicep");
        assertThat(read("deploy/Dockerfile")).contains("EXPOSE " + port).contains("USER 10001");
        assertThat(chart).contains("containerPort: " + port).contains("path: /healthz").contains("path: /readyz");
        assertThat(bicep).contains("targetPort: " + port).contains("'/healthz'").contains("'/readyz'");
        assertThat(read("deploy/helm/jitbot/templates/servicemonitor.yaml")).contains("path: /metrics");
    }

    @Test
    void bicepGivesTheBotIdentityRbacAdministratorOnlyUnderAnAbacCondition() throws IOException {
        for (String module : new String[] {"deploy/azure/modules/rbac-admin.bicep",
                "deploy/azure/modules/rbac-admin-subscription.bicep"}) {
            String text = read(module);
            assertThat(text).contains("f58310d9-a9f6-439a-9e8d-f62e7b41a168")
                    .contains("conditionVersion: '2.0'")
                    .contains("@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals")
                    .contains("@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals");
        }
        assertThat(read("deploy/azure/main.bicep")).contains("Microsoft.ManagedIdentity/userAssignedIdentities")
                .contains("Microsoft.App/containerApps").contains("Microsoft.DBforPostgreSQL/flexibleServers");
    }
}
