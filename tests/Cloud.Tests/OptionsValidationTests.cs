using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Xunit;

namespace Recsys.Cloud.Tests;

/// <summary>A bad setting stops a host at start, before any request or message, with a message naming the setting and the rule.</summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("Serving:RefreshInterval", "00:00:00", "Serving:RefreshInterval must be greater than zero")]
    [InlineData("Serving:MaxBodyBytes", "-1", "Serving:MaxBodyBytes must be greater than zero (got -1)")]
    [InlineData("Serving:MaxUploadBytes", "0", "Serving:MaxUploadBytes must be greater than zero")]
    [InlineData("Serving:DefaultModel", "../etc", "Serving:DefaultModel must be a valid model name")]
    [InlineData("Pipeline:MaxDeliveryCount", "0", "Pipeline:MaxDeliveryCount must be between 1 and 100 (got 0)")]
    [InlineData("Pipeline:StageTimeout", "-00:01:00", "Pipeline:StageTimeout must be greater than zero")]
    public async Task ABadSetting_StopsStartUp_NamingTheSettingAndTheRule(string setting, string value, string message)
    {
        using IHost host = Build(setting, value);

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync(TestContext.Current.CancellationToken));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDefaults_AreValid()
    {
        using IHost host = Build("Serving:DefaultModel", "movies");

        await host.StartAsync(TestContext.Current.CancellationToken);
        await host.StopAsync(TestContext.Current.CancellationToken);
    }

    private static IHost Build(string setting, string value)
    {
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            // Never reached: validation happens before anything talks to storage.
            ["Storage"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:9/devstoreaccount1;QueueEndpoint=http://127.0.0.1:9/devstoreaccount1;TableEndpoint=http://127.0.0.1:9/devstoreaccount1",
            [setting] = value,
        });
        builder.Services.AddRecsysPipeline(builder.Configuration);
        builder.Services.AddRecsysServing(builder.Configuration);
        return builder.Build();
    }
}
