using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Training.Models;
using Recsys.Training.Trainer;
using Xunit;

namespace Recsys.Training.Tests;

public sealed class RankNetTests
{
    /// <summary>
    /// 2 clusters × 30 users; each user rates 12 items of their cluster's 20, and an item's grade is fixed by the
    /// item: even items get 5, odd items 1. Whether an item was rated says nothing about its grade.
    /// </summary>
    private static InteractionMatrix Graded()
    {
        var random = new Random(5);
        var users = new List<int>();
        var items = new List<int>();
        var labels = new List<float>();
        for (int user = 1; user <= 60; user++)
        {
            int cluster = user % 2;
            foreach (int item in Enumerable.Range(1 + (cluster * 20), 20).OrderBy(_ => random.Next()).Take(12))
            {
                users.Add(user);
                items.Add(item);
                labels.Add(item % 2 == 0 ? 5 : 1);
            }
        }

        var split = new PreparedSplit([.. users], [.. items], [.. labels], new long[users.Count]);
        return InteractionMatrix.FromSplit(split, 61, 41);
    }

    private static readonly TrainingOptions Options = new()
    {
        Epochs = 30, BatchSize = 64, Dimensions = 8, LearningRate = 0.05f, Patience = 100, Seed = 3, PreferCuda = false,
    };

    /// <summary>Among each user's rated items, the share of (5, 1) pairs the model orders correctly.</summary>
    private static double GradedPairAccuracy(NeuralRecommender model, InteractionMatrix data)
    {
        long correct = 0, total = 0;
        float[] scores = new float[data.Items];
        for (int user = 1; user < data.Users; user++)
        {
            model.Score(user, scores);
            ReadOnlySpan<int> items = data.ItemsOf(user);
            ReadOnlySpan<float> grades = data.ValuesOf(user);
            for (int a = 0; a < items.Length; a++)
            {
                for (int b = 0; b < items.Length; b++)
                {
                    if (grades[a] > grades[b])
                    {
                        total++;
                        correct += scores[items[a]] > scores[items[b]] ? 1 : 0;
                    }
                }
            }
        }

        return correct / (double)total;
    }

    [Fact]
    public void RankNet_OnGradedPairs_OrdersFivesAboveOnes_WhereBprCannotTell()
    {
        InteractionMatrix data = Graded();
        using var ranknet = new NeuralRecommender("ranknet", Options);
        using var bpr = new NeuralRecommender("bpr", Options);

        ranknet.Fit(data, TestContext.Current.CancellationToken);
        bpr.Fit(data, TestContext.Current.CancellationToken);

        double ranknetAccuracy = GradedPairAccuracy(ranknet, data);
        double bprAccuracy = GradedPairAccuracy(bpr, data);
        Assert.True(ranknetAccuracy > 0.85, $"ranknet {ranknetAccuracy:0.000}");
        Assert.True(bprAccuracy < 0.7, $"bpr {bprAccuracy:0.000}");
    }

    [Fact]
    public void RankNetLoss_MatchesTheCrossEntropyByHand()
    {
        using var first = TorchSharp.torch.tensor(new float[] { 2f, 0f, 1f });
        using var second = TorchSharp.torch.tensor(new float[] { 0f, 0f, 3f });
        using var target = TorchSharp.torch.tensor(new float[] { 1f, 0.5f, 0f });

        float loss = PairwiseLoss.RankNet(first, second, target).item<float>();

        // −[log σ(2)] , −[½ log σ(0) + ½ log σ(0)] = log 2, −[log σ(2)]  (third: target 0 on a difference of −2)
        double expected = (Math.Log(1 + Math.Exp(-2)) + Math.Log(2) + Math.Log(1 + Math.Exp(-2))) / 3;
        Assert.Equal(expected, loss, 5);

        // With every target 1 it is the BPR loss.
        using var ones = TorchSharp.torch.ones(3);
        float bpr = (-TorchSharp.torch.nn.functional.logsigmoid(first - second).mean()).item<float>();
        Assert.Equal(bpr, PairwiseLoss.RankNet(first, second, ones).item<float>(), 5);
    }
}
