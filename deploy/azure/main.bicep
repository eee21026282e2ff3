// jitbot on Azure Container Apps, with a least-privilege identity:
//   az deployment group create -g rg-jitbot -f deploy/azure/main.bicep -p @deploy/azure/main.parameters.json
// The bot's user-assigned managed identity holds "Role Based Access Control Administrator" on the managed scope
// only, with an ABAC condition that limits the roles it may assign (and remove) to those the policy grants.
// Variable names match docs/configuration.md; the container listens on JITBOT_HTTP_PORT 3000.
targetScope = 'resourceGroup'

@description('Name prefix for every resource.')
param name string = 'jitbot'

param location string = resourceGroup().location

@description('Container image, e.g. myregistry.example/jitbot:0.1.0 (built from deploy/Dockerfile).')
param image string

@description('The scope jitbot manages: a subscription id, and optionally one resource group in it.')
param managedSubscriptionId string = subscription().subscriptionId
param managedResourceGroup string = ''

@description('Role definition GUIDs the policy grants; the identity can assign nothing else. Keep Owner and User Access Administrator out unless a rule really grants them.')
param assignableRoleDefinitionIds array = [
  'acdd72a7-3385-48ef-bd42-f606fba81ae7' // Reader
  'b24988ac-6180-42a0-ab88-20f7382dd24c' // Contributor
]

@description('JITBOT_AZURE_MODE: rbac or pim (pim needs Entra ID P2).')
@allowed(['rbac', 'pim', 'dry-run'])
param azureMode string = 'rbac'

@description('The policy file\'s text (mounted at /etc/jitbot/policy.yaml).')
param policyYaml string

@minValue(1)
@maxValue(10)
param replicas int = 2

@description('Create an Azure Database for PostgreSQL flexible server (needed for more than one replica).')
param deployPostgres bool = true
param postgresAdminLogin string = 'jitbot'
@secure()
param postgresAdminPassword string = ''

@secure()
param slackBotToken string = ''
@secure()
param slackSigningSecret string = ''
param teamsAppId string = ''
@secure()
param teamsAppPassword string = ''
param teamsTenantId string = ''

var usePostgres = deployPostgres
var dbUrl = usePostgres
  ? 'jdbc:postgresql://${postgres.properties.fullyQualifiedDomainName}:5432/jitbot?sslmode=require'
  : 'jdbc:h2:file:/var/lib/jitbot/data/jitbot'

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${name}-id'
  location: location
}

module rbacOnResourceGroup 'modules/rbac-admin.bicep' = if (!empty(managedResourceGroup)) {
  name: '${name}-rbac-admin-rg'
  scope: resourceGroup(managedSubscriptionId, empty(managedResourceGroup) ? resourceGroup().name : managedResourceGroup)
  params: {
    principalId: identity.properties.principalId
    assignableRoleDefinitionIds: assignableRoleDefinitionIds
    pim: azureMode == 'pim'
  }
}

module rbacOnSubscription 'modules/rbac-admin-subscription.bicep' = if (empty(managedResourceGroup)) {
  name: '${name}-rbac-admin-sub'
  scope: subscription(managedSubscriptionId)
  params: {
    principalId: identity.properties.principalId
    assignableRoleDefinitionIds: assignableRoleDefinitionIds
    pim: azureMode == 'pim'
  }
}

resource logs 'Microsoft.OperationalInsights/workspaces@2022-10-01' = {
  name: '${name}-logs'
  location: location
  properties: {
    sku: { name: 'PerGB2018' }
    retentionInDays: 30
  }
}

resource postgres 'Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01' = if (usePostgres) {
  name: '${name}-pg'
  location: location
  sku: { name: 'Standard_B1ms', tier: 'Burstable' }
  properties: {
    version: '15'
    administratorLogin: postgresAdminLogin
    administratorLoginPassword: postgresAdminPassword
    storage: { storageSizeGB: 32 }
    backup: { backupRetentionDays: 7, geoRedundantBackup: 'Disabled' }
    highAvailability: { mode: 'Disabled' }
  }
}

resource postgresDb 'Microsoft.DBforPostgreSQL/flexibleServers/databases@2022-12-01' = if (usePostgres) {
  parent: postgres
  name: 'jitbot'
}

// The firewall admits the app's outbound addresses and nothing else (modules/postgres-firewall.bicep).
module postgresFirewall 'modules/postgres-firewall.bicep' = if (usePostgres) {
  name: '${name}-pg-firewall'
  params: {
    serverName: postgres.name
    addresses: app.properties.outboundIpAddresses
  }
}

resource environment 'Microsoft.App/managedEnvironments@2023-05-01' = {
  name: '${name}-env'
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'log-analytics'
      logAnalyticsConfiguration: {
        customerId: logs.properties.customerId
        sharedKey: logs.listKeys().primarySharedKey
      }
    }
  }
}

var secretValues = [
  { name: 'slack-bot-token', value: slackBotToken, env: 'SLACK_BOT_TOKEN' }
  { name: 'slack-signing-secret', value: slackSigningSecret, env: 'SLACK_SIGNING_SECRET' }
  { name: 'teams-app-password', value: teamsAppPassword, env: 'MicrosoftAppPassword' }
  { name: 'db-password', value: postgresAdminPassword, env: 'JITBOT_DB_PASSWORD' }
]
var secrets = filter(secretValues, s => !empty(s.value))

var plainEnv = concat([
  { name: 'JITBOT_HTTP_PORT', value: '3000' }
  { name: 'JITBOT_POLICY', value: '/etc/jitbot/policy.yaml' }
  { name: 'JITBOT_DB_URL', value: dbUrl }
  { name: 'JITBOT_AZURE_MODE', value: azureMode }
  { name: 'JITBOT_LOG_FORMAT', value: 'json' }
  // /metrics on a port of its own, which the public ingress does not forward (only the internal mapping below).
  { name: 'JITBOT_METRICS_PORT', value: '9090' }
  // A user-assigned managed identity: Azure Identity finds it by its client id.
  { name: 'AZURE_CLIENT_ID', value: identity.properties.clientId }
  { name: 'AZURE_TENANT_ID', value: tenant().tenantId }
], usePostgres ? [
  { name: 'JITBOT_DB_USER', value: postgresAdminLogin }
] : [], empty(teamsAppId) ? [] : [
  { name: 'MicrosoftAppId', value: teamsAppId }
  { name: 'MicrosoftAppTenantId', value: teamsTenantId }
])

resource app 'Microsoft.App/containerApps@2024-03-01' = {
  name: name
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identity.id}': {} }
  }
  properties: {
    managedEnvironmentId: environment.id
    configuration: {
      ingress: {
        // Public: /slack/events, /api/messages, /healthz, /readyz on 3000. /metrics answers 404 there.
        external: true
        targetPort: 3000
        transport: 'http'
        // Prometheus inside the environment scrapes /metrics here; nothing outside it can reach the port.
        additionalPortMappings: [
          { external: false, targetPort: 9090 }
        ]
      }
      secrets: concat(map(secrets, s => { name: s.name, value: s.value }), [
        { name: 'policy-yaml', value: policyYaml }
      ])
    }
    template: {
      containers: [
        {
          name: 'jitbot'
          image: image
          args: ['serve']
          resources: { cpu: json('0.5'), memory: '1Gi' }
          env: concat(plainEnv, map(secrets, s => { name: s.env, secretRef: s.name }))
          volumeMounts: [
            { volumeName: 'policy', mountPath: '/etc/jitbot' }
          ]
          probes: [
            { type: 'Startup', httpGet: { path: '/healthz', port: 3000 }, periodSeconds: 2, failureThreshold: 60 }
            { type: 'Liveness', httpGet: { path: '/healthz', port: 3000 }, periodSeconds: 10 }
            { type: 'Readiness', httpGet: { path: '/readyz', port: 3000 }, periodSeconds: 5 }
          ]
        }
      ]
      volumes: [
        {
          name: 'policy'
          storageType: 'Secret'
          secrets: [{ secretRef: 'policy-yaml', path: 'policy.yaml' }]
        }
      ]
      scale: {
        // One process per H2 file: without PostgreSQL exactly one replica.
        minReplicas: usePostgres ? replicas : 1
        maxReplicas: usePostgres ? replicas : 1
      }
    }
  }
}

output url string = 'https://${app.properties.configuration.ingress.fqdn}'
output slackRequestUrl string = 'https://${app.properties.configuration.ingress.fqdn}/slack/events'
output teamsMessagingEndpoint string = 'https://${app.properties.configuration.ingress.fqdn}/api/messages'
output identityClientId string = identity.properties.clientId
output identityPrincipalId string = identity.properties.principalId

// Microsoft Graph application permissions GraphDirectory needs (users by mail/UPN, service principals, transitive
// group membership); Bicep cannot grant them, so run this once as a Privileged Role Administrator.
var graphAppRoles = [
  'df021288-bdef-4463-88db-98f22de89214' // User.Read.All
  '9a5d68dd-52b0-4cc2-bd40-abcf44ac3a30' // Application.Read.All
  '98830695-27a2-44f7-8c18-0c3ebc9698f6' // GroupMember.Read.All
]
output graphPermissionsCommand string = 'graph=$(az ad sp show --id 00000003-0000-0000-c000-000000000000 --query id -o tsv) && for role in ${join(graphAppRoles, ' ')}; do az rest --method POST --uri https://graph.microsoft.com/v1.0/servicePrincipals/${identity.properties.principalId}/appRoleAssignments --body "{\\"principalId\\":\\"${identity.properties.principalId}\\",\\"resourceId\\":\\"$graph\\",\\"appRoleId\\":\\"$role\\"}"; done'
