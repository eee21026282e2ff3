// The bot's identity gets "Role Based Access Control Administrator" on one managed scope, constrained by an ABAC
// condition: it may create and delete role assignments only for the role definitions the policy grants.
// Deployed at the managed scope (a subscription or a resource group, by the caller's module scope).
targetScope = 'resourceGroup'

@description('Object id of the bot\'s user-assigned managed identity.')
param principalId string

@description('GUIDs of the role definitions the policy grants (e.g. Reader acdd72a7-3385-48ef-bd42-f606fba81ae7).')
param assignableRoleDefinitionIds array

@description('JITBOT_AZURE_MODE is pim: the identity also files PIM schedule requests (AdminAssign, AdminRemove).')
param pim bool = false

// What PimScheduleRequests calls, and nothing more. "Role Based Access Control Administrator" holds none of the
// schedule-request actions. Azure's ABAC conditions constrain roleAssignments/write and /delete only, so in pim
// mode the roles the identity may request are not limited by the condition above: keep the managed scope narrow.
var pimActions = [
  'Microsoft.Authorization/roleAssignmentScheduleRequests/write'
  'Microsoft.Authorization/roleAssignmentScheduleRequests/read'
  'Microsoft.Authorization/roleAssignmentScheduleInstances/read'
  'Microsoft.Authorization/roleDefinitions/read'
]

var rbacAdministrator = 'f58310d9-a9f6-439a-9e8d-f62e7b41a168'
var roleList = join(assignableRoleDefinitionIds, ', ')
var condition = '((!(ActionMatches{\'Microsoft.Authorization/roleAssignments/write\'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${roleList}})) AND ((!(ActionMatches{\'Microsoft.Authorization/roleAssignments/delete\'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${roleList}}))'

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(resourceGroup().id, principalId, rbacAdministrator)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', rbacAdministrator)
    description: 'jitbot: may assign and remove only the roles its policy grants'
    condition: condition
    conditionVersion: '2.0'
  }
}

resource pimRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = if (pim) {
  name: guid(resourceGroup().id, 'jitbot-pim-schedule-requests')
  properties: {
    roleName: 'jitbot PIM schedule requests (${guid(resourceGroup().id)})'
    description: 'jitbot: may file and read PIM role assignment schedule requests at this scope'
    type: 'CustomRole'
    permissions: [{ actions: pimActions, notActions: [] }]
    assignableScopes: [resourceGroup().id]
  }
}

resource pimAssignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (pim) {
  name: guid(resourceGroup().id, principalId, 'jitbot-pim-schedule-requests')
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: pimRole.id
    description: 'jitbot: PIM schedule requests for JITBOT_AZURE_MODE=pim'
  }
}
