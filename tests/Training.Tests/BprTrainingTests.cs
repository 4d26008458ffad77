using Microsoft.ML.OnnxRuntime;
using Recsys.Evaluation;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Serving.Runtime;
using Recsys.Storage;
using Recsys.Testing;
using Recsys.Training.Models;
using Recsys.Training.Onnx;
using Recsys.Training.Trainer;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace Recsys.Training.Tests;

public sealed class BprTrainingTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private static InteractionMatrix Clustered(int seed = 1) => ClusteredInteractions.Create(30, 20, 12, seed);

    private static TrainingOptions Small(string? checkpoints = null, int epochs = 6, bool resume = false) => new()
    {
        Epochs = epochs, BatchSize = 64, Dimensions = 8, LearningRate = 0.05f, Patience = 100, Seed = 3,
        CheckpointFolder = checkpoints, Resume = resume, PreferCuda = false,
    };

    private static float[] Weights(MatrixFactorization model) => model.ItemWeights.detach().data<float>().ToArray();

    private static (MatrixFactorization Model, TrainingOutcome Outcome) Train(InteractionMatrix data, TrainingOptions options)
    {
        var model = new MatrixFactorization(data.Users, data.Items, options.Dimensions, options.Seed);
        var (fit, validation) = ValidationCarve.Carve(data.ToSplit(), 0.2, 1);
        TrainingOutcome outcome = PairwiseTrainer.Train(model, data.CarryNegativesTo(InteractionMatrix.FromSplit(fit, data.Users, data.Items)), validation, options, gradedShare: 0, null, TestContext.Current.CancellationToken);
        return (model, outcome);
    }

    [Fact]
    public void ExplicitNegatives_AreDrawnAQuarterOfTheTime_AndNeverAnItemTheUserHas()
    {
        InteractionMatrix data = Clustered();
        int user = 1, own = data.ItemsOf(user)[0];
        int[] shown = [.. Enumerable.Range(1, 20).Where(i => data.ItemsOf(user).BinarySearch(i) < 0).Take(2)];
        InteractionMatrix withNegatives = data.WithNegatives(new PreparedSplit([user, user, user], [shown[0], shown[1], own], [0f, 0f, 0f], new long[3]));
        var sampler = new NegativeSampler(withNegatives, seed: 3, epoch: 0);

        int[] drawn = [.. Enumerable.Range(0, 10_000).Select(_ => sampler.Next(user))];

        // A quarter of the draws pick one of the three shown items (one the user has, redrawn uniformly): 1/4 × 2/3,
        // plus the uniform draws' 2 in 28 unseen items, about 0.226.
        double share = drawn.Count(shown.Contains) / (double)drawn.Length;
        Assert.InRange(share, 0.19, 0.27);
        Assert.DoesNotContain(drawn, i => data.ItemsOf(user).BinarySearch(i) >= 0);
        Assert.Empty(data.NegativesOf(user).ToArray());
    }

    [Fact]
    public void Fit_WithExplicitNegatives_RanksWhatUsersSkippedBelowTheirOtherUnseenItems()
    {
        // Cluster 1 users were shown items 1–5 of their own group and clicked none of those they do not have.
        InteractionMatrix data = Clustered();
        var skipped = new List<(int User, int Item)>();
        for (int u = 1; u <= 30; u++)
        {
            skipped.AddRange(Enumerable.Range(1, 5).Where(i => data.ItemsOf(u).BinarySearch(i) < 0).Select(i => (u, i)));
        }

        var negatives = new PreparedSplit([.. skipped.Select(s => s.User)], [.. skipped.Select(s => s.Item)], new float[skipped.Count], new long[skipped.Count]);
        double Gap(InteractionMatrix train)
        {
            var (model, _) = Train(train, Small(epochs: 10));
            using (model)
            {
                float[] users = model.UserWeights.detach().data<float>().ToArray(), items = Weights(model), bias = model.ItemBias.detach().data<float>().ToArray();
                double Score(int u, int i) => Enumerable.Range(0, 8).Sum(d => users[(u * 8) + d] * items[(i * 8) + d]) + bias[i];
                // Per user: mean score of the skipped items minus that of their other unseen own-group items.
                return Enumerable.Range(1, 30).Average(u =>
                {
                    int[] unseen = [.. Enumerable.Range(1, 20).Where(i => data.ItemsOf(u).BinarySearch(i) < 0)];
                    return unseen.Where(i => i <= 5).DefaultIfEmpty().Average(i => i == 0 ? 0 : Score(u, i)) - unseen.Where(i => i > 5).Average(i => Score(u, i));
                });
            }
        }

        double without = Gap(data), with = Gap(data.WithNegatives(negatives));

        Assert.True(with < without - 0.5, $"skipped minus other unseen: {with:0.000} with the negatives, {without:0.000} without");
    }

    [Fact]
    public async Task Fit_OnMovieLens100K_BeatsPopularity()
    {
        string folder = _temp.Combine("prepared");
        await DatasetPreparer.PrepareAsync(new PrepareOptions { Dataset = TestData.MovieLens100K }, new LocalPreparedOutput(folder));
        var spec = await PreparedDatasetReader.ReadSpecAsync(folder);
        var train = InteractionMatrix.FromSplit((await PreparedDatasetReader.ReadSplitAsync(folder, PreparedFiles.Train))!, spec.Users.Size, spec.Items.Size);
        var test = (await PreparedDatasetReader.ReadSplitAsync(folder, PreparedFiles.Test))!;
        var bpr = new NeuralRecommender("bpr", new TrainingOptions { Epochs = 8, PreferCuda = false });
        var pop = new PopularityRecommender();

        bpr.Fit(train, TestContext.Current.CancellationToken);
        pop.Fit(train);

        double bprNdcg = RankingEvaluator.Evaluate(bpr, train, test, 10).Metrics["ndcg@10"];
        double popNdcg = RankingEvaluator.Evaluate(pop, train, test, 10).Metrics["ndcg@10"];
        Assert.True(bprNdcg > popNdcg + 0.05, $"bpr {bprNdcg:0.0000}, pop {popNdcg:0.0000}");
        Assert.True(bpr.Outcome!.BestValidationMetric > 0);
    }

    [Fact]
    public void Export_TrainedModel_MatchesTheTorchSharpForwardPassOnOnnxRuntime()
    {
        var (model, _) = Train(Clustered(), Small(epochs: 3));
        using (model)
        {
            var rng = new Random(9);
            long[] users = [0, .. Enumerable.Range(0, 499).Select(_ => (long)rng.Next(61))];
            long[] items = [0, .. Enumerable.Range(0, 499).Select(_ => (long)rng.Next(41))];
            float[] expected;
            using (no_grad())
            using (Tensor scores = model.forward(tensor(users), tensor(items)))
            {
                expected = scores.data<float>().ToArray();
            }

            using InferenceSession session = OnnxSessionFactory.Create(MatrixFactorizationExporter.Export(model), ExecutionProvider.Cpu);
            using OrtValue user = OrtValue.CreateTensorValueFromMemory(users, [users.Length]);
            using OrtValue item = OrtValue.CreateTensorValueFromMemory(items, [items.Length]);
            using var run = new RunOptions();
            using var outputs = session.Run(run, ["user", "item"], [user, item], ["score"]);
            float[] actual = outputs[0].GetTensorDataAsSpan<float>().ToArray();

            Assert.True(expected.Zip(actual, (e, a) => Math.Abs(e - a)).Max() <= 1e-4f);
        }
    }

    [Fact]
    public void Resume_FromAMidRunCheckpoint_EndsWhereAnUninterruptedRunEnds()
    {
        InteractionMatrix data = Clustered();
        var (straight, _) = Train(data, Small(_temp.Combine("a"), epochs: 5));
        Train(data, Small(_temp.Combine("b"), epochs: 2)).Model.Dispose();

        var (resumed, outcome) = Train(data, Small(_temp.Combine("b"), epochs: 5, resume: true));

        Assert.True(outcome.Resumed);
        Assert.Equal(3, outcome.EpochsRun);
        float[] a = Weights(straight);
        float[] b = Weights(resumed);
        Assert.True(a.Zip(b, (x, y) => Math.Abs(x - y)).Max() <= 1e-6f, "resumed weights differ from the uninterrupted run");
        straight.Dispose();
        resumed.Dispose();
    }

    [Fact]
    public void Resume_CorruptCheckpoint_FailsWithAClearReasonAndLeavesTheFileAlone()
    {
        InteractionMatrix data = Clustered();
        string folder = _temp.Combine("corrupt");
        Train(data, Small(folder, epochs: 1)).Model.Dispose();
        string path = Path.Combine(folder, "checkpoint.bin");
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var error = Assert.Throws<InvalidDataException>(() => Train(data, Small(folder, epochs: 3, resume: true)));

        Assert.Contains("is corrupt or incomplete", error.Message, StringComparison.Ordinal);
        Assert.Equal(bytes.Length / 2, new FileInfo(path).Length);
    }

    [Fact]
    public void Train_ManySteps_LeavesNoLiveTensorsBehind()
    {
        InteractionMatrix data = Clustered();
        Train(data, Small(epochs: 1)).Model.Dispose();
        long before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;

        Train(data, Small(epochs: 8)).Model.Dispose();

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void Train_SameSeedTwice_GivesTheSameWeights()
    {
        InteractionMatrix data = Clustered();
        var (first, _) = Train(data, Small(epochs: 3));
        var (second, _) = Train(data, Small(epochs: 3));

        Assert.Equal(Weights(first), Weights(second));
        first.Dispose();
        second.Dispose();
    }

    [Fact]
    public void Train_WithoutValidation_RunsEveryEpochAndKeepsTheLastWeights()
    {
        InteractionMatrix data = Clustered();
        using var model = new MatrixFactorization(data.Users, data.Items, 8, seed: 3);

        TrainingOutcome outcome = PairwiseTrainer.Train(model, data, validation: null, Small(epochs: 3), gradedShare: 0, null, TestContext.Current.CancellationToken);

        Assert.Equal((3, 3, false), (outcome.EpochsRun, outcome.BestEpoch, outcome.StoppedEarly));
        using var fresh = new MatrixFactorization(data.Users, data.Items, 8, seed: 3);
        Assert.NotEqual(Weights(fresh), Weights(model));
    }

    public void Dispose() => _temp.Dispose();
}
