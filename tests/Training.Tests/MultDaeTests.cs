using Microsoft.ML.OnnxRuntime;
using Recsys.Evaluation;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Serving.Runtime;
using Recsys.Training.Models;
using Recsys.Training.Onnx;
using Recsys.Training.Trainer;
using Xunit;
using static TorchSharp.torch;

namespace Recsys.Training.Tests;

public sealed class MultDaeTests
{
    private static InteractionMatrix Clustered() => ClusteredInteractions.Create(40, 30, 10, seed: 2);

    private static (ITrainedModel Model, InteractionMatrix Fit) Train()
    {
        InteractionMatrix data = Clustered();
        var (rows, validation) = ValidationCarve.Carve(data.ToSplit(), 0.2, 1);
        var fit = InteractionMatrix.FromSplit(rows, data.Users, data.Items);
        var options = new TrainingOptions { Epochs = 15, BatchSize = 32, LearningRate = 0.01f, Patience = 100, PreferCuda = false, Seed = 5 };
        return (NeuralModels.Fit("multdae", fit, validation, options, null, TestContext.Current.CancellationToken), fit);
    }

    private static float[] MultiHot(InteractionMatrix fit, int[] users)
    {
        float[] x = new float[users.Length * fit.Items];
        for (int b = 0; b < users.Length; b++)
        {
            foreach (int item in fit.ItemsOf(users[b]))
            {
                x[(b * fit.Items) + item] = 1;
            }
        }

        return x;
    }

    [Fact]
    public void Trained_RanksTheUsersOwnClusterFirst()
    {
        var (model, _) = Train();
        using (model)
        {
            float[] scores = new float[61];
            model.Scorer.Score(3, scores);
            int[] top = new int[10];
            TopK.Select(scores, top, firstItem: 1);
            Assert.True(top.Count(i => i <= 30) >= 9, $"top items {string.Join(",", top)}");
        }
    }

    [Fact]
    public void Export_MatchesTheManagedScorerOnOnnxRuntime()
    {
        var (model, fit) = Train();
        using (model)
        {
            int[] users = [1, 2, 41, 80];
            float[] x = MultiHot(fit, users);
            using InferenceSession session = OnnxSessionFactory.Create(model.ExportOnnx(), ExecutionProvider.Cpu);
            using OrtValue input = OrtValue.CreateTensorValueFromMemory(x, [users.Length, fit.Items]);
            using var run = new RunOptions();
            using var outputs = session.Run(run, [MultDaeExporter.HistoryInput], [input], [MultDaeExporter.ScoreOutput]);
            float[] onnx = outputs[0].GetTensorDataAsSpan<float>().ToArray();

            float[] managed = new float[fit.Items];
            for (int b = 0; b < users.Length; b++)
            {
                model.Scorer.Score(users[b], managed);
                float difference = managed.Select((v, i) => Math.Abs(v - onnx[(b * fit.Items) + i])).Max();
                Assert.True(difference <= 1e-4f, $"user {users[b]}: max |managed - onnx| = {difference}");
            }
        }
    }

    [Fact]
    public void ManagedScorer_MatchesTheTorchSharpForwardPass()
    {
        InteractionMatrix data = Clustered();
        using var module = new MultDae(data.Items, 16, dropout: 0.5, seed: 4);
        module.eval();
        int[] users = [5, 60];
        float[] expected;
        using (no_grad())
        using (Tensor logits = module.forward(tensor(MultiHot(data, users), [users.Length, data.Items])))
        {
            expected = logits.data<float>().ToArray();
        }

        MultDaeScorer scorer = MultDaeScorer.From("check", module, data);
        float[] scores = new float[data.Items];
        for (int b = 0; b < users.Length; b++)
        {
            scorer.Score(users[b], scores);
            Assert.True(scores.Select((v, i) => Math.Abs(v - expected[(b * data.Items) + i])).Max() <= 1e-4f);
        }
    }
}
