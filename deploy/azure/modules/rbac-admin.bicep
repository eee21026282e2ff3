// The bot's identity gets "Role Based Access Control Administrator" on one managed scope, constrained by an ABAC
// condition: it may create and delete role assignments only for the role definitions the policy grants.
// Deployed at the managed scope (a subscription or a resource group, by the caller's module scope).
targetScope = 'resourceGroup'

@description('Object id of the bot\'s user-assigned managed identity.')
param principalId string

@description('GUIDs of the role definitions the policy grants (e.g. Reader acdd72a7-3385-48ef-bd42-f606fba81ae7).')
param assignableRoleDefinitionIds array

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
