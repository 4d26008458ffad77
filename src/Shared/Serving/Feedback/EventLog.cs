using System.Runtime.CompilerServices;
using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Recsys.Features;

namespace Recsys.Serving.Feedback;

/// <summary>
/// The layout of what <see cref="FeedbackSink"/> appends, and reading it back: JSON lines in
/// <c>events/{yyyy}/{MM}/{dd}/{instance}.jsonl</c>, one folder per day written. A line that is not an event is
/// counted, never fatal.
/// </summary>
public static class EventLog
{
    /// <summary>The folder of the day <paramref name="time"/> falls on (UTC): <c>{yyyy}/{MM}/{dd}/</c>.</summary>
    public static string DayFolder(DateTimeOffset time) => $"{time.UtcDateTime:yyyy}/{time.UtcDateTime:MM}/{time.UtcDateTime:dd}/";

    /// <summary>The names of the blobs in the day folders from <paramref name="since"/>'s day to <paramref name="until"/>'s; none without a container.</summary>
    public static async IAsyncEnumerable<string> BlobNamesAsync(
        BlobContainerClient container, DateTimeOffset since, DateTimeOffset until, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (!await container.ExistsAsync(cancellationToken))
        {
            yield break;
        }

        for (DateTime day = since.UtcDateTime.Date; day <= until.UtcDateTime.Date; day = day.AddDays(1))
        {
            await foreach (BlobItem blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = DayFolder(day) }, cancellationToken))
            {
                yield return blob.Name;
            }
        }
    }

    /// <summary>One line as the sink wrote it; null when it is not an event.</summary>
    public static FeedbackEvent? Parse(string line)
    {
        try
        {
            return JsonSerializer.Deserialize<FeedbackEvent>(line, FeatureSpec.JsonOptions);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>The model of each served list, by request id (the first record of an id counts): how a click naming only its list is attributed.</summary>
    public static Dictionary<string, string?> ServedModels(IEnumerable<FeedbackEvent?> events)
    {
        var models = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (FeedbackEvent? e in events)
        {
            if (e is { Type: FeedbackEvent.Served, RequestId: { } id })
            {
                models.TryAdd(id, e.Model);
            }
        }

        return models;
    }

    public static async Task<(List<FeedbackEvent> Events, long Unreadable)> ReadAsync(
        BlobContainerClient container, DateTimeOffset since, DateTimeOffset until, CancellationToken cancellationToken = default)
    {
        var events = new List<FeedbackEvent>();
        long unreadable = 0;
        await foreach (string name in BlobNamesAsync(container, since, until, cancellationToken))
        {
            string text;
            try
            {
                text = (await container.GetBlobClient(name).DownloadContentAsync(cancellationToken)).Value.Content.ToString();
            }
            catch (RequestFailedException ex) when (ex.Status == 404)
            {
                continue; // removed while listing
            }

            foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                if (Parse(line) is { } e)
                {
                    events.Add(e);
                }
                else
                {
                    unreadable++;
                }
            }
        }

        return (events, unreadable);
    }
}
