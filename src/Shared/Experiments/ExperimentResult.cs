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
}

/// <summary>Everything an experiment produced; <see cref="ToJson"/> is metrics.json (schema in docs/metrics.md).</summary>
public sealed record ExperimentResult(string Dataset, Protocol Protocol, int K, PrepareResult Prepared, IReadOnlyList<ModelRun> Runs)
{
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
            Runs.ToDictionary(
                r => r.Name,
                r => new ModelMetrics(r.Evaluation.Metrics, r.FitSeconds, r.Evaluation.Seconds, r.Evaluation.Users.Length, r.Tuning),
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
        IReadOnlyDictionary<string, ModelMetrics> Models);

    private sealed record ModelMetrics(
        IReadOnlyDictionary<string, double> Metrics, double FitSeconds, double EvalSeconds, int EvaluatedUsers, TuningOutcome? Tuning);
}
