// The image an app runs now, so that `azd provision` after `azd deploy` keeps it instead of the placeholder
// (azd sets SERVICE_<NAME>_RESOURCE_EXISTS once it finds the app by its azd-service-name tag).
param name string
param exists bool

resource app 'Microsoft.App/containerApps@2025-07-01' existing = if (exists) {
  name: name
}

output image string = exists ? app.?properties.template.containers[0].image ?? '' : ''
