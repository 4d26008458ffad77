using Recsys.Experiments;
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

    public void Dispose() => _temp.Dispose();
}
