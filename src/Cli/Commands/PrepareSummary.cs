using System.Globalization;
using Recsys.Preparation;
using Spectre.Console;

namespace Recsys.Cli.Commands;

/// <summary>The human-readable summary of a prepared dataset.</summary>
internal static class PrepareSummary
{
    public static void Write(PrepareResult result)
    {
        PrepareStats s = result.Stats;
        AnsiConsole.MarkupLine(result.Reused
            ? $"[yellow]Reused[/] prepared dataset [bold]{Markup.Escape(s.Dataset)}[/] ({s.ContentHash}): same input and options as before."
            : $"[green]Prepared[/] [bold]{Markup.Escape(s.Dataset)}[/] ({s.ContentHash}) in {s.ElapsedSeconds:0.00} s.");
        // Plain text: a long URI must stay one copyable line, which markup would wrap.
        AnsiConsole.Profile.Out.Writer.WriteLine($"Location: {result.Location}");

        var table = new Table().AddColumn("").AddColumn(new TableColumn("value").RightAligned());
        void Row(string label, string value) => table.AddRow(Markup.Escape(label), Markup.Escape(value));
        Row("format", s.Format);
        Row("rows read", N(s.Rows.Read));
        Row("rejected (quarantine.csv)", N(s.Rows.Rejected));
        foreach (var (reason, count) in s.RejectedByReason.OrderByDescending(p => p.Value))
        {
            Row($"  {reason}", N(count));
        }

        Row("duplicates removed", N(s.Rows.Duplicates));
        Row("below implicit threshold", N(s.Rows.BelowThreshold));
        Row("removed by k-core", N(s.Rows.RemovedByKCore));
        Row("users", N(s.Users));
        Row("items", N(s.Items));
        Row("interactions", N(s.Interactions));
        Row("sparsity", s.Sparsity.ToString("P3", CultureInfo.InvariantCulture));
        if (s.Rating is { } r)
        {
            Row("rating min / max / mean", FormattableString.Invariant($"{r.Min:0.##} / {r.Max:0.##} / {r.Mean:0.###}"));
        }

        foreach (var (split, counts) in s.Splits)
        {
            Row($"{split} rows / users / items", $"{N(counts.Rows)} / {N(counts.Users)} / {N(counts.Items)}");
        }

        Row("items with metadata", N(s.ItemsWithMetadata));
        Row("genres / text tokens", $"{N(s.Genres)} / {N(s.TextTokens)}");
        AnsiConsole.Write(table);
    }

    private static string N(long value) => value.ToString("N0", CultureInfo.InvariantCulture);
}
