using System.Text.Json;
using System.Text.RegularExpressions;
using Recsys.Data;
using Recsys.Evaluation;
using Recsys.Experiments;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Reports;
using Recsys.Testing;
using Xunit;

namespace Recsys.Shared.Tests.Experiments;

public sealed partial class ExperimentRunnerTests : IDisposable
{
    private readonly TempFolder _temp = new();

    private Task<ExperimentResult> RunAsync(Protocol protocol, string models = "pop,itemknn", string? dataset = null, int k = 10, int seeds = 1) =>
        ExperimentRunner.RunAsync(new ExperimentOptions
        {
            Dataset = new PrepareOptions { Dataset = dataset ?? TestData.MovieLens100K },
            Protocol = protocol,
            Models = ModelCatalog.WithBaselines().Resolve(models),
            K = k,
            Output = _temp.Path,
            Seeds = seeds,
        }, cancellationToken: TestContext.Current.CancellationToken);

    [Fact]
    public async Task Run_RecommendersProtocol_WritesMetricsJsonWithEveryModel()
    {
        ExperimentResult result = await RunAsync(Protocol.Recommenders);

        using JsonDocument json = JsonDocument.Parse(await File.ReadAllTextAsync(_temp.Combine(ExperimentRunner.MetricsFile), TestContext.Current.CancellationToken));
        JsonElement root = json.RootElement;
        Assert.Equal("ml-100k", root.GetProperty("dataset").GetString());
        Assert.Equal("recommenders", root.GetProperty("protocol").GetString());
        Assert.Equal(10, root.GetProperty("k").GetInt32());
        JsonElement pop = root.GetProperty("models").GetProperty("pop");
        foreach (string metric in new[] { "precision@10", "recall@10", "ndcg@10", "map", "map@10", "hr@10", "mrr@10", "coverage@10" })
        {
            Assert.Equal(result.Runs[0].Evaluation.Metrics[metric], pop.GetProperty("metrics").GetProperty(metric).GetDouble(), 12);
        }

        Assert.True(pop.GetProperty("fitSeconds").GetDouble() >= 0);
        Assert.Equal(943, pop.GetProperty("evaluatedUsers").GetInt32());
        Assert.True(root.GetProperty("models").TryGetProperty("itemknn", out _));
        Assert.False(root.TryGetProperty("caveat", out _));
    }

    [Fact]
    public async Task Run_LeaveLastOut_EvaluatesOneTestItemPerUserAgainstTheFullCatalogue()
    {
        ExperimentResult result = await RunAsync(Protocol.LeaveLastOut, "pop");

        ModelRun pop = Assert.Single(result.Runs);
        Assert.Equal(943, pop.Evaluation.Users.Length);
        // One relevant item per user: recall equals hit rate.
        Assert.Equal(pop.Evaluation.Metrics["hr@10"], pop.Evaluation.Metrics["recall@10"], 12);
        Assert.InRange(pop.Evaluation.Metrics["hr@10"], 0.01, 0.5);
    }

    [Fact]
    public async Task Run_ColdItems_HoldsOutAFifthOfTheItemsWhole_AndRanksThemAmongThemselvesAndAmongAll()
    {
        ExperimentResult result = await RunAsync(Protocol.ColdItems, "pop,itemknn");

        string prepared = _temp.Combine(ExperimentRunner.PreparedFolder);
        PreparedSplit train = (await PreparedDatasetReader.ReadSplitAsync(prepared, PreparedFiles.Train, TestContext.Current.CancellationToken))!;
        PreparedSplit test = (await PreparedDatasetReader.ReadSplitAsync(prepared, PreparedFiles.Test, TestContext.Current.CancellationToken))!;
        var trained = train.Items.ToHashSet();
        var cold = test.Items.ToHashSet();
        Assert.Empty(cold.Intersect(trained)); // every interaction of a cold item is in test
        Assert.InRange(cold.Count / (double)(cold.Count + trained.Count), 0.15, 0.25);
        Assert.Equal(["pop", "pop · all items", "itemknn", "itemknn · all items"], result.Runs.Select(r => r.Name));
        // Interactions are all these models know, so among all items a cold item never reaches a top 10...
        Assert.Equal(0, result.Runs[1].Evaluation.Metrics["hr@10"]);
        Assert.Equal(0, result.Runs[3].Evaluation.Metrics["hr@10"]);
        // ...while among the cold items alone something is always ranked.
        Assert.True(result.Runs[0].Evaluation.Metrics["hr@10"] > 0);
    }

    [Fact]
    public async Task Run_SampledProtocol_IsLabelledBiasedAndRanksAbove()
    {
        ExperimentResult sampled = await RunAsync(Protocol.Sampled, "pop");
        double full = (await RunAsync(Protocol.LeaveLastOut, "pop")).Runs[0].Evaluation.Metrics["hr@10"];

        Assert.Contains("caveat", sampled.ToJson(), StringComparison.Ordinal);
        Assert.True(sampled.Runs[0].Evaluation.Metrics["hr@10"] > full, "101 candidates are easier than the full catalogue");
        Assert.InRange(sampled.Runs[0].Evaluation.Metrics["auc"], 0.5, 1);
    }

    [Fact]
    public async Task Report_HasTheMetricsTableAnImagePerMetricAndTheDistribution()
    {
        ExperimentResult result = await RunAsync(Protocol.Recommenders);

        string html = ExperimentReport.Render(result);

        Assert.Contains("<table id=\"metrics\">", html, StringComparison.Ordinal);
        Assert.Contains("<table id=\"dataset\">", html, StringComparison.Ordinal);
        int metrics = result.Runs[0].Evaluation.Metrics.Count;
        Assert.Equal(metrics + 1, ImageTag().Count(html));
        Assert.Contains("<th>itemknn</th>", html, StringComparison.Ordinal);
        Assert.Contains("<tr><td>ndcg@10</td>", html, StringComparison.Ordinal); // a row per metric, a column per model
        Assert.Contains(MetricNames.Describe("ndcg@10"), html, StringComparison.Ordinal);
        Assert.DoesNotContain("id=\"promotion\"", html, StringComparison.Ordinal); // only when a promotion is described
    }

    [Fact]
    public async Task Run_DatasetTooSmallForTheProtocol_FailsWithTheReason()
    {
        string data = _temp.Write("tiny/u.data", "1\t1\t5\t1\n2\t2\t4\t2\n");

        var error = await Assert.ThrowsAsync<DatasetException>(() => RunAsync(Protocol.LeaveLastOut, "pop", data));

        Assert.StartsWith("The dataset is too small for the leave-last-out protocol", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_ThreeSeeds_ReportsTheMeanAndSpreadOfThreeDifferentSplits()
    {
        ExperimentResult result = await RunAsync(Protocol.Recommenders, "pop,ease", seeds: 3);

        Assert.Equal([42, 43, 44], result.Seeds);
        ModelRun ease = result.Runs.Single(r => r.Name == "ease");
        double[] perSeed = [.. ease.PerSeed!.Select(m => m["ndcg@10"])];
        Assert.Equal(3, perSeed.Distinct().Count()); // three splits, not one split three times
        Assert.Equal(perSeed.Average(), ease.Evaluation.Metrics["ndcg@10"], 12);
        double mean = perSeed.Average();
        Assert.Equal(Math.Sqrt(perSeed.Sum(v => (v - mean) * (v - mean)) / 2), ease.StandardDeviation!["ndcg@10"], 12);
        Assert.True(ease.StandardDeviation["ndcg@10"] > 0);
        foreach (int seed in result.Seeds)
        {
            Assert.True(File.Exists(_temp.Combine(ExperimentRunner.PreparedFolder, $"seed-{seed}", "stats.json")));
        }

        // EASE is far above popularity on ml-100k: clearly better even allowing one standard deviation.
        ModelRun pop = result.Runs.Single(r => r.Name == "pop");
        Assert.True(SeedSummary.ClearlyAbove(ease, pop, "ndcg@10"));
        Assert.True(SeedSummary.IsClearBest(result.Runs, ease, "ndcg@10"));
        Assert.Equal(SeedSummary.Text(ease, "ndcg@10"), string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{mean:0.0000} ± {ease.StandardDeviation["ndcg@10"]:0.0000}"));

        using JsonDocument json = JsonDocument.Parse(await File.ReadAllTextAsync(_temp.Combine(ExperimentRunner.MetricsFile), TestContext.Current.CancellationToken));
        Assert.Equal([42, 43, 44], json.RootElement.GetProperty("seeds").EnumerateArray().Select(e => e.GetInt32()));
        JsonElement easeJson = json.RootElement.GetProperty("models").GetProperty("ease");
        Assert.Equal(3, easeJson.GetProperty("perSeed").GetArrayLength());
        Assert.Equal(ease.StandardDeviation["ndcg@10"], easeJson.GetProperty("standardDeviation").GetProperty("ndcg@10").GetDouble(), 12);
    }

    [Fact]
    public void ClearlyAbove_AMarginWithinOneStandardDeviation_IsNotAWin()
    {
        static ModelRun Run(string name, double mean, double sd) =>
            new(name, name, 0, new EvaluationResult(new Dictionary<string, double> { ["ndcg@10"] = mean }, new Dictionary<string, double[]>(), [], null, 0))
            {
                StandardDeviation = new Dictionary<string, double> { ["ndcg@10"] = sd },
            };

        Assert.False(SeedSummary.ClearlyAbove(Run("a", 0.480, 0.004), Run("b", 0.477, 0.002), "ndcg@10"));
        Assert.True(SeedSummary.ClearlyAbove(Run("a", 0.480, 0.002), Run("b", 0.477, 0.002), "ndcg@10"));
        Assert.False(SeedSummary.ClearlyAbove(Run("b", 0.477, 0.002), Run("a", 0.480, 0.002), "ndcg@10"));
    }

    // Leave-last-out has one split: --seeds fits it again with the models' own seeds, so a seeded model's figures
    // vary from seed to seed and a deterministic model's do not.
    [Fact]
    public async Task Run_SeedsOnASplitWithoutSeed_VariesTheModelsSeedsOnThatSplit()
    {
        ExperimentResult result = await RunAsync(Protocol.LeaveLastOut, "random,pop", seeds: 2);

        Assert.Equal([42, 43], result.Seeds);
        ModelRun random = result.Runs.Single(r => r.Name == "random");
        ModelRun pop = result.Runs.Single(r => r.Name == "pop");
        Assert.NotEqual(random.PerSeed![0]["ndcg@10"], random.PerSeed[1]["ndcg@10"]);
        Assert.True(random.StandardDeviation!["ndcg@10"] > 0);
        Assert.Equal(pop.PerSeed![0]["ndcg@10"], pop.PerSeed[1]["ndcg@10"]);
        Assert.Equal(0, pop.StandardDeviation!["ndcg@10"]);
    }

    [Fact]
    public async Task Run_NonPositiveK_FailsBeforeAnyWork()
    {
        var error = await Assert.ThrowsAsync<DatasetException>(() => RunAsync(Protocol.Recommenders, "pop", k: 0));

        Assert.Equal("--k must be a positive number of items, not 0.", error.Message);
        Assert.False(Directory.Exists(_temp.Combine(ExperimentRunner.PreparedFolder)));
    }

    [Fact]
    public void Resolve_UnknownModel_ListsTheKnownOnes() =>
        Assert.Equal(
            "Unknown model 'bert4rec'. Known models: ease, itemknn, pop, random, all.",
            Assert.Throws<DatasetException>(() => ModelCatalog.WithBaselines().Resolve("pop,bert4rec")).Message);

    [Fact]
    public void Parse_UnknownProtocol_ListsTheKnownOnes() =>
        Assert.Equal(
            "Unknown protocol 'holdout'. Known protocols: recommenders, leave-last-out, sampled, recommenders-per-user, cold-items.",
            Assert.Throws<DatasetException>(() => ProtocolNames.Parse("holdout")).Message);

    [GeneratedRegex("<img alt=\"[^\"]+\" src=\"data:image/png;base64,[A-Za-z0-9+/=]{100,}\">")]
    private static partial Regex ImageTag();

    public void Dispose() => _temp.Dispose();
}
