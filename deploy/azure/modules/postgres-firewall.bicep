// PostgreSQL's firewall opened to the container app's outbound addresses only: no "Allow Azure services"
// rule, which would admit every Azure customer's resources. A module because the addresses are known
// only once the app exists, and a loop's count must be known when its deployment starts.
targetScope = 'resourceGroup'

param serverName string

@description('The container app\'s outboundIpAddresses.')
param addresses array

resource server 'Microsoft.DBforPostgreSQL/flexibleServers@2022-12-01' existing = {
  name: serverName
}

resource rules 'Microsoft.DBforPostgreSQL/flexibleServers/firewallRules@2022-12-01' = [for (ip, i) in addresses: {
  parent: server
  name: 'jitbot-app-${i}'
  properties: { startIpAddress: ip, endIpAddress: ip }
}]
