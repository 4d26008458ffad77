using Recsys.Cli.Serving;
using Recsys.Serving;
using Recsys.Testing;
using Xunit;

namespace Recsys.Cli.Tests;

[Collection(ConsoleTests.Name)]
public sealed class ServingConfigurationTests
{
    [Fact]
    public void Load_AppSettingsThenEnvironment_LaterSourcesWin()
    {
        using var temp = new TempFolder();
        temp.Write("appsettings.json", """{ "Serving": { "DefaultModel": "shop", "MaxCandidates": 500, "RefreshInterval": "00:00:05" } }""");
        Environment.SetEnvironmentVariable("Serving__MaxCandidates", "700");
        try
        {
            ServingOptions options = ServingConfiguration.Load(temp.Path);

            Assert.Equal(("shop", 700, TimeSpan.FromSeconds(5)), (options.DefaultModel, options.MaxCandidates, options.RefreshInterval));
            Assert.Equal(new ServingOptions().MaxTop, options.MaxTop);
        }
        finally
        {
            Environment.SetEnvironmentVariable("Serving__MaxCandidates", null);
        }
    }
}
