using System.Text;
using Parquet;
using Parquet.Schema;
using Recsys.Data;
using Recsys.Preparation;
using Recsys.Storage;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Preparation;

public sealed class FormatReaderTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private string Output => _temp.Combine("out");

    private Task<PrepareResult> PrepareAsync(PrepareOptions options) =>
        DatasetPreparer.PrepareAsync(options, new LocalPreparedOutput(Output), cancellationToken: TestContext.Current.CancellationToken);

    [Fact]
    public async Task Prepare_ParquetWithStringUsersAndDoubleRatings_ReadsEveryRow()
    {
        // Given a Parquet file whose columns use other physical types than the prepared output
        string file = _temp.Combine("events.parquet");
        var user = new DataField<string>("customer_id");
        var item = new DataField<long>("product_id");
        var rating = new DataField<double>("score");
        var time = new DataField<long>("ts");
        await using (var stream = File.Create(file))
        await using (ParquetWriter writer = await ParquetWriter.CreateAsync(new ParquetSchema(user, item, rating, time), stream, cancellationToken: TestContext.Current.CancellationToken))
        using (ParquetRowGroupWriter group = writer.CreateRowGroup())
        {
            await group.WriteAsync(user, new[] { "alice", "alice", "bob", "" }, null);
            await group.WriteAsync(item, new ReadOnlyMemory<long>([101L, 102L, 101L, 103L]), null, null, TestContext.Current.CancellationToken);
            await group.WriteAsync(rating, new ReadOnlyMemory<double>([4.5, 2.0, 3.0, 1.0]), null, null, TestContext.Current.CancellationToken);
            await group.WriteAsync(time, new ReadOnlyMemory<long>([10L, 20L, 30L, 40L]), null, null, TestContext.Current.CancellationToken);
        }

        // When it is prepared with format auto
        PrepareResult result = await PrepareAsync(new PrepareOptions { Dataset = file });

        // Then the mapped columns are read and the empty user is quarantined
        Assert.Equal("parquet", result.Stats.Format);
        Assert.Equal(3, result.Stats.Interactions);
        Assert.Equal(2, result.Stats.Users);
        Assert.Equal(1, result.Stats.RejectedByReason["empty-id"]);
        Assert.Equal(new RatingRange(2, 4.5f, 9.5 / 3), result.Stats.Rating);
        var users = await PreparedDatasetReader.ReadTextColumnsAsync(Output, PreparedFiles.Users, TestContext.Current.CancellationToken);
        Assert.Equal(["alice", "bob"], users["id"]);
    }

    [Fact]
    public async Task Prepare_MovieLens1MLayout_ReadsRatingsAndLatin1Movies()
    {
        // Given ratings.dat and a latin-1 movies.dat in the ML-1M layout
        string folder = _temp.Combine("ml-1m");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "ratings.dat"), "1::1193::5::978300760\n1::661::3::978302109\n2::1193::4::978298413\n", TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(
            Path.Combine(folder, "movies.dat"),
            Encoding.Latin1.GetBytes("1193::One Flew Over the Cuckoo's Nest (1975)::Drama\n661::James and the Giant Peach (1996)::Animation|Children's|Musical\n3::Misérables, Les (1995)::Drama\n"),
            TestContext.Current.CancellationToken);

        PrepareResult result = await PrepareAsync(new PrepareOptions { Dataset = folder });

        Assert.Equal("movielens-1m", result.Stats.Format);
        Assert.Equal(3, result.Stats.Interactions);
        Assert.Equal(2, result.Stats.Items);
        Assert.Equal(2, result.Stats.ItemsWithMetadata);
        var items = await PreparedDatasetReader.ReadTextColumnsAsync(Output, PreparedFiles.Items, TestContext.Current.CancellationToken);
        Assert.Equal(["661", "1193"], items["id"]);
        Assert.Equal("Animation|Children's|Musical", items["genres"][0]);
        var spec = await PreparedDatasetReader.ReadSpecAsync(Output, TestContext.Current.CancellationToken);
        Assert.Equal(["Animation", "Children's", "Drama", "Musical"], spec.Genres);
    }

    [Fact]
    public async Task Prepare_SequenceFile_LeaveLastOut_TestsEachUsersLastItem_AndQuarantinesBadLinesWhole()
    {
        // Given one history per line, oldest first, with a user alone on a line and a line holding an overlong id
        string data = _temp.Write("Games.txt", $"1 10 11 12 13\n2 11\t12 13 14 15\n\n3\n4 20 {new string('x', 300)} 21\n");

        PrepareResult result = await PrepareAsync(new PrepareOptions { Dataset = data, Format = DatasetFormat.Sequences, Split = SplitMethod.LeaveLastOut });

        // Then every item of the good lines is an implicit interaction timed by its place in the line
        Assert.Equal("sequences", result.Stats.Format);
        Assert.Equal(9, result.Stats.Interactions);
        Assert.Equal(2, result.Stats.Users);
        Assert.Equal(1, result.Stats.RejectedByReason["missing-field"]);
        Assert.Equal(1, result.Stats.RejectedByReason["id-too-long"]);
        CancellationToken ct = TestContext.Current.CancellationToken;
        PreparedSplit test = (await PreparedDatasetReader.ReadSplitAsync(Output, PreparedFiles.Test, ct))!;
        PreparedSplit validation = (await PreparedDatasetReader.ReadSplitAsync(Output, PreparedFiles.Validation, ct))!;
        PreparedSplit train = (await PreparedDatasetReader.ReadSplitAsync(Output, PreparedFiles.Train, ct))!;
        Assert.Equal([4L, 5L], test.Timestamps.Order());
        Assert.Equal([3L, 4L], validation.Timestamps.Order());
        Assert.Equal([1L, 1L, 2L, 2L, 3L], train.Timestamps.Order());
        Assert.All(test.Labels, label => Assert.Equal(1f, label));
    }

    [Fact]
    public async Task Prepare_TemporalSplit_TrainsOnEverythingBeforeTheCut()
    {
        string data = _temp.Write("u.data", string.Join('\n', Enumerable.Range(1, 100).Select(t => $"{t % 7}\t{t % 13}\t3\t{t * 10}")));

        PrepareResult result = await PrepareAsync(new PrepareOptions { Dataset = data, Split = SplitMethod.Temporal, Ratios = [0.8, 0.2] });

        PreparedSplit train = (await PreparedDatasetReader.ReadSplitAsync(Output, PreparedFiles.Train, TestContext.Current.CancellationToken))!;
        PreparedSplit test = (await PreparedDatasetReader.ReadSplitAsync(Output, PreparedFiles.Test, TestContext.Current.CancellationToken))!;
        Assert.Equal(result.Stats.Interactions, train.Count + test.Count);
        Assert.True(train.Timestamps.Max() < test.Timestamps.Min());
        Assert.Equal((int)Math.Round(result.Stats.Interactions * 0.8, MidpointRounding.AwayFromZero), train.Count);
    }

    [Fact]
    public async Task Prepare_GenericFileWithItemsFile_TurnsMetadataIntoFeatures()
    {
        string data = _temp.Write("plays.csv", "user,item\nu1,a\nu1,b\nu2,a\n");
        string items = _temp.Write("catalogue.csv", "item,name,categories,description\na,Alpha Song,Rock;Pop,loud guitars\nb,Beta Song,Jazz,\"quiet, late night\"\n");

        PrepareResult result = await PrepareAsync(new PrepareOptions { Dataset = data, Format = DatasetFormat.Csv, ItemsFile = items });

        Assert.Equal(2, result.Stats.ItemsWithMetadata);
        var spec = await PreparedDatasetReader.ReadSpecAsync(Output, TestContext.Current.CancellationToken);
        Assert.Equal(["Jazz", "Pop", "Rock"], spec.Genres);
        Assert.Equal(Features.LabelKind.Implicit, spec.Label.Kind);
        Assert.Contains("guitars", spec.Text.Vocabulary);
        var columns = await PreparedDatasetReader.ReadTextColumnsAsync(Output, PreparedFiles.Items, TestContext.Current.CancellationToken);
        Assert.Equal("quiet, late night", columns["tags"][1]);
    }

    [Fact]
    public async Task Prepare_MovieLensFolderWithAnItemsFile_ReadsTheItemsFileToo()
    {
        // A MovieLens-latest folder without movies.csv: the items file is the only metadata, and is not ignored.
        string folder = Path.GetDirectoryName(_temp.Write("latest/ratings.csv", "userId,movieId,rating,timestamp\n1,10,4,5\n1,20,3,6\n2,10,5,7\n"))!;
        string items = _temp.Write("extra.csv", "movieId,title\n10,Rockets to Mars\n20,A Summer Wedding\n");

        PrepareResult result = await PrepareAsync(new PrepareOptions { Dataset = folder, ItemsFile = items });

        Assert.Equal(2, result.Stats.ItemsWithMetadata);
        var columns = await PreparedDatasetReader.ReadTextColumnsAsync(Output, PreparedFiles.Items, TestContext.Current.CancellationToken);
        Assert.Contains("A Summer Wedding", columns["title"]);
    }

    [Fact]
    public void Encode_TitleWithUnknownWords_UsesTheSpecsIndicesAndPadding()
    {
        var spec = new Features.TextFeatureSpec { MaxTokens = 5, Vocabulary = ["<pad>", "<unk>", "toy", "story"] };
        var index = spec.Vocabulary.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i);

        Assert.Equal([2, 3, 1, 0, 0], Features.TextTokenizer.Encode("Toy Story (1995)", spec, index));
    }

    public void Dispose() => _temp.Dispose();
}
