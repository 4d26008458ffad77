using System.Text.Json;
using System.Text.RegularExpressions;
using Xunit;

namespace Recsys.Infra.Tests;

/// <summary>
/// The names infra/modules/naming.bicep derives from azd environment names, evaluated by the Bicep compiler itself
/// (`bicep build-params` over a parameters file that calls the exported function), against each resource's rules.
/// </summary>
public sealed class ResourceNameTests
{
    // The rules of https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules.
    private static readonly Dictionary<string, Regex> Rules = new()
    {
        ["storage"] = new("^[a-z0-9]{3,24}$"),
        ["hostStorage"] = new("^[a-z0-9]{3,24}$"),
        ["registry"] = new("^[a-zA-Z0-9]{5,50}$"),
        ["serviceBus"] = new("^[a-zA-Z][a-zA-Z0-9-]{4,48}[a-zA-Z0-9]$"),
        ["eventGridTopic"] = new("^[a-zA-Z0-9-]{3,128}$"),
        ["logAnalytics"] = new("^[a-zA-Z0-9][a-zA-Z0-9-]{2,61}[a-zA-Z0-9]$"),
        ["applicationInsights"] = new(@"^[^%&\\?/]{1,260}$"),
        ["rankIdentity"] = new("^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$"),
        ["trainIdentity"] = new("^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$"),
        ["eventsIdentity"] = new("^[a-zA-Z0-9][a-zA-Z0-9_-]{2,127}$"),
        ["environment"] = new("^[a-z][a-z0-9-]{0,58}[a-z0-9]$"),
        ["rankApp"] = new("^[a-z][a-z0-9-]{0,30}[a-z0-9]$"),
        ["trainApp"] = new("^[a-z][a-z0-9-]{0,30}[a-z0-9]$"),
    };

    public static TheoryData<string> EnvironmentNames => new()
    {
        "recsys-dev",
        "Prod_01",
        "a-twenty-four-char-name1",
        "an-environment-name-of-sixty-four-characters-is-the-azd-maximum-",
        "___",
        "9lives",
    };

    [Theory]
    [MemberData(nameof(EnvironmentNames))]
    public void EveryDerivedName_MeetsItsResourcesRules(string environmentName)
    {
        JsonElement names = Evaluate(environmentName);

        Assert.Equal(Rules.Keys.Order(), names.EnumerateObject().Select(p => p.Name).Order());
        foreach (JsonProperty name in names.EnumerateObject())
        {
            string value = name.Value.GetString()!;
            Assert.True(Rules[name.Name].IsMatch(value), $"{name.Name} '{value}' (from '{environmentName}') breaks its naming rule");
            Assert.DoesNotContain("--", value, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void DifferentEnvironments_GetDifferentNames()
    {
        Assert.NotEqual(Evaluate("recsys-dev").GetProperty("storage").GetString(), Evaluate("recsys-prod").GetProperty("storage").GetString());
    }

    [Fact]
    public void MainTemplate_NamesEveryModuleThroughTheFunction()
    {
        foreach (JsonProperty module in CompiledTemplate.Root.GetProperty("resources").EnumerateObject().Where(m => m.Value.GetProperty("type").GetString() == "Microsoft.Resources/deployments"))
        {
            foreach (JsonProperty parameter in module.Value.GetProperty("properties").GetProperty("parameters").EnumerateObject().Where(p => p.Name == "name" || p.Name.EndsWith("Name", StringComparison.Ordinal)))
            {
                // Either a derived name, or the output of the module that created the resource under one.
                string value = parameter.Value.GetProperty("value").ToString();
                Assert.True(value.Contains("variables('names')", StringComparison.Ordinal) || value.Contains("reference(", StringComparison.Ordinal), $"{module.Name}.{parameter.Name} = {value}");
            }
        }

        Assert.Contains("__bicep.resourceNames(parameters('environmentName')", CompiledTemplate.Root.GetProperty("variables").GetProperty("names").GetString(), StringComparison.Ordinal);
    }

    /// <summary>The object resourceNames(environmentName, a 13-character uniqueString-like suffix) returns.</summary>
    private static JsonElement Evaluate(string environmentName)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"recsys-naming-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            File.Copy(Bicep.Infra("modules", "naming.bicep"), Path.Combine(folder, "naming.bicep"));
            string parameters = Path.Combine(folder, "names.bicepparam");
            File.WriteAllText(parameters, $"using none\nimport {{ resourceNames }} from 'naming.bicep'\nparam names = resourceNames('{environmentName}', 'k4xq2vb7mzt3a')\n");
            var (exit, output, error) = Bicep.Run("build-params", parameters, "--stdout");
            Assert.True(exit == 0, error);
            using JsonDocument result = JsonDocument.Parse(output);
            using JsonDocument values = JsonDocument.Parse(result.RootElement.GetProperty("parametersJson").GetString()!);
            return values.RootElement.GetProperty("parameters").GetProperty("names").GetProperty("value").Clone();
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
