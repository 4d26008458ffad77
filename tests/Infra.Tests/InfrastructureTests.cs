using System.Text.Json;
using Xunit;

namespace Recsys.Infra.Tests;

/// <summary>infra/main.bicep builds and lints clean, and the compiled template keeps the security rules.</summary>
public sealed class InfrastructureTests
{
    private static readonly Lazy<(string Json, string Errors)> Compiled = new(() =>
    {
        var (exit, output, error) = Bicep.Run("build", Bicep.Infra("main.bicep"), "--stdout");
        Assert.True(exit == 0, error);
        return (output, error);
    });

    [Fact]
    public void Build_HasNoErrorsOrWarnings()
    {
        Assert.Equal("", Compiled.Value.Errors.Trim());
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
        string json = Compiled.Value.Json;

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
    public void RoleAssignments_AreTheListedRolesOnly_EachScopedToOneResource()
    {
        // Blob Data Owner, Table Data Contributor, Service Bus Receiver and Sender, AcrPull, Monitoring Metrics Publisher.
        string[] allowed =
        [
            "b7e6dc6d-f1e8-4753-8033-0f276bb0955b", "0a9a7e1f-b9d0-4cc4-a60d-0319b160ff3a", "4f6d3b9b-027b-4f4c-9142-0e5a2a2247e0",
            "69a216fc-b8fb-44d8-bc22-1f3c2cd27a39", "7f951dda-4ed3-4680-a7ca-43fe172d538d", "3913510d-42f4-4e42-8a64-420c390055eb",
        ];
        using JsonDocument template = JsonDocument.Parse(Compiled.Value.Json);
        JsonElement[] assignments = [.. Resources(template.RootElement).Where(r => r.GetProperty("type").GetString() == "Microsoft.Authorization/roleAssignments")];
        Assert.NotEmpty(assignments);
        Assert.All(assignments, a => Assert.True(a.TryGetProperty("scope", out _), "a role assignment without a resource scope applies to the whole resource group"));

        foreach (string id in allowed)
        {
            Assert.Contains(id, Compiled.Value.Json, StringComparison.Ordinal);
        }

        // Contributor, Owner and User Access Administrator are never granted.
        foreach (string broad in new[] { "b24988ac-6180-42a0-ab88-20f7382dd24c", "8e3af657-a8ff-443c-a75c-2fe8c4bcb635", "18d7d88d-d35e-4fb5-a5c3-7773c20a72d9" })
        {
            Assert.DoesNotContain(broad, Compiled.Value.Json, StringComparison.Ordinal);
        }
    }

    private static IEnumerable<JsonElement> Resources(JsonElement template)
    {
        if (!template.TryGetProperty("resources", out JsonElement resources))
        {
            yield break;
        }

        IEnumerable<JsonElement> items = resources.ValueKind == JsonValueKind.Array
            ? resources.EnumerateArray()
            : resources.EnumerateObject().Select(p => p.Value);
        foreach (JsonElement resource in items)
        {
            yield return resource;
            if (resource.TryGetProperty("properties", out JsonElement properties) && properties.TryGetProperty("template", out JsonElement nested))
            {
                foreach (JsonElement inner in Resources(nested))
                {
                    yield return inner;
                }
            }
        }
    }
}
