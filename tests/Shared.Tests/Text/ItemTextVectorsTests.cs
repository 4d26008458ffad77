using Recsys.Data;
using Recsys.Preparation;
using Recsys.Storage;
using Recsys.Testing;
using Recsys.Text;
using Xunit;

namespace Recsys.Shared.Tests.Text;

public sealed class ItemTextVectorsTests : IDisposable
{
    private static readonly Lazy<MiniLmEncoder> s_encoder = new(() => new MiniLmEncoder(preferGpu: false));

    private readonly TempFolder _temp = new();

    // Counts what reaches the real encoder.
    private sealed class Counting(ITextEncoder inner) : ITextEncoder
    {
        public int Texts { get; private set; }

        public string Name => inner.Name;

        public string Version => inner.Version;

        public int Dimensions => inner.Dimensions;

        public float[][] Encode(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
        {
            Texts += texts.Count;
            return inner.Encode(texts, cancellationToken);
        }

        public void Dispose()
        {
        }
    }

    private async Task<string> PrepareAsync(string name, string? items)
    {
        string data = _temp.Write($"{name}.csv", "user,item\nu1,a\nu1,b\nu2,a\nu2,c\nu3,d\nu3,b\n");
        string output = _temp.Combine(name);
        await DatasetPreparer.PrepareAsync(
            new PrepareOptions { Dataset = data, Format = DatasetFormat.Csv, ItemsFile = items is null ? null : _temp.Write($"{name}-items.csv", items) },
            new LocalPreparedOutput(output), cancellationToken: TestContext.Current.CancellationToken);
        return output;
    }

    private const string Catalogue =
        "item,name,categories,description\n" +
        "a,Star Voyage,Science Fiction;Adventure,robots and spaceships in a war between galaxies\n" +
        "b,Galaxy Raiders,Science Fiction,an astronaut crew fights alien robots in outer space\n" +
        "c,Paris in Spring,Romance;Comedy,two strangers fall in love in a small cafe\n";

    private static float Dot(float[] vectors, int dimensions, int a, int b)
    {
        float sum = 0;
        for (int d = 0; d < dimensions; d++)
        {
            sum += vectors[(a * dimensions) + d] * vectors[(b * dimensions) + d];
        }

        return sum;
    }

    [Fact]
    public async Task Build_EncodesEachItemsText_OnceAcrossPreparations()
    {
        string first = await PrepareAsync("first", Catalogue);
        string second = await PrepareAsync("second", Catalogue);
        string cache = _temp.Combine("cache");
        var encoder = new Counting(s_encoder.Value);

        TextVectorInfo? info = await ItemTextVectors.BuildAsync(first, encoder, cache, cancellationToken: TestContext.Current.CancellationToken);
        TextVectorInfo? again = await ItemTextVectors.BuildAsync(second, encoder, cache, cancellationToken: TestContext.Current.CancellationToken);

        Assert.NotNull(info);
        Assert.Equal(("all-MiniLM-L6-v2", 384, 5, 3), (info.Encoder, info.Dimensions, info.Items, info.ItemsWithText));
        Assert.Equal(3, encoder.Texts); // a, b and c; d has no metadata; the second preparation came from the cache
        Assert.Equal(info, again);
        float[] vectors = await ItemTextVectors.ReadAsync(second, encoder.Name, encoder.Version, TestContext.Current.CancellationToken);
        string[] ids = (await PreparedDatasetReader.ReadTextColumnsAsync(second, PreparedFiles.Items, TestContext.Current.CancellationToken))["id"];
        int Index(string id) => Array.IndexOf(ids, id) + 1; // row i is item index i + 1
        (int a, int b, int c, int d) = (Index("a"), Index("b"), Index("c"), Index("d"));
        Assert.Equal(1f, Dot(vectors, 384, a, a), 3);
        Assert.Equal(0f, Dot(vectors, 384, d, d));
        Assert.Equal(0f, Dot(vectors, 384, 0, 0));
        // The two space films are closer to each other than either is to the romance.
        Assert.True(Dot(vectors, 384, a, b) > Dot(vectors, 384, a, c) + 0.1f, $"a·b {Dot(vectors, 384, a, b)}, a·c {Dot(vectors, 384, a, c)}");
        Assert.True(Dot(vectors, 384, a, b) > Dot(vectors, 384, b, c) + 0.1f);
    }

    [Fact]
    public async Task Read_VectorsFromAnotherEncoderVersion_AreRefused()
    {
        string prepared = await PrepareAsync("versions", Catalogue);
        await ItemTextVectors.BuildAsync(prepared, s_encoder.Value, cancellationToken: TestContext.Current.CancellationToken);

        var error = await Assert.ThrowsAsync<DatasetException>(() => ItemTextVectors.ReadAsync(prepared, MiniLmEncoder.ModelName, "0000", TestContext.Current.CancellationToken));

        Assert.Contains($"made by all-MiniLM-L6-v2 ({MiniLmEncoder.CurrentVersion}), not all-MiniLM-L6-v2 (0000)", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ItemContent_ReadsVectorsOnlyWhenAsked_SoStaleOnesStopOnlyTheModelsThatReadThem()
    {
        string prepared = await PrepareAsync("stale", Catalogue);
        await ItemTextVectors.BuildAsync(prepared, s_encoder.Value, cancellationToken: TestContext.Current.CancellationToken);
        string info = Path.Combine(prepared, ItemTextVectors.InfoFile);
        await File.WriteAllTextAsync(info, (await File.ReadAllTextAsync(info, TestContext.Current.CancellationToken)).Replace(MiniLmEncoder.CurrentVersion, "0000", StringComparison.Ordinal), TestContext.Current.CancellationToken);
        var spec = await PreparedDatasetReader.ReadSpecAsync(prepared, TestContext.Current.CancellationToken);

        Features.ItemContent tokensOnly = await Features.ItemContent.ReadAsync(prepared, spec, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Null(tokensOnly.TextVectors);
        await Assert.ThrowsAsync<DatasetException>(() => Features.ItemContent.ReadAsync(prepared, spec, textVectors: true, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Build_AlsoEncodesTheTagsEachUserWrote_WithZerosForUsersWhoWroteNone()
    {
        // A MovieLens-latest folder: users 1 and 3 tagged films, user 2 did not, user 9 tagged but rated nothing.
        string folder = Path.GetDirectoryName(_temp.Write("tagged/ratings.csv", "userId,movieId,rating,timestamp\n1,10,4,5\n1,20,3,6\n2,10,5,7\n3,20,4,8\n"))!;
        _temp.Write("tagged/movies.csv", "movieId,title,genres\n10,Star Voyage (1990),Sci-Fi\n20,Paris in Spring (1991),Romance\n");
        _temp.Write("tagged/tags.csv", "userId,movieId,tag,timestamp\n1,10,aliens,9\n1,10,space,9\n1,20,ALIENS,9\n3,20,love story,9\n9,10,boring,9\n");
        string prepared = _temp.Combine("tagged-out");
        await DatasetPreparer.PrepareAsync(new PrepareOptions { Dataset = folder }, new LocalPreparedOutput(prepared), cancellationToken: TestContext.Current.CancellationToken);
        var users = await PreparedDatasetReader.ReadTextColumnsAsync(prepared, PreparedFiles.UserText, TestContext.Current.CancellationToken);
        string[] ids = (await PreparedDatasetReader.ReadTextColumnsAsync(prepared, PreparedFiles.Users, TestContext.Current.CancellationToken))["id"];
        string Tags(string user) => users["tags"][Array.IndexOf(ids, user)];
        Assert.Equal(("aliens|space", "", "love story"), (Tags("1"), Tags("2"), Tags("3")));
        var encoder = new Counting(s_encoder.Value);

        TextVectorInfo info = (await ItemTextVectors.BuildAsync(prepared, encoder, cancellationToken: TestContext.Current.CancellationToken))!;

        Assert.Equal((4, 2), (info.Users, info.UsersWithText));
        Assert.Equal(2 + 2, encoder.Texts); // two films, two users
        float[] vectors = (await ItemTextVectors.ReadUsersAsync(prepared, TestContext.Current.CancellationToken))!;
        int Index(string id) => Array.IndexOf(ids, id) + 1;
        Assert.Equal(1f, Dot(vectors, 384, Index("1"), Index("1")), 3);
        Assert.Equal(0f, Dot(vectors, 384, Index("2"), Index("2")));
        var spec = await PreparedDatasetReader.ReadSpecAsync(prepared, TestContext.Current.CancellationToken);
        Assert.Equal(vectors, (await Features.ItemContent.ReadAsync(prepared, spec, textVectors: true, TestContext.Current.CancellationToken)).UserTextVectors);
    }

    [Fact]
    public void UserTexts_JoinTheTags_AndStopAtAWholeTagNearTheLimit()
    {
        string[] many = [.. Enumerable.Range(0, 500).Select(i => $"tag{i}")];
        var columns = new Dictionary<string, string[]> { ["tags"] = ["pixar|funny", "", string.Join('|', many)] };

        string[] texts = ItemTextVectors.UserTexts(columns, 4);

        Assert.Equal(["", "pixar, funny", ""], texts[..3]);
        Assert.InRange(texts[3].Length, 990, 1000);
        string all = string.Join(", ", many);
        Assert.StartsWith(texts[3], all, StringComparison.Ordinal);
        Assert.Equal(',', all[texts[3].Length]); // cut between tags, never inside one
    }

    [Fact]
    public async Task Build_ADatasetWithoutText_WritesNothing()
    {
        string prepared = await PrepareAsync("plain", items: null);

        Assert.Null(await ItemTextVectors.BuildAsync(prepared, new Counting(s_encoder.Value), cancellationToken: TestContext.Current.CancellationToken));
        Assert.False(File.Exists(Path.Combine(prepared, ItemTextVectors.InfoFile)));
    }

    [Fact]
    public void Texts_JoinTitleGenresAndTags_LeavingOutWhatIsMissing()
    {
        var columns = new Dictionary<string, string[]>
        {
            ["title"] = ["Toy Story (1995)", "Heat (1995)", ""],
            ["genres"] = ["Adventure|Animation", "(no genres listed)", ""],
            ["tags"] = ["pixar|fun", "", ""],
        };

        Assert.Equal(["", "Toy Story (1995). Adventure, Animation. pixar,fun", "Heat (1995)", ""], ItemTextVectors.Texts(columns, 4));
    }

    public void Dispose() => _temp.Dispose();
}
