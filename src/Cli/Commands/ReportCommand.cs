using System.CommandLine;
using System.Text.Json;
using Azure.Storage.Blobs;
using Recsys.Features;
using Recsys.Reports;
using Recsys.Serving;
using Recsys.Serving.Feedback;
using Recsys.Storage;
using Spectre.Console;

namespace Recsys.Cli.Commands;

/// <summary><c>recsys report online</c>: what users did with a model's ranked lists, per variant and version.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var command = new Command("report", "Reports read back from storage; `report online` gives click-through per variant and version.");
        command.Subcommands.Add(Online());
        return command;
    }

    private static Command Online()
    {
        var model = new Option<string>("--model") { Description = "Registry model whose lists to report on (e.g. movies).", Required = true };
        var since = new Option<string?>("--since") { Description = "Start of the window, a UTC date or ISO 8601 time (default: 7 days ago)." };
        var until = new Option<string?>("--until") { Description = "End of the window (default: now)." };
        var connection = new Option<string?>("--connection-string") { Description = $"Storage with the events (default: {StorageConnection.EnvironmentVariable}, else the local Azurite on port 10000, started if needed)." };
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var html = new Option<string?>("--html") { Description = "Also write the report, with a plot of click-through over time per variant, to this HTML file." };
        var command = new Command("online", "Impressions, clicks and click-through per variant and version from the feedback events, each difference against the champion with its 95 % bootstrap interval over users.")
        {
            model, since, until, connection, json, html,
        };
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(async ct =>
        {
            string name = result.GetValue(model)!;
            ResourceName.Require(name, "model");
            DateTimeOffset start, end;
            try
            {
                (start, end) = OnlineWindow.Parse(result.GetValue(since), result.GetValue(until), DateTimeOffset.UtcNow);
            }
            catch (FormatException ex)
            {
                throw new UsageException(ex.Message);
            }

            await using LocalStorage storage = await LocalStorage.OpenAsync(result.GetValue(connection), ct);
            BlobContainerClient events = new BlobServiceClient(storage.ConnectionString).GetBlobContainerClient(FeedbackSink.ContainerName);
            var (read, unreadable) = await EventLog.ReadAsync(events, start, end, ct);
            OnlineReport report = OnlineMetrics.Compute(name, read, start, end, unreadable);
            if (result.GetValue(html) is { } path)
            {
                await File.WriteAllTextAsync(path, OnlineReportHtml.Page(report, OnlineTimeline.Compute(name, read, start, end, OnlineTimeline.BucketFor(start, end))), ct);
                Console.Error.WriteLine($"Wrote {Path.GetFullPath(path)}");
            }

            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(report, FeatureSpec.JsonOptions));
                return RecsysCli.Success;
            }

            Write(report);
            return RecsysCli.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>The report as a table, with what was left out and why.</summary>
    internal static void Write(OnlineReport report)
    {
        AnsiConsole.MarkupLine($"[bold]{Markup.Escape(report.Model)}[/] from {report.Since:u} to {report.Until:u}");
        var table = new Table().AddColumns("variant", "version", "users", "lists", "impressions", "clicks", "CTR", "CTR@1", "CTR@2", "CTR@3", "vs champion (95 % interval)");
        foreach (OnlineVariant v in report.Variants)
        {
            string against = v.AgainstChampion is { } d
                ? $"{d.Difference:+0.0000;-0.0000} [{d.Lower:+0.0000;-0.0000}, {d.Upper:+0.0000;-0.0000}] · {d.Users:N0} users{(d.Better ? " · better" : d.Worse ? " · worse" : "")}"
                : "";
            table.AddRow(
                Markup.Escape(v.Variant), Markup.Escape(v.Version), $"{v.Users:N0}", $"{v.Lists:N0}", $"{v.Impressions:N0}", $"{v.Clicks:N0}",
                $"{v.Ctr:0.0000}", $"{v.CtrAtPosition[0]:0.0000}", $"{v.CtrAtPosition[1]:0.0000}", $"{v.CtrAtPosition[2]:0.0000}", Markup.Escape(against));
        }

        AnsiConsole.Write(table);
        if (report.Variants.Count == 0)
        {
            AnsiConsole.MarkupLine("No served lists of this model in the window.");
        }

        foreach (var (reason, count) in report.Rejected)
        {
            AnsiConsole.MarkupLine($"left out: {count:N0} {Markup.Escape(reason)}");
        }
    }
}
