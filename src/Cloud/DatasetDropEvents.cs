using Azure.Messaging.EventGrid;
using Azure.Messaging.EventGrid.SystemEvents;
using Recsys.Pipeline;
using Recsys.Storage;

namespace Recsys.Cloud;

/// <summary>
/// Reads the Event Grid events (Event Grid schema, one event or an array) that the <c>drops</c> queue receives for
/// Blob Storage, and names the datasets whose ready file (<see cref="DatasetWatcher.ReadyFileName"/>) was created.
/// Events for any other blob are not drops and are ignored.
/// </summary>
public static class DatasetDropEvents
{
    private const string Prefix = "/blobServices/default/containers/" + PipelineStorage.Datasets + "/blobs/";

    /// <summary>The datasets completed by these events; throws <see cref="FormatException"/> for a body that is not Event Grid events.</summary>
    public static IReadOnlyList<string> CompletedDatasets(BinaryData body)
    {
        EventGridEvent[] events;
        try
        {
            events = EventGridEvent.ParseMany(body);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or ArgumentException or InvalidOperationException)
        {
            throw new FormatException($"Not an Event Grid event: {ex.Message}", ex);
        }

        var datasets = new List<string>();
        foreach (EventGridEvent e in events)
        {
            if (e.TryGetSystemEventData(out object data) && data is StorageBlobCreatedEventData
                && e.Subject.StartsWith(Prefix, StringComparison.Ordinal)
                && e.Subject[Prefix.Length..].Split('/') is [var dataset, DatasetWatcher.ReadyFileName]
                && ResourceName.IsValid(dataset) && !datasets.Contains(dataset))
            {
                datasets.Add(dataset);
            }
        }

        return datasets;
    }
}
