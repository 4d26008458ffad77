using System.Text.Json;
using System.Text.Json.Serialization;
using Recsys.Evaluation;
using Recsys.Preparation;

namespace Recsys.Experiments;

/// <summary>One model's outcome in an experiment.</summary>
public sealed record ModelRun(string Name, string Description, double FitSeconds, EvaluationResult Evaluation)
{
    /// <summary>Set when --tune chose the hyperparameters on validation data.</summary>
    public TuningOutcome? Tuning { get; init; }

    /// <summary>Over several split seeds: each metric's standard deviation (the metrics are then means).</summary>
    public IReadOnlyDictionary<string, double>? StandardDeviation { get; init; }

    /// <summary>Over several split seeds: the metrics of each split, in seed order.</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, double>>? PerSeed { get; init; }
}

/// <summary>Everything an experiment produced; <see cref="ToJson"/> is metrics.json (schema in docs/metrics.md).</summary>
public sealed record ExperimentResult(string Dataset, Protocol Protocol, int K, PrepareResult Prepared, IReadOnlyList<ModelRun> Runs)
{
    /// <summary>The split seeds behind the figures; <see cref="Prepared"/> is the first one's.</summary>
    public IReadOnlyList<int> Seeds { get; init; } = [];

    public string ToJson()
    {
        var document = new MetricsDocument(
            Dataset,
            Protocol.ToName(),
            K,
            Prepared.ContentHash,
            Prepared.Stats.Users,
            Prepared.Stats.Items,
            Prepared.Stats.Interactions,
            Protocol == Protocol.Sampled ? "sampled negatives overstate quality and can reorder models; compare only with sampled results" : null,
            Seeds.Count > 1 ? Seeds : null,
            Runs.ToDictionary(
                r => r.Name,
                r => new ModelMetrics(r.Evaluation.Metrics, r.StandardDeviation, r.PerSeed, r.FitSeconds, r.Evaluation.Seconds, r.Evaluation.Users.Length, r.Tuning),
                StringComparer.Ordinal));
        return JsonSerializer.Serialize(document, s_json);
    }

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private sealed record MetricsDocument(
        string Dataset, string Protocol, int K, string ContentHash, int Users, int Items, long Interactions, string? Caveat,
        IReadOnlyList<int>? Seeds, IReadOnlyDictionary<string, ModelMetrics> Models);

    private sealed record ModelMetrics(
        IReadOnlyDictionary<string, double> Metrics, IReadOnlyDictionary<string, double>? StandardDeviation,
        IReadOnlyList<IReadOnlyDictionary<string, double>>? PerSeed, double FitSeconds, double EvalSeconds, int EvaluatedUsers, TuningOutcome? Tuning);
}
