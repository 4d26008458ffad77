using Microsoft.ML.OnnxRuntime;
using Recsys.Models;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Serving.Runtime;
using Recsys.Testing;
using Recsys.Training.Models;
using Recsys.Training.Onnx;
using Recsys.Training.Trainer;
using Xunit;

namespace Recsys.Training.Tests;

/// <summary>EASE exported to ONNX scores as the managed baseline does, so the best baseline can be served.</summary>
public sealed class EaseExportTests : IDisposable
{
    private readonly TempFolder _temp = new();

    internal static float[] Score(byte[] onnx, InteractionMatrix fit, int[] users)
    {
        float[] x = new float[users.Length * fit.Items];
        for (int b = 0; b < users.Length; b++)
        {
            foreach (int item in fit.ItemsOf(users[b]))
            {
                x[(b * fit.Items) + item] = 1;
            }
        }

        using InferenceSession session = OnnxSessionFactory.Create(onnx, ExecutionProvider.Cpu);
        using OrtValue input = OrtValue.CreateTensorValueFromMemory(x, [users.Length, fit.Items]);
        using var run = new RunOptions();
        using var outputs = session.Run(run, [MultDaeExporter.HistoryInput], [input], [MultDaeExporter.ScoreOutput]);
        return outputs[0].GetTensorDataAsSpan<float>().ToArray();
    }

    [Fact]
    public void Export_MatchesTheManagedScorer_AndItemsOutsideItsSetScoreLowest()
    {
        InteractionMatrix fit = ClusteredInteractions.Create(40, 30, 10, seed: 3);
        // 25 of the 60 items take part, so the graph's scatter and floor are exercised as well as its product.
        var ease = new EaseRecommender(lambda: 50, maxItems: 25);
        ease.Fit(fit, TestContext.Current.CancellationToken);
        int[] users = [1, 2, 41, 80];

        float[] onnx = Score(EaseExporter.Export(ease, fit.Items), fit, users);

        float[] managed = new float[fit.Items];
        int outside = 0;
        for (int b = 0; b < users.Length; b++)
        {
            ease.Score(users[b], managed);
            for (int item = 0; item < fit.Items; item++)
            {
                float exported = onnx[(b * fit.Items) + item];
                if (managed[item] == float.MinValue)
                {
                    Assert.Equal(EaseExporter.Floor, exported);
                    outside++;
                }
                else
                {
                    Assert.True(Math.Abs(managed[item] - exported) <= 1e-4f, $"user {users[b]}, item {item}: managed {managed[item]}, onnx {exported}");
                }
            }
        }

        Assert.Equal(users.Length * (fit.Items - 25), outside);
    }

    [Fact]
    public async Task Train_Ease_WritesAServablePackage_WithoutEmbeddingsOrCheckpoints()
    {
        TrainResult result = await TrainingRun.TrainAsync(new TrainRequest
        {
            Dataset = new PrepareOptions { Dataset = TestData.MovieLens100K },
            Model = "ease",
            Output = _temp.Path,
            Training = new TrainingOptions { PreferCuda = false },
        }, cancellationToken: TestContext.Current.CancellationToken);

        ModelManifest manifest = result.Manifest;
        Assert.Equal(("ease", "ease"), (manifest.Architecture, manifest.TrainedAs));
        Assert.Null(manifest.ItemEmbeddings);
        // The outcome's validation score is the exported model's, as for the trained models.
        Assert.Equal(manifest.Metrics["ndcg@10"], result.Outcome.BestValidationMetric, 1e-9);
        Assert.True(manifest.Metrics["ndcg@10"] > 0.1, $"validation nDCG@10 {manifest.Metrics["ndcg@10"]}");
        Assert.Equal(1, result.Outcome.EpochsRun);
        Assert.False(Directory.Exists(_temp.Combine(TrainingRun.CheckpointsFolder)));
        using var session = new InferenceSession(_temp.Combine(ModelManifest.ModelFile));
        Assert.Equal([MultDaeExporter.HistoryInput], session.InputMetadata.Keys);
        Assert.Equal(new[] { -1L, manifest.Features.Items.Size }, session.OutputMetadata[MultDaeExporter.ScoreOutput].Dimensions.Select(d => (long)d));
    }

    public void Dispose() => _temp.Dispose();
}
