using System.Diagnostics;
using Recsys.Preparation;
using Recsys.Storage;
using Recsys.Text;

namespace Recsys.Bench;

/// <summary>
/// Item text encoding at prepare time: items per second through the sentence encoder (batches of 64), and the
/// time of a second preparation of the same items, which the vector cache serves without encoding. Then the
/// serving cost of a new item: one text per call, as a rank request with one unseen item pays it.
/// </summary>
internal static class TextEncoding
{
    public static async Task RunAsync(string dataset)
    {
        string root = Path.Combine(Path.GetTempPath(), "recsys-bench-text");
        string prepared = Path.Combine(root, "prepared"), cache = Path.Combine(root, "cache");
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }

        await DatasetPreparer.PrepareAsync(new PrepareOptions { Dataset = dataset }, new LocalPreparedOutput(prepared));
        using var encoder = new MiniLmEncoder();
        Console.WriteLine($"encoder: {encoder.Name} ({encoder.Version}) on {encoder.Provider}");

        long started = Stopwatch.GetTimestamp();
        TextVectorInfo info = await ItemTextVectors.BuildAsync(prepared, encoder, cache) ?? throw new InvalidOperationException("The dataset has no item text.");
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        Console.WriteLine($"encoded {info.ItemsWithText:N0} item texts in {seconds:F1} s: {info.ItemsWithText / seconds:N0} items/s");

        started = Stopwatch.GetTimestamp();
        await ItemTextVectors.BuildAsync(prepared, encoder, cache);
        Console.WriteLine($"again, from the cache: {Stopwatch.GetElapsedTime(started).TotalSeconds:F2} s");

        string[] titles = [.. Enumerable.Range(0, 200).Select(i => $"A new film number {i}: a story about friendship, travel and a long way home")];
        encoder.Encode([titles[0]]);
        var latencies = new List<double>();
        foreach (string title in titles)
        {
            started = Stopwatch.GetTimestamp();
            encoder.Encode([title]);
            latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        latencies.Sort();
        Console.WriteLine($"one new item per call: median {latencies[latencies.Count / 2]:F1} ms, p95 {latencies[(int)(latencies.Count * 0.95)]:F1} ms");
    }
}
