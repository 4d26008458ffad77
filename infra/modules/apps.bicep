// The Container Apps environment (consumption plus a serverless GPU profile) and the two function apps on it.
param name string
param location string
param identityId string
param identityClientId string
param registryServer string
param workspaceId string
param insightsConnectionString string
param storageBlobEndpoint string
param storageQueueEndpoint string
param storageTableEndpoint string
param storageAccountName string
param serviceBusNamespace string
param rankImage string
param trainImage string
param defaultModel string

@description('Serverless GPU profile: T4 by default, A100 for larger models.')
@allowed([
  'Consumption-GPU-NC8as-T4'
  'Consumption-GPU-NC24-A100'
])
param gpuProfileType string = 'Consumption-GPU-NC8as-T4'

var gpuProfile = 'gpu'
var gpuResources = gpuProfileType == 'Consumption-GPU-NC8as-T4' ? { cpu: json('8'), memory: '56Gi' } : { cpu: json('24'), memory: '220Gi' }

resource environment 'Microsoft.App/managedEnvironments@2025-07-01' = {
  name: '${name}-env'
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

// Identity-based connections only: AzureWebJobsStorage, Storage and ServiceBus all name the managed identity.
var commonSettings = [
  { name: 'FUNCTIONS_WORKER_RUNTIME', value: 'dotnet-isolated' }
  { name: 'AzureWebJobsStorage__accountName', value: storageAccountName }
  { name: 'AzureWebJobsStorage__credential', value: 'managedidentity' }
  { name: 'AzureWebJobsStorage__clientId', value: identityClientId }
  { name: 'Storage__blobServiceUri', value: storageBlobEndpoint }
  { name: 'Storage__queueServiceUri', value: storageQueueEndpoint }
  { name: 'Storage__tableServiceUri', value: storageTableEndpoint }
  { name: 'Storage__clientId', value: identityClientId }
  { name: 'AZURE_CLIENT_ID', value: identityClientId }
  { name: 'APPLICATIONINSIGHTS_CONNECTION_STRING', value: insightsConnectionString }
  { name: 'APPLICATIONINSIGHTS_AUTHENTICATION_STRING', value: 'ClientId=${identityClientId};Authorization=AAD' }
]

resource rank 'Microsoft.App/containerApps@2025-07-01' = {
  name: '${name}-rank'
  location: location
  kind: 'functionapp'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: gpuProfile
    configuration: {
      ingress: {
        external: true
        targetPort: 80
        transport: 'auto'
        allowInsecure: false
      }
      registries: [
        {
          server: registryServer
          identity: identityId
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'rank'
          image: rankImage
          resources: gpuResources
          env: concat(commonSettings, [
            { name: 'Serving__DefaultModel', value: defaultModel }
          ])
        }
      ]
      scale: {
        minReplicas: 1
        maxReplicas: 10
        rules: [
          {
            name: 'http'
            http: {
              metadata: {
                concurrentRequests: '50'
              }
            }
          }
        ]
      }
    }
  }
}

resource train 'Microsoft.App/containerApps@2025-07-01' = {
  name: '${name}-train'
  location: location
  kind: 'functionapp'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    environmentId: environment.id
    workloadProfileName: gpuProfile
    configuration: {
      registries: [
        {
          server: registryServer
          identity: identityId
        }
      ]
    }
    template: {
      containers: [
        {
          name: 'train'
          image: trainImage
          resources: gpuResources
          env: concat(commonSettings, [
            { name: 'ServiceBus__fullyQualifiedNamespace', value: serviceBusNamespace }
            { name: 'ServiceBus__credential', value: 'managedidentity' }
            { name: 'ServiceBus__clientId', value: identityClientId }
          ])
        }
      ]
      // One message at a time per GPU instance (host.json maxConcurrentCalls = 1); scale to zero when idle.
      scale: {
        minReplicas: 0
        maxReplicas: 4
      }
    }
  }
}

output rankFqdn string = rank.properties.configuration.ingress.fqdn
