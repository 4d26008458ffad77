// The pipeline's queues: drops (Event Grid's BlobCreated events for ready files) → prepare → train → evaluate, each
// dead-lettering after maxDeliveryCount deliveries (the train app's Pipeline__MaxDeliveryCount is the same value).
param name string
param location string
param trainPrincipalId string
param eventsPrincipalId string
param maxDeliveryCount int

resource namespace 'Microsoft.ServiceBus/namespaces@2024-01-01' = {
  name: name
  location: location
  sku: {
    name: 'Standard'
    tier: 'Standard'
  }
  properties: {
    disableLocalAuth: true
    minimumTlsVersion: '1.2'
  }
}

resource queues 'Microsoft.ServiceBus/namespaces/queues@2024-01-01' = [for queue in ['drops', 'prepare', 'train', 'evaluate']: {
  parent: namespace
  name: queue
  properties: {
    maxDeliveryCount: maxDeliveryCount
    deadLetteringOnMessageExpiration: true
    lockDuration: 'PT5M'
    defaultMessageTimeToLive: 'P7D'
    requiresDuplicateDetection: false
  }
}]

// train: takes messages from every queue and sends the next stage's.
resource trainReceiver 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: namespace
  name: guid(namespace.id, trainPrincipalId, '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0')
  properties: {
    principalId: trainPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0') // Azure Service Bus Data Receiver
  }
}

resource trainSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: namespace
  name: guid(namespace.id, trainPrincipalId, '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39')
  properties: {
    principalId: trainPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39') // Azure Service Bus Data Sender
  }
}

// Event Grid: sends into the drops queue only.
resource eventsSender 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: queues[0]
  name: guid(queues[0].id, eventsPrincipalId, '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39')
  properties: {
    principalId: eventsPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '69a216fc-b8fb-44d8-bc22-1f3c2cd27a39') // Azure Service Bus Data Sender
  }
}

output name string = namespace.name
output fullyQualifiedNamespace string = '${namespace.name}.servicebus.windows.net'
output dropsQueueId string = queues[0].id
