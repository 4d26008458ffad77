using Microsoft.Extensions.Logging;

namespace Recsys.Pipeline;

/// <summary>The pipeline's log events (source-generated; event ids 1–99 are the pipeline's).</summary>
internal static partial class PipelineLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Job {JobId}: {Stage} started (delivery {Delivery}).")]
    public static partial void StageStarted(ILogger logger, string jobId, string stage, int delivery);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Job {JobId}: {Stage} done in {Seconds:0.0} s; next: {Next}.")]
    public static partial void StageDone(ILogger logger, string jobId, string stage, double seconds, string next);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "{Model}/{Version}: nDCG@10 {Ndcg:0.0000}; {Outcome}: {Reason}")]
    public static partial void Decision(ILogger logger, string model, string version, double ndcg, string outcome, string reason);

    [LoggerMessage(EventId = 4, Level = LogLevel.Warning, Message = "Job {JobId} failed at {Stage}: {Reason}")]
    public static partial void JobFailed(ILogger logger, string jobId, PipelineStage stage, string reason);

    [LoggerMessage(EventId = 5, Level = LogLevel.Warning, Message = "Job {JobId} {Stage} attempt {Attempt} failed; retrying in {Backoff}.")]
    public static partial void StageRetrying(ILogger logger, Exception exception, string jobId, PipelineStage stage, int attempt, TimeSpan backoff);

    [LoggerMessage(EventId = 6, Level = LogLevel.Error, Message = "Dead-lettered a {Stage} message: {Reason}")]
    public static partial void DeadLettered(ILogger logger, PipelineStage stage, string reason);

    [LoggerMessage(EventId = 7, Level = LogLevel.Warning, Message = "Storage unreachable ({Reason}); retrying in {Interval}.")]
    public static partial void StorageUnreachable(ILogger logger, string reason, TimeSpan interval);

    [LoggerMessage(EventId = 8, Level = LogLevel.Warning, Message = "Could not extend message {MessageId}: {Reason}")]
    public static partial void LeaseNotExtended(ILogger logger, string messageId, string reason);

    [LoggerMessage(EventId = 9, Level = LogLevel.Warning, Message = "Ignoring datasets/{Name}/: not a valid dataset name.")]
    public static partial void InvalidDatasetName(ILogger logger, string name);

    [LoggerMessage(EventId = 10, Level = LogLevel.Information, Message = "New dataset drop datasets/{Name}/: job {JobId}.")]
    public static partial void NewDrop(ILogger logger, string name, string jobId);

    [LoggerMessage(EventId = 11, Level = LogLevel.Debug, Message = "datasets/{Name}/ has no {ReadyFile} yet; not prepared.")]
    public static partial void DropNotReady(ILogger logger, string name, string readyFile);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Retraining datasets/{Name}/ on {Events} new clicks and ratings: job {JobId}.")]
    public static partial void RetrainStarted(ILogger logger, string name, string jobId, long events);

    [LoggerMessage(EventId = 13, Level = LogLevel.Debug, Message = "datasets/{Name}/: {Events} new clicks and ratings of the {Threshold} a retrain waits for.")]
    public static partial void RetrainNotDue(ILogger logger, string name, long events, int threshold);
}
