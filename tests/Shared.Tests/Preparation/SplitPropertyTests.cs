using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Recsys.Preparation;
using Recsys.Storage;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Preparation;

public sealed class SplitPropertyTests
{
    private static readonly IReadOnlyList<double>[] s_ratios = [[0.75, 0.25], [0.5, 0.5], [0.8, 0.2], [0.7, 0.1, 0.2]];

    private static Interaction[] Rows(int count, int seed)
    {
        var random = new Random(seed);
        // Distinct items per user, as after deduplication; timestamps may tie.
        return [.. Enumerable.Range(1, 5 * count).OrderBy(_ => random.Next()).Take(count)
            .Select((item, i) => new Interaction { User = 1, Item = item, Rating = 1, Sequence = i, Timestamp = random.Next(0, count) })];
    }

    private static SplitPart[] Assign(SplitAssigner assigner, Interaction[] rows, string user)
    {
        var parts = new SplitPart[rows.Length];
        assigner.Assign(rows, user, parts);
        return parts;
    }

    [Property(MaxTest = 300)]
    public bool Stratified_EveryUsersSplitSizes_AreWithinOneItemOfTheRatio(PositiveInt size, int seed, byte ratioChoice, NonNull<string> user)
    {
        int n = 1 + (size.Get % 300);
        IReadOnlyList<double> ratios = s_ratios[ratioChoice % s_ratios.Length];
        SplitPart[] parts = Assign(new SplitAssigner(SplitMethod.Stratified, ratios, seed), Rows(n, seed), user.Get);

        int[] counts = [.. Enum.GetValues<SplitPart>().Select(p => parts.Count(x => x == p))];
        double[] expected = ratios.Count == 3 ? [.. ratios] : [ratios[0], 0, ratios[1]];
        return counts.Sum() == n && counts.Zip(expected).All(c => Math.Abs(c.First - (n * c.Second)) <= 1.0);
    }

    [Property(MaxTest = 200)]
    public bool Stratified_SameSeed_GivesTheSameSplitWhateverTheRowOrder(PositiveInt size, int seed, int shuffleSeed, NonNull<string> user)
    {
        int n = 1 + (size.Get % 200);
        var assigner = new SplitAssigner(SplitMethod.Stratified, [0.75, 0.25], seed);
        Interaction[] rows = Rows(n, seed);
        Interaction[] reordered = [.. rows];
        new Random(shuffleSeed).Shuffle(reordered);

        SplitPart[] first = Assign(assigner, rows, user.Get);
        SplitPart[] second = Assign(assigner, reordered, user.Get);

        static HashSet<int> TrainItems(Interaction[] r, SplitPart[] p) => [.. r.Where((_, i) => p[i] == SplitPart.Train).Select(x => x.Item)];
        return TrainItems(rows, first).SetEquals(TrainItems(reordered, second));
    }

    [Property(MaxTest = 300)]
    public bool LeaveLastOut_TestIsTheLatestAndValidationTheOneBefore(PositiveInt size, int seed)
    {
        int n = 1 + (size.Get % 100);
        Interaction[] rows = Rows(n, seed);
        Interaction[] byTime = [.. rows.OrderBy(r => r.Timestamp).ThenBy(r => r.Sequence)];
        SplitPart[] parts = Assign(new SplitAssigner(SplitMethod.LeaveLastOut, [0.75, 0.25], seed), rows, "u");

        Interaction[] test = [.. rows.Where((_, i) => parts[i] == SplitPart.Test)];
        Interaction[] validation = [.. rows.Where((_, i) => parts[i] == SplitPart.Validation)];
        return n switch
        {
            1 => test.Length == 0 && validation.Length == 0,
            2 => test.Length == 1 && test[0].Sequence == byTime[^1].Sequence && validation.Length == 0,
            _ => test.Length == 1 && test[0].Sequence == byTime[^1].Sequence && validation.Length == 1 && validation[0].Sequence == byTime[^2].Sequence,
        };
    }

    [Property(MaxTest = 200)]
    public bool TemporalCuts_EverythingBeforeTheCutTrains(NonEmptyArray<int> times, byte ratioChoice)
    {
        IReadOnlyList<double> ratios = s_ratios[ratioChoice % s_ratios.Length];
        long[] timestamps = [.. times.Get.Select(t => (long)Math.Abs((long)t))];
        var (trainCut, validationCut) = SplitAssigner.TemporalCuts([.. timestamps], ratios);

        int train = timestamps.Count(t => t < trainCut);
        int atMostShare = (int)Math.Round(timestamps.Length * ratios[0], MidpointRounding.AwayFromZero);
        return trainCut <= validationCut && train <= atMostShare && timestamps.All(t => t < trainCut || t >= trainCut);
    }

    [Property(MaxTest = 12)]
    public void Prepare_RandomDatasets_SplitsArePairDisjointAndReproducible(PositiveInt seedValue)
    {
        int seed = seedValue.Get;
        using var temp = new TempFolder();
        var random = new Random(seed);
        var lines = new List<string> { "user,item,rating,timestamp" };
        int rows = random.Next(200, 3000);
        for (int i = 0; i < rows; i++)
        {
            // Few users and items, so duplicates and collisions are common.
            lines.Add($"u{random.Next(40)},i{random.Next(60)},{random.Next(1, 6)},{random.Next(1_000, 2_000)}");
        }

        string data = temp.Write("events.csv", string.Join('\n', lines));
        // Small buckets force several spill files, the path large datasets take.
        PrepareOptions options = new() { Dataset = data, Seed = seed, RowsPerBucket = 1024 };
        PrepareResult first = DatasetPreparer.PrepareAsync(options, new LocalPreparedOutput(temp.Combine("a"))).GetAwaiter().GetResult();
        PrepareResult second = DatasetPreparer.PrepareAsync(options, new LocalPreparedOutput(temp.Combine("b"))).GetAwaiter().GetResult();

        PreparedSplit trainA = PreparedDatasetReader.ReadSplitAsync(temp.Combine("a"), PreparedFiles.Train).GetAwaiter().GetResult()!;
        PreparedSplit testA = PreparedDatasetReader.ReadSplitAsync(temp.Combine("a"), PreparedFiles.Test).GetAwaiter().GetResult()!;
        PreparedSplit trainB = PreparedDatasetReader.ReadSplitAsync(temp.Combine("b"), PreparedFiles.Train).GetAwaiter().GetResult()!;

        var trainPairs = Enumerable.Range(0, trainA.Count).Select(i => (trainA.Users[i], trainA.Items[i])).ToHashSet();
        var testPairs = Enumerable.Range(0, testA.Count).Select(i => (testA.Users[i], testA.Items[i])).ToHashSet();
        Assert.Equal(trainA.Count, trainPairs.Count);
        Assert.Equal(testA.Count, testPairs.Count);
        Assert.Empty(trainPairs.Intersect(testPairs));
        Assert.Equal(first.Stats.Interactions, trainA.Count + testA.Count);
        Assert.Equal(trainPairs.Order(), Enumerable.Range(0, trainB.Count).Select(i => (trainB.Users[i], trainB.Items[i])).Order());
        Assert.Equal(first.ContentHash, second.ContentHash);
        Assert.Equal(rows, first.Stats.Rows.Read);
        Assert.Equal(rows - first.Stats.Rows.Duplicates, first.Stats.Interactions);
    }
}
