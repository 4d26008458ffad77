// Dataset arrival: BlobCreated under datasets/ is delivered, as the identity, into the prepare queue.
param name string
param location string
param storageAccountId string
param prepareQueueId string
param identityId string

resource topic 'Microsoft.EventGrid/systemTopics@2025-02-15' = {
  name: name
  location: location
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: {
      '${identityId}': {}
    }
  }
  properties: {
    source: storageAccountId
    topicType: 'Microsoft.Storage.StorageAccounts'
  }
}

resource datasetsToPrepare 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: topic
  name: 'datasets-to-prepare'
  properties: {
    deliveryWithResourceIdentity: {
      identity: {
        type: 'UserAssigned'
        userAssignedIdentity: identityId
      }
      destination: {
        endpointType: 'ServiceBusQueue'
        properties: {
          resourceId: prepareQueueId
        }
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/datasets/'
    }
    eventDeliverySchema: 'EventGridSchema'
  }
}
