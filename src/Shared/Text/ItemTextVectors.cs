using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Recsys.Data;
using Recsys.Features;
using Recsys.Preparation;

namespace Recsys.Text;

/// <summary>Which encoder produced a prepared dataset's item text vectors, over which texts.</summary>
public sealed record TextVectorInfo(string Encoder, string EncoderVersion, int Dimensions, int Items, int ItemsWithText, string TextHash);

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
        int[] withText = [.. Enumerable.Range(1, texts.Length - 1).Where(i => texts[i].Length > 0)];
        if (withText.Length == 0)
        {
            return null;
        }

        var info = new TextVectorInfo(encoder.Name, encoder.Version, encoder.Dimensions, texts.Length, withText.Length, Hash(encoder, texts));
        string? cached = cacheFolder is null ? null : Path.Combine(cacheFolder, $"{info.Encoder}-{info.TextHash}{Path.GetExtension(VectorsFile)}");
        string target = Path.Combine(preparedFolder, VectorsFile);
        if (cached is not null && File.Exists(cached))
        {
            File.Copy(cached, target, overwrite: true);
        }
        else
        {
            float[] vectors = Encode(encoder, texts, withText, progress, cancellationToken);
            await File.WriteAllBytesAsync(target, MemoryMarshal.AsBytes(vectors.AsSpan()).ToArray(), cancellationToken);
            if (cached is not null)
            {
                Directory.CreateDirectory(cacheFolder!);
                string partial = cached + ".partial";
                File.Copy(target, partial, overwrite: true);
                File.Move(partial, cached, overwrite: true); // a cache file is whole or absent
            }
        }

        await File.WriteAllTextAsync(Path.Combine(preparedFolder, InfoFile), JsonSerializer.Serialize(info, FeatureSpec.JsonOptions), cancellationToken);
        return info;
    }

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

        TextVectorInfo info = JsonSerializer.Deserialize<TextVectorInfo>(await File.ReadAllTextAsync(Path.Combine(preparedFolder, InfoFile), cancellationToken), FeatureSpec.JsonOptions)!;
        if (info.Encoder != encoder || info.EncoderVersion != version)
        {
            throw new DatasetException(
                $"The item text vectors were made by {info.Encoder} ({info.EncoderVersion}), not {encoder} ({version}): prepare them again.");
        }

        byte[] bytes = await File.ReadAllBytesAsync(Path.Combine(preparedFolder, VectorsFile), cancellationToken);
        if (bytes.Length != (long)info.Items * info.Dimensions * sizeof(float))
        {
            throw new DatasetException($"'{VectorsFile}' holds {bytes.Length:N0} bytes, not {info.Items:N0} items × {info.Dimensions} floats.");
        }

        return MemoryMarshal.Cast<byte, float>(bytes).ToArray();
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
