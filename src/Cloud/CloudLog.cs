using Microsoft.Extensions.Logging;

namespace Recsys.Cloud;

/// <summary>The Azure transport's log events (source-generated; event ids 200–299).</summary>
internal static partial class CloudLog
{
    [LoggerMessage(EventId = 200, Level = LogLevel.Critical, Message = "A {Stage} stage ignored cancellation past its time limit; stopping the worker so it is restarted.")]
    public static partial void StageStuck(ILogger logger, Pipeline.PipelineStage stage);

    [LoggerMessage(EventId = 201, Level = LogLevel.Information, Message = "datasets/{Dataset}/ is ready: {Started} new job(s).")]
    public static partial void DropReady(ILogger logger, string dataset, int started);

    [LoggerMessage(EventId = 202, Level = LogLevel.Warning, Message = "Could not scan the drop (delivery {Delivery}); it is delivered again.")]
    public static partial void DropScanFailed(ILogger logger, Exception exception, int delivery);
}
