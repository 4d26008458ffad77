using Azure.Messaging.ServiceBus;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Recsys.Cloud;
using Recsys.Pipeline;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>
/// The pipeline as the Functions train app runs it: <c>AddRecsysPipeline</c>'s stages and runner, with messages on
/// the Service Bus queues (the <c>ServiceBus</c> setting) instead of Storage Queues, and the triggers' handlers.
/// </summary>
public static class ServiceBusPipelineRegistration
{
    public static IServiceCollection AddRecsysServiceBusPipeline(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddRecsysPipeline(configuration);
        services.TryAddSingleton(_ => ServiceBusConnection.Create(configuration));
        services.Replace(ServiceDescriptor.Singleton<IPipelineSender>(sp => new ServiceBusPipelineSender(sp.GetRequiredService<ServiceBusClient>())));
        services.TryAddSingleton<ServiceBusStageTrigger>();
        services.TryAddSingleton<DatasetDropTrigger>();
        return services;
    }
}
