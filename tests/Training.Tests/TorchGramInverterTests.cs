using Recsys.Recommenders;
using Recsys.Testing;
using Recsys.Training.Models;
using Xunit;

namespace Recsys.Training.Tests;

/// <summary>EASE through libtorch's Cholesky inverse fits the same weights as through the managed Gauss-Jordan.</summary>
public sealed class TorchGramInverterTests
{
    [Fact]
    public void Fit_WithTheTorchInverter_ScoresAsTheManagedOneDoes()
    {
        InteractionMatrix fit = ClusteredInteractions.Create(40, 30, 10, seed: 8);
        var managed = new EaseRecommender(lambda: 20);
        var torch = new EaseRecommender(lambda: 20, inverter: TorchGramInverter.Instance);
        managed.Fit(fit, TestContext.Current.CancellationToken);
        torch.Fit(fit, TestContext.Current.CancellationToken);

        float[] expected = new float[fit.Items];
        float[] actual = new float[fit.Items];
        float largest = 0;
        foreach (int user in new[] { 1, 17, 40, 63 })
        {
            managed.Score(user, expected);
            torch.Score(user, actual);
            for (int item = 0; item < fit.Items; item++)
            {
                Assert.True(Math.Abs(expected[item] - actual[item]) <= 1e-4f, $"user {user}, item {item}: managed {expected[item]}, torch {actual[item]}");
                largest = Math.Max(largest, Math.Abs(expected[item] == float.MinValue ? 0 : expected[item]));
            }
        }

        Assert.True(largest > 0.05f, "the scores compared are not all near zero");
    }
}
