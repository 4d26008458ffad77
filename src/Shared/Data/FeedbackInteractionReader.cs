using System.Text;
using Recsys.Preparation;
using Recsys.Serving.Feedback;

namespace Recsys.Data;

/// <summary>
/// Merges feedback events into the interactions being prepared (docs/prepared-dataset.md, "Feedback events"):
/// a click becomes an interaction rated <c>clickRating</c>, a rating keeps its value; impressions and served
/// records are not interactions, but what they showed a user who neither clicked nor rated it is returned as an
/// explicit negative. With a model, only events attributed to it count: by their own <c>model</c>, or
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

    /// <returns>How many events became interactions, and the items shown and not clicked (user, item, time), each pair once.</returns>
    public static (long Merged, List<(string User, string Item, long Timestamp)> Negatives) Read(IReadOnlyList<string> files, PrepareOptions options, float clickRating, InteractionCollector collector, DateTimeOffset now, CancellationToken cancellationToken)
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

        Dictionary<string, string?> listModels = EventLog.ServedModels(events.Select(e => e.Event));

        long merged = 0;
        var liked = new HashSet<(string, string)>();
        var shown = new Dictionary<(string User, string Item), long>();
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
                // Impressions and served lists say what was shown, not what was liked: candidates for negatives.
                if (IsShown(e, options, now) is { } items)
                {
                    foreach (string item in items)
                    {
                        shown.TryAdd((e.UserId!, item), (e.Timestamp ?? now).ToUnixTimeSeconds());
                    }
                }

                continue;
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
            liked.Add((e.UserId, e.ItemId));
            merged++;
        }

        return (merged, [.. shown.Where(s => !liked.Contains(s.Key)).Select(s => (s.Key.User, s.Key.Item, s.Value))]);
    }

    /// <summary>The items a served list or an impression showed the user, when it is the model's and in the window.</summary>
    private static IEnumerable<string>? IsShown(FeedbackEvent e, PrepareOptions options, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(e.UserId) || e.Timestamp > now + ClockSkew || e.Timestamp < options.EventsSince
            || (options.EventsModel is not null && e.Model != options.EventsModel && e.Type == FeedbackEvent.Served))
        {
            return null;
        }

        return e.Type switch
        {
            FeedbackEvent.Served => e.Items?.Take(FeedbackSink.ServedPositions).Where(i => !string.IsNullOrWhiteSpace(i)),
            "impression" when !string.IsNullOrWhiteSpace(e.ItemId) && (options.EventsModel is null || e.Model == options.EventsModel) => [e.ItemId],
            _ => null,
        };
    }
}
