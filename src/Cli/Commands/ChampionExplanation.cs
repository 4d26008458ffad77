using System.Globalization;
using System.Text.Json;
using Recsys.Evaluation;
using Recsys.Experiments;
using Recsys.Pipeline;
using Recsys.Serving.Runtime;

namespace Recsys.Cli.Commands;

/// <summary>
/// Why the demo's champion is what it is, in plain lines for the console and the report: each trained version's
/// gate decision, and how the champion compares with the best baseline, which the pipeline does not serve.
/// </summary>
internal static class ChampionExplanation
{
    public static IReadOnlyList<string> Lines(JobView job, ExperimentResult comparison, AliasPointer? champion, IReadOnlySet<string> baselines)
    {
        var lines = new List<string>();
        var trained = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (StageRecord stage in job.Stages.Where(s => s.Stage.StartsWith("evaluate-", StringComparison.Ordinal) && s.Details is not null))
        {
            string version = Text(stage.Details!, "version");
            trained.Add(NameOf(comparison, version));
            string ndcg = stage.Details!.TryGetValue(MetricNames.Ndcg(EvaluateStage.K), out JsonElement v) ? v.GetDouble().ToString("0.0000", CultureInfo.InvariantCulture) : "?";
            bool promoted = stage.Details.TryGetValue("promoted", out JsonElement p) && p.GetBoolean();
            lines.Add($"{NameOf(comparison, version)} ({version}): nDCG@10 {ndcg} on the pipeline's held-out split; {(promoted ? "promoted" : "not promoted")}: {Text(stage.Details, "decision")}");
        }

        if (champion is null)
        {
            lines.Add("No version passed the promotion gate, so nothing is champion.");
            return lines;
        }

        string metric = MetricNames.Ndcg(comparison.K);
        ModelRun? served = comparison.Runs.FirstOrDefault(r => r.Description.EndsWith($"/{champion.Version}", StringComparison.Ordinal));
        ModelRun? baseline = comparison.Runs.Where(r => baselines.Contains(r.Name)).MaxBy(r => r.Evaluation.Metrics.GetValueOrDefault(metric));
        lines.Add($"Champion: {NameOf(comparison, champion.Version)} ({champion.Version}), the version the rank API serves.");
        if (served is not null && baseline is not null)
        {
            double ours = served.Evaluation.Metrics.GetValueOrDefault(metric);
            double theirs = baseline.Evaluation.Metrics.GetValueOrDefault(metric);
            // A baseline the pipeline can also train (EASE) is one plan line away from being served.
            string remedy = trained.Contains(baseline.Name)
                ? $"the plan trained {baseline.Name} too, and its gate decision is above"
                : Training.NeuralArchitectures.Find(baseline.Name) is { } trainable
                    ? $"the pipeline serves only what its plan trains: add {{ \"architecture\": \"{trainable.Name}\" }} to the plan to train, export and serve it"
                    : "the pipeline serves only what its plan trains, and this baseline does not export";
            lines.Add(theirs > ours
                ? string.Create(CultureInfo.InvariantCulture, $"The {baseline.Name} baseline scores higher in the comparison ({metric} {theirs:0.0000} against {ours:0.0000}); {remedy}.")
                : string.Create(CultureInfo.InvariantCulture, $"It scores at least as well as every baseline in the comparison ({metric} {ours:0.0000}; best baseline {baseline.Name} {theirs:0.0000})."));
        }

        return lines;
    }

    private static string NameOf(ExperimentResult comparison, string version) =>
        comparison.Runs.FirstOrDefault(r => r.Description.EndsWith($"/{version}", StringComparison.Ordinal))?.Name.Split(' ')[0] ?? version;

    private static string Text(IReadOnlyDictionary<string, JsonElement> details, string key) =>
        details.TryGetValue(key, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : "";
}
