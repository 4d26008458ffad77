using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Recsys.Data;
using Recsys.Features;
using Recsys.Preparation;

namespace Recsys.Text;

/// <summary>Which encoder produced a prepared dataset's item text vectors, over which texts.</summary>
public sealed record TextVectorInfo(string Encoder, string EncoderVersion, int Dimensions, int Items, int ItemsWithText, string TextHash)
{
    /// <summary>Users with vectors of their own text (0 when the dataset has no user-written text).</summary>
    public int Users { get; init; }

    public int UsersWithText { get; init; }

    public string? UserTextHash { get; init; }

    /// <summary>Whether <paramref name="encoder"/> at <paramref name="version"/> made these vectors.</summary>
    public bool MadeBy(string encoder, string version) => Encoder == encoder && EncoderVersion == version;

    public static TextVectorInfo FromJson(string json) =>
        JsonSerializer.Deserialize<TextVectorInfo>(json, FeatureSpec.JsonOptions) ?? throw new DatasetException($"{ItemTextVectors.InfoFile} is empty.");
}

/// <summary>
/// Each item's text (title, genres, tags or description, as the prepared items file has them) encoded once by a
/// pretrained sentence encoder and kept beside the prepared dataset: <see cref="VectorsFile"/> holds items ×
/// dimensions little-endian floats (row 0, the padding item, and items with no text are zero) and
/// <see cref="InfoFile"/> names the encoder. A cache folder keyed by encoder and text hash means a second
/// preparation of the same items encodes nothing.
/// </summary>
public static class ItemTextVectors
{
    public const string VectorsFile = "item-text.f32";
    public const string InfoFile = "item-text.json";

    /// <summary>The users' own text (<see cref="PreparedFiles.UserText"/>) encoded the same way, users × dimensions, where the dataset has some.</summary>
    public const string UserVectorsFile = "user-text.f32";

    /// <summary>A prolific tagger's text is cut here: the encoder reads its first 256 word pieces only.</summary>
    private const int MaxUserTextLength = 1000;

    private const int BatchSize = 64;

    /// <summary>The user's vector cache, shared by every preparation on this machine.</summary>
    public static string DefaultCache { get; } = Path.Combine(
        Environment.GetFolderPath(Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.Create), "recsys", "text-vectors");

    /// <summary>
    /// Encodes the prepared dataset's item texts (or takes them from <paramref name="cacheFolder"/>) and writes
    /// both files into <paramref name="preparedFolder"/>; null when no item has any text (nothing is written).
    /// </summary>
    public static async Task<TextVectorInfo?> BuildAsync(
        string preparedFolder, ITextEncoder encoder, string? cacheFolder = null, IProgress<(int Done, int Total)>? progress = null,
        CancellationToken cancellationToken = default)
    {
        FeatureSpec spec = await PreparedDatasetReader.ReadSpecAsync(preparedFolder, cancellationToken);
        string[] texts = Texts(await PreparedDatasetReader.ReadTextColumnsAsync(preparedFolder, PreparedFiles.Items, cancellationToken), spec.Items.Size);
        int[] withText = WithText(texts);
        if (withText.Length == 0)
        {
            return null;
        }

        var info = new TextVectorInfo(encoder.Name, encoder.Version, encoder.Dimensions, texts.Length, withText.Length,
            await WriteVectorsAsync(encoder, texts, withText, Path.Combine(preparedFolder, VectorsFile), cacheFolder, progress, cancellationToken));
        if (File.Exists(Path.Combine(preparedFolder, PreparedFiles.UserText)))
        {
            string[] userTexts = UserTexts(await PreparedDatasetReader.ReadTextColumnsAsync(preparedFolder, PreparedFiles.UserText, cancellationToken), spec.Users.Size);
            int[] usersWithText = WithText(userTexts);
            if (usersWithText.Length > 0)
            {
                info = info with
                {
                    Users = userTexts.Length,
                    UsersWithText = usersWithText.Length,
                    UserTextHash = await WriteVectorsAsync(encoder, userTexts, usersWithText, Path.Combine(preparedFolder, UserVectorsFile), cacheFolder, null, cancellationToken),
                };
            }
        }

        await File.WriteAllTextAsync(Path.Combine(preparedFolder, InfoFile), JsonSerializer.Serialize(info, FeatureSpec.JsonOptions), cancellationToken);
        return info;
    }

    /// <summary>Encodes <paramref name="texts"/> (or takes them from the cache) into <paramref name="target"/>; returns the texts' hash.</summary>
    private static async Task<string> WriteVectorsAsync(
        ITextEncoder encoder, string[] texts, int[] withText, string target, string? cacheFolder, IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        string hash = Hash(encoder, texts);
        string? cached = cacheFolder is null ? null : Path.Combine(cacheFolder, $"{encoder.Name}-{hash}{Path.GetExtension(VectorsFile)}");
        if (cached is not null && File.Exists(cached))
        {
            File.Copy(cached, target, overwrite: true);
            return hash;
        }

        float[] vectors = Encode(encoder, texts, withText, progress, cancellationToken);
        await File.WriteAllBytesAsync(target, MemoryMarshal.AsBytes(vectors.AsSpan()).ToArray(), cancellationToken);
        if (cached is not null)
        {
            Directory.CreateDirectory(cacheFolder!);
            string partial = cached + ".partial";
            File.Copy(target, partial, overwrite: true);
            File.Move(partial, cached, overwrite: true); // a cache file is whole or absent
        }

        return hash;
    }

    private static int[] WithText(string[] texts) => [.. Enumerable.Range(1, texts.Length - 1).Where(i => texts[i].Length > 0)];

    public static bool Exists(string preparedFolder) => File.Exists(Path.Combine(preparedFolder, InfoFile));

    /// <summary>
    /// The vectors of a prepared dataset, items × dimensions, refused unless encoder <paramref name="encoder"/> at
    /// <paramref name="version"/> produced them.
    /// </summary>
    public static async Task<float[]> ReadAsync(string preparedFolder, string encoder, string version, CancellationToken cancellationToken = default)
    {
        if (!Exists(preparedFolder))
        {
            throw new DatasetException($"The prepared dataset at '{preparedFolder}' has no item text vectors: prepare it with text vectors first.");
        }

        TextVectorInfo info = await ReadInfoAsync(preparedFolder, cancellationToken);
        if (!info.MadeBy(encoder, version))
        {
            throw new DatasetException(
                $"The item text vectors were made by {info.Encoder} ({info.EncoderVersion}), not {encoder} ({version}): prepare them again.");
        }

        return await ReadFileAsync(Path.Combine(preparedFolder, VectorsFile), info.Items, info.Dimensions, "items", cancellationToken);
    }

    /// <summary>
    /// The vectors of the text each user wrote, users × dimensions, when the prepared dataset has any (null
    /// otherwise); read after <see cref="ReadAsync"/>, which checks the encoder.
    /// </summary>
    public static async Task<float[]?> ReadUsersAsync(string preparedFolder, CancellationToken cancellationToken = default)
    {
        TextVectorInfo info = await ReadInfoAsync(preparedFolder, cancellationToken);
        return info.UsersWithText > 0
            ? await ReadFileAsync(Path.Combine(preparedFolder, UserVectorsFile), info.Users, info.Dimensions, "users", cancellationToken)
            : null;
    }

    private static async Task<TextVectorInfo> ReadInfoAsync(string preparedFolder, CancellationToken cancellationToken) =>
        TextVectorInfo.FromJson(await File.ReadAllTextAsync(Path.Combine(preparedFolder, InfoFile), cancellationToken));

    private static async Task<float[]> ReadFileAsync(string path, int rows, int dimensions, string what, CancellationToken cancellationToken)
    {
        byte[] bytes = await File.ReadAllBytesAsync(path, cancellationToken);
        if (bytes.Length != (long)rows * dimensions * sizeof(float))
        {
            throw new DatasetException($"'{Path.GetFileName(path)}' holds {bytes.Length:N0} bytes, not {rows:N0} {what} × {dimensions} floats.");
        }

        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
    }

    /// <summary>One text per user index (index 0 empty): the user's own tags, "tag, tag, …", cut at a whole tag near <see cref="MaxUserTextLength"/>.</summary>
    internal static string[] UserTexts(IReadOnlyDictionary<string, string[]> columns, int users)
    {
        string[] tags = columns.TryGetValue("tags", out string[]? values) ? values : [];
        string[] texts = new string[users];
        texts[0] = string.Empty;
        for (int u = 1; u < users; u++)
        {
            var text = new StringBuilder();
            foreach (string tag in (u - 1 < tags.Length ? tags[u - 1] : string.Empty).Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (text.Length + tag.Length + 2 > MaxUserTextLength)
                {
                    break;
                }

                text.Append(text.Length > 0 ? ", " : string.Empty).Append(tag);
            }

            texts[u] = text.ToString();
        }

        return texts;
    }

    /// <summary>
    /// One text per item index (index 0, padding, is empty): "title. genre, genre. tags", leaving out what the
    /// item does not have.
    /// </summary>
    internal static string[] Texts(IReadOnlyDictionary<string, string[]> columns, int items)
    {
        string[] Column(string name) => columns.TryGetValue(name, out string[]? values) ? values : [];
        string[] titles = Column("title"), genres = Column("genres"), tags = Column("tags");
        string[] texts = new string[items];
        texts[0] = string.Empty;
        for (int i = 1; i < items; i++)
        {
            string Cell(string[] column) => i - 1 < column.Length ? column[i - 1].Trim() : string.Empty;
            string genreList = string.Join(", ", Cell(genres).Split('|', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                .Where(g => !g.Equals("(no genres listed)", StringComparison.OrdinalIgnoreCase)));
            texts[i] = string.Join(". ", new[] { Cell(titles), genreList, Cell(tags).Replace('|', ',') }.Where(part => part.Length > 0));
        }

        return texts;
    }

    private static float[] Encode(ITextEncoder encoder, string[] texts, int[] withText, IProgress<(int Done, int Total)>? progress, CancellationToken cancellationToken)
    {
        int dimensions = encoder.Dimensions;
        float[] vectors = new float[texts.Length * dimensions];
        for (int start = 0; start < withText.Length; start += BatchSize)
        {
            cancellationToken.ThrowIfCancellationRequested();
            int[] batch = withText[start..Math.Min(start + BatchSize, withText.Length)];
            float[][] encoded = encoder.Encode([.. batch.Select(i => texts[i])], cancellationToken);
            for (int b = 0; b < batch.Length; b++)
            {
                if (encoded[b].Length != dimensions)
                {
                    throw new InvalidOperationException($"{encoder.Name} returned {encoded[b].Length} dimensions, not {dimensions}.");
                }

                encoded[b].CopyTo(vectors, batch[b] * dimensions);
            }

            progress?.Report((start + batch.Length, withText.Length));
        }

        return vectors;
    }

    private static string Hash(ITextEncoder encoder, string[] texts)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes($"{encoder.Name}\0{encoder.Version}\0{encoder.Dimensions}\0"));
        foreach (string text in texts)
        {
            hash.AppendData(Encoding.UTF8.GetBytes(text));
            hash.AppendData([0]);
        }

        return Convert.ToHexStringLower(hash.GetHashAndReset())[..16];
    }
}
