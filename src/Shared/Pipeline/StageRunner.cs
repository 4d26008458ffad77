using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Recsys.Storage;

namespace Recsys.Pipeline;

/// <summary>
/// The policy around one delivery of a stage message, the same for every transport (<see cref="QueueWorker"/>
/// over Storage Queues locally, the Service Bus functions in Azure): parse it, run the stage under its time limit,
/// and decide between success, a permanent failure, a retry with backoff and the dead-letter queue, writing the
/// job record for the last two. The transport only settles the message as the returned <see cref="StageOutcome"/> says.
/// </summary>
public sealed class StageRunner
{
    private readonly JobStore _jobs;
    private readonly Dictionary<PipelineStage, IPipelineStage> _stages;
    private readonly ILogger _logger;

    public StageRunner(JobStore jobs, IEnumerable<IPipelineStage> stages, ILogger? logger = null)
    {
        _jobs = jobs;
        _stages = stages.ToDictionary(s => s.Stage);
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>Deliveries a message gets; a failure on the last one dead-letters it (Service Bus's MaxDeliveryCount).</summary>
    public int MaxDeliveryCount { get; init; } = 5;

    /// <summary>The longest any one stage may run; below the host's <c>functionTimeout</c> so the runner decides first.</summary>
    public TimeSpan StageTimeout { get; init; } = TimeSpan.FromHours(4);

    /// <summary>How long a cancelled stage gets to stop before it is given up as stuck.</summary>
    public TimeSpan CancellationGrace { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The longest wait before a retry (the backoff doubles per delivery: 2 s, 4 s, 8 s, ...).</summary>
    public TimeSpan MaxBackoff { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The stages this runner has handlers for.</summary>
    public IReadOnlyCollection<PipelineStage> Stages => _stages.Keys;

    /// <summary>
    /// Runs one delivery (<paramref name="deliveryCount"/> counts from 1). Throws <see cref="OperationCanceledException"/>
    /// only when <paramref name="cancellationToken"/> (the host shutting down) stopped it: the message is then left to
    /// reappear for the next worker, which is neither a failure nor a retry.
    /// </summary>
    public async Task<StageOutcome> RunAsync(PipelineStage stage, string body, int deliveryCount, CancellationToken cancellationToken)
    {
        IPipelineStage handler = _stages.TryGetValue(stage, out IPipelineStage? found)
            ? found
            : throw new InvalidOperationException($"No handler for the {PipelineStorage.QueueName(stage)} stage.");
        PipelineMessage message;
        try
        {
            message = PipelineMessage.FromJson(body) with { Attempt = deliveryCount };
        }
        catch (Exception ex) when (ex is InvalidDataException or InvalidNameException)
        {
            return await DeadLetterAsync(stage, null, "unreadable-message", $"unreadable message: {ex.Message}", stuck: false, cancellationToken);
        }

        if (deliveryCount > MaxDeliveryCount)
        {
            // Only a worker that died mid-stage on every delivery gets here: no attempt returned an outcome.
            return await DeadLetterAsync(stage, message, "max-deliveries", $"delivered {deliveryCount} times without success", stuck: false, cancellationToken);
        }

        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(StageTimeout);
        var started = System.Diagnostics.Stopwatch.StartNew();
        using System.Diagnostics.Activity? span = Diagnostics.RecsysTracing.Source.StartActivity($"stage {PipelineStorage.QueueName(stage)}")
            ?.SetTag(Diagnostics.RecsysTracing.Tags.JobId, message.JobId)
            .SetTag(Diagnostics.RecsysTracing.Tags.Stage, Describe(stage, message))
            .SetTag(Diagnostics.RecsysTracing.Tags.Attempt, deliveryCount);
        PipelineLog.StageStarted(_logger, message.JobId, Describe(stage, message), deliveryCount);
        try
        {
            // Run on the thread pool: a handler stuck in synchronous code must not hold the transport's loop.
            Task<IReadOnlyList<PipelineMessage>> work = Task.Run(() => handler.HandleAsync(message, deadline.Token), CancellationToken.None);
            if (await Task.WhenAny(work, Task.Delay(StageTimeout + CancellationGrace, cancellationToken)) != work)
            {
                if (cancellationToken.IsCancellationRequested)
                {
                    // Shutting down, not timed out: the stage saw the cancellation; give it the grace period.
                    await Task.WhenAny(work, Task.Delay(CancellationGrace, CancellationToken.None));
                    cancellationToken.ThrowIfCancellationRequested();
                }

                return await DeadLetterAsync(stage, message, "time-limit", $"{OverTime(stage)} and did not stop when cancelled", stuck: true, cancellationToken);
            }

            IReadOnlyList<PipelineMessage> next = await work;
            PipelineLog.StageDone(_logger, message.JobId, Describe(stage, message), started.Elapsed.TotalSeconds, next.Count == 0 ? "nothing" : string.Join(", ", next.Select(n => Describe(n.Stage, n))));
            span?.SetTag(Diagnostics.RecsysTracing.Tags.Outcome, "succeeded");
            return new StageOutcome.Succeeded(next);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return await DeadLetterAsync(stage, message, "time-limit", OverTime(stage), stuck: false, cancellationToken);
        }
        catch (PermanentStageException ex)
        {
            PipelineLog.JobFailed(_logger, message.JobId, stage, ex.Message);
            span?.SetTag(Diagnostics.RecsysTracing.Tags.Outcome, "failed").SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            return new StageOutcome.Failed(ex.Message);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (deliveryCount >= MaxDeliveryCount)
            {
                string reason = $"delivery {deliveryCount} of {MaxDeliveryCount} failed: {ex.GetType().Name}: {ex.Message}";
                return await DeadLetterAsync(stage, message, "failed", reason, stuck: false, cancellationToken);
            }

            TimeSpan backoff = TimeSpan.FromSeconds(Math.Min(MaxBackoff.TotalSeconds, Math.Pow(2, deliveryCount)));
            PipelineLog.StageRetrying(_logger, ex, message.JobId, stage, deliveryCount, backoff);
            span?.SetTag(Diagnostics.RecsysTracing.Tags.Outcome, "retry").SetStatus(System.Diagnostics.ActivityStatusCode.Error, ex.Message);
            return new StageOutcome.Retry(ex, backoff);
        }
    }

    /// <summary>"prepare shop", "train bpr", "evaluate shop/bpr-1a2b…": what a log line names.</summary>
    private static string Describe(PipelineStage stage, PipelineMessage message) => stage switch
    {
        PipelineStage.Train => $"train {message.Training?.Architecture}",
        PipelineStage.Evaluate => $"evaluate {message.Model}/{message.Version}",
        _ => $"{PipelineStorage.QueueName(stage)} {message.Dataset}",
    };

    private string OverTime(PipelineStage stage) =>
        $"the {PipelineStorage.QueueName(stage)} stage did not finish within its time limit ({StageTimeout})";

    private async Task<StageOutcome> DeadLetterAsync(PipelineStage stage, PipelineMessage? message, string code, string reason, bool stuck, CancellationToken cancellationToken)
    {
        if (message is not null)
        {
            await _jobs.FailAsync(message.JobId, $"{PipelineStorage.QueueName(stage)}-dead-letter", reason, cancellationToken: cancellationToken);
        }

        PipelineLog.DeadLettered(_logger, stage, reason);
        System.Diagnostics.Activity.Current?.SetTag(Diagnostics.RecsysTracing.Tags.Outcome, "dead-letter").SetStatus(System.Diagnostics.ActivityStatusCode.Error, reason);
        return new StageOutcome.DeadLetter(code, reason, stuck);
    }
}
