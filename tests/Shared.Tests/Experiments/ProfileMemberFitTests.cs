using Recsys.Experiments;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Serving.Ranking;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Experiments;

/// <summary>A fusion profile in an experiment scores from its members' own fits, not from fits of its own.</summary>
public sealed class ProfileMemberFitTests : IDisposable
{
    private readonly TempFolder _temp = new();

    // Popularity that counts its fits, and the disposals of fitted instances.
    private sealed class Counted(Counts counts) : IRecommender, IDisposable
    {
        private readonly PopularityRecommender _inner = new();
        private bool _fitted;

        public string Name => "counted";

        public void Fit(InteractionMatrix train, CancellationToken cancellationToken = default)
        {
            counts.Fits++;
            _fitted = true;
            _inner.Fit(train, cancellationToken);
        }

        public void Score(int user, Span<float> scores) => _inner.Score(user, scores);

        public void Dispose() => counts.Disposals += _fitted ? 1 : 0;
    }

    private sealed class Counts
    {
        public int Fits { get; set; }

        public int Disposals { get; set; }
    }

    private static ModelCatalog Catalog(Counts counts, bool tunable) => ModelCatalog.WithBaselines()
        .Add(new ModelDescriptor("counted", "Popularity, counted.", () => new Counted(counts))
        {
            Grid = tunable ? [new ModelSetting("only", () => new Counted(counts))] : [],
        });

    private async Task<ExperimentResult> RunAsync(ModelCatalog catalog, string models, bool tune, string folder)
    {
        var profile = new FusionProfile { Method = FusionMethod.ReciprocalRank, Models = [new FusionMember("counted"), new FusionMember("itemknn")] };
        return await ExperimentRunner.RunAsync(new ExperimentOptions
        {
            Dataset = new PrepareOptions { Dataset = TestData.MovieLens100K },
            Protocol = Protocol.Recommenders,
            Models = [.. catalog.Resolve(models), FusionRecommender.Describe("mix", profile, catalog)],
            Output = _temp.Combine(folder),
            Tune = tune,
        }, cancellationToken: TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task AMemberEvaluatedWithItsDefaults_IsLentToTheProfile_WhichRanksAsWithAFitOfItsOwn()
    {
        var lent = new Counts();
        ExperimentResult withMember = await RunAsync(Catalog(lent, tunable: false), "counted,pop", tune: false, "lent");
        var own = new Counts();
        ExperimentResult alone = await RunAsync(Catalog(own, tunable: false), "pop", tune: false, "alone");

        Assert.Equal(1, lent.Fits); // once, for both the model and the profile
        Assert.Equal(1, lent.Disposals); // by the experiment, after the profile was scored
        Assert.Equal(1, own.Fits);
        ModelRun mix = withMember.Runs.Single(r => r.Name == "mix");
        foreach (var (metric, value) in alone.Runs.Single(r => r.Name == "mix").Evaluation.Metrics)
        {
            Assert.Equal(value, mix.Evaluation.Metrics[metric], 12);
        }

        // The profile's fit time includes the member fit it borrowed.
        Assert.True(mix.FitSeconds >= withMember.Runs.Single(r => r.Name == "counted").FitSeconds);
    }

    [Fact]
    public async Task AMemberEvaluatedWithATunedSetting_IsNotLent()
    {
        var counts = new Counts();

        await RunAsync(Catalog(counts, tunable: true), "counted", tune: true, "tuned");

        // The model: its one grid setting on validation, then its final fit. The profile: its weight search
        // on validation, then its final fit with the member's defaults.
        Assert.Equal(4, counts.Fits);
        Assert.Equal(4, counts.Disposals);
    }

    public void Dispose() => _temp.Dispose();
}
