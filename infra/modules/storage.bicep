// Storage for datasets, prepared data, models, checkpoints, reports, events and job records.
// Identity only: shared-key access off, no public blobs, TLS 1.2. Roles are scoped to the containers and the table
// each app uses: the train identity can read datasets/ but never write it (a dropped dataset is never modified).
param name string
param location string
param rankPrincipalId string
param trainPrincipalId string

resource account 'Microsoft.Storage/storageAccounts@2023-05-01' = {
  name: name
  location: location
  sku: {
    name: 'Standard_ZRS'
  }
  kind: 'StorageV2'
  properties: {
    allowBlobPublicAccess: false
    allowSharedKeyAccess: false
    minimumTlsVersion: 'TLS1_2'
    supportsHttpsTrafficOnly: true
    defaultToOAuthAuthentication: true
    publicNetworkAccess: 'Enabled'
  }
}

resource blobs 'Microsoft.Storage/storageAccounts/blobServices@2023-05-01' = {
  parent: account
  name: 'default'
  properties: {
    deleteRetentionPolicy: {
      enabled: true
      days: 7
    }
  }
}

resource datasets 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: 'datasets'
  properties: {
    publicAccess: 'None'
  }
}

resource models 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: 'models'
  properties: {
    publicAccess: 'None'
  }
}

resource profiles 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: 'profiles'
  properties: {
    publicAccess: 'None'
  }
}

resource events 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = {
  parent: blobs
  name: 'events'
  properties: {
    publicAccess: 'None'
  }
}

// Written by the train app only.
resource pipelineContainers 'Microsoft.Storage/storageAccounts/blobServices/containers@2023-05-01' = [for container in ['prepared', 'checkpoints', 'reports', 'quarantine', 'pipeline']: {
  parent: blobs
  name: container
  properties: {
    publicAccess: 'None'
  }
}]

resource tables 'Microsoft.Storage/storageAccounts/tableServices@2023-05-01' = {
  parent: account
  name: 'default'
}

resource jobs 'Microsoft.Storage/storageAccounts/tableServices/tables@2023-05-01' = {
  parent: tables
  name: 'jobs'
}

// rank: moves aliases (PUT /api/models/.../aliases), takes uploads, appends feedback; reads profiles and jobs.
resource rankModels 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: models
  name: guid(models.id, rankPrincipalId, 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  properties: {
    principalId: rankPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe') // Storage Blob Data Contributor
  }
}

resource rankDatasets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: datasets
  name: guid(datasets.id, rankPrincipalId, 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  properties: {
    principalId: rankPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe') // Storage Blob Data Contributor
  }
}

resource rankEvents 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: events
  name: guid(events.id, rankPrincipalId, 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  properties: {
    principalId: rankPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe') // Storage Blob Data Contributor
  }
}

resource rankProfiles 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: profiles
  name: guid(profiles.id, rankPrincipalId, '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1')
  properties: {
    principalId: rankPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1') // Storage Blob Data Reader
  }
}

resource rankJobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: jobs
  name: guid(jobs.id, rankPrincipalId, '76199698-9eea-4c19-bc75-cec21354c6b6')
  properties: {
    principalId: rankPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '76199698-9eea-4c19-bc75-cec21354c6b6') // Storage Table Data Reader
  }
}

// train: reads drops; writes prepared data, models, checkpoints, reports, quarantine and drop markers; keeps job records.
resource trainDatasets 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: datasets
  name: guid(datasets.id, trainPrincipalId, '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1')
  properties: {
    principalId: trainPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '2a2b9908-6ea1-4ae2-8e65-a410df84e7d1') // Storage Blob Data Reader
  }
}

resource trainModels 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: models
  name: guid(models.id, trainPrincipalId, 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  properties: {
    principalId: trainPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe') // Storage Blob Data Contributor
  }
}

resource trainPipelineContainers 'Microsoft.Authorization/roleAssignments@2022-04-01' = [for (container, i) in ['prepared', 'checkpoints', 'reports', 'quarantine', 'pipeline']: {
  scope: pipelineContainers[i]
  name: guid(pipelineContainers[i].id, trainPrincipalId, 'ba92f5b4-2d11-453d-a403-e96b0029c9fe')
  properties: {
    principalId: trainPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', 'ba92f5b4-2d11-453d-a403-e96b0029c9fe') // Storage Blob Data Contributor
  }
}]

resource trainJobs 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: jobs
  name: guid(jobs.id, trainPrincipalId, '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3')
  properties: {
    principalId: trainPrincipalId
    principalType: 'ServicePrincipal'
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', '0a9a7e1f-b9d0-4cc4-a60d-0319b160aaa3') // Storage Table Data Contributor
  }
}

output id string = account.id
output name string = account.name
output blobEndpoint string = account.properties.primaryEndpoints.blob
output queueEndpoint string = account.properties.primaryEndpoints.queue
output tableEndpoint string = account.properties.primaryEndpoints.table
