using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Recsys.Serving;
using Recsys.Serving.Runtime;
using Recsys.Testing;
using Xunit;

namespace Recsys.Functions.Rank.Tests;

/// <summary>The rank app's composition on a generic host, as Program.cs builds it: warm-up after start, disposal with the host.</summary>
public sealed class StartupTests(ServingFixture fixture) : IClassFixture<ServingFixture>
{
    [Fact]
    public async Task TheDefaultModel_IsLoadedAfterTheHostStarts_WithoutARequest()
    {
        var registry = new ModelRegistry(fixture.Storage.GetBlobContainerClient(ModelRegistry.ContainerName));
        if (await registry.ReadAliasAsync("movies", "champion", TestContext.Current.CancellationToken) is null)
        {
            await registry.PublishAsync("movies", fixture.Folder1, TestContext.Current.CancellationToken);
            await registry.SetAliasAsync("movies", "champion", fixture.Version1, null, TestContext.Current.CancellationToken);
        }

        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Storage"] = fixture.ConnectionString });
        builder.Services.AddRecsysServing(builder.Configuration);
        using IHost host = builder.Build();
        ModelHost models = host.Services.GetRequiredService<ServingHost>().Host;
        Assert.Empty(models.Health().Models);

        await host.StartAsync(TestContext.Current.CancellationToken);
        while (models.Health().Models.Count == 0)
        {
            // Waits on the warm-up itself; the test's own cancellation bounds it.
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        Assert.Equal(fixture.Version1, Assert.Single(models.Health().Models).Version);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }
}
