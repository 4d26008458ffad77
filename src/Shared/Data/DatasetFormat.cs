namespace Recsys.Data;

/// <summary>Dataset layouts that prepare reads. CLI names: see <see cref="DatasetFormatNames"/>.</summary>
public enum DatasetFormat
{
    Auto,
    MovieLens100K,
    MovieLens1M,
    MovieLensLatest,
    Csv,
    Parquet,
}

public static class DatasetFormatNames
{
    public static IReadOnlyList<string> All { get; } = ["auto", "movielens-100k", "movielens-1m", "movielens-latest", "csv", "parquet"];

    public static string ToName(this DatasetFormat format) => All[(int)format];

    public static DatasetFormat Parse(string name)
    {
        int at = All.ToList().FindIndex(n => n.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase));
        return name.Trim().ToLowerInvariant() switch
        {
            "movielens-10m" => DatasetFormat.MovieLens1M, // same ::-separated layout
            "tsv" => DatasetFormat.Csv,
            _ when at >= 0 => (DatasetFormat)at,
            _ => throw new DatasetException($"Unknown dataset format '{name}'. Known formats: {string.Join(", ", All)}."),
        };
    }
}
