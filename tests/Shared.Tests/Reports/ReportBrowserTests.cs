using System.Diagnostics;
using System.Text.Json;
using System.Text.RegularExpressions;
using Recsys.Experiments;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Reports;
using Recsys.Testing;
using SkiaSharp;
using Xunit;

namespace Recsys.Shared.Tests.Reports;

/// <summary>
/// The evaluation report as a reader sees it: rendered by headless Chromium (Debian's <c>chromium</c>), every
/// table present and every image decoded, with a screenshot kept as a test artifact.
/// </summary>
public sealed partial class ReportBrowserTests : IDisposable
{
    private readonly TempFolder _temp = new();

    [Fact]
    public async Task Report_InHeadlessChromium_ShowsTheTablesAndDecodesEveryImage()
    {
        string? found = Chromium();
        if (found is null)
        {
            Assert.Skip("chromium is not installed (Debian package 'chromium'; .ci/run installs it).");
        }

        string chromium = found!;
        ExperimentResult result = await ExperimentRunner.RunAsync(new ExperimentOptions
        {
            Dataset = new PrepareOptions { Dataset = TestData.MovieLens100K },
            Protocol = Protocol.Recommenders,
            Models = ModelCatalog.WithBaselines().Resolve("pop,itemknn,ease,random"),
            Output = _temp.Path,
        }, cancellationToken: TestContext.Current.CancellationToken);
        string report = await ExperimentReport.WriteAsync(result, _temp.Path, ["ease: promoted: first version of the model", "Champion: ease."], cancellationToken: TestContext.Current.CancellationToken);

        // A copy with a probe script: the browser writes what it rendered into the title, which --dump-dom prints.
        string probe = _temp.Combine("probe.html");
        string html = await File.ReadAllTextAsync(report, TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(probe, html.Replace("</body>", """
            <script>
              const images = [...document.images];
              document.title = JSON.stringify({
                tables: document.querySelectorAll('table').length,
                rows: document.querySelectorAll('#metrics tr').length,
                promotion: document.querySelectorAll('#promotion li').length,
                overflow: Math.max(document.documentElement.scrollWidth - window.innerWidth,
                                   document.getElementById('metrics').parentElement.scrollWidth - document.getElementById('metrics').parentElement.clientWidth),
                images: images.length,
                decoded: images.filter(i => i.complete && i.naturalWidth > 0 && i.naturalHeight > 0).length });
            </script></body>
            """, StringComparison.Ordinal), TestContext.Current.CancellationToken);
        string dom = Run(chromium, "--window-size=1280,2400", "--virtual-time-budget=10000", "--dump-dom", new Uri(probe).AbsoluteUri);
        using JsonDocument seen = JsonDocument.Parse(System.Net.WebUtility.HtmlDecode(TitleTag().Match(dom).Groups[1].Value));

        int metrics = result.Runs[0].Evaluation.Metrics.Count;
        Assert.Equal(2, seen.RootElement.GetProperty("tables").GetInt32());
        Assert.Equal(metrics + 3, seen.RootElement.GetProperty("rows").GetInt32()); // header, a row per metric, fit and eval seconds
        Assert.Equal(2, seen.RootElement.GetProperty("promotion").GetInt32());
        Assert.True(seen.RootElement.GetProperty("overflow").GetInt32() <= 0, "the page or the metrics table scrolls sideways at 1,280 px");
        Assert.Equal(metrics + 1, seen.RootElement.GetProperty("images").GetInt32());
        Assert.Equal(metrics + 1, seen.RootElement.GetProperty("decoded").GetInt32());

        string screenshot = Path.Combine(ArtifactsFolder(), "report.png");
        Run(chromium, "--window-size=1280,2400", "--hide-scrollbars", $"--screenshot={screenshot}", new Uri(report).AbsoluteUri);
        byte[] png = await File.ReadAllBytesAsync(screenshot, TestContext.Current.CancellationToken);
        TestContext.Current.AddAttachment("report.png", png, "image/png");
        using SKBitmap bitmap = SKBitmap.Decode(png);
        Assert.Equal((1280, 2400), (bitmap.Width, bitmap.Height));
        Assert.True(InkShare(bitmap) > 0.03, "the screenshot is (nearly) blank");
    }

    public void Dispose() => _temp.Dispose();

    private static string? Chromium() =>
        new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser" }.FirstOrDefault(File.Exists);

    /// <summary>Kept where CI and developers find it: out/test-artifacts in the repository.</summary>
    private static string ArtifactsFolder() =>
        Directory.CreateDirectory(Path.Combine(Local.RepositoryRoot.Find() ?? Path.GetTempPath(), "out", "test-artifacts")).FullName;

    private static string Run(string chromium, params string[] args)
    {
        var start = new ProcessStartInfo(chromium) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in new[] { "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--user-data-dir=" + Path.Combine(Path.GetTempPath(), $"recsys-chromium-{Environment.ProcessId}") }.Concat(args))
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("chromium did not finish within 90 s.");
        }

        return output.Result;
    }

    /// <summary>The share of pixels that are not (near) white.</summary>
    private static double InkShare(SKBitmap bitmap)
    {
        long ink = 0;
        for (int y = 0; y < bitmap.Height; y += 4)
        {
            for (int x = 0; x < bitmap.Width; x += 4)
            {
                SKColor c = bitmap.GetPixel(x, y);
                if (c.Red < 230 || c.Green < 230 || c.Blue < 230)
                {
                    ink++;
                }
            }
        }

        return ink / (double)((bitmap.Height / 4) * (bitmap.Width / 4));
    }

    [GeneratedRegex("<title>(.*?)</title>", RegexOptions.Singleline)]
    private static partial Regex TitleTag();
}
