using System.Reflection;
using System.Text.Json;
using Xunit;

namespace Recsys.Functions.Rank.Tests;

/// <summary>What the Functions SDK generated for the host: every route, its method and its authorization level.</summary>
public sealed class FunctionsMetadataTests
{
    internal static string Output { get; } = Path.GetFullPath(typeof(FunctionsMetadataTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "FunctionsRankOutput").Value!);

    [Fact]
    public void EveryRoute_IsGenerated_WithItsMethodAndAuthorizationLevel()
    {
        using JsonDocument metadata = JsonDocument.Parse(File.ReadAllText(Path.Combine(Output, "functions.metadata")));
        var routes = metadata.RootElement.EnumerateArray()
            .SelectMany(f => f.GetProperty("bindings").EnumerateArray())
            .Where(b => b.GetProperty("type").GetString() == "httpTrigger")
            .ToDictionary(b => $"{b.GetProperty("methods")[0].GetString()} {b.GetProperty("route").GetString()}", b => b.GetProperty("authLevel").GetString());

        // Ranking needs a function key; model and profile management, datasets and jobs the admin key; health is open for probes.
        var expected = new Dictionary<string, string?>
        {
            ["post rank"] = "Function",
            ["post rank/batch"] = "Function",
            ["post recommend"] = "Function",
            ["post feedback"] = "Function",
            ["get models"] = "Admin",
            ["get models/{name}"] = "Admin",
            ["get models/{name}/online"] = "Admin",
            ["get models/{name}/aliases/{alias}"] = "Admin",
            ["put models/{name}/aliases/{alias}"] = "Admin",
            ["put profiles/{name}"] = "Admin",
            ["post datasets/{name}"] = "Admin",
            ["get jobs/{id}"] = "Admin",
            ["get health"] = "Anonymous",
        };
        Assert.Equal(expected.OrderBy(p => p.Key), routes.OrderBy(p => p.Key));
    }

    [Fact]
    public void WorkerConfig_StartsTheAppAssembly()
    {
        using JsonDocument config = JsonDocument.Parse(File.ReadAllText(Path.Combine(Output, "worker.config.json")));

        Assert.Equal("Recsys.Functions.Rank.dll", config.RootElement.GetProperty("description").GetProperty("defaultWorkerPath").GetString());
    }

    [Fact]
    public void HostJson_IsTheRankAppsOwn_WithTheApiRoutePrefixAndOpenTelemetry()
    {
        using JsonDocument host = JsonDocument.Parse(File.ReadAllText(Path.Combine(Output, "host.json")));

        Assert.Equal("api", host.RootElement.GetProperty("extensions").GetProperty("http").GetProperty("routePrefix").GetString());
        Assert.Equal("OpenTelemetry", host.RootElement.GetProperty("telemetryMode").GetString());
        Assert.False(host.RootElement.GetProperty("extensions").TryGetProperty("serviceBus", out _), "the rank app has no Service Bus triggers");
        Assert.True(TimeSpan.Parse(host.RootElement.GetProperty("functionTimeout").GetString()!, System.Globalization.CultureInfo.InvariantCulture) <= TimeSpan.FromMinutes(10));
    }
}
