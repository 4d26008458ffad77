// The Container Apps environment (consumption plus a serverless GPU profile) and the two function apps on it, each
// with its own identity. Both listen on 8080 (the images run as a non-root user) behind Container Apps ingress:
// external for rank, internal for train, whose ingress only lets the platform scale it on queue events.
param environmentName string
param rankAppName string
param trainAppName string
param location string
param rankIdentityId string
param rankIdentityClientId string
param trainIdentityId string
param trainIdentityClientId string
param registryServer string
param workspaceId string
param insightsConnectionString string
param storageBlobEndpoint string
param storageQueueEndpoint string
param storageTableEndpoint string
param hostStorageName string
param serviceBusNamespace string
param rankImage string
param trainImage string
param defaultModel string
param maxDeliveryCount int
param retrainSchedule string
param maxUploadBytes int
param rankOnGpu bool
param rankMinReplicas int
param rankMaxReplicas int
param trainMaxReplicas int

@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuProfileType string

var gpuProfile = 'gpu'
var gpuResources = gpuProfileType == 'Consumption-GPU-NC8as-T4' ? { cpu: json('8'), memory: '56Gi' } : { cpu: json('24'), memory: '220Gi' }
var cpuResources = { cpu: json('2'), memory: '4Gi' }
var port = 8080

resource environment 'Microsoft.App/managedEnvironments@2025-07-01' = {
  name: environmentName
  location: location
  properties: {
    appLogsConfiguration: {
      destination: 'azure-monitor'
    }
    workloadProfiles: [
      {
        name: 'Consumption'
        workloadProfileType: 'Consumption'
      }
      {
        name: gpuProfile
        workloadProfileType: gpuProfileType
      }
    ]
  }
}

resource environmentLogs 'Microsoft.Insights/diagnosticSettings@2021-05-01-preview' = {
  scope: environment
  name: 'logs'
  properties: {
    workspaceId: workspaceId
    logs: [
      {
        categoryGroup: 'allLogs'
        enabled: true
      }
    ]
  }
}

// Identity-based connections only; each app names its own identity.
func commonSettings(clientId string, hostStorage string, blob string, queue string, table string, insights string) array => [
  { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'dotnet-isolated' }
  { name: 'ASPNETCORE_URLS', value: 'http://+:8080' }
  { name: 'AzureWebJobsStorage__accountName', value: hostStorage }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: clientId }
  { name: 'Storage__blobServiceUri', value: blob }
  { name: 'Storage__queueServiceUri', value: queue }
  { name: 'Storage__tableServiceUri', value: table }
  { name: 'Storage__clientId', value: clientId }
  { name: 'AZURE_CLIENT_ID', value: clientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insights }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${clientId};Authorization=AAD' }
]

resource rank 'Microsoft.App/containerApps@2025-07-01' = {
  name: rankAppName
  location: location
  kind: 'functionapp'
  tags: {
    'azd-service-name': 'rank'
  }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${rankIdentityId}': {}
    }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: rankOnGpu ? gpuProfile : 'Consumption'
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: true
        targetPort: port
        transport: 'auto'
        allowInsecure: false
      }
      registries: [
        {
          server: registryServer
          identity: rankIdentityId
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'rank'
          image: rankImage
          resources: rankOnGpu ? gpuResources : cpuResources
          env: concat(commonSettings(rankIdentityClientId, hostStorageName, storageBlobEndpoint, storageQueueEndpoint, storageTableEndpoint, insightsConnectionString), [
            { name: 'Serving__DefaultModel', value: defaultModel }
            // Uploads: the host's limit, the worker's per-request limit and the drop zone's all take this value.
            { name: 'FUNCTIONS_REQUEST_BODY_SIZE_LIMIT', value: string(maxUploadBytes) }
            { name: 'Serving__MaxUploadBytes', value: string(maxUploadBytes) }
          ])
        }
      ]
      // Scales to zero by default (a cold start loads the model); set rankMinReplicas=1 to keep one GPU warm, and billed.
      scale: {
        minReplicas: rankMinReplicas
        maxReplicas: rankMaxReplicas
      }
    }
  }
}

resource train 'Microsoft.App/containerApps@2025-07-01' = {
  name: trainAppName
  location: location
  kind: 'functionapp'
  tags: {
    'azd-service-name': 'train'
  }
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${trainIdentityId}': {}
    }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: gpuProfile
    configuration: {
      activeRevisionsMode: 'Single'
      ingress: {
        external: false
        targetPort: port
        transport: 'auto'
        allowInsecure: false
      }
      registries: [
        {
          server: registryServer
          identity: trainIdentityId
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'train'
          image: trainImage
          resources: gpuResources
          env: concat(commonSettings(trainIdentityClientId, hostStorageName, storageBlobEndpoint, storageQueueEndpoint, storageTableEndpoint, insightsConnectionString), [
            { name: 'ServiceBus__fullyQualifiedNamespace', value: serviceBusNamespace }
            { name: 'ServiceBus__credential', value: 'managedidentity' }
            { name: 'ServiceBus__clientId', value: trainIdentityClientId }
            { name: 'Pipeline__MaxDeliveryCount', value: string(maxDeliveryCount) }
            { name: 'Pipeline__RequireReadyFile', value: 'true' }
            // Below host.json's functionTimeout (04:15:00), so the stage runner decides and records a timeout first.
            { name: 'Pipeline__StageTimeout', value: '04:00:00' }
            // The Retrain timer's schedule; the platform scales the app up for its timer like for its queues.
            { name: 'RetrainSchedule', value: retrainSchedule }
          ])
        }
      ]
      // maxConcurrentCalls = 1 per trigger: one training per replica, so one GPU job per GPU. Scales to zero when idle.
      scale: {
        minReplicas: 0
        maxReplicas: trainMaxReplicas
      }
    }
  }
}

output rankFqdn string = rank.properties.configuration.ingress.fqdn
output rankName string = rank.name
output trainName string = train.name
