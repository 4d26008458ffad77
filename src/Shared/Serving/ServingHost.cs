using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Recsys.Serving.Feedback;
using Recsys.Serving.Http;
using Recsys.Serving.Ranking;
using Recsys.Serving.Runtime;

namespace Recsys.Serving;

/// <summary>
/// Everything a rank host needs, wired over one storage account: registry and model host (refreshing in
/// the background), profiles, the feedback writer, the rank service and the route handlers. Disposing it
/// flushes feedback and unloads the models.
/// </summary>
public sealed class ServingHost : IAsyncDisposable
{
    private ServingHost(ModelHost host, FeedbackSink feedback, RankApi api, ModelRegistry registry, ProfileStore profiles)
    {
        Host = host;
        Feedback = feedback;
        Api = api;
        Registry = registry;
        Profiles = profiles;
    }

    public ModelHost Host { get; }

    public FeedbackSink Feedback { get; }

    public RankApi Api { get; }

    public ModelRegistry Registry { get; }

    public ProfileStore Profiles { get; }

    public static ServingHost Create(BlobServiceClient storage, ServingOptions options, ILoggerFactory? loggers = null, Pipeline.JobStore? jobs = null)
    {
        loggers ??= NullLoggerFactory.Instance;
        var registry = new ModelRegistry(storage.GetBlobContainerClient(ModelRegistry.ContainerName));
        var host = new ModelHost(registry, options, loggers.CreateLogger<ModelHost>());
        var profiles = new ProfileStore(storage.GetBlobContainerClient(ProfileStore.ContainerName), options.RefreshInterval);
        var feedback = new FeedbackSink(storage.GetBlobContainerClient(FeedbackSink.ContainerName), loggers.CreateLogger<FeedbackSink>());
        var drop = new Pipeline.DatasetDropZone(storage.GetBlobContainerClient(Pipeline.PipelineStorage.Datasets)) { MaxBytes = options.MaxUploadBytes };
        var api = new RankApi(new RankService(host, profiles, options), host, feedback, options, loggers.CreateLogger<RankApi>(), jobs, drop);
        host.StartRefreshing();
        return new ServingHost(host, feedback, api, registry, profiles);
    }

    /// <summary>
    /// Loads the default model's alias now, so the first request does not pay for it. A model not published yet
    /// does not stop the host: health says degraded with the reason until it is published and loaded.
    /// </summary>
    public Task WarmAsync(ServingOptions options, CancellationToken cancellationToken = default) =>
        Host.ExpectAsync(options.DefaultModel, options.DefaultAlias, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        await Feedback.DisposeAsync();
        await Host.DisposeAsync();
    }
}
