using Azure.Core;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Configuration;

namespace Recsys.Storage;

/// <summary>
/// Storage clients from configuration, the way Functions apps name them: a connection string (Azurite, local
/// development) or, in Azure, identity-based settings <c>{prefix}__blobServiceUri</c>, <c>__queueServiceUri</c>,
/// <c>__tableServiceUri</c> and <c>__clientId</c> (the user-assigned managed identity). No keys in Azure.
/// </summary>
public static class StorageAccount
{
    /// <summary>From configuration, where the environment's <c>Storage__blobServiceUri</c> reads as <c>Storage:blobServiceUri</c>.</summary>
    public static (BlobServiceClient Blobs, QueueServiceClient Queues, TableServiceClient Tables) Create(IConfiguration configuration, string prefix = "Storage") =>
        Create(name => configuration[name.Replace("__", ":", StringComparison.Ordinal)], prefix);

    private static (BlobServiceClient Blobs, QueueServiceClient Queues, TableServiceClient Tables) Create(Func<string, string?> setting, string prefix)
    {
        string? connectionString = setting(prefix);
        if (!string.IsNullOrEmpty(connectionString))
        {
            return (new BlobServiceClient(connectionString), new QueueServiceClient(connectionString), new TableServiceClient(connectionString));
        }

        string blob = setting($"{prefix}__blobServiceUri") ?? throw new InvalidOperationException($"Configure {prefix} (a connection string) or {prefix}__blobServiceUri.");
        TokenCredential credential = AzureIdentity.Credential(setting($"{prefix}__clientId"));
        return (
            new BlobServiceClient(new Uri(blob), credential),
            new QueueServiceClient(new Uri(setting($"{prefix}__queueServiceUri") ?? blob.Replace(".blob.", ".queue.", StringComparison.Ordinal)), credential),
            new TableServiceClient(new Uri(setting($"{prefix}__tableServiceUri") ?? blob.Replace(".blob.", ".table.", StringComparison.Ordinal)), credential));
    }
}
