using Recsys.Features;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Training.Models;
using Recsys.Training.Onnx;
using Recsys.Training.Trainer;
using Xunit;
using static TorchSharp.torch;

namespace Recsys.Training.Tests;

/// <summary>DCN-v2 and the content two-tower: cold items scored from content, and ONNX parity.</summary>
public sealed class ContentModelTests
{
    internal const int PerCluster = 20;

    /// <summary>
    /// Items 1..20 are genre 0 with words 2..5, items 21..40 genre 1 with words 6..9. Each cluster's last four
    /// items never appear in training: they can only be placed by their content.
    /// </summary>
    private static ItemContent ClusteredContent()
    {
        const int items = (2 * PerCluster) + 1, width = 3;
        int[][] genres = new int[items][];
        int[] tokens = new int[items * width];
        genres[0] = [];
        var random = new Random(4);
        for (int i = 1; i < items; i++)
        {
            int cluster = i <= PerCluster ? 0 : 1;
            genres[i] = [cluster];
            for (int t = 0; t < 2; t++)
            {
                tokens[(i * width) + t] = 2 + (4 * cluster) + random.Next(4);
            }
        }

        return ItemContent.FromArrays(genres, 2, tokens, width, vocabulary: 10);
    }

    internal static bool IsCold(int item) => (item - 1) % PerCluster >= PerCluster - 4;

    /// <summary>Two clusters of 30 users and 20 items; each cluster's last four items never appear.</summary>
    internal static InteractionMatrix WarmOnly()
    {
        InteractionMatrix all = ClusteredInteractions.Create(30, PerCluster, 12, seed: 8);
        PreparedSplit rows = all.ToSplit();
        int[] keep = Enumerable.Range(0, rows.Count).Where(r => !IsCold(rows.Items[r])).ToArray();
        var warm = new PreparedSplit([.. keep.Select(r => rows.Users[r])], [.. keep.Select(r => rows.Items[r])], [.. keep.Select(r => rows.Labels[r])], new long[keep.Length]);
        return InteractionMatrix.FromSplit(warm, all.Users, all.Items);
    }

    [Theory]
    [InlineData("content")]
    [InlineData("dcn")]
    public void ItemsWithNoInteractions_AreRankedByTheirContent(string name)
    {
        InteractionMatrix data = WarmOnly();
        var options = NeuralDefaults.For(name) with { Epochs = 40, Dimensions = 16, LearningRate = 0.01f, Patience = 40, PreferCuda = false };
        using var model = new NeuralRecommender(name, options);
        model.UseContent(ClusteredContent());
        model.Fit(data, TestContext.Current.CancellationToken);

        AssertColdItemsRankedByContent(model, data.Items);
    }

    /// <summary>Nearly every user of the first cluster scores its cluster's cold items above the other cluster's.</summary>
    internal static void AssertColdItemsRankedByContent(IRecommender model, int items)
    {
        int[] ownCold = [.. Enumerable.Range(1, PerCluster).Where(IsCold)];
        int[] otherCold = [.. Enumerable.Range(PerCluster + 1, PerCluster).Where(IsCold)];
        float[] scores = new float[items];
        int correct = 0;
        for (int user = 1; user <= 30; user++)
        {
            model.Score(user, scores);
            correct += ownCold.Min(i => scores[i]) > otherCold.Max(i => scores[i]) ? 1 : 0;
        }

        Assert.True(correct >= 28, $"{correct} of 30 users ranked their own cluster's cold items first");
    }

    [Fact]
    public void DcnV2Export_MatchesTheTorchSharpForwardPassOnOnnxRuntime()
    {
        using var model = new DcnV2(61, 41, ClusteredContent(), 16, seed: 2);
        RandomizeAll(model);
        AssertParity(model, DcnV2Exporter.Export(model));
    }

    [Fact]
    public void ContentTwoTowerExport_MatchesTheTorchSharpForwardPassOnOnnxRuntime()
    {
        using var model = new ContentTwoTower(61, ClusteredContent(), 16, seed: 2);
        RandomizeAll(model);
        AssertParity(model, ContentTwoTowerExporter.Export(model));
    }

    /// <summary>Trained-sized weights everywhere (the initial ones are mostly zeros and near-zeros).</summary>
    internal static void RandomizeAll(nn.Module model)
    {
        using var noGrad = no_grad();
        using var generator = new Generator(11, CPU);
        foreach (var parameter in model.parameters())
        {
            parameter.copy_(randn(parameter.shape, generator: generator) * 0.3);
        }
    }

    internal static void AssertParity(nn.Module<Tensor, Tensor, Tensor> model, byte[] onnx)
    {
        var outputs = PairParity.Run(model, onnx, 61, 41);

        Assert.True(PairParity.MaxDifference(outputs) <= 1e-4f, $"max difference {PairParity.MaxDifference(outputs)}");
        Assert.True(outputs.Torch.Max() - outputs.Torch.Min() > 0.1f, "the outputs are too uniform for the comparison to mean anything");
    }
}
