using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Recsys.Local;
using Recsys.Testing;
using Xunit;

namespace Recsys.Cli.Tests;

/// <summary>Bad arguments and a busy environment end every command the same way: exit 2, one line saying what to change.</summary>
[Collection(ConsoleTests.Name)]
public sealed class UsageTests
{
    [Theory]
    [InlineData("prepare --output out", "recsys prepare", "Option '--dataset' is required.")]
    [InlineData("train --dataset x --model bpr", "recsys train", "Option '--output' is required.")]
    [InlineData("experiment --dataset x --output out --seed abc", "recsys experiment", "abc")]
    [InlineData("serve --port many", "recsys serve", "many")]
    [InlineData("worker --poll-seconds soon", "recsys worker", "soon")]
    [InlineData("models publish --from x", "recsys models publish", "Option '--name' is required.")]
    [InlineData("demo --no-such-option", "recsys demo", "--no-such-option")]
    [InlineData("report online --json", "recsys report online", "Option '--model' is required.")]
    public async Task ABadArgument_ExitsTwo_WithOneErrorLineAndWhereToLook(string arguments, string command, string mentioned)
    {
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync(arguments.Split(' '));

        Assert.Equal(RecsysCli.BadInput, exit);
        string[] lines = console.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("error: ", lines[0], StringComparison.Ordinal);
        Assert.Contains(mentioned, lines[0], StringComparison.Ordinal);
        Assert.Equal($"Run '{command} --help' for the options.", lines[1]);
        Assert.DoesNotContain("Usage:", console.Out + console.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("report online --model movies --since yesterday", "error: since must be a date or an ISO 8601 time, not 'yesterday'.")]
    [InlineData("report online --model movies --since 2026-12-02 --until 2026-12-01", "error: since (2026-12-02T00:00:00.0000000+00:00) is after until (2026-12-01T00:00:00.0000000+00:00).")]
    [InlineData("report online --model ../x", "error: A model name is 1-64 letters, digits, '-', '_' or '.', starting with a letter or digit.")]
    public async Task ReportOnline_ABadWindowOrName_ExitsTwo_BeforeAnyStorageWork(string arguments, string error)
    {
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync([.. arguments.Split(' '), "--connection-string", "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://127.0.0.1:9"]);

        Assert.Equal(RecsysCli.BadInput, exit);
        Assert.Equal(error, console.Error.Trim());
    }

    [Fact]
    public async Task ServeFrom_AFolderThatIsNotAModel_ExitsTwo_BeforeAnyStorageWork()
    {
        using var empty = new TempFolder();
        using var console = new ConsoleCapture();

        // Storage on a port nothing listens on: reaching it would fail differently (exit 1) and slowly.
        int exit = await RecsysCli.RunAsync(["serve", "--port", "0", "--from", empty.Path, "--connection-string", "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://127.0.0.1:9"]);

        Assert.Equal(RecsysCli.BadInput, exit);
        Assert.Equal($"error: --from '{empty.Path}' is not an exported model folder (no manifest.json); `recsys train --output` writes one.", console.Error.Trim());
    }

    [Fact]
    public async Task Serve_OnATakenPort_SaysSoAtOnce_InOneLine()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        int port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync(["serve", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--connection-string", "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://127.0.0.1:9"]);

        Assert.Equal(RecsysCli.BadInput, exit);
        Assert.Equal($"error: Port {port} on 127.0.0.1 is already in use; pass --port with a free one (or stop what listens there).", console.Error.Trim());
    }

    [Fact]
    public async Task WithNothingConfigured_PublishAndList_ShareTheLocalAzurite_StartedOnDemand()
    {
        if (AzuriteHost.IsListening(10000) || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(StorageConnection.EnvironmentVariable)))
        {
            Assert.Skip("storage is already configured on this machine (port 10000 or ConnectionStrings__Storage), so the default is not the one under test");
        }

        await using var fixture = new ServingFixture();
        await fixture.InitializeAsync();
        using var data = new TempFolder();
        string? previous = Environment.GetEnvironmentVariable(LocalStorage.FolderVariable);
        Environment.SetEnvironmentVariable(LocalStorage.FolderVariable, data.Path);
        try
        {
            using (var publishing = new ConsoleCapture())
            {
                int published = await RecsysCli.RunAsync(["models", "publish", "--name", "movies", "--from", fixture.Folder1, "--alias", "champion"]);
                Assert.True(published == RecsysCli.Success, publishing.Error);
                Assert.Contains("storage: local Azurite http://127.0.0.1:10000/devstoreaccount1 (started here", publishing.Error, StringComparison.Ordinal);
            }

            Assert.False(AzuriteHost.IsListening(10000), "the command that started Azurite must stop it");

            using var listing = new ConsoleCapture();
            Assert.Equal(RecsysCli.Success, await RecsysCli.RunAsync(["models", "list", "--json"]));
            using JsonDocument models = JsonDocument.Parse(listing.Out);
            JsonElement movies = Assert.Single(models.RootElement.EnumerateArray());
            Assert.Equal(fixture.Version1, movies.GetProperty("aliases").GetProperty("champion").GetString());
            Assert.False(AzuriteHost.IsListening(10000));
        }
        finally
        {
            Environment.SetEnvironmentVariable(LocalStorage.FolderVariable, previous);
        }
    }
}
