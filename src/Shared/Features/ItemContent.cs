using Recsys.Preparation;

namespace Recsys.Features;

/// <summary>
/// What content-aware models know about each item besides its id: genre indices, text tokens (title and
/// tags, encoded with the spec's vocabulary) and, where the prepared dataset has them, the item's sentence-encoder
/// vector (<see cref="Text.ItemTextVectors"/>). Indexed by item index; index 0 (padding) has none of them.
/// </summary>
public sealed class ItemContent
{
    private ItemContent(int items, int genreCount, int maxTokens, int vocabulary, int[][] genres, int[] tokens)
    {
        Items = items;
        GenreCount = genreCount;
        MaxTokens = maxTokens;
        Vocabulary = vocabulary;
        Genres = genres;
        Tokens = tokens;
    }

    public int Items { get; }

    public int GenreCount { get; }

    public int MaxTokens { get; }

    /// <summary>Token vocabulary size, padding and unknown markers included.</summary>
    public int Vocabulary { get; }

    /// <summary>Genre indices per item.</summary>
    public IReadOnlyList<int[]> Genres { get; }

    /// <summary>Token indices, <see cref="MaxTokens"/> per item, right-padded with 0.</summary>
    public ReadOnlyMemory<int> Tokens { get; }

    /// <summary>Frozen sentence-encoder vectors, items × <see cref="TextDimensions"/> (zero rows for items with no text); null when none were prepared.</summary>
    public float[]? TextVectors { get; private init; }

    public int TextDimensions { get; private init; }

    /// <summary>The same content with sentence-encoder vectors, items × <paramref name="dimensions"/>.</summary>
    public ItemContent WithTextVectors(float[] vectors, int dimensions) =>
        dimensions > 0 && vectors.Length == (long)Items * dimensions
            ? new(Items, GenreCount, MaxTokens, Vocabulary, [.. Genres], Tokens.ToArray()) { TextVectors = vectors, TextDimensions = dimensions }
            : throw new ArgumentException($"Text vectors must be {Items} items × {dimensions} dimensions, not {vectors.Length} values.", nameof(vectors));

    /// <summary>
    /// Vectors of the text each user wrote (their own tags), users × <see cref="TextDimensions"/>, by the encoder of
    /// <see cref="TextVectors"/>; zero rows for users who wrote none. Null when the dataset has no user text.
    /// </summary>
    public float[]? UserTextVectors { get; private init; }

    /// <summary>The same content with the users' text vectors (after <see cref="WithTextVectors"/>, whose width they share).</summary>
    public ItemContent WithUserTextVectors(float[] vectors) =>
        TextVectors is not null && vectors.Length > 0 && vectors.Length % TextDimensions == 0
            ? new(Items, GenreCount, MaxTokens, Vocabulary, [.. Genres], Tokens.ToArray()) { TextVectors = TextVectors, TextDimensions = TextDimensions, UserTextVectors = vectors }
            : throw new ArgumentException($"User text vectors need item text vectors first and must be users × {TextDimensions} values, not {vectors.Length}.", nameof(vectors));

    /// <summary>Content from arrays: genre indices per item and <paramref name="maxTokens"/> token indices per item.</summary>
    public static ItemContent FromArrays(int[][] genres, int genreCount, int[] tokens, int maxTokens, int vocabulary)
    {
        if (tokens.Length != genres.Length * maxTokens || genres.Any(g => g.Any(i => i < 0 || i >= genreCount)) || tokens.Any(t => t < 0 || t >= vocabulary))
        {
            throw new ArgumentException("Genre or token indices out of range, or token rows not maxTokens wide.");
        }

        return new(genres.Length, genreCount, maxTokens, vocabulary, genres, tokens);
    }

    /// <summary>No metadata at all: every item has no genres and only padding tokens.</summary>
    public static ItemContent Empty(int items) => new(items, 0, 1, 2, Enumerable.Range(0, items).Select(_ => Array.Empty<int>()).ToArray(), new int[items]);

    /// <summary>
    /// The prepared dataset's item content; with <paramref name="textVectors"/> also its sentence-encoder vectors,
    /// which must exist and come from this build's encoder (models that do not read them never check them).
    /// </summary>
    public static async Task<ItemContent> ReadAsync(string preparedFolder, FeatureSpec spec, bool textVectors = false, CancellationToken cancellationToken = default)
    {
        var columns = await PreparedDatasetReader.ReadTextColumnsAsync(preparedFolder, PreparedFiles.Items, cancellationToken);
        var genreIndex = spec.Genres.Select((g, i) => (g, i)).ToDictionary(p => p.g, p => p.i, StringComparer.Ordinal);
        var tokenIndex = spec.Text.Vocabulary.Select((t, i) => (t, i)).ToDictionary(p => p.t, p => p.i, StringComparer.Ordinal);
        int items = spec.Items.Size;
        int width = spec.Text.MaxTokens;
        int[][] genres = new int[items][];
        genres[0] = [];
        int[] tokens = new int[items * width];
        string[] genreText = columns["genres"], titles = columns["title"], tags = columns["tags"];
        for (int i = 0; i < genreText.Length && i + 1 < items; i++)
        {
            genres[i + 1] = genreText[i].Split('|', StringSplitOptions.RemoveEmptyEntries).Where(genreIndex.ContainsKey).Select(g => genreIndex[g]).Distinct().ToArray();
            TextTokenizer.Encode($"{titles[i]} {tags[i]}", spec.Text, tokenIndex).CopyTo(tokens, (i + 1) * width);
        }

        for (int i = 0; i < items; i++)
        {
            genres[i] ??= [];
        }

        var content = new ItemContent(items, spec.Genres.Count, width, spec.Text.Vocabulary.Count, genres, tokens);
        if (!textVectors)
        {
            return content;
        }

        content = content.WithTextVectors(
            await Text.ItemTextVectors.ReadAsync(preparedFolder, Text.MiniLmEncoder.ModelName, Text.MiniLmEncoder.CurrentVersion, cancellationToken), Text.MiniLmEncoder.Dimensions);
        return await Text.ItemTextVectors.ReadUsersAsync(preparedFolder, cancellationToken) is { } users ? content.WithUserTextVectors(users) : content;
    }
}
