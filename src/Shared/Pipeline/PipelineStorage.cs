using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Recsys.Serving.Runtime;

namespace Recsys.Pipeline;

/// <summary>
/// The storage account the pipeline works in: the Blob containers of ARCHITECTURE.md's layout, the three stage
/// queues (plus a <c>-poison</c> queue each for messages that keep failing) and the <c>jobs</c> table.
/// </summary>
public sealed class PipelineStorage : IPipelineSender
{
    public const string Datasets = "datasets";
    public const string Prepared = "prepared";
    public const string Checkpoints = "checkpoints";
    public const string Reports = "reports";
    public const string Markers = "pipeline";
    public const string PoisonSuffix = "-poison";

    public PipelineStorage(BlobServiceClient blobs, QueueServiceClient queues, TableServiceClient tables)
    {
        Blobs = blobs;
        Queues = queues;
        Jobs = new JobStore(tables.GetTableClient(JobStore.TableName));
        Registry = new Serving.Runtime.ModelRegistry(blobs.GetBlobContainerClient(Serving.Runtime.ModelRegistry.ContainerName));
    }

    public BlobServiceClient Blobs { get; }

    public QueueServiceClient Queues { get; }

    public JobStore Jobs { get; }

    public Serving.Runtime.ModelRegistry Registry { get; }

    /// <summary>From one connection string (Azurite or an account with keys); in Azure, build the clients with a managed identity instead.</summary>
    public static PipelineStorage FromConnectionString(string connectionString) =>
        new(new BlobServiceClient(connectionString), new QueueServiceClient(connectionString), new TableServiceClient(connectionString));

    public BlobContainerClient Container(string name) => Blobs.GetBlobContainerClient(name);

    public static string QueueName(PipelineStage stage) => stage.ToString().ToLowerInvariant();

    public QueueClient Queue(PipelineStage stage) => Queues.GetQueueClient(QueueName(stage));

    public QueueClient PoisonQueue(PipelineStage stage) => Queues.GetQueueClient(QueueName(stage) + PoisonSuffix);

    /// <summary>Downloads the prepared dataset a message names into <paramref name="folder"/>; returns the local path.</summary>
    public Task<string> DownloadPreparedAsync(PipelineMessage message, string folder, CancellationToken cancellationToken = default) =>
        Storage.BlobDatasetDownloader.DownloadAsync(Container(Prepared), $"{message.Dataset}/{message.ContentHash}", folder, cancellationToken);

    public async Task SendAsync(PipelineMessage message, CancellationToken cancellationToken = default)
    {
        QueueClient queue = Queue(message.Stage);
        await queue.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        await queue.SendMessageAsync(message.ToJson(), cancellationToken);
    }
}
