using System.Diagnostics;
using System.Globalization;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Training;

namespace Recsys.Bench;

/// <summary>
/// Exact EASE at a given catalogue size: fit time (Gram matrix, inverse, weights) and the process's peak
/// memory, on synthetic implicit data (users with 40 items each, drawn with Zipf-like popularity so every item
/// is used). Run one size per process so the peak belongs to that size.
/// </summary>
internal static class EaseScaling
{
    public static void Run(int items)
    {
        int users = Math.Max(20_000, items * 3);
        var random = new Random(11);
        var rows = new List<(int User, int Item)>(users * 40);
        var chosen = new HashSet<int>();
        for (int u = 1; u <= users; u++)
        {
            chosen.Clear();
            while (chosen.Count < 40)
            {
                // Inverse-CDF of a 1/rank^0.8 popularity curve over 1..items.
                double r = random.NextDouble();
                chosen.Add(1 + (int)Math.Min(items - 1, Math.Pow(r, 1 / 0.2) * items));
            }

            rows.AddRange(chosen.Select(i => (u, i)));
        }

        // Every item at least once, so the fit uses the whole catalogue.
        rows.AddRange(Enumerable.Range(1, items).Select(i => (1 + (i % users), i)));
        var split = new PreparedSplit([.. rows.Select(r => r.User)], [.. rows.Select(r => r.Item)], [.. rows.Select(_ => 1f)], new long[rows.Count]);
        var train = InteractionMatrix.FromSplit(split, users + 1, items + 1);
        GC.Collect();
        long before = Process.GetCurrentProcess().PeakWorkingSet64;

        var watch = Stopwatch.StartNew();
        // The catalog's EASE: the one `recsys experiment` runs, on libtorch's Cholesky inverse.
        IRecommender ease = ModelCatalog.WithBaselines().WithTrainingModels().Resolve("ease")[0].Create();
        ease.Fit(train);
        double seconds = watch.Elapsed.TotalSeconds;
        int used = Math.Min(items, 20_000);
        long peak = Process.GetCurrentProcess().PeakWorkingSet64;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ease exact: {used:N0} items ({train.Users - 1:N0} users, {split.Count:N0} interactions)  fit {seconds:0.0} s  peak working set {peak / 1e9:0.00} GB (data alone {before / 1e9:0.00} GB)"));
    }
}
