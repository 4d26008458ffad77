using System.Diagnostics;
using System.Globalization;
using Recsys.Data;
using Recsys.Evaluation;
using Recsys.Experiments;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Storage;
using Recsys.Training;
using Recsys.Training.Trainer;

namespace Recsys.Bench;

/// <summary>
/// SASRec on a sequence file (or a dataset folder with timestamps) under leave-last-out, as `recsys experiment --protocol leave-last-out` runs it:
/// trained on all but each user's last two items, early-stopped on the second-last, scored on the last from
/// the full history. Prints every epoch (seconds, loss, validation nDCG@10) and the test metrics, so settings
/// can be compared on validation; <c>key=value</c> arguments override the model's defaults.
/// </summary>
internal static class SequentialBenchmark
{
    public static async Task RunAsync(string dataset, IReadOnlyList<string> overrides)
    {
        string folder = Path.Combine(Path.GetTempPath(), "recsys-bench-sequential");
        // A sequence file, or a dataset folder in any format the preparer reads by itself (ratings with timestamps).
        var dataOptions = Directory.Exists(dataset) ? new PrepareOptions { Dataset = dataset } : new PrepareOptions { Dataset = dataset, Format = DatasetFormat.Sequences };
        await DatasetPreparer.PrepareAsync(Protocol.LeaveLastOut.Apply(dataOptions), new LocalPreparedOutput(folder));
        var spec = await PreparedDatasetReader.ReadSpecAsync(folder);
        PreparedSplit train = (await PreparedDatasetReader.ReadSplitAsync(folder, PreparedFiles.Train))!;
        PreparedSplit validation = (await PreparedDatasetReader.ReadSplitAsync(folder, PreparedFiles.Validation))!;
        PreparedSplit test = (await PreparedDatasetReader.ReadSplitAsync(folder, PreparedFiles.Test))!;
        var history = InteractionMatrix.FromSplit(train.Concat(validation), spec.Users.Size, spec.Items.Size);

        TrainingOptions options = overrides.Aggregate(NeuralDefaults.For("sasrec") with { PreferCuda = false }, Apply);
        Console.WriteLine($"{spec.Users.Size:N0} users, {spec.Items.Size:N0} items, {train.Count:N0} training rows; {options}");
        var watch = Stopwatch.StartNew();
        using var model = new NeuralRecommender("sasrec", options, new Progress(e => Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  epoch {e.Epoch,3}  {watch.Elapsed.TotalSeconds,7:0}s  loss {e.Loss:0.0000}  {e.SamplesPerSecond,8:N0} users/s  validation nDCG@10 {e.ValidationMetric:0.0000}{(e.Improved ? " *" : "")}"))));
        model.Fit(history);
        EvaluationResult result = RankingEvaluator.Evaluate(model, history, test, 10);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"test: nDCG@10 {result.Metrics[MetricNames.Ndcg(10)]:0.0000}  recall@10 {result.Metrics[MetricNames.Recall(10)]:0.0000}  ({watch.Elapsed.TotalMinutes:0.0} min, best epoch {model.Outcome!.BestEpoch})"));
    }

    private static TrainingOptions Apply(TrainingOptions options, string pair)
    {
        string[] kv = pair.Split('=', 2);
        string value = kv[1];
        int Int() => int.Parse(value, CultureInfo.InvariantCulture);
        return kv[0] switch
        {
            "epochs" => options with { Epochs = Int() },
            "patience" => options with { Patience = Int() },
            "blocks" => options with { Blocks = Int() },
            "dims" => options with { Dimensions = Int() },
            "negatives" => options with { SampledNegatives = Int() },
            "batch" => options with { BatchSize = Int() },
            "dropout" => options with { Dropout = double.Parse(value, CultureInfo.InvariantCulture) },
            "lr" => options with { LearningRate = float.Parse(value, CultureInfo.InvariantCulture) },
            "refit" => options with { RefitOnAllTraining = bool.Parse(value) },
            "seed" => options with { Seed = Int() },
            _ => throw new ArgumentException($"Unknown setting '{kv[0]}'."),
        };
    }
}
