using System.Text.Json;
using Recsys.Data;
using Recsys.Serving;
using Recsys.Serving.Contracts;
using Recsys.Serving.Feedback;
using Recsys.Serving.Http;

namespace Recsys.Fuzz;

/// <summary>
/// What each fuzz target does with one input. An input may be rejected only the documented way (a
/// <see cref="DatasetException"/> for dataset files, a <see cref="JsonException"/> or <see cref="ProblemException"/>
/// for request bodies, a quarantined row); any other exception escapes and is a finding. The regression tests
/// replay saved inputs through the same methods.
/// </summary>
public static class FuzzTargets
{
    private const int MaxLineBytes = 4096;

    public static IReadOnlyList<string> Names { get; } = ["csv", "tsv", "dat", "sniff", "parquet", "movies", "rank", "batch", "feedback"];

    /// <summary>Runs <paramref name="input"/> through <paramref name="target"/>; <paramref name="scratch"/> is a writable folder.</summary>
    public static void Run(string target, ReadOnlySpan<byte> input, string scratch)
    {
        switch (target)
        {
            case "csv": Delimited(input, scratch, DelimitedFormat.MovieLensCsv); break;
            case "tsv": Delimited(input, scratch, DelimitedFormat.MovieLens100K); break;
            case "dat": Delimited(input, scratch, DelimitedFormat.MovieLensDat); break;
            case "sniff": Sniffed(input, scratch); break;
            case "parquet": Parquet(input, scratch); break;
            case "movies": Movies(input, scratch); break;
            case "rank": Body<RankRequest>(input, (v, r) => v.Check(r)); break;
            case "batch": Body<BatchRankRequest>(input, (v, r) => v.Check(r)); break;
            case "feedback": Body<FeedbackRequest>(input, (v, r) => v.Check(r)); break;
            default: throw new ArgumentException($"Unknown target '{target}'. Targets: {string.Join(", ", Names)}.", nameof(target));
        }
    }

    private static void Delimited(ReadOnlySpan<byte> input, string scratch, DelimitedFormat format)
    {
        string path = Write(input, scratch, "ratings.txt");
        DelimitedInteractionReader.Read(path, format, new InteractionColumns(0, 1, 2, 3), MaxLineBytes, new CheckingSink(), CancellationToken.None);
    }

    /// <summary>The path of a dropped file: format and columns detected from the content, then read.</summary>
    private static void Sniffed(ReadOnlySpan<byte> input, string scratch)
    {
        string path = Write(input, scratch, "interactions.txt");
        try
        {
            DatasetLayout layout = FormatDetector.Resolve(path, DatasetFormat.Auto, ColumnNames.Parse(null));
            DelimitedInteractionReader.Read(layout.InteractionsFile, layout.Delimited!, layout.Columns!, MaxLineBytes, new CheckingSink(), CancellationToken.None);
        }
        catch (DatasetException)
        {
        }
    }

    private static void Parquet(ReadOnlySpan<byte> input, string scratch)
    {
        string path = Write(input, scratch, "ratings.parquet");
        try
        {
            ParquetInteractionReader.ReadAsync(path, ColumnNames.Parse(null), new CheckingSink(), CancellationToken.None).GetAwaiter().GetResult();
        }
        catch (DatasetException)
        {
        }
    }

    private static void Movies(ReadOnlySpan<byte> input, string scratch)
    {
        string path = Write(input, scratch, "movies.csv");
        var reader = new ItemCatalogReader(MaxLineBytes, static (_, _, _, _) => { });
        reader.ReadMovies(path, DelimitedFormat.MovieLensCsv);
    }

    private static void Body<T>(ReadOnlySpan<byte> input, Action<RequestValidator, T> check)
        where T : class
    {
        var options = new ServingOptions();
        try
        {
            check(new RequestValidator(options), new JsonBodyReader(options).Parse<T>(input));
        }
        catch (Exception ex) when (ex is JsonException or ProblemException)
        {
        }
    }

    private static string Write(ReadOnlySpan<byte> input, string scratch, string name)
    {
        string path = Path.Combine(scratch, name);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write);
        file.Write(input);
        return path;
    }

    /// <summary>Fails on an accepted row no later stage could use.</summary>
    private sealed class CheckingSink : IInteractionSink
    {
        public void Accept(ReadOnlySpan<char> userId, ReadOnlySpan<char> itemId, float rating, long timestamp)
        {
            if (userId.IsEmpty || itemId.IsEmpty || !float.IsFinite(rating))
            {
                throw new InvalidOperationException("The reader accepted a row with an empty id or a non-finite rating.");
            }
        }

        public void Reject(string file, long line, RejectReason reason, ReadOnlySpan<byte> raw)
        {
        }
    }
}
