using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Recsys.Pipeline;
using Recsys.Training.Trainer;

namespace Recsys.Cli;

/// <summary>
/// The pipeline worker of <c>recsys worker</c> and <c>recsys demo</c>: the same registrations as the Functions train
/// app (<c>AddRecsysPipeline</c>, <c>AddRecsysTraining</c>) over Storage Queues, so every local host runs what Azure runs.
/// </summary>
internal sealed class LocalWorker : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private LocalWorker(ServiceProvider services, LocalPipeline pipeline)
    {
        _services = services;
        Pipeline = pipeline;
    }

    public LocalPipeline Pipeline { get; }

    /// <param name="settings">Pipeline settings (<c>Pipeline:SettleTime</c>, ...) on top of the environment's.</param>
    /// <param name="logging">Where and what the worker logs.</param>
    /// <param name="onEpoch">Called on the training thread after each epoch.</param>
    public static LocalWorker Create(
        string connectionString, IReadOnlyDictionary<string, string?> settings, Action<ILoggingBuilder> logging, TimeSpan lease, TimeSpan poll,
        Action<PipelineMessage, EpochReport>? onEpoch = null)
    {
        IConfiguration configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddInMemoryCollection(new Dictionary<string, string?>(settings) { ["Storage"] = connectionString })
            .Build();
        ServiceProvider services = new ServiceCollection()
            .AddLogging(logging)
            .AddRecsysPipeline(configuration)
            .AddRecsysTraining(onEpoch)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true });
        PipelineOptions options = services.GetRequiredService<Microsoft.Extensions.Options.IOptions<PipelineOptions>>().Value;
        var pipeline = new LocalPipeline(
            services.GetRequiredService<DatasetWatcher>(),
            new QueueWorker(services.GetRequiredService<PipelineStorage>(), services.GetRequiredService<StageRunner>(), services.GetRequiredService<ILogger<QueueWorker>>())
            {
                Visibility = lease,
            },
            services.GetRequiredService<ILogger<LocalPipeline>>())
        {
            PollInterval = poll,
            Retrain = options.RetrainEvery is null ? null : services.GetRequiredService<RetrainScheduler>(),
            RetrainEvery = options.RetrainEvery ?? TimeSpan.FromHours(1),
        };
        return new LocalWorker(services, pipeline);
    }

    public ValueTask DisposeAsync() => _services.DisposeAsync();
}
