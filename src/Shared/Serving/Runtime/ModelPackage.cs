using System.Runtime.InteropServices;
using Recsys.Models;
using Recsys.Preparation;

namespace Recsys.Serving.Runtime;

/// <summary>
/// The files of one model version, read and checked against each other before anything is built from them:
/// the ONNX bytes, the manifest, the id vocabularies (row i is index i + 1) and the item vectors.
/// </summary>
public sealed class ModelPackage
{
    private ModelPackage(ModelManifest manifest, byte[] onnx, string[] itemIds, string[] userIds, string[] itemGenres, float[]? itemEmbeddings)
    {
        Manifest = manifest;
        Onnx = onnx;
        ItemIds = itemIds;
        UserIds = userIds;
        ItemGenres = itemGenres;
        ItemEmbeddings = itemEmbeddings;
    }

    public ModelManifest Manifest { get; }

    public byte[] Onnx { get; }

    public string[] ItemIds { get; }

    public string[] UserIds { get; }

    /// <summary>'|'-separated genres per item, aligned with <see cref="ItemIds"/>; empty strings when unknown.</summary>
    public string[] ItemGenres { get; }

    public float[]? ItemEmbeddings { get; }

    /// <summary>Reads version <paramref name="version"/> of <paramref name="name"/>; a missing or inconsistent file is a <see cref="ModelLoadException"/>.</summary>
    public static async Task<ModelPackage> LoadAsync(ModelRegistry registry, string name, string version, CancellationToken cancellationToken = default)
    {
        async Task<byte[]?> Read(string file)
        {
            await using Stream? stream = await registry.OpenAsync(name, version, file, cancellationToken);
            if (stream is null)
            {
                return null;
            }

            using var buffer = new MemoryStream();
            await stream.CopyToAsync(buffer, cancellationToken);
            return buffer.ToArray();
        }

        byte[] manifestBytes = await Read(ModelManifest.FileName) ?? throw new ModelLoadException($"{name}/{version} has no {ModelManifest.FileName}.");
        ModelManifest manifest;
        try
        {
            manifest = ModelManifest.FromJson(System.Text.Encoding.UTF8.GetString(manifestBytes));
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new ModelLoadException($"{name}/{version}/{ModelManifest.FileName} is not a valid manifest: {ex.Message}", ex);
        }

        byte[] onnx = await Read(ModelManifest.ModelFile) ?? throw new ModelLoadException($"{name}/{version} has no {ModelManifest.ModelFile}.");
        byte[] items = await Read(PreparedFiles.Items) ?? throw new ModelLoadException($"{name}/{version} has no {PreparedFiles.Items}.");
        byte[]? users = await Read(PreparedFiles.Users);
        IReadOnlyDictionary<string, string[]> itemColumns = await Columns(items, PreparedFiles.Items);
        string[] itemIds = itemColumns.GetValueOrDefault("id") ?? throw new ModelLoadException($"{PreparedFiles.Items} has no id column.");
        string[] genres = itemColumns.GetValueOrDefault("genres") ?? new string[itemIds.Length];
        string[] userIds = users is null ? [] : (await Columns(users, PreparedFiles.Users)).GetValueOrDefault("id") ?? [];
        if (itemIds.Length + 1 != manifest.Features.Items.Size)
        {
            throw new ModelLoadException($"{PreparedFiles.Items} has {itemIds.Length} ids but the feature spec expects {manifest.Features.Items.Size - 1}.");
        }

        float[]? embeddings = null;
        if (manifest.ItemEmbeddings is { } spec)
        {
            byte[] raw = await Read(spec.File) ?? throw new ModelLoadException($"{name}/{version} has no {spec.File}.");
            if (raw.Length != (long)spec.Count * spec.Dimensions * sizeof(float))
            {
                throw new ModelLoadException($"{spec.File} has {raw.Length} bytes; the manifest says {spec.Count}×{spec.Dimensions} floats.");
            }

            embeddings = MemoryMarshal.Cast<byte, float>(raw).ToArray();
        }

        return new ModelPackage(manifest with { Name = name, Version = version }, onnx, itemIds, userIds, [.. genres.Select(g => g ?? string.Empty)], embeddings);

        async Task<IReadOnlyDictionary<string, string[]>> Columns(byte[] parquet, string file)
        {
            try
            {
                using var stream = new MemoryStream(parquet, writable: false);
                return await PreparedDatasetReader.ReadTextColumnsAsync(stream, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                throw new ModelLoadException($"{file} is not a readable vocabulary: {ex.Message}", ex);
            }
        }
    }
}

/// <summary>A model version that cannot be served, with the reason.</summary>
public sealed class ModelLoadException : Exception
{
    public ModelLoadException()
    {
    }

    public ModelLoadException(string message)
        : base(message)
    {
    }

    public ModelLoadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
