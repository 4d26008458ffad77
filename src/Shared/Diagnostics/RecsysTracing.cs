using System.Diagnostics;

namespace Recsys.Diagnostics;

/// <summary>
/// The one <see cref="ActivitySource"/> of this library: a span per rank request, per pipeline stage and per training
/// epoch, with the tags below, so a request or a job can be followed as a trace. Hosts export it by adding
/// <see cref="SourceName"/> to their OpenTelemetry tracing.
/// </summary>
public static class RecsysTracing
{
    public const string SourceName = "Recsys";

    public static readonly ActivitySource Source = new(SourceName);

    /// <summary>Tag names (OpenTelemetry style: lower case, dot-separated, under a <c>recsys.</c> prefix).</summary>
    public static class Tags
    {
        public const string Route = "recsys.route";
        public const string Model = "recsys.model";
        public const string Version = "recsys.version";
        public const string Candidates = "recsys.candidates";
        public const string Requests = "recsys.requests";
        public const string Fusion = "recsys.fusion";
        public const string JobId = "recsys.job.id";
        public const string Stage = "recsys.stage";
        public const string Attempt = "recsys.attempt";
        public const string Outcome = "recsys.outcome";
        public const string Epoch = "recsys.epoch";
        public const string Loss = "recsys.loss";
        public const string SamplesPerSecond = "recsys.samples_per_second";
        public const string ValidationNdcg = "recsys.validation.ndcg@10";
    }
}
