using Recsys.Experiments;
using Recsys.Features;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Experiments;

public sealed class TuningTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task Run_WithTune_ChoosesFromTheGridAndRecordsEveryTrial()
    {
        ExperimentResult result = await ExperimentRunner.RunAsync(new ExperimentOptions
        {
            Dataset = new PrepareOptions { Dataset = TestData.MovieLens100K },
            Protocol = Protocol.Recommenders,
            Models = ModelCatalog.WithBaselines().Resolve("pop,ease"),
            Output = _temp.Path,
            Tune = true,
        }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Null(result.Runs[0].Tuning); // popularity has nothing to tune
        TuningOutcome tuning = result.Runs[1].Tuning!;
        Assert.Equal(6, tuning.Trials.Count);
        Assert.Equal(tuning.Trials.MaxBy(t => t.Value).Key, tuning.Selected);
        Assert.Contains("\"selected\"", result.ToJson(), StringComparison.Ordinal);

        // The test rows were drawn per item, so the validation rows are too: the trials are the per-item carve's,
        // not the per-user carve's.
        string prepared = Path.Combine(_temp.Path, ExperimentRunner.PreparedFolder);
        FeatureSpec spec = await PreparedDatasetReader.ReadSpecAsync(prepared, TestContext.Current.CancellationToken);
        PreparedSplit train = (await PreparedDatasetReader.ReadSplitAsync(prepared, PreparedFiles.Train, TestContext.Current.CancellationToken))!;
        IReadOnlyDictionary<string, double> Trials((PreparedSplit Fit, PreparedSplit Validation) carve) => HyperparameterSearch.Select(
            ModelCatalog.WithBaselines().Resolve("ease")[0], InteractionMatrix.FromSplit(carve.Fit, spec.Users.Size, spec.Items.Size), carve.Validation, 10,
            TestContext.Current.CancellationToken).Outcome.Trials;
        IReadOnlyDictionary<string, double> byItem = Trials(ValidationCarve.CarveByItem(train, 0.1, seed: 7));
        IReadOnlyDictionary<string, double> byUser = Trials(ValidationCarve.Carve(train, 0.1, seed: 7));
        foreach (var (label, value) in tuning.Trials)
        {
            Assert.Equal(byItem[label], value, 12);
            Assert.NotEqual(byUser[label], value, 6);
        }
    }

    [Fact]
    public async Task Run_WithTune_HandsTheItemContentToEveryTrialOfAContentModel()
    {
        int made = 0;
        ModelSetting Setting(int genre) => new($"genre={genre}", () =>
        {
            made++;
            return new GenreRecommender(genre);
        });
        var descriptor = new ModelDescriptor("genre", "Popular items of one genre first.", () => new GenreRecommender(0))
        {
            UsesContent = true,
            Grid = [Setting(1), Setting(8)],
        };

        ExperimentResult result = await ExperimentRunner.RunAsync(new ExperimentOptions
        {
            Dataset = new PrepareOptions { Dataset = TestData.MovieLens100K },
            Protocol = Protocol.Recommenders,
            Models = [descriptor],
            Output = _temp.Path,
            Tune = true,
        }, cancellationToken: TestContext.Current.CancellationToken);

        // Both trials fitted (each would throw without content), the chosen one refitted; their scores differ.
        Assert.Equal(3, made);
        TuningOutcome tuning = result.Runs[0].Tuning!;
        Assert.NotEqual(tuning.Trials["genre=1"], tuning.Trials["genre=8"]);
        Assert.Equal(tuning.Trials.MaxBy(t => t.Value).Key, tuning.Selected);
    }

    [Fact]
    public void Carve_HoldsOutAShareOfEachUserAndKeepsOneToFit()
    {
        int[] users = [.. Enumerable.Range(1, 5).SelectMany(u => Enumerable.Repeat(u, u * 4)), 9];
        var train = new PreparedSplit(users, [.. users.Select((_, i) => i + 1)], [.. users.Select(_ => 1f)], new long[users.Length]);

        var (fit, validation) = ValidationCarve.Carve(train, 0.25, seed: 3);

        Assert.Equal(train.Count, fit.Count + validation.Count);
        Assert.Empty(fit.Items.Intersect(validation.Items));
        Assert.Contains(9, fit.Users);
        Assert.DoesNotContain(9, validation.Users);
        for (int u = 1; u <= 5; u++)
        {
            Assert.Equal(u, validation.Users.Count(x => x == u));
        }

        Assert.Equal(validation.Items, ValidationCarve.Carve(train, 0.25, seed: 3).Validation.Items);
    }

    [Fact]
    public void CarveByItem_HoldsOutEachItemsShareRoundedToEven()
    {
        // Item i has i rows, one per user 0..i-1, and keeps round(0.75 i) of them, halves to even: items 1 and 2 keep
        // all (0.75 and 1.5 round to 1 and 2), item 6 keeps 4 (4.5), item 10 keeps 8 (7.5).
        int[] items = [.. Enumerable.Range(1, 10).SelectMany(i => Enumerable.Repeat(i, i))];
        int[] users = [.. Enumerable.Range(1, 10).SelectMany(i => Enumerable.Range(0, i))];
        var train = new PreparedSplit(users, items, [.. items.Select(_ => 1f)], new long[items.Length]);

        var (fit, validation) = ValidationCarve.CarveByItem(train, 0.25, seed: 3);

        Assert.Equal(train.Count, fit.Count + validation.Count);
        int[] expected = [0, 0, 1, 1, 1, 2, 2, 2, 2, 2];
        for (int i = 1; i <= 10; i++)
        {
            Assert.Equal(expected[i - 1], validation.Items.Count(x => x == i));
        }

        var pairs = fit.Users.Zip(fit.Items).ToHashSet();
        Assert.DoesNotContain(validation.Users.Zip(validation.Items), pairs.Contains);
        Assert.Equal(validation.Users, ValidationCarve.CarveByItem(train, 0.25, seed: 3).Validation.Users);
        Assert.NotEqual(validation.Users, ValidationCarve.CarveByItem(train, 0.25, seed: 4).Validation.Users);
    }

    public void Dispose() => _temp.Dispose();

    /// <summary>Popularity, with the items of one genre lifted above the rest; it cannot fit without content.</summary>
    private sealed class GenreRecommender(int genre) : IRecommender, IContentAware
    {
        private readonly PopularityRecommender _popularity = new();
        private ItemContent? _content;

        public string Name => "genre";

        public void UseContent(ItemContent content) => _content = content;

        public void Fit(InteractionMatrix train, CancellationToken cancellationToken = default)
        {
            _ = _content ?? throw new InvalidOperationException("fitted without the item content");
            _popularity.Fit(train, cancellationToken);
        }

        public void Score(int user, Span<float> scores)
        {
            _popularity.Score(user, scores);
            for (int i = 0; i < scores.Length; i++)
            {
                scores[i] += _content!.Genres[i].Contains(genre) ? 1e6f : 0;
            }
        }
    }
}
