using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Recsys.Pipeline;

/// <summary>
/// The local worker loop (<c>recsys worker</c>): watch <c>datasets/</c> for drops, then work the stage queues,
/// pausing when there is nothing to do. In Azure, Event Grid and the Functions app's Service Bus triggers play
/// these two parts with the same stage handlers.
/// </summary>
public sealed class LocalPipeline
{
    private readonly DatasetWatcher _watcher;
    private readonly QueueWorker _worker;
    private readonly ILogger _logger;

    public LocalPipeline(DatasetWatcher watcher, QueueWorker worker, ILogger? logger = null)
    {
        _watcher = watcher;
        _worker = worker;
        _logger = logger ?? NullLogger.Instance;
    }

    public TimeSpan PollInterval { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>The scheduled retrain (<c>--retrain-every</c>): checked once at the start and then every <see cref="RetrainEvery"/>.</summary>
    public RetrainScheduler? Retrain { get; init; }

    public TimeSpan RetrainEvery { get; init; } = TimeSpan.FromHours(1);

    /// <summary>Runs until cancelled, or with <paramref name="untilIdle"/> until no message is left; returns the messages handled.</summary>
    public async Task<int> RunAsync(bool untilIdle, CancellationToken cancellationToken = default)
    {
        int total = 0;
        DateTimeOffset nextRetrain = DateTimeOffset.MinValue;
        while (!cancellationToken.IsCancellationRequested)
        {
            int found;
            try
            {
                found = await _watcher.ScanAsync(cancellationToken: cancellationToken);
                if (Retrain is not null && DateTimeOffset.UtcNow >= nextRetrain)
                {
                    found += (await Retrain.RunAsync(cancellationToken)).Count;
                    nextRetrain = DateTimeOffset.UtcNow + RetrainEvery;
                }

                found += await _worker.RunOnceAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is Azure.RequestFailedException or HttpRequestException or AggregateException)
            {
                // Storage unreachable: keep trying; nothing is lost, messages stay in their queues.
                PipelineLog.StorageUnreachable(_logger, ex.Message, PollInterval);
                found = -1;
            }

            total += Math.Max(0, found);
            // Idle means nothing new and nothing queued: a message waiting out a retry backoff still counts.
            if (found == 0 && untilIdle && await _worker.PendingAsync(cancellationToken) == 0)
            {
                return total;
            }

            if (found <= 0)
            {
                await Task.Delay(PollInterval, cancellationToken);
            }
        }

        return total;
    }
}
