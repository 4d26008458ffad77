using Recsys.Features;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Text;
using Recsys.Training.Models;
using Recsys.Training.Onnx;
using Recsys.Training.Trainer;
using Xunit;
using static Recsys.Training.Tests.ContentModelTests;

namespace Recsys.Training.Tests;

/// <summary>The text models (two-tower and DCN-v2) and the content tower's text input, on real all-MiniLM-L6-v2 vectors.</summary>
public sealed class TextModelTests
{
    private static readonly string[] s_space = ["astronauts", "an alien invasion", "a starship crew", "robots on Mars", "a war between galaxies"];
    private static readonly string[] s_romance = ["a wedding", "two lovers in Paris", "a first date", "a summer romance", "a couple falling in love"];

    /// <summary>
    /// The clusters of <see cref="ContentModelTests"/> told apart by text alone: items 1..20 are science fiction
    /// plots, 21..40 love stories, with no genres and no tokens.
    /// </summary>
    private static ItemContent TextOnlyContent()
    {
        const int items = (2 * PerCluster) + 1;
        string[] texts = [.. Enumerable.Range(1, items - 1).Select(i => i <= PerCluster
            ? $"Episode {i}: a science fiction film about {s_space[i % 5]}"
            : $"Episode {i}: a romantic comedy about {s_romance[i % 5]}")];
        using var encoder = new MiniLmEncoder(preferGpu: false);
        float[] vectors = new float[items * MiniLmEncoder.Dimensions];
        float[][] encoded = encoder.Encode(texts, TestContext.Current.CancellationToken);
        for (int i = 1; i < items; i++)
        {
            encoded[i - 1].CopyTo(vectors, i * MiniLmEncoder.Dimensions);
        }

        return ItemContent.FromArrays([.. Enumerable.Range(0, items).Select(_ => Array.Empty<int>())], 0, new int[items], 1, vocabulary: 2)
            .WithTextVectors(vectors, MiniLmEncoder.Dimensions);
    }

    [Theory]
    [InlineData("text", 30)]
    [InlineData("dcn-text", 40)]
    public void TextModels_RankItemsWithNoInteractions_ByTheirText(string name, int epochs)
    {
        InteractionMatrix data = WarmOnly();
        var options = NeuralDefaults.For(name) with { Epochs = epochs, Dimensions = 16, LearningRate = 0.01f, Patience = epochs, PreferCuda = false };
        using var model = new NeuralRecommender(name, options);
        model.UseContent(TextOnlyContent());
        model.Fit(data, TestContext.Current.CancellationToken);

        AssertColdItemsRankedByContent(model, data.Items);
    }

    [Fact]
    public void TextTwoTower_PlacesUsersWithNoInteractions_ByTheTextTheyWrote()
    {
        // Users 1..30 like the space items, 31..60 the love stories; each wrote tags saying so. Users 1..5 and
        // 31..35 have no interactions at all: only their text can place them.
        bool IsColdUser(int user) => (user - 1) % 30 < 5;
        InteractionMatrix all = WarmOnly();
        PreparedSplit rows = all.ToSplit();
        int[] keep = [.. Enumerable.Range(0, rows.Count).Where(r => !IsColdUser(rows.Users[r]))];
        var data = InteractionMatrix.FromSplit(
            new PreparedSplit([.. keep.Select(r => rows.Users[r])], [.. keep.Select(r => rows.Items[r])], [.. keep.Select(r => rows.Labels[r])], new long[keep.Length]),
            all.Users, all.Items);
        string[] space = ["sci-fi, aliens", "space opera, starships", "robots, Mars", "astronauts, science fiction", "galaxies, space battles"];
        string[] romance = ["romance, weddings", "love stories, Paris", "romantic comedy, first dates", "couples, summer love", "chick flick, love"];
        string[] texts = [.. Enumerable.Range(1, all.Users - 1).Select(u => u <= 30 ? space[u % 5] : romance[u % 5])];
        using var encoder = new MiniLmEncoder(preferGpu: false);
        float[] userVectors = new float[all.Users * MiniLmEncoder.Dimensions];
        float[][] encoded = encoder.Encode(texts, TestContext.Current.CancellationToken);
        for (int u = 1; u < all.Users; u++)
        {
            encoded[u - 1].CopyTo(userVectors, u * MiniLmEncoder.Dimensions);
        }

        var options = NeuralDefaults.For("text") with { Epochs = 30, Dimensions = 16, LearningRate = 0.01f, Patience = 30, PreferCuda = false };
        using var model = new NeuralRecommender("text", options);
        model.UseContent(TextOnlyContent().WithUserTextVectors(userVectors));
        model.Fit(data, TestContext.Current.CancellationToken);

        float[] scores = new float[all.Items];
        int placed = 0;
        foreach (int user in Enumerable.Range(1, 60).Where(IsColdUser))
        {
            model.Score(user, scores);
            (int from, int to) own = user <= 30 ? (1, PerCluster) : (PerCluster + 1, 2 * PerCluster);
            double ownMean = Enumerable.Range(own.from, PerCluster).Average(i => scores[i]);
            double otherMean = Enumerable.Range(1, 2 * PerCluster).Where(i => i < own.from || i > own.to).Average(i => scores[i]);
            placed += ownMean > otherMean ? 1 : 0;
        }

        Assert.True(placed >= 9, $"{placed} of 10 users with no interactions were placed with their own group by their text");
    }

    [Fact]
    public void ContentTwoTowerWithUserText_ExportMatchesTheForwardPass()
    {
        var random = new Random(9);
        float[] users = [.. Enumerable.Range(0, 61 * 8).Select(_ => (float)(random.NextDouble() - 0.5))];
        using var model = new ContentTwoTower(61, RandomTextContent(5).WithUserTextVectors(users), 16, seed: 2, ItemTextInput.Both);
        Assert.NotNull(model.Users.TextProjection);
        RandomizeAll(model);

        AssertParity(model, ContentTwoTowerExporter.Export(model));
    }

    [Fact]
    public void TextTwoTower_WithoutTextVectors_IsRefusedWithTheFix()
    {
        using var model = new NeuralRecommender("text", NeuralDefaults.For("text") with { Epochs = 1, PreferCuda = false });
        model.UseContent(ItemContent.Empty(41));

        var error = Assert.Throws<Data.DatasetException>(() => model.Fit(WarmOnly(), TestContext.Current.CancellationToken));

        Assert.Contains("--text-vectors", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(ItemTextInput.Vectors)]
    [InlineData(ItemTextInput.Both)]
    public void ContentTwoTowerWithTextVectors_ExportMatchesTheForwardPass(ItemTextInput text)
    {
        using var model = new ContentTwoTower(61, RandomTextContent(5), 16, seed: 2, text);
        RandomizeAll(model);

        AssertParity(model, ContentTwoTowerExporter.Export(model));
    }

    /// <summary>41 items with genres, tokens and random 8-wide vectors: parity does not depend on what they mean.</summary>
    private static ItemContent RandomTextContent(int seed)
    {
        var random = new Random(seed);
        float[] vectors = [.. Enumerable.Range(0, 41 * 8).Select(_ => (float)(random.NextDouble() - 0.5))];
        return ItemContent.FromArrays([.. Enumerable.Range(0, 41).Select(i => i == 0 ? Array.Empty<int>() : [i % 2])], 2,
            [.. Enumerable.Range(0, 41 * 2).Select(t => t % 2 == 0 ? 2 + (t % 7) : 0)], 2, vocabulary: 10).WithTextVectors(vectors, 8);
    }

    private static string[] OnnxInputs(byte[] onnx)
    {
        using var session = Serving.Runtime.OnnxSessionFactory.Create(onnx, Serving.Runtime.ExecutionProvider.Cpu);
        return [.. session.InputMetadata.Keys];
    }

    [Theory]
    [InlineData(ItemTextInput.Vectors)]
    [InlineData(ItemTextInput.Both)]
    public void DcnV2WithTextVectors_ExportMatchesTheForwardPass(ItemTextInput text)
    {
        using var model = new DcnV2(61, 41, RandomTextContent(7), 16, seed: 2, text);
        RandomizeAll(model);

        byte[] onnx = DcnV2Exporter.Export(model);

        AssertParity(model, onnx);
        Assert.Equal(ContentTwoTowerExporter.Inputs(model.Content).Select(i => i.Name), OnnxInputs(onnx));
    }

    [Fact]
    public void ContentTwoTowerWithTextVectors_ScoresAnItemOutsideTheCatalogue_FromTheTextInput()
    {
        var random = new Random(6);
        float[] vectors = [.. Enumerable.Range(0, 41 * 8).Select(_ => (float)(random.NextDouble() - 0.5))];
        ItemContent content = ItemContent.FromArrays([.. Enumerable.Range(0, 41).Select(_ => Array.Empty<int>())], 0, new int[41], 1, vocabulary: 2)
            .WithTextVectors(vectors, 8);
        using var model = new ContentTwoTower(61, content, 16, seed: 2, ItemTextInput.Vectors);
        RandomizeAll(model);
        using var session = Serving.Runtime.OnnxSessionFactory.Create(ContentTwoTowerExporter.Export(model), Serving.Runtime.ExecutionProvider.Cpu);

        // Item 0 (unknown) carrying item 7's vector scores as item 7 does; a known item with zeros scores as itself.
        float[] text = new float[2 * 8];
        vectors.AsSpan(7 * 8, 8).CopyTo(text);
        using var user = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(new long[] { 5, 5 }, [2]);
        using var item = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(new long[] { 0, 7 }, [2]);
        using var textInput = Microsoft.ML.OnnxRuntime.OrtValue.CreateTensorValueFromMemory(text, [2, 8]);
        using var run = new Microsoft.ML.OnnxRuntime.RunOptions();
        using var outputs = session.Run(run, ["user", "item", "item_text"], [user, item, textInput], ["score"]);
        float[] scores = outputs[0].GetTensorDataAsSpan<float>().ToArray();

        Assert.Equal(scores[1], scores[0], 5);
        Assert.NotEqual(0.5f, scores[0], 3); // not the empty item's σ(0)
    }
}
