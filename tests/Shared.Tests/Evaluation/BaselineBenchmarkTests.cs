using Recsys.Evaluation;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Storage;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Evaluation;

/// <summary>The classical baselines on MovieLens 100K under the Microsoft Recommenders protocol.</summary>
public sealed class BaselineBenchmarkTests : IAsyncLifetime
{
    // Published SAR row of the Microsoft Recommenders ML-100k benchmark (MAP, nDCG@10, P@10, R@10).
    private const double SarMap = 0.1106;
    private const double SarNdcg = 0.3825;
    private const double SarPrecision = 0.3308;
    private const double SarRecall = 0.1764;

    private readonly TempFolder _temp = new();
    private InteractionMatrix _train = null!;
    private PreparedSplit _test = null!;

    public async ValueTask InitializeAsync()
    {
        string folder = _temp.Combine("prepared");
        await DatasetPreparer.PrepareAsync(
            new PrepareOptions { Dataset = TestData.MovieLens100K, Split = SplitMethod.Stratified, Ratios = [0.75, 0.25], Seed = 42 },
            new LocalPreparedOutput(folder));
        var spec = await PreparedDatasetReader.ReadSpecAsync(folder);
        _train = InteractionMatrix.FromSplit((await PreparedDatasetReader.ReadSplitAsync(folder, PreparedFiles.Train))!, spec.Users.Size, spec.Items.Size);
        _test = (await PreparedDatasetReader.ReadSplitAsync(folder, PreparedFiles.Test))!;
    }

    private EvaluationResult Run(IRecommender model)
    {
        model.Fit(_train, TestContext.Current.CancellationToken);
        return RankingEvaluator.Evaluate(model, _train, _test, 10, cancellationToken: TestContext.Current.CancellationToken);
    }

    [Fact]
    public void Ease_OnMovieLens100K_BeatsThePublishedSarRowOnAllFourMetrics()
    {
        EvaluationResult ease = Run(new EaseRecommender());

        Assert.Equal(943, ease.Users.Length);
        Assert.True(ease.Metrics["map"] > SarMap, $"MAP {ease.Metrics["map"]:0.0000}");
        Assert.True(ease.Metrics["ndcg@10"] > SarNdcg, $"nDCG@10 {ease.Metrics["ndcg@10"]:0.0000}");
        Assert.True(ease.Metrics["precision@10"] > SarPrecision, $"P@10 {ease.Metrics["precision@10"]:0.0000}");
        Assert.True(ease.Metrics["recall@10"] > SarRecall, $"R@10 {ease.Metrics["recall@10"]:0.0000}");
    }

    [Fact]
    public void Baselines_OnMovieLens100K_RankInTheExpectedOrder()
    {
        double random = Run(new RandomRecommender()).Metrics["ndcg@10"];
        double pop = Run(new PopularityRecommender()).Metrics["ndcg@10"];
        double knn = Run(new ItemKnnRecommender()).Metrics["ndcg@10"];
        double ease = Run(new EaseRecommender()).Metrics["ndcg@10"];

        Assert.True(random < 0.05, $"random {random}");
        Assert.True(random < pop && pop < knn && knn < ease, $"random {random}, pop {pop}, itemknn {knn}, ease {ease}");
    }

    [Fact]
    public void Random_SameSeedTwice_GivesTheSameLists()
    {
        var first = Run(new RandomRecommender(7)).Lists!;
        var second = Run(new RandomRecommender(7)).Lists!;

        Assert.Equal(first[0].ToArray(), second[0].ToArray());
        Assert.NotEqual(first[0].ToArray(), Run(new RandomRecommender(8)).Lists![0].ToArray());
    }

    [Fact]
    public void Popularity_RecommendsTheMostPopularUnseenItems()
    {
        var pop = new PopularityRecommender();
        pop.Fit(_train);
        float[] scores = new float[_train.Items];
        pop.Score(1, scores);

        int mostPopular = Enumerable.Range(1, _train.Items - 1).MaxBy(i => _train.UsersPerItem[i]);
        Assert.Equal(_train.UsersPerItem[mostPopular], scores[mostPopular]);
    }

    public ValueTask DisposeAsync()
    {
        _temp.Dispose();
        return ValueTask.CompletedTask;
    }
}
