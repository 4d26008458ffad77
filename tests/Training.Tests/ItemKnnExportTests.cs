using Recsys.Recommenders;
using Recsys.Testing;
using Recsys.Training.Onnx;
using Xunit;

namespace Recsys.Training.Tests;

/// <summary>Item-kNN exported to ONNX scores as the managed baseline does, so it can be served.</summary>
public sealed class ItemKnnExportTests
{
    [Fact]
    public void Export_MatchesTheManagedScorer_ForEveryItem()
    {
        InteractionMatrix fit = ClusteredInteractions.Create(40, 30, 10, seed: 5);
        // Few neighbours, so most item pairs get nothing and lists of different lengths are padded.
        var knn = new ItemKnnRecommender(neighbours: 4, shrink: 2);
        knn.Fit(fit, TestContext.Current.CancellationToken);
        int[] users = [1, 9, 40, 77];

        float[] onnx = EaseExportTests.Score(ItemKnnExporter.Export(knn, fit.Items), fit, users);

        float[] managed = new float[fit.Items];
        int reached = 0;
        for (int b = 0; b < users.Length; b++)
        {
            knn.Score(users[b], managed);
            for (int item = 0; item < fit.Items; item++)
            {
                float exported = onnx[(b * fit.Items) + item];
                Assert.True(Math.Abs(managed[item] - exported) <= 1e-5f, $"user {users[b]}, item {item}: managed {managed[item]}, onnx {exported}");
                reached += managed[item] > 0 ? 1 : 0;
            }
        }

        // Some items get a score and some do not: both the sums and the zeros are compared.
        Assert.InRange(reached, 10, (users.Length * fit.Items) - 10);
    }
}
