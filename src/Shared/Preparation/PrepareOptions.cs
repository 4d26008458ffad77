using System.Globalization;
using Recsys.Data;

namespace Recsys.Preparation;

/// <summary>Everything that decides a prepared dataset. All of it except the dataset path is in the content hash.</summary>
public sealed record PrepareOptions
{
    public required string Dataset { get; init; }

    public DatasetFormat Format { get; init; } = DatasetFormat.Auto;

    /// <summary>Column mapping for generic files: <c>user=col,item=col[,rating=col][,timestamp=col]</c>.</summary>
    public string? Columns { get; init; }

    /// <summary>Optional item metadata file for generic datasets (id plus title, genres, text).</summary>
    public string? ItemsFile { get; init; }

    public SplitMethod Split { get; init; } = SplitMethod.Stratified;

    /// <summary>train,test or train,validation,test shares; ignored by leave-last-out.</summary>
    public IReadOnlyList<double> Ratios { get; init; } = [0.75, 0.25];

    public int Seed { get; init; } = 42;

    /// <summary>Keep only interactions rated at least this much, as positives with label 1.</summary>
    public float? ImplicitMinRating { get; init; }

    /// <summary>Treat every interaction as a positive with label 1.</summary>
    public bool ImplicitAll { get; init; }

    /// <summary>Iteratively drop users and items with fewer interactions than this (0: off).</summary>
    public int KCore { get; init; }

    public int MaxLineBytes { get; init; } = 1 << 20;

    /// <summary>Rows held in memory at once during the grouping passes; more rows spill to more buckets.</summary>
    public int RowsPerBucket { get; init; } = 2_000_000;

    /// <summary>
    /// Feedback events to merge into the interactions: a <c>.jsonl</c> file or a folder of them (the layout of the
    /// rank API's <c>events/</c>). Clicks and ratings become interactions; the dataset itself is only read.
    /// </summary>
    public string? Events { get; init; }

    /// <summary>Only events attributed to this registry model (by their own <c>model</c> or their list's); all when null.</summary>
    public string? EventsModel { get; init; }

    /// <summary>Only events at or after this time.</summary>
    public DateTimeOffset? EventsSince { get; init; }

    /// <summary>The rating a click becomes; null: the highest rating in the dataset (a click is a strong positive).</summary>
    public float? ClickRating { get; init; }

    /// <summary>Keep what the events showed a user who did not click it as explicit negatives (<c>negatives.parquet</c>).</summary>
    public bool ImpressionNegatives { get; init; }

    /// <summary>Name for the prepared dataset; defaults to the dataset file or folder name.</summary>
    public string? Name { get; init; }

    /// <summary><c>--implicit</c>: "all" (every interaction a positive), a minimum rating, or nothing (explicit ratings).</summary>
    public static (bool All, float? MinRating) ParseImplicit(string? text)
    {
        if (text is null)
        {
            return (false, null);
        }

        if (text.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            return (true, null);
        }

        return float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out float v)
            ? (false, v)
            : throw new DatasetException($"--implicit: '{text}' is neither 'all' nor a rating.");
    }

    public static IReadOnlyList<double> ParseRatios(string text)
    {
        double[] parts = [.. text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(p => double.TryParse(p, NumberStyles.Float, CultureInfo.InvariantCulture, out double v)
                ? v
                : throw new DatasetException($"--ratio: '{p}' is not a number."))];
        if (parts.Length == 1)
        {
            parts = [parts[0], 1 - parts[0]];
        }

        if (parts.Length is < 2 or > 3 || parts.Any(p => p <= 0 || p >= 1) || Math.Abs(parts.Sum() - 1) > 1e-6)
        {
            throw new DatasetException($"--ratio: '{text}' must be train (e.g. 0.75), train,test or train,validation,test shares in (0,1) that sum to 1.");
        }

        return parts;
    }

    internal void Validate()
    {
        if (KCore < 0) { throw new DatasetException("--kcore must be 0 (off) or a positive count."); }
        if (MaxLineBytes < 1024) { throw new DatasetException("--max-line-bytes must be at least 1024."); }
        if (RowsPerBucket < 1024) { throw new DatasetException("Rows per bucket must be at least 1024."); }
        if (ImplicitAll && ImplicitMinRating is not null) { throw new DatasetException("Choose either --implicit all or a rating threshold, not both."); }
        if (ClickRating is { } click && !float.IsFinite(click)) { throw new DatasetException("--click-rating must be a finite number."); }
        if (Events is null && (EventsModel is not null || EventsSince is not null || ClickRating is not null || ImpressionNegatives)) { throw new DatasetException("--events-model, --events-since, --click-rating and --impression-negatives need --events."); }
        _ = ParseRatios(string.Join(',', Ratios.Select(r => r.ToString(CultureInfo.InvariantCulture))));
    }

    /// <summary>The options that shape the output, in a canonical text form for hashing and reports.</summary>
    internal string Canonical(DatasetLayout layout) => string.Join(';',
        $"format={layout.Format.ToName()}",
        $"separator={layout.Delimited?.Separator}",
        $"header={layout.Delimited?.HasHeader}",
        $"columns={layout.Columns}",
        $"parquetColumns={layout.ColumnNames.Describe()}",
        $"split={Split.ToName()}",
        $"ratios={string.Join(',', Ratios.Select(r => r.ToString("R", CultureInfo.InvariantCulture)))}",
        $"seed={Seed}",
        $"implicit={(ImplicitAll ? "all" : ImplicitMinRating?.ToString("R", CultureInfo.InvariantCulture) ?? "none")}",
        $"kcore={KCore}",
        $"maxLineBytes={MaxLineBytes}")
        // Only with events, so every earlier dataset keeps its hash.
        + (layout.EventFiles.Count == 0 ? "" : $";events={layout.EventFiles.Count};model={EventsModel};since={EventsSince?.ToUnixTimeSeconds()};click={ClickRating?.ToString("R", CultureInfo.InvariantCulture)}{(ImpressionNegatives ? ";negatives" : "")}");
}
