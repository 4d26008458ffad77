using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Recsys.Local;
using Recsys.Serving;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

/// <summary>Storage goes away while serving: loaded models keep answering, health says degraded, and it recovers by itself.</summary>
public sealed class StorageOutageTests(ServingFixture fixture) : IClassFixture<ServingFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AzuriteStoppedAndRestarted_ServingContinues_HealthDegradesThenRecovers()
    {
        using var temp = new TempFolder();
        string data = temp.Combine("azurite");
        AzuriteHost azurite = await AzuriteHost.StartAsync(location: data, cancellationToken: Ct);
        int[] ports = [azurite.BlobPort, azurite.QueuePort, azurite.TablePort];
        string connection = azurite.ConnectionString;
        try
        {
            // No client retries: each refresh fails fast while storage is down; the host's own polling retries.
            var options = new BlobClientOptions { Retry = { MaxRetries = 0, NetworkTimeout = TimeSpan.FromSeconds(5) } };
            var registry = new ModelRegistry(new BlobServiceClient(connection, options).GetBlobContainerClient("models"));
            await registry.PublishAsync("movies", fixture.Folder1, Ct);
            await registry.SetAliasAsync("movies", "champion", fixture.Version1, null, Ct);
            var serving = new ServingOptions { RefreshInterval = TimeSpan.FromHours(1) };
            await using var host = new ModelHost(registry, serving);
            var service = new RankService(host, new ProfileStore(registry.Container.GetParentBlobServiceClient().GetBlobContainerClient("profiles"), serving.RefreshInterval), serving);
            var request = new RankRequest { Candidates = [new RankCandidate { Id = "1" }, new RankCandidate { Id = "2" }] };
            Assert.Equal("v1", (await service.RankAsync(request, Ct)).Version);

            await azurite.DisposeAsync();
            await host.RefreshAsync(Ct);

            HealthReport down = host.Health();
            Assert.Equal("degraded", down.Status);
            Assert.Contains("Cannot read alias", down.Models.Single().Degraded, StringComparison.Ordinal);
            Assert.Equal(["2", "1"], (await service.RankAsync(request, Ct)).Items.Select(i => i.Id));

            azurite = await AzuriteHost.StartAsync(location: data, ports: ports, cancellationToken: Ct);
            await host.RefreshAsync(Ct);

            Assert.True(host.Health().Status == "healthy", host.Health().Models.Single().Degraded);
            Assert.Equal("v1", (await service.RankAsync(request, Ct)).Version);
        }
        finally
        {
            await azurite.DisposeAsync();
        }
    }
}
