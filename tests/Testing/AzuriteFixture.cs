using Azure.Storage.Blobs;
using Recsys.Local;
using Xunit;

namespace Recsys.Testing;

/// <summary>
/// A real Azurite for a test class or collection: started on free loopback ports, stopped (by PID, with its
/// process tree) when the tests are done. In-memory by default; a persistent one keeps its data in a temporary
/// folder so a test can stop it and start it again on the same ports (a storage outage).
/// </summary>
public sealed class AzuriteFixture : IAsyncLifetime
{
    private readonly TempFolder? _data;

    /// <summary>An in-memory Azurite (what a test class fixture gets).</summary>
    public AzuriteFixture()
    {
    }

    private AzuriteFixture(TempFolder data) => _data = data;

    private AzuriteHost? _host;
    private int[]? _ports;

    /// <summary>An Azurite that keeps its data on disk, so it can be stopped and restarted.</summary>
    public static AzuriteFixture Persistent() => new(new TempFolder());

    public string ConnectionString => (_host ?? throw new InvalidOperationException("Azurite is not started.")).ConnectionString;

    public BlobServiceClient BlobService => new(ConnectionString);

    /// <summary>A container with a unique name, so tests sharing one Azurite never see each other's blobs.</summary>
    public async Task<BlobContainerClient> CreateContainerAsync(string prefix = "test")
    {
        BlobContainerClient container = BlobService.GetBlobContainerClient($"{prefix}-{Guid.NewGuid():N}"[..Math.Min(63, prefix.Length + 33)]);
        await container.CreateAsync();
        return container;
    }

    public async ValueTask InitializeAsync()
    {
        _host = await AzuriteHost.StartAsync(location: _data?.Path);
        _ports = [_host.BlobPort, _host.QueuePort, _host.TablePort];
    }

    /// <summary>Stops Azurite (gracefully, so a persistent one has saved its data); clients now fail to connect.</summary>
    public async Task StopAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
            _host = null;
        }
    }

    /// <summary>Starts a persistent Azurite again on its old ports, with the data it had.</summary>
    public async Task RestartAsync()
    {
        if (_data is null)
        {
            throw new InvalidOperationException("Only a persistent Azurite keeps its data across a restart.");
        }

        await StopAsync();
        _host = await AzuriteHost.StartAsync(location: _data.Path, ports: _ports);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _data?.Dispose();
    }
}
