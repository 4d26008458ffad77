using Parquet;
using Parquet.Schema;
using Recsys.Data;
using Recsys.Features;

namespace Recsys.Preparation;

/// <summary>Reads a prepared dataset from a local folder (splits, vocabularies, spec, stats).</summary>
public static class PreparedDatasetReader
{
    public static async Task<PreparedSplit?> ReadSplitAsync(string folder, string fileName, CancellationToken cancellationToken = default)
    {
        string path = Path.Combine(folder, fileName);
        if (!File.Exists(path))
        {
            return null;
        }

        await using var stream = File.OpenRead(path);
        await using ParquetReader reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken);
        long total = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
            total += group.RowCount;
        }

        var split = new PreparedSplit(new int[total], new int[total], new float[total], new long[total]);
        int offset = 0;
        for (int g = 0; g < reader.RowGroupCount; g++)
        {
            using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
            int rows = checked((int)group.RowCount);
            await group.ReadAsync(SplitWriter.UserField, split.Users.AsMemory(offset, rows), null, cancellationToken);
            await group.ReadAsync(SplitWriter.ItemField, split.Items.AsMemory(offset, rows), null, cancellationToken);
            await group.ReadAsync(SplitWriter.LabelField, split.Labels.AsMemory(offset, rows), null, cancellationToken);
            await group.ReadAsync(SplitWriter.TimestampField, split.Timestamps.AsMemory(offset, rows), null, cancellationToken);
            offset += rows;
        }

        return split;
    }

    /// <summary>String columns of a vocabulary file (users.parquet, items.parquet) by name; row i is index i+1.</summary>
    public static async Task<IReadOnlyDictionary<string, string[]>> ReadTextColumnsAsync(string folder, string fileName, CancellationToken cancellationToken = default)
    {
        await using var stream = File.OpenRead(Path.Combine(folder, fileName));
        return await ReadTextColumnsAsync(stream, cancellationToken);
    }

    /// <summary>The same from a seekable stream (a vocabulary downloaded from a model package).</summary>
    public static async Task<IReadOnlyDictionary<string, string[]>> ReadTextColumnsAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        await using ParquetReader reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken);
        var columns = new Dictionary<string, string[]>(StringComparer.Ordinal);
        DataField[] fields = [.. reader.Schema.GetDataFields().Where(ParquetTypes.IsText)];
        foreach (DataField field in fields)
        {
            var values = new List<string>();
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
                string?[] chunk = new string?[group.RowCount];
                await group.ReadAsync(field, chunk.AsMemory(), null, cancellationToken);
                values.AddRange(chunk.Select(v => v ?? string.Empty));
            }

            columns[field.Name] = [.. values];
        }

        return columns;
    }

    public static async Task<FeatureSpec> ReadSpecAsync(string folder, CancellationToken cancellationToken = default) =>
        FeatureSpec.FromJson(await File.ReadAllTextAsync(Path.Combine(folder, PreparedFiles.Spec), cancellationToken));

    public static async Task<PrepareStats> ReadStatsAsync(string folder, CancellationToken cancellationToken = default) =>
        PrepareStats.FromJson(await File.ReadAllTextAsync(Path.Combine(folder, PreparedFiles.Stats), cancellationToken));
}
