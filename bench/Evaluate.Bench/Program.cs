using System.Diagnostics;
using System.Globalization;
using Recsys.Evaluation;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Storage;

// Evaluation speed: full-catalogue top-k for every test user, median of 5 runs after a warm-up.
// Usage: dotnet run -c Release --project bench/Evaluate.Bench -- [path to ml-100k]
string ml100k = args.Length > 0 ? args[0] : Path.Combine("..", "shared", "data", "ml-100k");
string folder = Path.Combine(Path.GetTempPath(), "recsys-bench-eval");

Console.WriteLine($"{Environment.ProcessorCount} cores, .NET {Environment.Version}");
await Measure("MovieLens 100K", await LoadAsync(new PrepareOptions { Dataset = ml100k }, Path.Combine(folder, "ml-100k")));

// ML-1M shape: 6,040 users, 3,706 items, ~1M ratings with skewed item popularity.
string synthetic = Path.Combine(folder, "ml-1m-shape.csv");
if (!File.Exists(synthetic))
{
    Directory.CreateDirectory(folder);
    var random = new Random(1);
    using var writer = new StreamWriter(synthetic);
    writer.WriteLine("user,item,rating,timestamp");
    for (int r = 0; r < 1_000_209; r++)
    {
        double u = random.NextDouble();
        writer.WriteLine(FormattableString.Invariant($"{1 + random.Next(6040)},{1 + (int)(u * u * 3706)},{1 + random.Next(5)},{r}"));
    }
}

await Measure("ML-1M-size synthetic", await LoadAsync(new PrepareOptions { Dataset = synthetic, Format = Recsys.Data.DatasetFormat.Csv }, Path.Combine(folder, "ml-1m-shape")));

static async Task<(InteractionMatrix Train, PreparedSplit Test)> LoadAsync(PrepareOptions options, string output)
{
    await DatasetPreparer.PrepareAsync(options, new LocalPreparedOutput(output));
    var spec = await PreparedDatasetReader.ReadSpecAsync(output);
    var train = (await PreparedDatasetReader.ReadSplitAsync(output, PreparedFiles.Train))!;
    var test = (await PreparedDatasetReader.ReadSplitAsync(output, PreparedFiles.Test))!;
    return (InteractionMatrix.FromSplit(train, spec.Users.Size, spec.Items.Size), test);
}

static Task Measure(string name, (InteractionMatrix Train, PreparedSplit Test) data)
{
    Console.WriteLine($"{name}: {data.Train.UsersWithItems().Length:N0} users × {data.Train.Items - 1:N0} items, {data.Test.Count:N0} test interactions");
    foreach (IRecommender model in new IRecommender[] { new PopularityRecommender(), new ItemKnnRecommender(), new EaseRecommender() })
    {
        long started = Stopwatch.GetTimestamp();
        model.Fit(data.Train);
        double fit = Stopwatch.GetElapsedTime(started).TotalSeconds;
        RankingEvaluator.Evaluate(model, data.Train, data.Test, 10); // warm-up
        double[] seconds = [.. Enumerable.Range(0, 5).Select(_ => RankingEvaluator.Evaluate(model, data.Train, data.Test, 10).Seconds).Order()];
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  {model.Name,-8} fit {fit,6:0.00} s   evaluate (score + mask + top-10 + metrics) median {seconds[2],6:0.000} s, min {seconds[0]:0.000} s"));
    }

    return Task.CompletedTask;
}
