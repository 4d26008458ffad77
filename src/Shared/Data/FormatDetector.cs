using System.Text;

namespace Recsys.Data;

/// <summary>Resolves a dataset path (file or folder) and a format choice to a <see cref="DatasetLayout"/>.</summary>
internal static class FormatDetector
{
    private static readonly string[] s_textPatterns = ["*.csv", "*.tsv", "*.txt"];

    public static DatasetLayout Resolve(string path, DatasetFormat format, ColumnNames columns, string? itemsFile = null)
    {
        string full = Path.GetFullPath(path);
        bool isFolder = Directory.Exists(full);
        if (!isFolder && !File.Exists(full))
        {
            throw new DatasetException($"Dataset not found: '{path}'.");
        }

        string folder = isFolder ? full : Path.GetDirectoryName(full)!;
        string? Beside(string name)
        {
            string candidate = Path.Combine(folder, name);
            return File.Exists(candidate) ? candidate : null;
        }

        string? file = isFolder ? null : full;
        if (format == DatasetFormat.Auto)
        {
            format = Detect(file, folder, isFolder);
        }

        string name = isFolder ? Path.GetFileName(full.TrimEnd(Path.DirectorySeparatorChar)) : Path.GetFileNameWithoutExtension(full);
        DatasetLayout layout = format switch
        {
            DatasetFormat.MovieLens100K => new DatasetLayout
            {
                Format = format, Name = name,
                InteractionsFile = Require(file ?? Beside("u.data"), "u.data", folder),
                Delimited = DelimitedFormat.MovieLens100K,
                Columns = new InteractionColumns(0, 1, 2, 3),
                ItemSources = Sources((ItemSourceKind.MovieLens100KGenres, Beside("u.genre")), (ItemSourceKind.MovieLens100KItems, Beside("u.item"))),
            },
            DatasetFormat.MovieLens1M => new DatasetLayout
            {
                Format = format, Name = name,
                InteractionsFile = Require(file ?? Beside("ratings.dat"), "ratings.dat", folder),
                Delimited = DelimitedFormat.MovieLensDat,
                Columns = new InteractionColumns(0, 1, 2, 3),
                ItemSources = Sources((ItemSourceKind.MoviesDat, Beside("movies.dat")), (ItemSourceKind.TagsDat, Beside("tags.dat"))),
            },
            DatasetFormat.MovieLensLatest => DelimitedLayout(
                format, name, Require(file ?? Beside("ratings.csv"), "ratings.csv", folder), columns,
                Sources((ItemSourceKind.MoviesCsv, Beside("movies.csv")), (ItemSourceKind.TagsCsv, Beside("tags.csv")))),
            DatasetFormat.Csv => DelimitedLayout(
                format, name, file ?? SingleDataFile(folder, "*.csv", "*.tsv", "*.txt", "*.dat"), columns, GenericItems(itemsFile)),
            DatasetFormat.Parquet => new DatasetLayout
            {
                Format = format, Name = name,
                InteractionsFile = file ?? SingleDataFile(folder, "*.parquet"),
                ColumnNames = columns,
                ItemSources = GenericItems(itemsFile),
            },
            DatasetFormat.Sequences => new DatasetLayout
            {
                Format = format, Name = name,
                InteractionsFile = file ?? SingleDataFile(folder, "*.txt", "*.tsv", "*.csv"),
            },
            _ => throw new DatasetException($"Unknown dataset format '{format}'."),
        };

        RequireBytes(layout.InteractionsFile);
        if (itemsFile is not null && format is not (DatasetFormat.Csv or DatasetFormat.Parquet))
        {
            // An items file given with a MovieLens or sequence layout adds to (and, item by item, overrides) the
            // metadata found beside the data, rather than being ignored.
            layout = layout with { ItemSources = [.. layout.ItemSources, .. GenericItems(itemsFile)] };
        }

        return layout;
    }

    private static void RequireBytes(string file)
    {
        if (new FileInfo(file).Length == 0)
        {
            throw new DatasetException($"The dataset is empty: '{Path.GetFileName(file)}' has no bytes.");
        }
    }

    /// <summary>Picks the separator from a first line: <c>::</c>, else the most frequent of tab , ; |.</summary>
    public static DelimitedFormat DetectDelimited(string firstLine)
    {
        if (firstLine.Contains("::", StringComparison.Ordinal))
        {
            return new DelimitedFormat("::", HasHeader: false, Quoting: false);
        }

        char[] candidates = ['\t', ',', ';', '|'];
        char best = candidates.MaxBy(c => firstLine.Count(x => x == c));
        if (!firstLine.Contains(best, StringComparison.Ordinal))
        {
            best = ',';
        }

        return new DelimitedFormat(best.ToString(), HasHeader: false, Quoting: best is ',' or ';');
    }

    private static DatasetFormat Detect(string? file, string folder, bool isFolder)
    {
        if (file is not null)
        {
            string fileName = Path.GetFileName(file).ToLowerInvariant();
            return fileName switch
            {
                "u.data" => DatasetFormat.MovieLens100K,
                "ratings.dat" => DatasetFormat.MovieLens1M,
                "ratings.csv" when FirstLine(file).StartsWith("userId,movieId", StringComparison.Ordinal) => DatasetFormat.MovieLensLatest,
                _ when fileName.EndsWith(".parquet", StringComparison.Ordinal) => DatasetFormat.Parquet,
                _ => DatasetFormat.Csv,
            };
        }

        if (File.Exists(Path.Combine(folder, "u.data"))) { return DatasetFormat.MovieLens100K; }
        if (File.Exists(Path.Combine(folder, "ratings.dat"))) { return DatasetFormat.MovieLens1M; }
        if (File.Exists(Path.Combine(folder, "ratings.csv"))) { return DatasetFormat.MovieLensLatest; }
        if (isFolder && Directory.EnumerateFiles(folder, "*.parquet").Any()) { return DatasetFormat.Parquet; }
        if (isFolder && s_textPatterns.Sum(p => Directory.EnumerateFiles(folder, p).Count()) == 1) { return DatasetFormat.Csv; }

        throw new DatasetException(
            $"Cannot detect the dataset format in '{folder}': expected u.data (MovieLens 100K), ratings.dat (MovieLens 1M/10M), " +
            "ratings.csv (MovieLens latest), or a single .csv/.tsv/.parquet file. Pass --format and --columns.");
    }

    private static DatasetLayout DelimitedLayout(
        DatasetFormat format, string name, string file, ColumnNames columns, IReadOnlyList<ItemSource> items)
    {
        RequireBytes(file);
        string firstLine = FirstLine(file);
        DelimitedFormat delimited = DetectDelimited(firstLine);
        var header = new DelimitedLine(delimited.Separator, delimited.Quoting);
        byte[] bytes = Encoding.UTF8.GetBytes(firstLine);
        header.Split(bytes);
        string[] fields = [.. Enumerable.Range(0, header.Count).Select(i => Encoding.UTF8.GetString(header.Field(bytes, i)))];

        ColumnResolution resolved = columns.Resolve(fields, Path.GetFileName(file));
        bool hasHeader = resolved.HeaderMatched || (columns.IsPositional && LooksLikeHeader(fields, resolved.Columns));
        return new DatasetLayout
        {
            Format = format, Name = name,
            InteractionsFile = file,
            Delimited = delimited with { HasHeader = hasHeader },
            Columns = resolved.Columns,
            ColumnNames = columns,
            ItemSources = items,
        };
    }

    // With positional columns, a first line whose rating or timestamp is not a number is a header.
    private static bool LooksLikeHeader(string[] fields, InteractionColumns columns)
    {
        bool NotNumber(int at) => at >= 0 && at < fields.Length && !double.TryParse(fields[at], System.Globalization.CultureInfo.InvariantCulture, out _);
        return NotNumber(columns.Rating) || NotNumber(columns.Timestamp);
    }

    private static IReadOnlyList<ItemSource> Sources(params (ItemSourceKind Kind, string? Path)[] sources) =>
        [.. sources.Where(s => s.Path is not null).Select(s => new ItemSource(s.Kind, s.Path!))];

    private static IReadOnlyList<ItemSource> GenericItems(string? itemsFile)
    {
        if (itemsFile is null)
        {
            return [];
        }

        return File.Exists(itemsFile)
            ? [new ItemSource(ItemSourceKind.Generic, Path.GetFullPath(itemsFile))]
            : throw new DatasetException($"Items file not found: '{itemsFile}'.");
    }

    private static string Require(string? path, string expected, string folder) =>
        path ?? throw new DatasetException($"Expected '{expected}' in '{folder}'.");

    private static string SingleDataFile(string folder, params string[] patterns)
    {
        string[] files = [.. patterns.SelectMany(p => Directory.EnumerateFiles(folder, p)).Order(StringComparer.Ordinal)];
        return files.Length == 1
            ? files[0]
            : throw new DatasetException(files.Length == 0
                ? $"No data file ({string.Join(", ", patterns)}) in '{folder}'."
                : $"Several data files in '{folder}' ({string.Join(", ", files.Select(Path.GetFileName))}); pass the file itself.");
    }

    private static string FirstLine(string file)
    {
        using var reader = new StreamReader(file, Encoding.UTF8, detectEncodingFromByteOrderMarks: true);
        char[] buffer = new char[64 * 1024];
        int read = reader.ReadBlock(buffer, 0, buffer.Length);
        var text = new ReadOnlySpan<char>(buffer, 0, read);
        int newline = text.IndexOfAny('\r', '\n');
        return (newline >= 0 ? text[..newline] : text).ToString();
    }
}
