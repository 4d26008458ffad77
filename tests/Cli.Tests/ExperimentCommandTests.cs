using System.Text.Json;
using Recsys.Testing;
using Xunit;

namespace Recsys.Cli.Tests;

[Collection(ConsoleTests.Name)]
public sealed class ExperimentCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task Experiment_SampleDataset_WritesMetricsAndReportAndPrintsATable()
    {
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync(["experiment", "--dataset", TestData.SampleMovieLensLatest, "--protocol", "leave-last-out", "--models", "pop,itemknn", "--output", _temp.Path]);

        Assert.Equal(RecsysCli.Success, exit);
        Assert.Contains("share of users with at least one test item in the top 10", await File.ReadAllTextAsync(_temp.Combine("report.html"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
        using JsonDocument metrics = JsonDocument.Parse(await File.ReadAllTextAsync(_temp.Combine("metrics.json"), TestContext.Current.CancellationToken));
        Assert.Equal(610, metrics.RootElement.GetProperty("models").GetProperty("itemknn").GetProperty("evaluatedUsers").GetInt32());
        Assert.Contains("hr@10", console.Out, StringComparison.Ordinal);
        Assert.Contains("itemknn", console.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Experiment_IntoAPipe_PrintsEachStageOnce_AndOneLinePerEpochWithItsUnit()
    {
        Assert.True(Console.IsOutputRedirected, "the test host's output is a pipe, which is the case under test");
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync(["experiment", "--dataset", TestData.SampleMovieLensLatest, "--models", "pop,bpr", "--output", _temp.Path]);

        Assert.True(exit == RecsysCli.Success, console.Error);
        string[] lines = console.Out.Split('\n', StringSplitOptions.TrimEntries);
        Assert.Single(lines, l => l.EndsWith("bpr: fitting", StringComparison.Ordinal));
        Assert.Single(lines, l => l.EndsWith("bpr: evaluating", StringComparison.Ordinal));
        string[] epochs = [.. lines.Where(l => l.StartsWith("bpr: epoch", StringComparison.Ordinal))];
        Assert.Matches(@"^bpr: epoch +1/\d+  loss \d+\.\d{4}  [\d,]+ samples/s  validation nDCG@10 \d\.\d{4}  best$", epochs[0]);
        Assert.True(epochs.Length >= 2, console.Out);
        Assert.DoesNotContain("%", console.Out, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("--protocol", "holdout", "error: Unknown protocol 'holdout'.")]
    [InlineData("--models", "pop,nope", "error: Unknown model 'nope'.")]
    [InlineData("--k", "0", "error: --k must be a positive number of items, not 0.")]
    public async Task Experiment_BadOption_PrintsOneErrorLineAndExitsTwo(string option, string value, string message)
    {
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync(["experiment", "--dataset", TestData.MovieLens100K, "--output", _temp.Path, option, value]);

        Assert.Equal(RecsysCli.BadInput, exit);
        Assert.StartsWith(message, console.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Models_ListsTheBaselines()
    {
        using var console = new ConsoleCapture();

        Assert.Equal(RecsysCli.Success, await RecsysCli.RunAsync(["models"]));

        foreach (string name in new[] { "random", "pop", "itemknn", "ease" })
        {
            Assert.Contains(name, console.Out, StringComparison.Ordinal);
        }
    }

    public void Dispose() => _temp.Dispose();
}
