using Recsys.Models;
using Recsys.Testing;
using Xunit;

namespace Recsys.Cli.Tests;

[Collection(ConsoleTests.Name)]
public sealed class TrainCommandTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task Train_BprWithJson_PrintsTheManifest()
    {
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync(["train", "--dataset", TestData.SampleMovieLensLatest, "--model", "bpr", "--epochs", "2", "--output", _temp.Path, "--json"]);

        Assert.Equal(RecsysCli.Success, exit);
        ModelManifest manifest = ModelManifest.FromJson(console.Out);
        Assert.Equal("ml-latest-small", manifest.Name);
        Assert.True(File.Exists(_temp.Combine(ModelManifest.ModelFile)));
    }

    [Fact]
    public async Task Train_CorruptCheckpointWithResume_ExitsTwoWithTheReason()
    {
        Directory.CreateDirectory(_temp.Combine("checkpoints"));
        await File.WriteAllTextAsync(_temp.Combine("checkpoints", "checkpoint.bin"), "not a checkpoint", TestContext.Current.CancellationToken);
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync(["train", "--dataset", TestData.MovieLens100K, "--model", "bpr", "--epochs", "2", "--resume", "--output", _temp.Path]);

        Assert.Equal(RecsysCli.BadInput, exit);
        Assert.Contains("is corrupt or incomplete", console.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_temp.Combine(ModelManifest.FileName)));
    }

    [Fact]
    public async Task Train_ResumeWithoutACheckpoint_ExitsTwo_InsteadOfStartingOver()
    {
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync(["train", "--dataset", TestData.MovieLens100K, "--model", "bpr", "--resume", "--output", _temp.Path]);

        Assert.Equal(RecsysCli.BadInput, exit);
        Assert.Equal($"error: --resume: there is no checkpoint in {_temp.Combine("checkpoints")}; run without --resume to start training.", console.Error.Trim());
    }

    [Theory]
    [InlineData("manifest.json", "already holds an exported model; pass --overwrite to replace it, or choose another --output.")]
    [InlineData("checkpoints/checkpoint.bin", "holds an interrupted training run; pass --resume to continue it, or --overwrite to start over.")]
    public async Task Train_IntoAnOutputWithWorkInIt_ExitsTwo_AndLeavesItAlone(string existing, string message)
    {
        string file = _temp.Combine(existing.Split('/'));
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, "earlier work", TestContext.Current.CancellationToken);
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync(["train", "--dataset", TestData.MovieLens100K, "--model", "bpr", "--output", _temp.Path]);

        Assert.Equal(RecsysCli.BadInput, exit);
        Assert.Equal($"error: {_temp.Path} {message}", console.Error.Trim());
        Assert.Equal("earlier work", await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Train_NonPositiveEpochs_ExitsTwo()
    {
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync(["train", "--dataset", TestData.MovieLens100K, "--model", "bpr", "--epochs", "0", "--output", _temp.Path]);

        Assert.Equal(RecsysCli.BadInput, exit);
        Assert.Equal("error: --epochs must be positive, not 0.", console.Error.Trim());
    }

    public void Dispose() => _temp.Dispose();
}
