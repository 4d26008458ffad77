using System.Text;
using Recsys.Preparation;
using Recsys.Serving.Feedback;

namespace Recsys.Data;

/// <summary>
/// Merges feedback events into the interactions being prepared (docs/prepared-dataset.md, "Feedback events"):
/// a click becomes an interaction rated <c>clickRating</c>, a rating keeps its value; impressions and served
/// records are not interactions. With a model, only events attributed to it count: by their own <c>model</c>, or
/// by the served list their <c>requestId</c> names. Bad events go to the quarantine with their reason, never
/// failing the preparation: unreadable lines, missing ids, an id no served list has, a timestamp in the future.
/// </summary>
internal static class FeedbackInteractionReader
{
    /// <summary>How far ahead of the preparation's clock a timestamp may be (clock skew) before it is refused.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>The event files of <paramref name="path"/>: the file itself, or every <c>.jsonl</c> below the folder, in name order.</summary>
    public static IReadOnlyList<string> Files(string? path) =>
        path is null ? []
        : File.Exists(path) ? [Path.GetFullPath(path)]
        : Directory.Exists(path) ? [.. Directory.EnumerateFiles(path, "*.jsonl", SearchOption.AllDirectories).Select(Path.GetFullPath).Order(StringComparer.Ordinal)]
        : throw new DatasetException($"Events not found: '{path}' is neither a file nor a folder.");

    /// <returns>How many events became interactions.</returns>
    public static long Read(IReadOnlyList<string> files, PrepareOptions options, float clickRating, InteractionCollector collector, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var events = new List<(string File, long Line, string Raw, FeedbackEvent? Event)>();
        foreach (string file in files)
        {
            long line = 0;
            foreach (string raw in File.ReadLines(file))
            {
                cancellationToken.ThrowIfCancellationRequested();
                line++;
                if (raw.Length == 0)
                {
                    continue;
                }

                events.Add((file, line, raw, EventLog.Parse(raw)));
            }
        }

        var listModels = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (_, _, _, e) in events)
        {
            if (e is { Type: FeedbackEvent.Served, RequestId: { } id })
            {
                listModels.TryAdd(id, e.Model);
            }
        }

        long merged = 0;
        foreach (var (file, line, raw, e) in events)
        {
            void Reject(RejectReason reason) => collector.Reject(Path.GetFileName(file), line, reason, Encoding.UTF8.GetBytes(raw));
            if (e is null)
            {
                Reject(RejectReason.UnreadableEvent);
                continue;
            }

            if (e.Type is not ("click" or "rating"))
            {
                continue; // impressions and served lists say what was shown, not what was liked
            }

            string? model = e.Model;
            if (e.RequestId is { } id && !listModels.TryGetValue(id, out model) && options.EventsModel is not null)
            {
                Reject(RejectReason.UnknownRequest);
                continue;
            }

            if (options.EventsModel is not null && model != options.EventsModel)
            {
                continue;
            }

            if (e.Timestamp > now + ClockSkew)
            {
                Reject(RejectReason.FutureTimestamp);
                continue;
            }

            if (e.Timestamp < options.EventsSince)
            {
                continue;
            }

            if (string.IsNullOrWhiteSpace(e.UserId) || string.IsNullOrWhiteSpace(e.ItemId))
            {
                Reject(RejectReason.EmptyId);
                continue;
            }

            float rating = e.Type == "click" ? clickRating : (float)(e.Value ?? double.NaN);
            if (!float.IsFinite(rating))
            {
                Reject(RejectReason.NonNumericRating);
                continue;
            }

            collector.Accept(e.UserId, e.ItemId, rating, (e.Timestamp ?? now).ToUnixTimeSeconds());
            merged++;
        }

        return merged;
    }
}
