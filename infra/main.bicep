// recsys on Azure: data and host storage, Service Bus pipeline queues, Event Grid dataset arrival, monitoring, a
// registry, and the rank and train function apps on a Container Apps environment with a serverless GPU profile.
// `azd up` provisions this with main.parameters.json (see docs/deploy.md).
targetScope = 'resourceGroup'

import { resourceNames } from 'modules/naming.bicep'

@minLength(1)
@maxLength(64)
@description('The azd environment name (AZURE_ENV_NAME); every resource name is derived from it.')
param environmentName string

@description('A region with serverless GPUs in Azure Container Apps.')
@allowed([
  'westus3'
  'australiaeast'
  'swedencentral'
])
param location string

@description('Serverless GPU profile: T4 by default, A100 for larger models.')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuProfileType string = 'Consumption-GPU-NC8as-T4'

@description('The model a rank request without "model" is scored with.')
param defaultModel string = 'movies'

@minValue(1)
@maxValue(100)
@description('Deliveries of a pipeline message before it is dead-lettered (queues and train app alike).')
param maxDeliveryCount int = 5

@description('When the train app checks for datasets due a retrain (six-field CRON, UTC): a plan with prepare.events.retrainAfter gets a new job once that many clicks and ratings arrived since its last one.')
param retrainSchedule string = '0 0 * * * *'

@description('The largest dataset file POST /api/datasets takes (100 MiB, the Functions host default); larger drops go straight to Blob Storage.')
param maxUploadBytes int = 104857600

@description('Serve on the GPU profile; false serves on the consumption profile (CPU), e.g. while GPU quota is one.')
param rankOnGpu bool = true

@minValue(0)
@description('Replicas kept running: 0 scales the rank app to zero when idle (no GPU billed, cold start on the next request).')
param rankMinReplicas int = 0

@minValue(1)
@description('Keep within your serverless GPU quota (one T4 by default on enterprise agreements).')
param rankMaxReplicas int = 1

@minValue(1)
param trainMaxReplicas int = 1

@description('Set by azd (SERVICE_RANK_RESOURCE_EXISTS) once the rank app exists, so provisioning keeps its image.')
param rankExists bool = false

@description('Set by azd (SERVICE_TRAIN_RESOURCE_EXISTS) once the train app exists.')
param trainExists bool = false

// The Functions base image, listening on the apps' port, until `azd deploy` puts the real images in place.
var placeholderImage = 'mcr.microsoft.com/azure-functions/dotnet-isolated:4-dotnet-isolated8.0'
var names = resourceNames(environmentName, uniqueString(subscription().id, resourceGroup().id, environmentName))

module identities 'modules/identities.bicep' = {
  name: 'identities'
  params: {
    rankName: names.rankIdentity
    trainName: names.trainIdentity
    eventsName: names.eventsIdentity
    location: location
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    name: names.storage
    location: location
    rankPrincipalId: identities.outputs.rankPrincipalId
    trainPrincipalId: identities.outputs.trainPrincipalId
  }
}

module hostStorage 'modules/hoststorage.bicep' = {
  name: 'host-storage'
  params: {
    name: names.hostStorage
    location: location
    principalIds: [
      identities.outputs.rankPrincipalId
      identities.outputs.trainPrincipalId
    ]
  }
}

module serviceBus 'modules/servicebus.bicep' = {
  name: 'servicebus'
  params: {
    name: names.serviceBus
    location: location
    trainPrincipalId: identities.outputs.trainPrincipalId
    eventsPrincipalId: identities.outputs.eventsPrincipalId
    maxDeliveryCount: maxDeliveryCount
  }
}

module eventGrid 'modules/eventgrid.bicep' = {
  name: 'eventgrid'
  params: {
    name: names.eventGridTopic
    location: location
    storageAccountId: storage.outputs.id
    dropsQueueId: serviceBus.outputs.dropsQueueId
    identityId: identities.outputs.eventsId
  }
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    workspaceName: names.logAnalytics
    insightsName: names.applicationInsights
    location: location
    principalIds: [
      identities.outputs.rankPrincipalId
      identities.outputs.trainPrincipalId
    ]
  }
}

module registry 'modules/registry.bicep' = {
  name: 'registry'
  params: {
    name: names.registry
    location: location
    principalIds: [
      identities.outputs.rankPrincipalId
      identities.outputs.trainPrincipalId
    ]
  }
}

module rankImage 'modules/existing-image.bicep' = {
  name: 'rank-image'
  params: {
    name: names.rankApp
    exists: rankExists
  }
}

module trainImage 'modules/existing-image.bicep' = {
  name: 'train-image'
  params: {
    name: names.trainApp
    exists: trainExists
  }
}

module apps 'modules/apps.bicep' = {
  name: 'apps'
  params: {
    environmentName: names.environment
    rankAppName: names.rankApp
    trainAppName: names.trainApp
    location: location
    rankIdentityId: identities.outputs.rankId
    rankIdentityClientId: identities.outputs.rankClientId
    trainIdentityId: identities.outputs.trainId
    trainIdentityClientId: identities.outputs.trainClientId
    registryServer: registry.outputs.loginServer
    workspaceId: monitoring.outputs.workspaceId
    insightsConnectionString: monitoring.outputs.connectionString
    storageBlobEndpoint: storage.outputs.blobEndpoint
    storageQueueEndpoint: storage.outputs.queueEndpoint
    storageTableEndpoint: storage.outputs.tableEndpoint
    hostStorageName: hostStorage.outputs.name
    serviceBusNamespace: serviceBus.outputs.fullyQualifiedNamespace
    rankImage: empty(rankImage.outputs.image) ? placeholderImage : rankImage.outputs.image
    trainImage: empty(trainImage.outputs.image) ? placeholderImage : trainImage.outputs.image
    defaultModel: defaultModel
    gpuProfileType: gpuProfileType
    maxDeliveryCount: maxDeliveryCount
    retrainSchedule: retrainSchedule
    maxUploadBytes: maxUploadBytes
    rankOnGpu: rankOnGpu
    rankMinReplicas: rankMinReplicas
    rankMaxReplicas: rankMaxReplicas
    trainMaxReplicas: trainMaxReplicas
  }
}

@description('POST rank requests here (with a function key).')
output RANK_ENDPOINT string = 'https://${apps.outputs.rankFqdn}/api/rank'
output AZURE_CONTAINER_REGISTRY_ENDPOINT string = registry.outputs.loginServer
output SERVICE_RANK_NAME string = apps.outputs.rankName
output SERVICE_TRAIN_NAME string = apps.outputs.trainName
output AZURE_STORAGE_ACCOUNT string = storage.outputs.name
