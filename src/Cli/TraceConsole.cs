using System.Diagnostics;
using System.Globalization;
using Recsys.Diagnostics;

namespace Recsys.Cli;

/// <summary>
/// <c>--trace</c> on <c>recsys serve</c> and <c>recsys worker</c>: one line per finished span of this library (a rank
/// request, a pipeline stage, a training epoch) on stderr, with its duration and tags; no collector needed.
/// </summary>
internal sealed class TraceConsole : IDisposable
{
    private readonly ActivityListener _listener;

    private TraceConsole(TextWriter output)
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == RecsysTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData,
            ActivityStopped = activity => output.WriteLine(Summary(activity)),
        };
        ActivitySource.AddActivityListener(_listener);
    }

    /// <summary>Starts printing when <paramref name="enabled"/>; the result is disposed to stop.</summary>
    public static IDisposable? StartIf(bool enabled) => enabled ? new TraceConsole(Console.Error) : null;

    /// <summary>"trace rank 1.8 ms trace=4bf9… recsys.model=movies recsys.candidates=3 …".</summary>
    public static string Summary(Activity activity) =>
        string.Create(CultureInfo.InvariantCulture, $"trace {activity.OperationName} {activity.Duration.TotalMilliseconds:0.0} ms trace={activity.TraceId}")
        + string.Concat(activity.TagObjects.Select(t => string.Create(CultureInfo.InvariantCulture, $" {t.Key}={t.Value}")))
        + (activity.Status == ActivityStatusCode.Error ? $" error={activity.StatusDescription}" : "");

    public void Dispose() => _listener.Dispose();
}
