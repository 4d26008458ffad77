using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Recsys.Pipeline;

namespace Recsys.Cloud.Tests;

/// <summary>
/// The train app's composition (what Functions.Train's Program.cs registers) on a generic host, over a real Azurite
/// and the in-memory Service Bus; <see cref="PumpAsync"/> plays the Functions host delivering queue messages to the
/// triggers, one at a time as <c>maxConcurrentCalls = 1</c> does.
/// </summary>
internal sealed class CloudHost(IHost host, InMemoryServiceBus bus) : IAsyncDisposable
{
    public const string Drops = "drops";

    public IServiceProvider Services => host.Services;

    public InMemoryServiceBus Bus => bus;

    public static async Task<CloudHost> StartAsync(string storageConnectionString, IDictionary<string, string?>? settings = null, CancellationToken cancellationToken = default)
    {
        var bus = new InMemoryServiceBus();
        HostApplicationBuilder builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage"] = storageConnectionString,
            ["Pipeline:RequireReadyFile"] = "true",
        });
        builder.Configuration.AddInMemoryCollection(settings ?? new Dictionary<string, string?>());
        builder.Logging.AddFilter(_ => false);
        builder.Services.AddSingleton<ServiceBusClient>(bus);
        builder.Services.AddRecsysServiceBusPipeline(builder.Configuration);
        builder.Services.AddRecsysTraining();
        IHost host = builder.Build();
        await host.StartAsync(cancellationToken);
        return new CloudHost(host, bus);
    }

    /// <summary>Delivers messages until every queue is empty; returns how many were handled.</summary>
    public async Task<int> PumpAsync(CancellationToken cancellationToken)
    {
        var drops = Services.GetRequiredService<DatasetDropTrigger>();
        var stages = Services.GetRequiredService<ServiceBusStageTrigger>();
        int handled = 0;
        while (true)
        {
            if (bus.Receive(Drops) is { } drop)
            {
                await drops.HandleAsync(drop, bus, cancellationToken);
            }
            else if (Enum.GetValues<PipelineStage>().Select(s => (Stage: s, Message: bus.Receive(PipelineStorage.QueueName(s)))).FirstOrDefault(d => d.Message is not null) is { Message: { } message } next)
            {
                await stages.HandleAsync(next.Stage, message, bus, cancellationToken);
            }
            else
            {
                return handled;
            }

            handled++;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await host.StopAsync();
        host.Dispose();
    }
}
