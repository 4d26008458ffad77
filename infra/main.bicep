// recsys on Azure: storage, Service Bus pipeline queues, Event Grid dataset arrival, monitoring, a registry, and
// the rank and train function apps on a Container Apps environment with a serverless GPU profile.
targetScope = 'resourceGroup'

@minLength(3)
@maxLength(12)
@description('Short prefix for resource names (letters and digits).')
param name string = 'recsys'

param location string = resourceGroup().location

@description('Serverless GPU profile for both apps.')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuProfileType string = 'Consumption-GPU-NC8as-T4'

@description('Images (azd sets them after building infra/docker/*.Dockerfile).')
param rankImage string = 'mcr.microsoft.com/azure-functions/dotnet-isolated:4-dotnet-isolated8.0'
param trainImage string = 'mcr.microsoft.com/azure-functions/dotnet-isolated:4-dotnet-isolated8.0'

@description('The model a rank request without "model" is scored with.')
param defaultModel string = 'movies'

param maxDeliveryCount int = 5

var suffix = uniqueString(resourceGroup().id, name)

module identity 'modules/identity.bicep' = {
  name: 'identity'
  params: {
    name: '${name}-id-${suffix}'
    location: location
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: take(toLower('${name}st${suffix}'), 24)
    location: location
    principalId: identity.outputs.principalId
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    name: '${name}-sb-${suffix}'
    location: location
    principalId: identity.outputs.principalId
    maxDeliveryCount: maxDeliveryCount
  }
}

module eventGrid 'modules/eventgrid.bicep' = {
  name: 'eventgrid'
  params: {
    name: '${name}-events-${suffix}'
    location: location
    storageAccountId: storage.outputs.id
    prepareQueueId: serviceBus.outputs.prepareQueueId
    identityId: identity.outputs.id
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    name: '${name}-${suffix}'
    location: location
    principalId: identity.outputs.principalId
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  params: {
    name: take(toLower('${name}cr${suffix}'), 50)
    location: location
    principalId: identity.outputs.principalId
  }
}

module apps 'modules/apps.bicep' = {
  name: 'apps'
  params: {
    name: '${name}-${take(suffix, 6)}'
    location: location
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    registryServer: registry.outputs.loginServer
    workspaceId: monitoring.outputs.workspaceId
    insightsConnectionString: monitoring.outputs.connectionString
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    storageAccountName: storage.outputs.name
    serviceBusNamespace: serviceBus.outputs.fullyQualifiedNamespace
    rankImage: rankImage
    trainImage: trainImage
    defaultModel: defaultModel
    gpuProfileType: gpuProfileType
  }
}

@description('POST rank requests here (with a function key).')
output rankEndpoint string = 'https://${apps.outputs.rankFqdn}/api/rank'
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
