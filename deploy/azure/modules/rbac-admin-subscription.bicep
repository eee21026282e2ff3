// As rbac-admin.bicep, when the managed scope is a whole subscription.
targetScope = 'subscription'

param principalId string
param assignableRoleDefinitionIds array

var rbacAdministrator = 'f58310d9-a9f6-439a-9e8d-f62e7b41a168'
var roleList = join(assignableRoleDefinitionIds, ', ')
var condition = '((!(ActionMatches{\'Microsoft.Authorization/roleAssignments/write\'})) OR (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${roleList}})) AND ((!(ActionMatches{\'Microsoft.Authorization/roleAssignments/delete\'})) OR (@Resource[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {${roleList}}))'

resource assignment 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, rbacAdministrator)
  properties: {
    principalId: principalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', rbacAdministrator)
    description: 'jitbot: may assign and remove only the roles its policy grants'
    condition: condition
    conditionVersion: '2.0'
  }
}
