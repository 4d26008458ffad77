using Microsoft.ML.OnnxRuntime;
using Recsys.Evaluation;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Serving.Runtime;
using Recsys.Training.Models;
using Recsys.Training.Onnx;
using Recsys.Training.Trainer;
using TorchSharp;
using Xunit;

namespace Recsys.Training.Tests;

public sealed class SasRecTests
{
    /// <summary>
    /// Every user walks the catalogue in order from a random start (i → i+1, wrapping): the next item is fully
    /// determined by the last one, which only an order-aware model can learn; the set of items is not enough.
    /// </summary>
    private static (InteractionMatrix Train, PreparedSplit Test) Walks()
    {
        const int items = 30;
        var random = new Random(4);
        var train = new List<(int User, int Item, long Time)>();
        var test = new List<(int User, int Item, long Time)>();
        for (int u = 1; u <= 120; u++)
        {
            int start = random.Next(items);
            int steps = 8;
            for (int t = 0; t <= steps; t++)
            {
                int item = 1 + ((start + t) % items);
                (t == steps ? test : train).Add((u, item, t));
            }
        }

        static PreparedSplit Split(List<(int User, int Item, long Time)> rows) =>
            new([.. rows.Select(r => r.User)], [.. rows.Select(r => r.Item)], [.. rows.Select(_ => 1f)], [.. rows.Select(r => r.Time)]);
        return (InteractionMatrix.FromSplit(Split(train), 121, items + 1), Split(test));
    }

    // Without the refit the weights come from a fit that lacked each user's latest item; the test item must
    // still be predicted from the whole history, or the model would predict that latest item again.
    [Theory]
    [InlineData(0, true)]
    [InlineData(8, true)]
    [InlineData(8, false)]
    public void Fit_OrderedWalks_PredictsTheNextItemFarBetterThanPopularity(int sampledNegatives, bool refit)
    {
        var (train, test) = Walks();
        var options = NeuralDefaults.For("sasrec") with
        {
            Epochs = 60, Dimensions = 16, SequenceLength = 10, Dropout = 0.1, LearningRate = 5e-3f, Patience = 60, PreferCuda = false,
            SampledNegatives = sampledNegatives, RefitOnAllTraining = refit,
        };
        var sasrec = new NeuralRecommender("sasrec", options);
        var pop = new PopularityRecommender();

        sasrec.Fit(train, TestContext.Current.CancellationToken);
        pop.Fit(train);

        double sequential = RankingEvaluator.Evaluate(sasrec, train, test, 1).Metrics["hr@1"];
        double popular = RankingEvaluator.Evaluate(pop, train, test, 1).Metrics["hr@1"];
        Assert.True(sequential > 0.8 && sequential > popular + 0.4, $"sasrec hr@1 {sequential:0.000}, pop hr@1 {popular:0.000}");
    }

    // Dropout masks come from the training seed: two fits in one process with one seed give the same scores,
    // which they did not while the masks came from the process-wide generator. Another seed gives others.
    [Fact]
    public void Fit_TwiceWithOneSeed_GivesTheSameScores_AndAnotherSeedDoesNot()
    {
        var (train, _) = Walks();
        float[] Scores(int seed)
        {
            var options = NeuralDefaults.For("sasrec") with
            {
                Epochs = 3, Dimensions = 16, SequenceLength = 10, Dropout = 0.5, Patience = 3, PreferCuda = false, Seed = seed,
                SampledNegatives = 8, RefitOnAllTraining = false,
            };
            using var sasrec = new NeuralRecommender("sasrec", options);
            sasrec.Fit(train, TestContext.Current.CancellationToken);
            float[] scores = new float[train.Items * 3];
            for (int u = 1; u <= 3; u++)
            {
                sasrec.Score(u, scores.AsSpan((u - 1) * train.Items, train.Items));
            }

            return scores;
        }

        float[] first = Scores(42);
        Assert.Equal(first, Scores(42));
        Assert.NotEqual(first, Scores(7));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    public void Export_MatchesTheTorchSharpForwardPassOnOnnxRuntime(int batch)
    {
        var shape = new SasRecShape(Dimensions: 16, MaxLength: 12, Blocks: 2, Heads: 2, Dropout: 0.1);
        using var model = new SasRec(40, shape, seed: 6);
        model.eval();
        var random = new Random(batch);
        long[] sequences = new long[batch * 12];
        for (int b = 0; b < batch; b++)
        {
            int used = b == 0 ? 0 : random.Next(1, 13); // the first row is all padding
            for (int t = 12 - used; t < 12; t++)
            {
                sequences[(b * 12) + t] = random.Next(1, 40);
            }
        }

        float[] expected;
        using (torch.no_grad())
        using (var scope = torch.NewDisposeScope())
        {
            torch.Tensor hidden = model.forward(torch.tensor(sequences, [batch, 12]));
            expected = hidden[.., -1, ..].matmul(model.ItemWeights.t()).contiguous().data<float>().ToArray();
        }

        using InferenceSession session = OnnxSessionFactory.Create(SasRecExporter.Export(model), ExecutionProvider.Cpu);
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(sequences, [batch, 12]);
        using var run = new RunOptions();
        using var outputs = session.Run(run, [SasRecExporter.SequenceInput], [input], [SasRecExporter.ScoreOutput]);
        float[] actual = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        Assert.Equal(batch * 40, actual.Length);
        float difference = expected.Zip(actual, (e, x) => Math.Abs(e - x)).Max();
        Assert.True(difference <= 1e-4f, $"max |torch - onnx| = {difference}");
    }

    [Fact]
    public void Forward_TrimmedPadding_GivesTheSameLastStateAsTheFullWindow()
    {
        using var model = new SasRec(40, new SasRecShape(Dimensions: 16, MaxLength: 12, Blocks: 2, Heads: 2, Dropout: 0.1), seed: 3);
        model.eval();
        long[] items = [7, 3, 19, 3, 25];
        long[] full = [.. new long[12 - items.Length], .. items];
        using var noGrad = torch.no_grad();
        using var scope = torch.NewDisposeScope();
        float[] padded = model.forward(torch.tensor(full, [1, 12]))[0, -1].data<float>().ToArray();
        float[] trimmed = model.forward(torch.tensor(items, [1, items.Length]))[0, -1].data<float>().ToArray();
        float[] halfPadded = model.forward(torch.tensor([0L, 0L, .. items], [1, items.Length + 2]))[0, -1].data<float>().ToArray();

        Assert.True(padded.Zip(trimmed, (a, b) => Math.Abs(a - b)).Max() <= 1e-5f);
        Assert.True(padded.Zip(halfPadded, (a, b) => Math.Abs(a - b)).Max() <= 1e-5f);
        // The last state depends on the items, so the comparison above is not between two constants.
        float[] other = model.forward(torch.tensor(new long[] { 7, 3, 19, 3, 26 }, [1, 5]))[0, -1].data<float>().ToArray();
        Assert.True(padded.Zip(other, (a, b) => Math.Abs(a - b)).Max() > 1e-3f);
    }

    [Fact]
    public void LengthBatches_HoldEverySequenceOnce_InBatchesOfSimilarWindows()
    {
        var random = new Random(9);
        int[][] sequences = [.. Enumerable.Range(0, 1000).Select(_ => new int[random.Next(2, 80)])];

        List<int[]> batches = SasRecTrainer.LengthBatches(sequences, length: 50, batchSize: 64, seed: 5);

        Assert.Equal(Enumerable.Range(0, 1000), batches.SelectMany(b => b).Order());
        Assert.All(batches, b => Assert.InRange(b.Length, 1, 64));
        int Window(int u) => Math.Min(sequences[u].Length - 1, 50);
        // Sorted by window before cutting: a batch's windows span a small range, not the whole 1..50.
        Assert.All(batches, b => Assert.True(b.Max(Window) - b.Min(Window) <= 10, $"windows {b.Min(Window)}..{b.Max(Window)}"));
        // The batch order is shuffled, not shortest first.
        Assert.NotEqual(batches.Select(b => b.Min(Window)), batches.Select(b => b.Min(Window)).Order());
    }

    [Fact]
    public void ItemsByTime_OrdersByTimestampNotByIndex()
    {
        var split = new PreparedSplit([1, 1, 1], [5, 2, 9], [1, 1, 1], [30, 10, 20]);

        Assert.Equal([2, 9, 5], InteractionMatrix.FromSplit(split, 2, 10).ItemsByTime(1));
    }

    [Fact]
    public void Latest_HoldsOutEachUsersNewestRow()
    {
        var split = new PreparedSplit([1, 1, 1, 2], [5, 2, 9, 4], [1, 1, 1, 1], [30, 10, 20, 5]);

        var (fit, validation) = ValidationCarve.Latest(split);

        Assert.Equal([5], validation.Items);
        Assert.Equal([2, 4, 9], fit.Items.Order());
    }
}
