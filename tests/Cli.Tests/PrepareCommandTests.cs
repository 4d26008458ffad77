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
    [InlineData("3cols.csv", "1,2,5\n1,3,4\n", "user=0,item=7", "error: --columns: item=7, but '3cols.csv' has 3 columns (positions 0 to 2) on its first line.")]
    [InlineData("u.tsv", "196\t242\t3\t881250949\n186\t302\t3\t891717742\n", null,
        "error: 'u.tsv' looks headerless: its first line [196, 242, 3, 881250949] is all numbers. Map its columns by 0-based position, e.g. --columns user=0,item=1,rating=2,timestamp=3.")]
    public async Task Prepare_ColumnsThatCannotBeRead_SayWhyInOneLine(string file, string content, string? columns, string message)
    {
        string data = _temp.Write(file, content);
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync(["prepare", "--dataset", data, "--format", "csv", "--output", _temp.Combine("out"), .. columns is null ? Array.Empty<string>() : ["--columns", columns]]);

        Assert.Equal(RecsysCli.BadInput, exit);
        Assert.Equal(message, console.Error.Trim());
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
