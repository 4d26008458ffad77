using Recsys.Preparation;
using Recsys.Storage;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Preparation;

/// <summary>
/// The per-item split of the Microsoft Recommenders benchmark tables: per item, round(n × ratio) rows train,
/// halves rounded to even (Python's <c>round</c>), chosen by a seeded order that ignores row order.
/// </summary>
public sealed class ItemStratifiedSplitTests : IDisposable
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private readonly TempFolder _temp = new();

    // Item i (1..12) is rated by users 1..i, so it has i rows.
    private static IEnumerable<string> Rows() =>
        from item in Enumerable.Range(1, 12)
        from user in Enumerable.Range(1, item)
        select $"{user}\t{item}\t{1 + ((user + item) % 5)}\t{881250000 + (user * 100) + item}";

    private async Task<(PreparedSplit Train, PreparedSplit? Validation, PreparedSplit Test)> PrepareAsync(
        IEnumerable<string> rows, int seed = 42, IReadOnlyList<double>? ratios = null)
    {
        string folder = _temp.Combine($"run-{Guid.NewGuid():N}");
        string data = Path.Combine(folder + "-input", "u.data"); // MovieLens 100K's file name and layout
        Directory.CreateDirectory(Path.GetDirectoryName(data)!);
        await File.WriteAllTextAsync(data, string.Join('\n', rows) + "\n", Ct);
        await DatasetPreparer.PrepareAsync(
            new PrepareOptions { Dataset = data, Split = SplitMethod.StratifiedByItem, Ratios = ratios ?? [0.75, 0.25], Seed = seed },
            new LocalPreparedOutput(folder), cancellationToken: Ct);
        return (
            (await PreparedDatasetReader.ReadSplitAsync(folder, PreparedFiles.Train, Ct))!,
            await PreparedDatasetReader.ReadSplitAsync(folder, PreparedFiles.Validation, Ct),
            (await PreparedDatasetReader.ReadSplitAsync(folder, PreparedFiles.Test, Ct))!);
    }

    private static int[] PerItem(PreparedSplit? split) =>
        [.. Enumerable.Range(1, 12).Select(item => split?.Items.Count(i => i == item) ?? 0)];

    private static HashSet<(int, int)> Pairs(PreparedSplit split) => [.. split.Users.Zip(split.Items)];

    [Fact]
    public async Task EachItemTrainsRoundOfThreeQuarters_HalvesToEven()
    {
        var (train, validation, test) = await PrepareAsync(Rows());

        // round(0.75 n) for n = 1..12 with halves to even: 1.5 → 2, 4.5 → 4, 7.5 → 8.
        Assert.Equal([1, 2, 2, 3, 4, 4, 5, 6, 7, 8, 8, 9], PerItem(train));
        Assert.Equal([0, 0, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3], PerItem(test));
        Assert.Null(validation);
    }

    [Fact]
    public async Task ThreeWay_CutsAtTheCumulativeShares()
    {
        var (train, validation, test) = await PrepareAsync(Rows(), ratios: [0.6, 0.2, 0.2]);

        // train round(0.6 n); validation round(0.8 n) − round(0.6 n); test the rest.
        Assert.Equal([1, 1, 2, 2, 3, 4, 4, 5, 5, 6, 7, 7], PerItem(train));
        Assert.Equal([0, 1, 0, 1, 1, 1, 2, 1, 2, 2, 2, 3], PerItem(validation));
        Assert.Equal([0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2], PerItem(test));
    }

    [Fact]
    public async Task TheSplit_IgnoresRowOrder_ButFollowsTheSeed()
    {
        var (train, _, test) = await PrepareAsync(Rows());
        var (shuffledTrain, _, shuffledTest) = await PrepareAsync(Rows().Reverse());
        var (otherSeedTrain, _, _) = await PrepareAsync(Rows(), seed: 43);

        Assert.True(Pairs(train).SetEquals(Pairs(shuffledTrain)));
        Assert.True(Pairs(test).SetEquals(Pairs(shuffledTest)));
        Assert.Equal(PerItem(train), PerItem(otherSeedTrain));
        Assert.False(Pairs(train).SetEquals(Pairs(otherSeedTrain)), "another seed chose exactly the same users for every item");
    }

    public void Dispose() => _temp.Dispose();
}
