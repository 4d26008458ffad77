using System.Diagnostics;
using System.Text.RegularExpressions;
using Recsys.Testing;
using Xunit;

namespace Recsys.Functions.Rank.Tests;

/// <summary>The rank image's publish step, run as the Dockerfile runs it, yields what the Functions host needs.</summary>
public sealed partial class PublishOutputTests
{
    [Fact]
    public async Task DockerfilePublish_HasTheMetadata_TheWorkerConfig_AndTheCudaExecutionProvider()
    {
        string dockerfile = await File.ReadAllTextAsync(Path.Combine(TestData.RepositoryRoot, "infra", "docker", "rank.Dockerfile"), TestContext.Current.CancellationToken);
        Match publish = PublishLine().Match(dockerfile);
        Assert.True(publish.Success, "rank.Dockerfile has no 'RUN dotnet publish ... -o /app' step");
        using var output = new TempFolder();

        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = TestData.RepositoryRoot, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in publish.Groups["args"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            start.ArgumentList.Add(arg);
        }

        start.ArgumentList.Add("-o");
        start.ArgumentList.Add(output.Path);
        using Process process = Process.Start(start)!;
        try
        {
            Task<string> stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
            Task<string> stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
            await process.WaitForExitAsync(TestContext.Current.CancellationToken);
            Assert.True(process.ExitCode == 0, await stdout + await stderr);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }

        foreach (string file in (string[])["Recsys.Functions.Rank.dll", "functions.metadata", "worker.config.json", "extensions.json", "host.json", "libonnxruntime.so", "libonnxruntime_providers_cuda.so", "libonnxruntime_providers_shared.so"])
        {
            Assert.True(File.Exists(Path.Combine(output.Path, file)), $"{file} is missing from the publish output");
        }

        // Linux only: no Windows binaries of ONNX Runtime in the image.
        Assert.Empty(Directory.EnumerateFiles(output.Path, "onnxruntime*.dll"));
    }

    [GeneratedRegex(@"RUN dotnet (?<args>publish [^\n]*?) -o /app")]
    private static partial Regex PublishLine();
}
