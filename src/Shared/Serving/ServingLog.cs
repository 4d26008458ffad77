using Microsoft.Extensions.Logging;
using Recsys.Serving.Runtime;

namespace Recsys.Serving;

/// <summary>Serving's log events (source-generated; event ids 100–199 are serving's).</summary>
internal static partial class ServingLog
{
    [LoggerMessage(EventId = 100, Level = LogLevel.Error, Message = "{Lost} feedback events were not written: storage could not be reached before the shutdown deadline ({Deadline}).")]
    public static partial void FeedbackLost(ILogger logger, long lost, TimeSpan deadline);

    [LoggerMessage(EventId = 101, Level = LogLevel.Warning, Message = "Appending {Count} feedback events failed (attempt {Attempt}): {Reason}; retrying in {Delay}.")]
    public static partial void FeedbackAppendFailed(ILogger logger, int count, int attempt, string reason, TimeSpan delay);

    [LoggerMessage(EventId = 102, Level = LogLevel.Error, Message = "Unhandled error on {Route}.")]
    public static partial void UnhandledError(ILogger logger, Exception exception, string route);

    [LoggerMessage(EventId = 103, Level = LogLevel.Information, Message = "Scoring on the {Provider} execution provider.")]
    public static partial void ExecutionProvider(ILogger logger, Runtime.ExecutionProvider provider);

    [LoggerMessage(EventId = 104, Level = LogLevel.Warning, Message = "{Model}/{Alias} is not being served: {Reason} Health reports degraded until it can be loaded.")]
    public static partial void NotServed(ILogger logger, string model, string alias, string? reason);

    [LoggerMessage(EventId = 105, Level = LogLevel.Warning, Message = "Refused {Model}/{Version} for alias {Alias}: {Reason}")]
    public static partial void Refused(ILogger logger, string model, string version, string alias, string reason);

    [LoggerMessage(EventId = 106, Level = LogLevel.Information, Message = "Swapped {Model}/{Alias} from {Old} to {New}.")]
    public static partial void Swapped(ILogger logger, string model, string alias, string old, string @new);

    [LoggerMessage(EventId = 107, Level = LogLevel.Information, Message = "Loaded {Model}/{Alias} = {Version} on {Provider}.")]
    public static partial void Loaded(ILogger logger, string model, string alias, string version, Runtime.ExecutionProvider provider);

    [LoggerMessage(EventId = 108, Level = LogLevel.Information, Message = "Unloaded {Model}/{Alias} to stay within the memory budget.")]
    public static partial void Unloaded(ILogger logger, string model, string alias);

    [LoggerMessage(EventId = 109, Level = LogLevel.Warning, Message = "Model refresh failed; retrying at the next interval.")]
    public static partial void RefreshFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning, Message = "Storage unreachable on {Failures} refreshes in a row; next try in {Delay}.")]
    public static partial void StorageUnreachable(ILogger logger, int failures, TimeSpan delay);

    [LoggerMessage(EventId = 111, Level = LogLevel.Information, Message = "Warmed {Model}@{Alias}.")]
    public static partial void Warmed(ILogger logger, string model, string alias);

    [LoggerMessage(EventId = 112, Level = LogLevel.Warning, Message = "Warm-up of {Model}@{Alias} failed; the first request loads it.")]
    public static partial void WarmupFailed(ILogger logger, Exception exception, string model, string alias);
}
