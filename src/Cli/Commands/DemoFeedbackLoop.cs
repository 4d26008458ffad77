using System.Net.Http.Json;
using Recsys.Cli.Serving;
using Recsys.Pipeline;
using Recsys.Preparation;
using Recsys.Serving;
using Recsys.Serving.Contracts;
using Recsys.Serving.Feedback;
using Recsys.Serving.Runtime;
using Spectre.Console;

namespace Recsys.Cli.Commands;

/// <summary>
/// The demo's turn of the feedback loop, for plans with <c>prepare.events.retrainAfter</c>: simulated users get the
/// champion's top 10 through the rank API and click by a known taste; the retrain timer's check (run at once) starts
/// the job that merges their clicks; the same users are then served again, and the online report puts the two
/// rounds side by side.
/// </summary>
internal static class DemoFeedbackLoop
{
    private const int Shown = 10;

    /// <returns>The report's online section for both rounds; null when no retrain was due.</returns>
    public static async Task<string?> RunAsync(
        string connectionString, PipelineStorage storage, string model, string prepared, Func<CancellationToken, Task> runPipeline, CancellationToken cancellationToken)
    {
        var (histories, preference) = await SimulatedUsersAsync(prepared, cancellationToken);
        AnsiConsole.MarkupLine($"[bold]6. Feedback loop[/]: {histories.Count:N0} simulated users, each clicking movies of the genres they rated highly, get the champion's top {Shown} ...");
        var simulator = new ClickSimulator(preference, seed: 42);
        var events = storage.Container(FeedbackSink.ContainerName);
        DateTimeOffset start = DateTimeOffset.UtcNow;
        string before = (await storage.Registry.ReadAliasAsync(model, EvaluateStage.ChampionAlias, cancellationToken))!.Version;
        int clicks = await ServeRoundAsync(connectionString, model, histories, simulator, cancellationToken);
        ProgressOutput.Line($"   round 1: {histories.Count:N0} lists from {model}/{before}, {clicks:N0} clicks");

        IReadOnlyList<string> jobs = await new RetrainScheduler(storage).RunAsync(cancellationToken);
        if (jobs.Count == 0)
        {
            ProgressOutput.Line("   fewer new clicks than the plan's retrainAfter: no retrain this turn.");
            return null;
        }

        ProgressOutput.Line($"   the retrain timer's check (run now rather than on the hour) started job {jobs[0]}: the same drop with the clicks merged in ...");
        await runPipeline(cancellationToken);
        JobView job = await DemoCommand.ReportJobAsync(storage, jobs[0], cancellationToken);
        string after = (await storage.Registry.ReadAliasAsync(model, EvaluateStage.ChampionAlias, cancellationToken))!.Version;
        ProgressOutput.Line(after == before
            ? $"   the gate kept {before} as champion (job {job.Status.ToString().ToLowerInvariant()})."
            : $"   champion: {before} → {after}");

        int again = await ServeRoundAsync(connectionString, model, histories, simulator, cancellationToken);
        ProgressOutput.Line($"   round 2: {histories.Count:N0} lists from {model}/{after}, {again:N0} clicks (each user's history now holds their round-1 clicks)");
        DateTimeOffset end = DateTimeOffset.UtcNow;
        var (read, unreadable) = await EventLog.ReadAsync(events, start, end, cancellationToken);
        OnlineReport report = OnlineMetrics.Compute(model, read, start, end, unreadable);
        ReportCommand.Write(report);
        return Reports.OnlineReportHtml.Section(report, OnlineTimeline.Compute(model, read, start, end, TimeSpan.FromMinutes(1)));
    }

    /// <summary>One list per user through <c>POST /api/recommend</c>, the simulated clicks through <c>POST /api/feedback</c>; returns the clicks.</summary>
    private static async Task<int> ServeRoundAsync(
        string connectionString, string model, Dictionary<string, List<string>> histories, ClickSimulator simulator, CancellationToken cancellationToken)
    {
        int clicks = 0;
        int longest = new ServingOptions().MaxHistory; // an app sends the newest part of a longer history
        // A server per round: stopping it writes out the last events before they are read back.
        await using RankServer server = await RankServer.StartAsync(connectionString, new ServingOptions { DefaultModel = model }, 0, cancellationToken: cancellationToken);
        using var http = new HttpClient { BaseAddress = server.Address };
        foreach (var (user, history) in histories)
        {
            using HttpResponseMessage response = await http.PostAsJsonAsync("/api/recommend", new RecommendRequest { UserId = user, History = history.Count > longest ? history[^longest..] : history, Top = Shown }, cancellationToken);
            response.EnsureSuccessStatusCode();
            RankResponse list = (await response.Content.ReadFromJsonAsync<RankResponse>(cancellationToken))!;
            IReadOnlyList<FeedbackEvent> events = simulator.Respond(user, list);
            if (events.Count > 0)
            {
                using HttpResponseMessage accepted = await http.PostAsJsonAsync("/api/feedback", new FeedbackRequest(events), cancellationToken);
                accepted.EnsureSuccessStatusCode();
                history.AddRange(events.Select(e => e.ItemId!));
                clicks += events.Count;
            }
        }

        return clicks;
    }

    /// <summary>
    /// Each user's training history, and a taste read from it alone (never from held-out rows): the chance of a
    /// click at the top is half the share of the user's highly rated movies (4 or more; all, if none) that have the
    /// movie's genres, summed over its genres, at most 0.9.
    /// </summary>
    private static async Task<(Dictionary<string, List<string>> Histories, Func<string, string, double> Preference)> SimulatedUsersAsync(string prepared, CancellationToken cancellationToken)
    {
        var columns = await PreparedDatasetReader.ReadTextColumnsAsync(prepared, PreparedFiles.Items, cancellationToken);
        string[] itemIds = columns["id"];
        string[][] genres = [.. columns["genres"].Select(g => g.Split('|', StringSplitOptions.RemoveEmptyEntries))];
        var genresOf = itemIds.Select((id, i) => (id, genres[i])).ToDictionary(p => p.id, p => p.Item2, StringComparer.Ordinal);
        string[] userIds = (await PreparedDatasetReader.ReadTextColumnsAsync(prepared, PreparedFiles.Users, cancellationToken))["id"];
        PreparedSplit train = (await PreparedDatasetReader.ReadSplitAsync(prepared, PreparedFiles.Train, cancellationToken))!;

        var histories = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        var tastes = new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal);
        foreach (var rows in Enumerable.Range(0, train.Count).GroupBy(i => train.Users[i]))
        {
            string user = userIds[rows.Key - 1];
            int[] ordered = [.. rows.OrderBy(i => train.Timestamps[i])];
            histories[user] = [.. ordered.Select(i => itemIds[train.Items[i] - 1])];
            int[] liked = ordered.Any(i => train.Labels[i] >= 4) ? [.. ordered.Where(i => train.Labels[i] >= 4)] : ordered;
            tastes[user] = liked.SelectMany(i => genres[train.Items[i] - 1]).GroupBy(g => g, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => (double)g.Count() / liked.Length, StringComparer.Ordinal);
        }

        double Preference(string user, string item) =>
            Math.Min(0.9, 0.5 * genresOf.GetValueOrDefault(item, []).Sum(g => tastes.GetValueOrDefault(user)?.GetValueOrDefault(g) ?? 0));
        return (histories, Preference);
    }
}
