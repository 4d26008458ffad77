// Resource names from an azd environment name (any of 1-64 characters: 'recsys-dev', 'Prod_01', ...) and a unique
// suffix (uniqueString: 13 lowercase letters and digits). The environment name is reduced to at most 10 lowercase
// letters and digits, so every name meets its resource's rules: storage 3-24 and registry 5-50 letters and digits,
// container apps 2-32 with hyphens starting with a letter, and so on (tested with `bicep build-params`).

@export()
@description('The environment name as at most 10 lowercase letters and digits; "recsys" when it has none.')
func slug(environmentName string) string =>
  take(empty(join(filter(map(range(0, length(environmentName)), i => toLower(substring(environmentName, i, 1))), c => contains('abcdefghijklmnopqrstuvwxyz0123456789', c)), ''))
    ? 'recsys'
    : join(filter(map(range(0, length(environmentName)), i => toLower(substring(environmentName, i, 1))), c => contains('abcdefghijklmnopqrstuvwxyz0123456789', c)), ''), 10)

@export()
@description('Every resource name of the deployment.')
func resourceNames(environmentName string, suffix string) object => {
  storage: take('st${slug(environmentName)}${suffix}', 24)
  hostStorage: take('sh${slug(environmentName)}${suffix}', 24)
  registry: take('cr${slug(environmentName)}${suffix}', 50)
  serviceBus: 'sb-${slug(environmentName)}-${suffix}'
  eventGridTopic: 'evgt-${slug(environmentName)}-${suffix}'
  logAnalytics: 'log-${slug(environmentName)}-${suffix}'
  applicationInsights: 'appi-${slug(environmentName)}-${suffix}'
  rankIdentity: 'id-rank-${slug(environmentName)}-${suffix}'
  trainIdentity: 'id-train-${slug(environmentName)}-${suffix}'
  eventsIdentity: 'id-events-${slug(environmentName)}-${suffix}'
  environment: 'cae-${slug(environmentName)}-${suffix}'
  rankApp: 'ca-rank-${slug(environmentName)}-${take(suffix, 6)}'
  trainApp: 'ca-train-${slug(environmentName)}-${take(suffix, 6)}'
}
