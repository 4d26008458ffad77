using Xunit;

namespace Recsys.Cli.Tests;

/// <summary>The local hosts compose through the same registrations as the Functions apps, so a bad setting fails them the same way: exit 2, one line naming it.</summary>
[Collection(ConsoleTests.Name)]
public sealed class BadSettingTests
{
    [Fact]
    public async Task Worker_WithAZeroStageTimeout_ExitsTwo_NamingTheSetting()
    {
        using var console = new ConsoleCapture();

        // Storage is never reached: validation comes first (port 9 has no Azurite).
        int exit = await RecsysCli.RunAsync(["worker", "--once", "--stage-timeout-minutes", "0", "--connection-string", "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://127.0.0.1:9"]);

        Assert.Equal(RecsysCli.BadInput, exit);
        Assert.Equal("error: Pipeline:StageTimeout must be greater than zero (got 00:00:00).", console.Error.Trim());
    }

    [Fact]
    public async Task Serve_WithANegativeRefreshInterval_ExitsTwo_NamingTheSetting()
    {
        using var console = new ConsoleCapture();

        int exit = await RecsysCli.RunAsync(["serve", "--port", "0", "--refresh-seconds", "-1", "--connection-string", "UseDevelopmentStorage=true;DevelopmentStorageProxyUri=http://127.0.0.1:9"]);

        Assert.Equal(RecsysCli.BadInput, exit);
        Assert.Equal("error: Serving:RefreshInterval must be greater than zero (got -00:00:01).", console.Error.Trim());
    }
}
