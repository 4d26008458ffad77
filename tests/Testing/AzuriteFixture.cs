using Azure.Storage.Blobs;
using Recsys.Local;
using Xunit;

namespace Recsys.Testing;

/// <summary>
/// A real Azurite for a test class or collection: started on free loopback ports with in-memory storage,
/// stopped (by PID, with its process tree) when the tests are done.
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private AzuriteHost? _host;

    public string ConnectionString => (_host ?? throw new InvalidOperationException("Azurite is not started.")).ConnectionString;

    public BlobServiceClient BlobService => new(ConnectionString);

    /// <summary>A container with a unique name, so tests sharing one Azurite never see each other's blobs.</summary>
    public async Task<BlobContainerClient> CreateContainerAsync(string prefix = "test")
    {
        BlobContainerClient container = BlobService.GetBlobContainerClient($"{prefix}-{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)]);
        await container.CreateAsync();
        return container;
    }

    public async ValueTask InitializeAsync() => _host = await AzuriteHost.StartAsync();

    public async ValueTask DisposeAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
