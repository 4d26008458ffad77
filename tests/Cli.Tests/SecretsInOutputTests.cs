using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Recsys.Cli.Serving;
using Recsys.Local;
using Recsys.Models;
using Recsys.Serving;
using Recsys.Testing;
using Xunit;

namespace Recsys.Cli.Tests;

/// <summary>
/// Runs the flows that log (publishing, serving, bad requests, a refused model version, unreachable storage) and
/// scans everything written to the console and the logs for keys, connection strings and SAS signatures.
/// </summary>
[Collection(ConsoleTests.Name)]
public sealed partial class SecretsInOutputTests(ServingFixture fixture) : IClassFixture<ServingFixture>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LoggedFlows_NeverPrintKeysConnectionStringsOrSignatures()
    {
        string output;
        using (var console = new ConsoleCapture())
        {
            string conn = fixture.ConnectionString;
            await RecsysCli.RunAsync(["models", "publish", "--connection-string", conn, "--name", "secret", "--from", fixture.Folder1, "--alias", "champion"]);
            await using (RankServer server = await RankServer.StartAsync(conn, new ServingOptions { DefaultModel = "secret", RefreshInterval = TimeSpan.FromMilliseconds(200) }, 0, Microsoft.Extensions.Logging.LogLevel.Debug, Ct))
            {
                using var http = new HttpClient { BaseAddress = server.Address };
                (await http.PostAsJsonAsync("/api/rank", new { candidates = new[] { new { id = "1" } } }, Ct)).Dispose();
                (await http.PostAsync("/api/rank", new StringContent("{ broken"), Ct)).Dispose();
                (await http.PostAsJsonAsync("/api/rank", new { model = "nope", candidates = new[] { new { id = "1" } } }, Ct)).Dispose();

                string broken = fixture.Temp.Combine($"secret-broken-{Guid.NewGuid():N}");
                await TestModels.WritePackageAsync(fixture.Prepared, broken, "v9", direction: 1);
                await File.WriteAllBytesAsync(Path.Combine(broken, ModelManifest.ModelFile), [0, 1, 2], Ct);
                await RecsysCli.RunAsync(["models", "publish", "--connection-string", conn, "--name", "secret", "--from", broken, "--alias", "champion"]);
                await server.Serving.Host.RefreshAsync(Ct);
            }

            // Storage that does not answer: the error line must name the failure, not the credentials.
            string unreachable = conn.Replace($":{new Uri(fixture.Storage.Uri.ToString()).Port}/", ":9/", StringComparison.Ordinal);
            await RecsysCli.RunAsync(["models", "list", "--connection-string", unreachable]);
            await Task.Delay(300, Ct); // let the console logger drain
            output = console.Out + console.Error;
        }

        Assert.Contains("Refused secret/v9", output, StringComparison.Ordinal);
        Assert.Contains("error:", output, StringComparison.Ordinal);
        Assert.DoesNotContain(AzuriteHost.DevelopmentAccountKey, output, StringComparison.Ordinal);
        Assert.DoesNotMatch(SecretPattern(), output);
    }

    [GeneratedRegex(@"AccountKey=|SharedAccessSignature=|SharedAccessKey=|[?&]sig=(?!REDACTED)[A-Za-z0-9%]", RegexOptions.IgnoreCase)]
    private static partial Regex SecretPattern();
}
