using Recsys.Data;
using Recsys.Experiments;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Serving.Ranking;
using Xunit;

namespace Recsys.Shared.Tests.Experiments;

public sealed class FusionRecommenderTests
{
    // 80 users with 10 items each, skewed towards low item indices so popularity and neighbours differ.
    private static InteractionMatrix Interactions()
    {
        var random = new Random(3);
        var users = new List<int>();
        var items = new List<int>();
        for (int u = 1; u <= 80; u++)
        {
            foreach (int item in Enumerable.Range(0, 1000).Select(_ => 1 + (int)(49 * Math.Pow(random.NextDouble(), 2))).Distinct().Take(10))
            {
                users.Add(u);
                items.Add(item);
            }
        }

        var split = new PreparedSplit([.. users], [.. items], [.. users.Select(_ => 1f)], new long[users.Count]);
        return InteractionMatrix.FromSplit(split, 81, 51);
    }

    // The best `count` items the user has not seen, by score.
    private static int[] Top(IRecommender model, InteractionMatrix train, int user, int count)
    {
        float[] scores = new float[train.Items];
        model.Score(user, scores);
        var seen = train.ItemsOf(user).ToArray().ToHashSet();
        return [.. Enumerable.Range(1, train.Items - 1).Where(i => !seen.Contains(i)).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(count)];
    }

    private static FusionProfile Profile(FusionMethod method, params string[] models) =>
        new() { Method = method, Models = [.. models.Select(m => new FusionMember(m))], CascadeCut = 15 };

    [Fact]
    public void Weighted_AModelWithItself_RanksAsThatModelDoes()
    {
        InteractionMatrix train = Interactions();
        var knn = new ItemKnnRecommender(neighbours: 20);
        var fusion = new FusionRecommender("twice", Profile(FusionMethod.Weighted, "itemknn", "itemknn"), [new ItemKnnRecommender(neighbours: 20), new ItemKnnRecommender(neighbours: 20)]);
        knn.Fit(train, TestContext.Current.CancellationToken);
        fusion.Fit(train, TestContext.Current.CancellationToken);

        foreach (int user in new[] { 1, 30, 80 })
        {
            Assert.Equal(Top(knn, train, user, 10), Top(fusion, train, user, 10));
        }
    }

    [Fact]
    public void Cascade_OrdersTheFirstModelsBestByTheSecondModel()
    {
        InteractionMatrix train = Interactions();
        var pop = new PopularityRecommender();
        var knn = new ItemKnnRecommender(neighbours: 20);
        pop.Fit(train, TestContext.Current.CancellationToken);
        knn.Fit(train, TestContext.Current.CancellationToken);
        var fusion = new FusionRecommender("cascade", Profile(FusionMethod.Cascade, "pop", "itemknn"), [new PopularityRecommender(), new ItemKnnRecommender(neighbours: 20)]);
        fusion.Fit(train, TestContext.Current.CancellationToken);

        int user = 7;
        int[] cut = Top(pop, train, user, 15);
        int[] fused = Top(fusion, train, user, 15);
        float[] second = new float[train.Items];
        knn.Score(user, second);

        // The same 15 items (seen ones take no place in the cut), now in item-kNN's order, not popularity's.
        Assert.Equal(cut.Order(), fused.Order());
        Assert.Equal([.. cut.OrderByDescending(i => second[i]).ThenBy(i => i)], fused);
        Assert.NotEqual(cut, fused);
        // Everything outside the cut comes after it, in popularity's order.
        Assert.Equal(Top(pop, train, user, 25)[15..], Top(fusion, train, user, 25)[15..]);
    }

    [Fact]
    public void Describe_ASplitProfileOrAnUnknownMember_IsRefused()
    {
        ModelCatalog catalog = ModelCatalog.WithBaselines();

        Assert.Contains("is a split", Assert.Throws<DatasetException>(() => FusionRecommender.Describe("ab", Profile(FusionMethod.Split, "pop", "ease"), catalog)).Message);
        Assert.Contains("Unknown model 'gpt'", Assert.Throws<DatasetException>(() => FusionRecommender.Describe("x", Profile(FusionMethod.Borda, "pop", "gpt"), catalog)).Message);
        ModelDescriptor described = FusionRecommender.Describe("pair", Profile(FusionMethod.ReciprocalRank, "pop", "ease"), catalog);
        Assert.Equal("pair", described.Name);
        Assert.Equal("pair", described.Create().Name);
    }

    [Fact]
    public void Search_TriesEachWeightingOnce_AndKeepsTheOneTheScoreFavours()
    {
        InteractionMatrix train = Interactions();
        ModelDescriptor described = FusionRecommender.Describe("mix", Profile(FusionMethod.ReciprocalRank, "random", "itemknn"), ModelCatalog.WithBaselines());
        var knn = new ItemKnnRecommender();
        knn.Fit(train, TestContext.Current.CancellationToken);
        int[] users = [1, 20, 40, 60, 80];
        // A stand-in for validation nDCG that item-kNN wins by construction: overlap with its own top 10.
        double Agreement(IRecommender fitted) => users.Average(u => Top(fitted, train, u, 10).Intersect(Top(knn, train, u, 10)).Count());

        SettingSearch found = described.Search!(train, Agreement, TestContext.Current.CancellationToken);

        // 1–4 for each of two members: 16 weightings, 11 distinct proportions, the profile's own (1:1) first.
        Assert.Equal(11, found.Trials.Count);
        Assert.Equal("random×1 itemknn×1", found.Trials.Keys.First());
        Assert.Equal("random×1 itemknn×4", found.Best.Label);
        Assert.True(found.Trials["random×1 itemknn×4"] > found.Trials["random×4 itemknn×1"]);
        // The chosen setting makes a fresh fusion with those weights, which fits and ranks like the search's.
        using var chosen = (FusionRecommender)found.Best.Create();
        chosen.Fit(train, TestContext.Current.CancellationToken);
        Assert.Equal(found.Trials[found.Best.Label], Agreement(chosen), 9);
    }

    [Fact]
    public void Search_IsOfferedForWeightsOnly()
    {
        ModelCatalog catalog = ModelCatalog.WithBaselines();

        Assert.Null(FusionRecommender.Describe("c", Profile(FusionMethod.Cascade, "pop", "itemknn"), catalog).Search);
        Assert.True(FusionRecommender.Describe("w", Profile(FusionMethod.Weighted, "pop", "itemknn", "ease"), catalog).IsTunable);
    }
}
