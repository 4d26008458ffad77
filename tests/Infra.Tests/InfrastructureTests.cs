using System.Text.Json;
using Recsys.Serving;
using Xunit;

namespace Recsys.Infra.Tests;

/// <summary>infra/main.bicep builds and lints clean, and the compiled template keeps the security and deployment rules.</summary>
public sealed class InfrastructureTests
{
    [Fact]
    public void Build_HasNoErrorsOrWarnings()
    {
        Assert.Equal("", CompiledTemplate.Errors.Trim());
    }

    [Fact]
    public void Lint_HasNoErrorsOrWarnings()
    {
        var (exit, output, error) = Bicep.Run("lint", Bicep.Infra("main.bicep"));

        Assert.Equal(0, exit);
        Assert.Equal("", (output + error).Trim());
    }

    [Fact]
    public void Template_UsesIdentityOnly_NoKeysNoPublicBlobsTls12()
    {
        string json = CompiledTemplate.Json;

        Assert.DoesNotContain("listKeys", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("AccountKey=", json, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("SharedAccessKey", json, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("\"allowBlobPublicAccess\": false", json, StringComparison.Ordinal);
        Assert.Contains("\"allowSharedKeyAccess\": false", json, StringComparison.Ordinal);
        Assert.Contains("\"minimumTlsVersion\": \"TLS1_2\"", json, StringComparison.Ordinal);
        Assert.Contains("\"disableLocalAuth\": true", json, StringComparison.Ordinal);
        Assert.Contains("\"adminUserEnabled\": false", json, StringComparison.Ordinal);
    }

    [Fact]
    public void RoleAssignments_UseListedBuiltInRolesOnly_EachScopedToOneResource()
    {
        var assignments = CompiledTemplate.RoleAssignments().ToList();
        Assert.NotEmpty(assignments);
        Dictionary<string, string> roles = BuiltInRoles.ById;

        Assert.All(assignments, a => Assert.True(roles.ContainsKey(a.RoleId), $"{a.RoleId} ({a.Identity} on {a.Scope}) is not in BuiltInRoles.json"));
        Assert.All(assignments, a => Assert.DoesNotContain("unscoped", a.Scope, StringComparison.Ordinal));

        // Owner, Contributor and User Access Administrator are never granted.
        foreach (string broad in new[] { "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "b24988ac-6180-42a0-ab88-20f7382dd24c", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9" })
        {
            Assert.DoesNotContain(broad, CompiledTemplate.Json, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void RoleAssignments_AreExactlyTheTableInSecurityMd()
    {
        var deployed = CompiledTemplate.RoleAssignments().Select(a => $"{a.Identity} | {a.Scope} | {BuiltInRoles.ById[a.RoleId]}").Order().ToList();

        Assert.Equal(SecurityDoc.RoleTable().Order(), deployed);
    }

    [Fact]
    public void Datasets_AreReadOnlyForTheTrainIdentity()
    {
        Assert.Equal(["Storage Blob Data Reader"], CompiledTemplate.RoleAssignments()
            .Where(a => a.Identity == "train" && a.Scope == "container datasets").Select(a => BuiltInRoles.ById[a.RoleId]));
    }

    [Fact]
    public void EachApp_HasItsOwnIdentity_AndTheTagAzureYamlNames()
    {
        var apps = CompiledTemplate.Resources("apps", "Microsoft.App/containerApps").ToDictionary(a => a.Name, a => a.Resource);

        Assert.Equal(AzureYaml.Services().Order(), apps.Values.Select(a => a.GetProperty("tags").GetProperty("azd-service-name").GetString()!).Order());
        Assert.Contains("rankIdentityId", apps["rank"].GetProperty("identity").GetProperty("userAssignedIdentities").EnumerateObject().Single().Name, StringComparison.Ordinal);
        Assert.Contains("trainIdentityId", apps["train"].GetProperty("identity").GetProperty("userAssignedIdentities").EnumerateObject().Single().Name, StringComparison.Ordinal);
    }

    [Fact]
    public void Apps_HaveIngress_ExternalForRankInternalForTrain_OnTheImagesNonPrivilegedPort()
    {
        var apps = CompiledTemplate.Resources("apps", "Microsoft.App/containerApps").ToDictionary(a => a.Name, a => a.Resource);
        int port = DockerPort();

        Assert.True(port >= 1024, "a non-root container cannot listen below 1024");
        foreach (var (name, external) in new[] { ("rank", true), ("train", false) })
        {
            JsonElement ingress = apps[name].GetProperty("properties").GetProperty("configuration").GetProperty("ingress");
            Assert.Equal(external, ingress.GetProperty("external").GetBoolean());
            Assert.Equal(port.ToString(System.Globalization.CultureInfo.InvariantCulture), CompiledTemplate.Module("apps").GetProperty("template").GetProperty("variables").GetProperty("port").ToString());
            Assert.Contains("variables('port')", ingress.GetProperty("targetPort").GetString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Location_IsLimitedToRegionsWithServerlessGpus()
    {
        var allowed = CompiledTemplate.Root.GetProperty("parameters").GetProperty("location").GetProperty("allowedValues").EnumerateArray().Select(v => v.GetString()).Order();

        // Azure Container Apps serverless GPU regions as the stored docs list them (gpu-serverless-overview.md).
        Assert.Equal(["australiaeast", "swedencentral", "westus3"], allowed);
    }

    [Fact]
    public void MaxDeliveryCount_IsOneParameter_ForTheQueuesAndTheTrainApp()
    {
        Assert.Equal("[parameters('maxDeliveryCount')]", CompiledTemplate.Argument("serviceBus", "maxDeliveryCount"));
        Assert.Equal("[parameters('maxDeliveryCount')]", CompiledTemplate.Argument("apps", "maxDeliveryCount"));
        Assert.Equal("string(parameters('maxDeliveryCount'))", Setting("train", "Pipeline__MaxDeliveryCount"));
        Assert.Equal("'true'", Setting("train", "Pipeline__RequireReadyFile"));
    }

    [Fact]
    public void TheRetrainTimer_ReadsItsScheduleFromAParameter_HourlyByDefault()
    {
        Assert.Equal("parameters('retrainSchedule')", Setting("train", "RetrainSchedule"));
        Assert.Equal("0 0 * * * *", CompiledTemplate.Root.GetProperty("parameters").GetProperty("retrainSchedule").GetProperty("defaultValue").GetString());
        // The trigger's binding expression names the same setting.
        Assert.Contains("[TimerTrigger(\"%RetrainSchedule%\")]", File.ReadAllText(Bicep.Infra("../src/Functions.Train/PipelineFunctions.cs")), StringComparison.Ordinal);
    }

    [Fact]
    public void UploadLimit_IsTheSameForTheHostAndTheApp_AndMatchesTheServingDefault()
    {
        Assert.Equal("string(parameters('maxUploadBytes'))", Setting("rank", "FUNCTIONS_REQUEST_BODY_SIZE_LIMIT"));
        Assert.Equal("string(parameters('maxUploadBytes'))", Setting("rank", "Serving__MaxUploadBytes"));
        Assert.Equal("[parameters('maxUploadBytes')]", CompiledTemplate.Argument("apps", "maxUploadBytes"));
        long bicepDefault = CompiledTemplate.Root.GetProperty("parameters").GetProperty("maxUploadBytes").GetProperty("defaultValue").GetInt64();
        Assert.Equal(new Serving.ServingOptions().MaxUploadBytes, bicepDefault);
    }

    [Fact]
    public void RankApp_ScalesToZeroByDefault_WithinOneGpuOfQuota()
    {
        JsonElement parameters = CompiledTemplate.Root.GetProperty("parameters");

        Assert.Equal(0, parameters.GetProperty("rankMinReplicas").GetProperty("defaultValue").GetInt32());
        Assert.Equal(1, parameters.GetProperty("rankMaxReplicas").GetProperty("defaultValue").GetInt32());
        Assert.Equal(1, parameters.GetProperty("trainMaxReplicas").GetProperty("defaultValue").GetInt32());
    }

    [Fact]
    public void Images_AreKeptOnReprovision_FromTheFlagsAzdSets()
    {
        string parameters = File.ReadAllText(Bicep.Infra("main.parameters.json"));

        Assert.Contains("\"rankExists\": { \"value\": \"${SERVICE_RANK_RESOURCE_EXISTS=false}\" }", parameters, StringComparison.Ordinal);
        Assert.Contains("\"trainExists\": { \"value\": \"${SERVICE_TRAIN_RESOURCE_EXISTS=false}\" }", parameters, StringComparison.Ordinal);
        Assert.Contains("reference('rankImage').outputs.image.value", CompiledTemplate.Argument("apps", "rankImage"), StringComparison.Ordinal);
    }

    [Fact]
    public void EventGrid_DeliversOnlyReadyFilesUnderDatasets_IntoTheDropsQueue()
    {
        JsonElement filter = CompiledTemplate.Resources("eventGrid", "Microsoft.EventGrid/systemTopics/eventSubscriptions").Single().Resource
            .GetProperty("properties").GetProperty("filter");

        Assert.Equal("/blobServices/default/containers/datasets/blobs/", filter.GetProperty("subjectBeginsWith").GetString());
        Assert.Equal("/recsys-ready", filter.GetProperty("subjectEndsWith").GetString());
        Assert.Equal($"/{Pipeline.DatasetWatcher.ReadyFileName}", filter.GetProperty("subjectEndsWith").GetString());
        Assert.Contains("dropsQueueId", CompiledTemplate.Argument("eventGrid", "dropsQueueId"), StringComparison.Ordinal);
    }

    /// <summary>The value expression of an app setting, from the compiled createObject('name', NAME, 'value', VALUE).</summary>
    private static string Setting(string app, string name)
    {
        string env = CompiledTemplate.Resources("apps", "Microsoft.App/containerApps").Single(a => a.Name == app).Resource
            .GetProperty("properties").GetProperty("template").GetProperty("containers")[0].GetProperty("env").ToString();
        var match = System.Text.RegularExpressions.Regex.Match(env, $@"createObject\('name', '{name}', 'value', (?<v>'[^']*'|\w+\(parameters\('\w+'\)\)|parameters\('\w+'\))\)");
        return match.Success ? match.Groups["v"].Value : throw new InvalidOperationException($"{app} has no setting {name} in {env}");
    }

    private static int DockerPort()
    {
        var ports = new HashSet<int>();
        foreach (string dockerfile in new[] { "rank.Dockerfile", "train.Dockerfile" })
        {
            string text = File.ReadAllText(Bicep.Infra("docker", dockerfile));
            ports.Add(int.Parse(System.Text.RegularExpressions.Regex.Match(text, @"EXPOSE (\d+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Contains($"ASPNETCORE_URLS=http://+:{ports.Last()}", text, StringComparison.Ordinal);
            Assert.Contains("USER 10001", text, StringComparison.Ordinal);
        }

        return Assert.Single(ports);
    }
}
