namespace Recsys.Data;

/// <summary>A dataset resolved to concrete files: where the interactions are and how to read them.</summary>
internal sealed record DatasetLayout
{
    public required DatasetFormat Format { get; init; }

    public required string Name { get; init; }

    public required string InteractionsFile { get; init; }

    /// <summary>Null for Parquet.</summary>
    public DelimitedFormat? Delimited { get; init; }

    /// <summary>Resolved columns for delimited files; Parquet resolves names against its schema.</summary>
    public InteractionColumns? Columns { get; init; }

    public ColumnNames ColumnNames { get; init; } = new();

    public IReadOnlyList<ItemSource> ItemSources { get; init; } = [];

    /// <summary>Feedback event files (JSON lines, as the rank API's sink writes them) merged into the interactions.</summary>
    public IReadOnlyList<string> EventFiles { get; init; } = [];

    /// <summary>Every file whose bytes shape the output; the content hash covers them.</summary>
    public IEnumerable<string> Files => ItemSources.Select(s => s.Path).Prepend(InteractionsFile).Concat(EventFiles);
}

internal enum ItemSourceKind
{
    MovieLens100KItems,
    MovieLens100KGenres,
    MoviesDat,
    MoviesCsv,
    TagsDat,
    TagsCsv,
    Generic,
}

internal sealed record ItemSource(ItemSourceKind Kind, string Path);
