using System.Diagnostics;
using System.Reflection;

namespace Recsys.Infra.Tests;

/// <summary>Runs the Bicep CLI from its NuGet package (restored with this project).</summary>
internal static class Bicep
{
    public static string Executable { get; } = Locate();

    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        var start = new ProcessStartInfo(Executable) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start)!;
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return (process.ExitCode, output.Result, error.Result);
    }

    public static string Infra(params string[] parts) => Path.Combine([Repository.Root, "infra", .. parts]);

    private static string Locate()
    {
        string package = typeof(Bicep).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "BicepPackage").Value!;
        string bicep = Path.Combine(package, "tools", "bicep");
        if (!File.Exists(bicep))
        {
            throw new FileNotFoundException("The Bicep CLI was not restored; run dotnet restore.", bicep);
        }

        // NuGet extraction does not keep the executable bit.
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(bicep, File.GetUnixFileMode(bicep) | UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute);
        }
        return bicep;
    }
}

/// <summary>The repository root (the folder with Serverless.sln).</summary>
internal static class Repository
{
    public static string Root { get; } = Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Serverless.sln")))
            {
                return dir.FullName;
            }
        }

        throw new DirectoryNotFoundException("Serverless.sln not found above the test output.");
    }
}
