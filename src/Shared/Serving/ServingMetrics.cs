using System.Diagnostics.Metrics;
using Recsys.Serving.Runtime;

namespace Recsys.Serving;

/// <summary>
/// OpenTelemetry-compatible instruments of the serving side (meter <c>Recsys.Serving</c>): request latency per
/// model and version, loaded models, swaps and load failures. Hosts export them with any OpenTelemetry exporter.
/// </summary>
public static class ServingMetrics
{
    public const string MeterName = "Recsys.Serving";

    private static readonly Meter Meter = new(MeterName);

    public static readonly Histogram<double> RequestDuration = Meter.CreateHistogram<double>(
        "recsys.rank.duration", unit: "ms", description: "Time to answer a rank, batch or recommend request.");

    public static readonly Counter<long> Swaps = Meter.CreateCounter<long>("recsys.model.swaps", description: "Model versions swapped in.");

    public static readonly Counter<long> LoadFailures = Meter.CreateCounter<long>("recsys.model.load_failures", description: "Model versions refused at load.");

    private static int _loaded;

    static ServingMetrics() => Meter.CreateObservableGauge("recsys.model.loaded", () => Volatile.Read(ref _loaded), description: "Model versions held in memory.");

    internal static void Loaded(int delta) => Interlocked.Add(ref _loaded, delta);

    internal static void Served(string route, ScoringModel model, double milliseconds) =>
        RequestDuration.Record(milliseconds, new("route", route), new("model", model.Name), new("version", model.Version));
}
