using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Recsys.Serving;
using Recsys.Serving.Contracts;
using Recsys.Serving.Ranking;
using Recsys.Serving.Runtime;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

/// <summary>
/// Storage goes away while serving: loaded models keep answering, health says degraded, and the refresh loop's
/// backoff retries bring it back to healthy by itself once storage returns.
/// </summary>
public sealed class StorageOutageTests(ServingFixture fixture) : IClassFixture<ServingFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AzuriteStoppedAndRestarted_ServingContinues_HealthDegradesThenRecovers()
    {
        await using var azurite = AzuriteFixture.Persistent();
        await azurite.InitializeAsync();
        string connection = azurite.ConnectionString;
        // No client retries: each refresh fails fast while storage is down; the host's own polling retries.
        var options = new BlobClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(5) } };
        var registry = new ModelRegistry(new BlobServiceClient(connection, options).GetBlobContainerClient("models"));
        await registry.PublishAsync("movies", fixture.Folder1, Ct);
        await registry.SetAliasAsync("movies", "champion", fixture.Version1, null, Ct);
        // An hour between polls: recovering within seconds below can only come from the backoff retries.
        var serving = new ServingOptions { RefreshInterval = TimeSpan.FromHours(1), RefreshRetryDelay = TimeSpan.FromMilliseconds(200) };
        await using var host = new ModelHost(registry, serving);
        var service = new RankService(host, new ProfileStore(registry.Container.GetParentBlobServiceClient().GetBlobContainerClient("profiles"), serving.RefreshInterval), serving);
        var request = new RankRequest { Candidates = [new RankCandidate { Id = "1" }, new RankCandidate { Id = "2" }] };
        Assert.Equal("v1", (await service.RankAsync(request, Ct)).Version);

        await azurite.StopAsync();
        await host.RefreshAsync(Ct);

        HealthReport down = host.Health();
        Assert.Equal("degraded", down.Status);
        Assert.Contains("Cannot read alias", down.Models.Single().Degraded, StringComparison.Ordinal);
        Assert.Equal(["2", "1"], (await service.RankAsync(request, Ct)).Items.Select(i => i.Id));

        host.StartRefreshing();
        await Task.Delay(1500, Ct); // a few failed retries while storage is still down
        Assert.Equal("degraded", host.Health().Status);

        await azurite.RestartAsync();
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (host.Health().Status != "healthy" && waited.Elapsed < TestLimits.Scaled(TimeSpan.FromSeconds(30)))
        {
            await Task.Delay(100, Ct);
        }

        Assert.True(host.Health().Status == "healthy", host.Health().Models.Single().Degraded);
        Assert.Equal("v1", (await service.RankAsync(request, Ct)).Version);
    }
}
