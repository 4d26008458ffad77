using System.Text.Json;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Recsys.Serving.Feedback;

/// <summary>
/// Reads back what <see cref="FeedbackSink"/> appended: the JSON lines of <c>events/{yyyy}/{MM}/{dd}/</c> for
/// each day written from <c>since</c> to <c>until</c>. A line that is not an event is counted, never fatal.
/// </summary>
public static class EventLog
{
    public static async Task<(List<FeedbackEvent> Events, long Unreadable)> ReadAsync(
        BlobContainerClient container, DateTimeOffset since, DateTimeOffset until, JsonSerializerOptions json, CancellationToken cancellationToken = default)
    {
        var events = new List<FeedbackEvent>();
        long unreadable = 0;
        if (!await container.ExistsAsync(cancellationToken))
        {
            return (events, 0);
        }

        for (DateTime day = since.UtcDateTime.Date; day <= until.UtcDateTime.Date; day = day.AddDays(1))
        {
            await foreach (BlobItem blob in container.GetBlobsAsync(new GetBlobsOptions { Prefix = $"{day:yyyy}/{day:MM}/{day:dd}/" }, cancellationToken))
            {
                string text;
                try
                {
                    text = (await container.GetBlobClient(blob.Name).DownloadContentAsync(cancellationToken)).Value.Content.ToString();
                }
                catch (RequestFailedException ex) when (ex.Status == 404)
                {
                    continue; // removed while listing
                }

                foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
                {
                    try
                    {
                        events.Add(JsonSerializer.Deserialize<FeedbackEvent>(line, json) ?? throw new JsonException("null"));
                    }
                    catch (JsonException)
                    {
                        unreadable++;
                    }
                }
            }
        }

        return (events, unreadable);
    }
}
