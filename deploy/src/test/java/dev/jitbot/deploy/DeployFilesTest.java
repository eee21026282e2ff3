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

    // ------------------------------------------------------------------------------------------------ fail closed
    // No helm or az binary can be installed here, so these read the templates' guards as text: each assertion
    // fails if its rule is taken out. A render (helm template) would be the stronger test where helm exists.

    @Test
    void helmChart_refusesH2WithMoreThanOneReplica_orOnAnEmptyDir() throws IOException {
        String chart = read("deploy/helm/jitbot/templates/deployment.yaml");
        String values = read("deploy/helm/jitbot/values.yaml");

        assertThat(chart).contains("{{- $postgres := hasPrefix \"jdbc:postgresql:\" .Values.database.url -}}")
                .contains("{{- if and (not $postgres) (gt (int .Values.replicaCount) 1) -}}")
                .contains("{{- if and (not $postgres) (not .Values.persistence.enabled) -}}");
        // Both guards fail the render, before any manifest is written.
        assertThat(chart.indexOf("{{- fail \"replicaCount > 1 needs PostgreSQL")).isPositive()
                .isLessThan(chart.indexOf("apiVersion:"));
        assertThat(chart.indexOf("{{- fail \"H2 on an emptyDir loses every grant")).isPositive()
                .isLessThan(chart.indexOf("apiVersion:"));
        // The volume H2 writes to is the claim when persistence is on; an emptyDir only otherwise.
        assertThat(chart).containsSubsequence("- name: data", "{{- if .Values.persistence.enabled }}",
                "persistentVolumeClaim:", "{{- else }}", "emptyDir: {}", "{{- end }}");
        assertThat(read("deploy/helm/jitbot/templates/pvc.yaml")).contains("kind: PersistentVolumeClaim")
                .contains("{{ include \"jitbot.fullname\" . }}-data");
        assertThat(values).contains("persistence:\n  enabled: false");
    }

    @Test
    void bicep_keepsMetricsOffThePublicIngress() throws IOException {
        String bicep = read("deploy/azure/main.bicep");

        assertThat(bicep).contains("{ name: 'JITBOT_METRICS_PORT', value: '9090' }")
                .containsSubsequence("ingress: {", "external: true", "targetPort: 3000",
                        "additionalPortMappings: [", "{ external: false, targetPort: 9090 }");
        assertThat(bicep).doesNotContain("targetPort: 9090\n        transport");
    }

    @Test
    void bicep_opensPostgresOnlyToTheAppsOutboundAddresses() throws IOException {
        String bicep = read("deploy/azure/main.bicep");
        String firewall = read("deploy/azure/modules/postgres-firewall.bicep");

        assertThat(bicep).doesNotContain("0.0.0.0").doesNotContain("AllowAzureServices")
                .contains("addresses: app.properties.outboundIpAddresses");
        assertThat(firewall).contains("[for (ip, i) in addresses:")
                .contains("properties: { startIpAddress: ip, endIpAddress: ip }").doesNotContain("0.0.0.0")
                .doesNotContain("startIpAddress: '");
    }

    @Test
    void bicep_inPimMode_givesTheIdentityThePimScheduleRequestActions() throws IOException {
        assertThat(read("deploy/azure/main.bicep")).contains("pim: azureMode == 'pim'");
        for (String module : new String[] {"deploy/azure/modules/rbac-admin.bicep",
                "deploy/azure/modules/rbac-admin-subscription.bicep"}) {
            String text = read(module);
            assertThat(text).as(module)
                    .contains("'Microsoft.Authorization/roleAssignmentScheduleRequests/write'")
                    .contains("'Microsoft.Authorization/roleAssignmentScheduleRequests/read'")
                    .contains("'Microsoft.Authorization/roleAssignmentScheduleInstances/read'")
                    .contains("'Microsoft.Authorization/roleDefinitions/read'")
                    .contains("resource pimRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (pim)")
                    .contains("resource pimAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (pim)")
                    .contains("roleDefinitionId: pimRole.id");
        }
    }

    @Test
    void bicep_printsTheGraphPermissionsGraphDirectoryNeeds_asOneCommand() throws IOException {
        String bicep = read("deploy/azure/main.bicep");

        assertThat(bicep).contains("output graphPermissionsCommand string = ")
                .contains("'df021288-bdef-4463-88db-98f22de89214' // User.Read.All")
                .contains("'9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30' // Application.Read.All")
                .contains("'98830695-27a2-44f7-8c18-0c3ebc9698f6' // GroupMember.Read.All")
                .contains("/servicePrincipals/${identity.properties.principalId}/appRoleAssignments");
        assertThat(read("docs/azure.md")).contains("User.Read.All").contains("Application.Read.All")
                .contains("GroupMember.Read.All").contains("graphPermissionsCommand");
    }
}
