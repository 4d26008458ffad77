using Azure.Identity;
using Azure.Monitor.OpenTelemetry.Exporter;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Xunit;

namespace Recsys.Cloud.Tests;

public sealed class TelemetryRegistrationTests
{
    [Fact]
    public void InAzure_ExportsToApplicationInsights_WithTheManagedIdentity()
    {
        const string connection = "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://127.0.0.1:9/";
        IConfiguration configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            [TelemetryRegistration.ApplicationInsightsSetting] = connection,
            ["AZURE_CLIENT_ID"] = "11111111-1111-1111-1111-111111111111",
        }).Build();
        var services = new ServiceCollection();

        services.AddRecsysTelemetry(configuration);

        using ServiceProvider provider = services.BuildServiceProvider();
        AzureMonitorExporterOptions options = provider.GetRequiredService<IOptionsMonitor<AzureMonitorExporterOptions>>().Get(Options.DefaultName);
        Assert.Equal(connection, options.ConnectionString);
        Assert.IsType<ManagedIdentityCredential>(options.Credential);
    }

    [Fact]
    public void Locally_WithoutApplicationInsights_NoAzureMonitorExporterIsRegistered()
    {
        var services = new ServiceCollection();

        services.AddRecsysTelemetry(new ConfigurationBuilder().Build());

        Assert.DoesNotContain(services, d => d.ServiceType.Assembly == typeof(AzureMonitorExporterOptions).Assembly
            || d.ImplementationType?.Assembly == typeof(AzureMonitorExporterOptions).Assembly);
    }
}
