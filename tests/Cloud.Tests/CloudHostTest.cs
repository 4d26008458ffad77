using Microsoft.Extensions.DependencyInjection;
using Recsys.Pipeline;
using Recsys.Testing;
using Xunit;

namespace Recsys.Cloud.Tests;

/// <summary>A test class's own Azurite and train-app host (<see cref="CloudHost"/>), started before each test and stopped after it.</summary>
public abstract class CloudHostTest : IAsyncLifetime
{
    private readonly AzuriteFixture _azurite = new();

    internal CloudHost Host { get; private set; } = null!;

    internal PipelineStorage Storage { get; private set; } = null!;

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _azurite.InitializeAsync();
        Host = await CloudHost.StartAsync(_azurite.ConnectionString, cancellationToken: Ct);
        Storage = Host.Services.GetRequiredService<PipelineStorage>();
    }

    public async ValueTask DisposeAsync()
    {
        if (Host is not null)
        {
            await Host.DisposeAsync();
        }

        await _azurite.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
