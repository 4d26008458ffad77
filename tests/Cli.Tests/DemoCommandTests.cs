using Recsys.Preparation;
using Recsys.Serving.Runtime;
using Recsys.Testing;
using Xunit;

namespace Recsys.Cli.Tests;

[Collection(ConsoleTests.Name)]
public sealed class DemoCommandTests
{
    // A short plan keeps the test in seconds; the README's demo trains the default plan.
    private const string QuickPlan = """{ "model": "films", "models": [ { "architecture": "bpr", "epochs": 2 } ] }""";

    // EASE trains in seconds and beats two epochs of BPR, so the gate must move the champion to it; the simulated
    // clicks of the feedback step are many more than 50, so they start a retrain.
    private const string QuickPlanWithEase = """{ "model": "films", "prepare": { "events": { "days": 1, "retrainAfter": 50 } }, "models": [ { "architecture": "bpr", "epochs": 2 }, { "architecture": "ease" } ] }""";

    [Fact]
    public async Task Demo_OnItsOwnAzurite_RunsTheChainServesTheBestVersion_AndStopsAzurite()
    {
        using var temp = new TempFolder();
        string plan = temp.Write("plan.json", QuickPlanWithEase);
        using var console = new ConsoleCapture();

        // The EASE baseline beside the trained EASE: two runs of one name, told apart by the trained one's alias.
        int exit = await RecsysCli.RunAsync(["demo", "--models", "pop,ease", "--output", temp.Combine("out"), "--plan", plan, "--storage-folder", temp.Combine("azurite")]);

        Assert.True(exit == RecsysCli.Success, console.Error);
        Assert.Contains("Azurite blob endpoint http://127.0.0.1:", console.Out, StringComparison.Ordinal);
        Assert.True(File.Exists(temp.Combine("out", "report.html")));
        Assert.Contains("ease (champion)", console.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("mf-bpr", console.Out, StringComparison.Ordinal); // the name it was trained as, as everywhere else
        Assert.Matches(@"Champion: ease \(ease-[0-9a-f]{12}\), the version the rank API serves\.", console.Out);
        Assert.Matches(@"ease \(ease-[0-9a-f]{12}\): nDCG@10 \d\.\d{4} on the pipeline's held-out split; promoted: ndcg@10 \+\d\.\d{4} over bpr-", console.Out);
        Assert.Contains("ease (champion)", await File.ReadAllTextAsync(temp.Combine("out", "report.html"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
        // The served EASE and the baseline are one model (ONNX and managed sums may differ in the last bits).
        Assert.Matches(@"It scores at least as well as every baseline in the comparison|The ease baseline scores higher in the comparison \(ndcg@10 (\d\.\d{4}) against \1\)", console.Out);
        Assert.Contains("<ul id=\"promotion\">", await File.ReadAllTextAsync(temp.Combine("out", "report.html"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Matches(@"user 3: \d+ movies rated · films/ease-[0-9a-f]{12} \(champion\)", console.Out);
        Assert.Matches(@"bpr epoch   2/2  loss \d+\.\d{4}  [\d,]+ samples/s", console.Out);

        // One turn of the feedback loop: served, clicked, retrained from the clicks, served again, reported.
        Assert.Matches(@"round 1: 610 lists from films/ease-[0-9a-f]{12}, [\d,]+ clicks", console.Out);
        Assert.Matches(@"started job ml-latest-small-[0-9a-f]{12}-r\d{17}", console.Out);
        Assert.Matches(@"feedbackEvents [1-9]", console.Out);
        Assert.Matches(@"round 2: 610 lists from films/ease-[0-9a-f]{12}", console.Out);
        string html = await File.ReadAllTextAsync(temp.Combine("out", "report.html"), TestContext.Current.CancellationToken);
        Assert.Contains("<table id=\"online\">", html, StringComparison.Ordinal);
        Assert.Contains("click-through over time per variant", html, StringComparison.Ordinal);
        Assert.Contains("Demo finished.", console.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Demo_RunTwiceOnTheSameStorage_ReusesTheJob_AndNeverTouchesTheDrop()
    {
        await using var azurite = new AzuriteFixture();
        await azurite.InitializeAsync();
        using var temp = new TempFolder();
        string plan = temp.Write("plan.json", QuickPlan);
        using var console = new ConsoleCapture();

        int first = await RecsysCli.RunAsync(["demo", "--connection-string", azurite.ConnectionString, "--models", "pop", "--output", temp.Combine("out"), "--plan", plan]);
        int second = await RecsysCli.RunAsync(["demo", "--connection-string", azurite.ConnectionString, "--models", "pop", "--output", temp.Combine("out"), "--plan", plan]);

        Assert.True(first == RecsysCli.Success, console.Error);
        Assert.Equal(RecsysCli.Success, second);
        var service = azurite.BlobService;
        Assert.Equal(
            ["ml-latest-small/README.txt", "ml-latest-small/links.csv", "ml-latest-small/movies.csv", "ml-latest-small/ratings.csv", "ml-latest-small/recsys-plan.json", "ml-latest-small/tags.csv"],
            await BlobNames.ListAsync(service.GetBlobContainerClient("datasets"), cancellationToken: TestContext.Current.CancellationToken));
        List<string> prepared = await BlobNames.ListAsync(service.GetBlobContainerClient("prepared"), "ml-latest-small/", TestContext.Current.CancellationToken);
        Assert.Single(prepared, n => n.EndsWith(PreparedFiles.Stats, StringComparison.Ordinal));
        ModelEntry films = (await new ModelRegistry(service.GetBlobContainerClient(ModelRegistry.ContainerName)).GetModelAsync("films", TestContext.Current.CancellationToken))!;
        Assert.Single(films.Versions);
    }

    [Fact]
    public async Task Demo_WithAnInvalidPlan_ExitsTwoWithTheReason()
    {
        using var temp = new TempFolder();
        string plan = temp.Write("plan.json", """{ "models": [] }""");
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync(["demo", "--plan", plan]);

        Assert.Equal(RecsysCli.BadInput, exit);
        Assert.Contains("must list at least one model", console.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryCommand_HasExamplesInItsHelp()
    {
        var missing = new List<string>();
        void Visit(System.CommandLine.Command command, string path)
        {
            if (!(command.Description ?? "").Contains("Examples:", StringComparison.Ordinal))
            {
                missing.Add(path);
            }

            foreach (var sub in command.Subcommands)
            {
                Visit(sub, $"{path} {sub.Name}");
            }
        }

        foreach (var command in RecsysCli.Create().Subcommands)
        {
            Visit(command, command.Name);
        }

        Assert.Empty(missing);
    }
}
