// The chat team's Azure OpenAI account. oai-eval is declared for the
// evaluation team and not deployed yet.
param location string = 'eastus'

resource prod 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai-prod'
  location: location
  kind: 'OpenAI'
  sku: { name: 'S0' }
  identity: { type: 'SystemAssigned' }
  tags: {
    owner: 'chat-team'
  }
  properties: {
    customSubDomainName: 'oai-prod'
    disableLocalAuth: true
    publicNetworkAccess: 'Disabled'
    encryption: { keySource: 'Microsoft.KeyVault' }
  }
}

resource eval 'Microsoft.CognitiveServices/accounts@2024-10-01' = {
  name: 'oai-eval'
  location: location
  kind: 'OpenAI'
  sku: { name: 'S0' }
  properties: {
    publicNetworkAccess: 'Enabled'
  }
}
