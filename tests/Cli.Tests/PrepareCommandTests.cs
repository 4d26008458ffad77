using Recsys.Preparation;
using Recsys.Testing;
using Xunit;

namespace Recsys.Cli.Tests;

[Collection(ConsoleTests.Name)]
public sealed class PrepareCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task Prepare_MovieLens100KWithJson_ExitsZeroAndPrintsTheStats()
    {
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync(["prepare", "--dataset", TestData.MovieLens100K, "--output", _temp.Combine("out"), "--split", "leave-last-out", "--json"]);

        Assert.Equal(RecsysCli.Success, exit);
        PrepareStats stats = PrepareStats.FromJson(console.Out);
        Assert.Equal(100_000, stats.Interactions);
        Assert.Equal(943, stats.Splits["test"].Rows);
        Assert.True(File.Exists(_temp.Combine("out", PreparedFiles.Stats)));
    }

    [Fact]
    public async Task Prepare_GenericCsvWithColumnMapping_UsesTheMapping()
    {
        string data = _temp.Write("plays.tsv", "userID\tartistID\tweight\n2\t51\t13883\n2\t52\t11690\n3\t51\t228\n");
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync(["prepare", "--dataset", data, "--format", "csv", "--columns", "user=userID,item=artistID,rating=weight", "--output", _temp.Combine("out"), "--json"]);

        Assert.Equal(RecsysCli.Success, exit);
        Assert.Equal(3, PrepareStats.FromJson(console.Out).Interactions);
    }

    [Theory]
    [InlineData("--format", "excel", "error: Unknown dataset format 'excel'.")]
    [InlineData("--split", "random", "error: Unknown split 'random'.")]
    [InlineData("--ratio", "2", "error: --ratio: '2' must be")]
    [InlineData("--implicit", "lots", "error: --implicit: 'lots' is neither 'all' nor a rating.")]
    public async Task Prepare_BadOption_PrintsOneErrorLineAndExitsTwo(string option, string value, string message)
    {
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync(["prepare", "--dataset", TestData.MovieLens100K, "--output", _temp.Combine("out"), option, value]);

        Assert.Equal(RecsysCli.BadInput, exit);
        Assert.StartsWith(message, console.Error, StringComparison.Ordinal);
        Assert.Single(console.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.False(Directory.Exists(_temp.Combine("out")));
    }

    [Fact]
    public async Task Prepare_MissingDataset_ExitsTwoWithTheReason()
    {
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync(["prepare", "--dataset", _temp.Combine("nope"), "--output", _temp.Combine("out")]);

        Assert.Equal(RecsysCli.BadInput, exit);
        Assert.Equal($"error: Dataset not found: '{_temp.Combine("nope")}'.", console.Error.Trim());
    }

    [Fact]
    public async Task Prepare_WithoutRequiredOptions_FailsToParse()
    {
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync(["prepare"]);

        Assert.NotEqual(RecsysCli.Success, exit);
        Assert.Contains("--dataset", console.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _temp.Dispose();
}
