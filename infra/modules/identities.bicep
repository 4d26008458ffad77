// One user-assigned identity per caller, each granted only what it uses (see docs/security.md):
// the internet-facing rank app, the train app, and Event Grid delivering drop events.
param rankName string
param trainName string
param eventsName string
param location string

resource rank 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: rankName
  location: location
}

resource train 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: trainName
  location: location
}

resource events 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: eventsName
  location: location
}

output rankId string = rank.id
output rankClientId string = rank.properties.clientId
output rankPrincipalId string = rank.properties.principalId
output trainId string = train.id
output trainClientId string = train.properties.clientId
output trainPrincipalId string = train.properties.principalId
output eventsId string = events.id
output eventsPrincipalId string = events.properties.principalId
