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

    /// <summary>One user per line: <c>user item item …</c>, oldest first (sequential benchmarks).</summary>
    Sequences,
}

public static class DatasetFormatNames
{
    private static readonly NamedValues<DatasetFormat> s_names = new("dataset format", "formats", "auto", "movielens-100k", "movielens-1m", "movielens-latest", "csv", "parquet", "sequences");

    // MovieLens 10M shares the 1M layout; tsv is a delimited file like csv.
    private static readonly Dictionary<string, DatasetFormat> s_aliases = new() { ["movielens-10m"] = DatasetFormat.MovieLens1M, ["tsv"] = DatasetFormat.Csv };

    public static IReadOnlyList<string> All => s_names.All;

    public static string ToName(this DatasetFormat format) => s_names.NameOf(format);

    public static DatasetFormat Parse(string name) => s_names.Parse(name, s_aliases);
}
