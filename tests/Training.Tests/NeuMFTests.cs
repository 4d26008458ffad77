using Recsys.Evaluation;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Training.Models;
using Recsys.Training.Onnx;
using Recsys.Training.Trainer;
using Xunit;
using static TorchSharp.torch;

namespace Recsys.Training.Tests;

public sealed class NeuMFTests
{
    private static InteractionMatrix Clustered() => ClusteredInteractions.Create(30, 20, 12, seed: 8);

    [Fact]
    public void Fit_Clusters_RanksTheUsersOwnClusterFirst()
    {
        InteractionMatrix data = Clustered();
        var options = NeuralDefaults.For("neumf") with { Epochs = 30, Dimensions = 16, LearningRate = 0.01f, Patience = 30, PreferCuda = false };
        using var neumf = new NeuralRecommender("neumf", options);

        neumf.Fit(data, TestContext.Current.CancellationToken);

        float[] scores = new float[41];
        neumf.Score(45, scores);
        foreach (int seen in data.ItemsOf(45))
        {
            scores[seen] = float.NegativeInfinity;
        }

        int[] top = new int[8];
        TopK.Select(scores, top, firstItem: 1);
        Assert.True(top.Count(i => i > 20) >= 7, $"top items {string.Join(",", top)}");
    }

    [Fact]
    public void Export_MatchesTheTorchSharpForwardPassOnOnnxRuntime()
    {
        using var model = new NeuMF(61, 41, 16, seed: 2);

        // Trained-size embeddings and non-zero biases, so the folded first layer (bias included) is really exercised.
        using (no_grad())
        {
            using var generator = new Generator(7, CPU);
            var (gmfUsers, gmfItems, mlpUsers, mlpItems) = model.Embeddings;
            foreach (Tensor table in new[] { gmfUsers, gmfItems, mlpUsers, mlpItems })
            {
                table.normal_(0, 0.5, generator);
            }

            foreach (var (_, parameter) in model.named_parameters().Where(p => p.name.EndsWith("bias", StringComparison.Ordinal)))
            {
                parameter.normal_(0, 0.3, generator);
            }
        }

        var outputs = PairParity.Run(model, NeuMFExporter.Export(model), 61, 41, pairs: 100);

        Assert.True(PairParity.MaxDifference(outputs) <= 1e-4f);
        Assert.True(outputs.Torch.Max() - outputs.Torch.Min() > 0.1f, "scores spread, not all near 0.5");
    }
}
