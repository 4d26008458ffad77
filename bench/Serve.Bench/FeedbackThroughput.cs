using System.Diagnostics;
using Azure.Storage.Blobs;
using Recsys.Local;
using Recsys.Serving.Contracts;
using Recsys.Serving.Feedback;

namespace Recsys.Bench;

/// <summary>
/// <c>-- feedback [events]</c>: how many events a second the feedback sink appends to a local Azurite when
/// requests keep its queue full, then how long reading that day back and computing the online report take. The
/// events mimic traffic: a served record per list of 10, and a click on one item of every other list.
/// </summary>
internal static class FeedbackThroughput
{
    public static async Task RunAsync(int total)
    {
        string folder = Path.Combine(Path.GetTempPath(), $"recsys-feedback-bench-{Guid.NewGuid():N}");
        try
        {
            await using AzuriteHost azurite = await AzuriteHost.StartAsync(Console.Error, folder);
            BlobContainerClient container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(FeedbackSink.ContainerName);
            await container.CreateIfNotExistsAsync();
            var sink = new FeedbackSink(container) { ShutdownDeadline = TimeSpan.FromMinutes(30) };
            DateTimeOffset since = DateTimeOffset.UtcNow;
            var random = new Random(5);
            long started = Stopwatch.GetTimestamp();
            int sent = 0, waits = 0;
            while (sent < total)
            {
                var clicks = new List<FeedbackEvent>();
                for (int l = 0; l < 500; l++, sent++)
                {
                    var list = new RankResponse("movies", l % 2 == 0 ? "v1" : "v2", l % 2 == 0 ? "champion" : "challenger",
                        [.. Enumerable.Range(0, 10).Select(i => new RankedItem($"{random.Next(10_000)}", 1f / (i + 1)))], 1);
                    sink.TryRecordServed($"u{random.Next(50_000)}", list);
                    if (l % 2 == 0)
                    {
                        clicks.Add(new FeedbackEvent { Type = "click", UserId = "u", ItemId = list.Items[random.Next(10)].Id, RequestId = list.RequestId });
                        sent++;
                    }
                }

                while (!sink.TryAccept(clicks))
                {
                    waits++;
                    await Task.Delay(5); // the queue is full: this is the sink's limit, which is what is measured
                }
            }

            await sink.DisposeAsync();
            double writeSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            Console.WriteLine($"sink: {sink.Written:N0} events appended in {writeSeconds:0.0} s = {sink.Written / writeSeconds:N0} events/s ({sink.ServedDropped:N0} served records dropped on a full queue, {waits:N0} waits)");

            started = Stopwatch.GetTimestamp();
            var (events, unreadable) = await EventLog.ReadAsync(container, since, DateTimeOffset.UtcNow);
            double readSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            started = Stopwatch.GetTimestamp();
            OnlineReport report = OnlineMetrics.Compute("movies", events, since, DateTimeOffset.UtcNow, unreadable);
            double reportSeconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            Console.WriteLine($"read back: {events.Count:N0} events in {readSeconds:0.0} s = {events.Count / readSeconds:N0} events/s; online report {reportSeconds:0.00} s ({report.Variants.Count} rows, {report.Rejected.Values.Sum():N0} left out)");
        }
        finally
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
    }
}
