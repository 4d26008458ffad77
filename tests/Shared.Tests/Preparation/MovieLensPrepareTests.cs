using Recsys.Data;
using Recsys.Preparation;
using Recsys.Storage;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Preparation;

public sealed class MovieLensPrepareTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task Prepare_MovieLens100K_ReadsEveryRatingUserAndItem()
    {
        string output = _temp.Combine("ml-100k");
        PrepareResult result = await DatasetPreparer.PrepareAsync(
            new PrepareOptions { Dataset = TestData.MovieLens100K }, new LocalPreparedOutput(output), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("movielens-100k", result.Stats.Format);
        Assert.Equal(100_000, result.Stats.Interactions);
        Assert.Equal(943, result.Stats.Users);
        Assert.Equal(1_682, result.Stats.Items);
        Assert.Equal(0, result.Stats.Rows.Rejected);
        Assert.Equal(100_000, result.Stats.Splits["train"].Rows + result.Stats.Splits["test"].Rows);
        Assert.Equal(new RatingRange(1, 5, 3.52986), result.Stats.Rating! with { Mean = Math.Round(result.Stats.Rating!.Mean, 5) });
    }

    [Fact]
    public async Task Prepare_MovieLens100K_DecodesLatin1TitlesAndGenreFlags()
    {
        string output = _temp.Combine("ml-100k");
        await DatasetPreparer.PrepareAsync(new PrepareOptions { Dataset = TestData.MovieLens100K }, new LocalPreparedOutput(output), cancellationToken: TestContext.Current.CancellationToken);

        var items = await PreparedDatasetReader.ReadTextColumnsAsync(output, PreparedFiles.Items, TestContext.Current.CancellationToken);
        int lesMiserables = Array.IndexOf(items["id"], "543");
        Assert.Equal("Misérables, Les (1995)", items["title"][lesMiserables]);
        Assert.Equal("Drama|Musical", items["genres"][lesMiserables]);
        Assert.Equal("Animation|Children's|Comedy", items["genres"][Array.IndexOf(items["id"], "1")]);

        var spec = await PreparedDatasetReader.ReadSpecAsync(output, TestContext.Current.CancellationToken);
        Assert.Equal(944, spec.Users.Size);
        Assert.Equal(1_683, spec.Items.Size);
        Assert.Equal(0, spec.Items.UnknownIndex);
        Assert.Contains("misérables", spec.Text.Vocabulary);
    }

    [Fact]
    public async Task Prepare_MovieLensLatestSmall_ReadsEveryRatingUserAndRatedItem()
    {
        string output = _temp.Combine("mls");
        PrepareResult result = await DatasetPreparer.PrepareAsync(
            new PrepareOptions { Dataset = TestData.SampleMovieLensLatest }, new LocalPreparedOutput(output), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal("movielens-latest", result.Stats.Format);
        Assert.Equal(100_836, result.Stats.Interactions);
        Assert.Equal(610, result.Stats.Users);
        Assert.Equal(9_724, result.Stats.Items);
        Assert.Equal(9_724, result.Stats.ItemsWithMetadata);
        Assert.Equal(new RatingRange(0.5f, 5f, 0), result.Stats.Rating! with { Mean = 0 });
        var items = await PreparedDatasetReader.ReadTextColumnsAsync(output, PreparedFiles.Items, TestContext.Current.CancellationToken);
        Assert.Equal("Toy Story (1995)", items["title"][0]);
        Assert.Equal("Adventure|Animation|Children|Comedy|Fantasy", items["genres"][0]);
        Assert.Contains("pixar", items["tags"][0], StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Prepare_SameInputAndOptionsTwice_ReusesTheFirstResult()
    {
        string output = _temp.Combine("reuse");
        var options = new PrepareOptions { Dataset = TestData.MovieLens100K };
        PrepareResult first = await DatasetPreparer.PrepareAsync(options, new LocalPreparedOutput(output), cancellationToken: TestContext.Current.CancellationToken);
        DateTime written = File.GetLastWriteTimeUtc(Path.Combine(output, PreparedFiles.Train));

        PrepareResult second = await DatasetPreparer.PrepareAsync(options, new LocalPreparedOutput(output), cancellationToken: TestContext.Current.CancellationToken);

        Assert.False(first.Reused);
        Assert.True(second.Reused);
        Assert.Equal(first.ContentHash, second.ContentHash);
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(output, PreparedFiles.Train)));
    }

    [Fact]
    public async Task Prepare_DifferentOptions_GivesADifferentHashAndReplacesTheOutput()
    {
        string output = _temp.Combine("replace");
        PrepareResult first = await DatasetPreparer.PrepareAsync(new PrepareOptions { Dataset = TestData.MovieLens100K }, new LocalPreparedOutput(output), cancellationToken: TestContext.Current.CancellationToken);
        PrepareResult second = await DatasetPreparer.PrepareAsync(
            new PrepareOptions { Dataset = TestData.MovieLens100K, Split = SplitMethod.LeaveLastOut }, new LocalPreparedOutput(output), cancellationToken: TestContext.Current.CancellationToken);

        Assert.NotEqual(first.ContentHash, second.ContentHash);
        Assert.False(second.Reused);
        Assert.Equal(second.ContentHash, (await PreparedDatasetReader.ReadStatsAsync(output, TestContext.Current.CancellationToken)).ContentHash);
        Assert.True(File.Exists(Path.Combine(output, PreparedFiles.Validation)));
        Assert.DoesNotContain(Directory.GetDirectories(_temp.Path), d => Path.GetFileName(d).StartsWith("replace.", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Prepare_LeaveLastOutOnMovieLens100K_TestsEachUsersLatestRating()
    {
        string output = _temp.Combine("llo");
        await DatasetPreparer.PrepareAsync(
            new PrepareOptions { Dataset = TestData.MovieLens100K, Split = SplitMethod.LeaveLastOut }, new LocalPreparedOutput(output), cancellationToken: TestContext.Current.CancellationToken);

        PreparedSplit train = (await PreparedDatasetReader.ReadSplitAsync(output, PreparedFiles.Train, TestContext.Current.CancellationToken))!;
        PreparedSplit validation = (await PreparedDatasetReader.ReadSplitAsync(output, PreparedFiles.Validation, TestContext.Current.CancellationToken))!;
        PreparedSplit test = (await PreparedDatasetReader.ReadSplitAsync(output, PreparedFiles.Test, TestContext.Current.CancellationToken))!;
        Assert.Equal(943, test.Count);
        Assert.Equal(943, validation.Count);
        Assert.Equal(100_000 - 2 * 943, train.Count);
        var latestTrain = new Dictionary<int, long>();
        for (int i = 0; i < train.Count; i++)
        {
            latestTrain[train.Users[i]] = Math.Max(latestTrain.GetValueOrDefault(train.Users[i], long.MinValue), train.Timestamps[i]);
        }

        var validationTime = Enumerable.Range(0, validation.Count).ToDictionary(i => validation.Users[i], i => validation.Timestamps[i]);
        for (int i = 0; i < test.Count; i++)
        {
            Assert.True(test.Timestamps[i] >= validationTime[test.Users[i]]);
            Assert.True(validationTime[test.Users[i]] >= latestTrain[test.Users[i]]);
        }
    }

    [Fact]
    public async Task Prepare_ImplicitThresholdAndKCore_KeepsOnlyDenseHighRatings()
    {
        string output = _temp.Combine("implicit");
        PrepareResult result = await DatasetPreparer.PrepareAsync(
            new PrepareOptions { Dataset = TestData.MovieLens100K, ImplicitMinRating = 4, KCore = 10 }, new LocalPreparedOutput(output), cancellationToken: TestContext.Current.CancellationToken);

        // u.data has 55,375 ratings of 4 or 5.
        Assert.Equal(100_000 - 55_375, result.Stats.Rows.BelowThreshold);
        Assert.Equal(55_375 - result.Stats.Rows.RemovedByKCore, result.Stats.Interactions);
        PreparedSplit train = (await PreparedDatasetReader.ReadSplitAsync(output, PreparedFiles.Train, TestContext.Current.CancellationToken))!;
        PreparedSplit test = (await PreparedDatasetReader.ReadSplitAsync(output, PreparedFiles.Test, TestContext.Current.CancellationToken))!;
        Assert.All(train.Labels, l => Assert.Equal(1f, l));
        int[] userCounts = new int[result.Stats.Users + 1];
        int[] itemCounts = new int[result.Stats.Items + 1];
        foreach (PreparedSplit split in new[] { train, test })
        {
            for (int i = 0; i < split.Count; i++)
            {
                userCounts[split.Users[i]]++;
                itemCounts[split.Items[i]]++;
            }
        }

        Assert.All(userCounts.Skip(1), c => Assert.True(c >= 10));
        Assert.All(itemCounts.Skip(1), c => Assert.True(c >= 10));
    }

    public void Dispose() => _temp.Dispose();
}
