using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Recsys.Storage;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>The storage account every capability works in, from the <c>Storage</c> setting (see <see cref="StorageAccount"/>).</summary>
public static class StorageRegistration
{
    public static IServiceCollection AddRecsysStorage(this IServiceCollection services, IConfiguration configuration)
    {
        // One lazily built set of clients: a missing setting fails when storage is first needed, naming the setting.
        var clients = new Lazy<(BlobServiceClient Blobs, QueueServiceClient Queues, TableServiceClient Tables)>(() => StorageAccount.Create(configuration));
        services.TryAddSingleton(_ => clients.Value.Blobs);
        services.TryAddSingleton(_ => clients.Value.Queues);
        services.TryAddSingleton(_ => clients.Value.Tables);
        return services;
    }
}
