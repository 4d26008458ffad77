// Dataset arrival: the BlobCreated event of a drop's ready file (datasets/{name}/recsys-ready, uploaded after every
// other file) is delivered, as the events identity, into the drops queue. Data files raise no event here, so a
// half-uploaded folder never starts a job.
param name string
param location string
param storageAccountId string
param dropsQueueId string
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

resource readyFiles 'Microsoft.EventGrid/systemTopics/eventSubscriptions@2025-02-15' = {
  parent: topic
  name: 'dataset-ready'
  properties: {
    deliveryWithResourceIdentity: {
      identity: {
        type: 'UserAssigned'
        userAssignedIdentity: identityId
      }
      destination: {
        endpointType: 'ServiceBusQueue'
        properties: {
          resourceId: dropsQueueId
        }
      }
    }
    filter: {
      includedEventTypes: [
        'Microsoft.Storage.BlobCreated'
      ]
      subjectBeginsWith: '/blobServices/default/containers/datasets/blobs/'
      subjectEndsWith: '/recsys-ready'
    }
    eventDeliverySchema: 'EventGridSchema'
  }
}
