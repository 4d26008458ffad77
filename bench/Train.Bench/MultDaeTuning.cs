using System.Globalization;
using Recsys.Evaluation;
using Recsys.Experiments;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Storage;
using Recsys.Training;
using Recsys.Training.Trainer;

namespace Recsys.Bench;

/// <summary>
/// Mult-DAE on the `recommenders` protocol, tuned honestly: every setting is fitted on 75 % of each user's
/// training items and scored on the other 25 % (the protocol's own ratio), the best validation nDCG@10 wins,
/// and only that setting is refit on all training items and evaluated once on test.
/// </summary>
internal static class MultDaeTuning
{
    private static readonly int[] Widths = [600, 1000];
    private static readonly double[] Dropouts = [0.5, 0.3];
    private static readonly float[] Decays = [0f, 1e-5f];

    public static async Task RunAsync(string dataset)
    {
        string folder = Path.Combine(Path.GetTempPath(), "recsys-bench-tune");
        await DatasetPreparer.PrepareAsync(Protocol.Recommenders.Apply(new PrepareOptions { Dataset = dataset }), new LocalPreparedOutput(folder));
        var spec = await PreparedDatasetReader.ReadSpecAsync(folder);
        PreparedSplit train = (await PreparedDatasetReader.ReadSplitAsync(folder, PreparedFiles.Train))!;
        PreparedSplit test = (await PreparedDatasetReader.ReadSplitAsync(folder, PreparedFiles.Test))!;
        var (fit, validation) = ValidationCarve.Carve(train, 0.25, 7);
        var fitMatrix = InteractionMatrix.FromSplit(fit, spec.Users.Size, spec.Items.Size);

        TrainingOptions defaults = NeuralDefaults.For("multdae");
        var grid =
            from dims in Widths
            from dropout in Dropouts
            from decay in Decays
            select defaults with { Dimensions = dims, Dropout = dropout, WeightDecay = decay, PreferCuda = false };
        (TrainingOptions Options, double Ndcg) best = (defaults, double.NegativeInfinity);
        foreach (TrainingOptions options in grid)
        {
            using var model = new NeuralRecommender("multdae", options);
            model.Fit(fitMatrix);
            double ndcg = RankingEvaluator.Evaluate(model, fitMatrix, validation, 10).Metrics[MetricNames.Ndcg(10)];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"  dims {options.Dimensions,5}  dropout {options.Dropout:0.0}  weight decay {options.WeightDecay:0e0}  validation nDCG@10 {ndcg:0.0000}  (best epoch {model.Outcome!.BestEpoch})"));
            if (ndcg > best.Ndcg)
            {
                best = (options, ndcg);
            }
        }

        var trainMatrix = InteractionMatrix.FromSplit(train, spec.Users.Size, spec.Items.Size);
        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var chosen = new NeuralRecommender("multdae", best.Options);
        chosen.Fit(trainMatrix);
        double seconds = watch.Elapsed.TotalSeconds;
        var metrics = RankingEvaluator.Evaluate(chosen, trainMatrix, test, 10).Metrics;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"chosen: dims {best.Options.Dimensions}, dropout {best.Options.Dropout}, weight decay {best.Options.WeightDecay}; final fit {seconds:0} s"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"test: MAP {metrics[MetricNames.Map]:0.0000}  nDCG@10 {metrics[MetricNames.Ndcg(10)]:0.0000}  P@10 {metrics[MetricNames.Precision(10)]:0.0000}  R@10 {metrics[MetricNames.Recall(10)]:0.0000}"));
        Console.WriteLine("published BiVAE: MAP 0.1461  nDCG@10 0.4751  P@10 0.4118  R@10 0.2191");
    }
}
