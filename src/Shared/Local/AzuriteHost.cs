using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Recsys.Local;

/// <summary>
/// Runs Azurite (blob, queue, table) from the repository's npm install on free loopback ports with in-memory
/// storage, for the demo and the tests. Owns the process: disposing stops it.
/// </summary>
public sealed partial class AzuriteHost : IAsyncDisposable
{
    /// <summary>Azurite's published development account key: a fixed public constant, not a secret.</summary>
    public const string DevelopmentAccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";
    public const string DevelopmentAccount = "devstoreaccount1";

    private readonly Process _process;

    private AzuriteHost(Process process, int blobPort, int queuePort, int tablePort)
    {
        _process = process;
        BlobPort = blobPort;
        QueuePort = queuePort;
        TablePort = tablePort;
    }

    public int BlobPort { get; }

    public int QueuePort { get; }

    public int TablePort { get; }

    public string ConnectionString => ConnectionStringFor(BlobPort, QueuePort, TablePort);

    private static string ConnectionStringFor(int blobPort, int queuePort, int tablePort) =>
        $"DefaultEndpointsProtocol=http;AccountName={DevelopmentAccount};AccountKey={DevelopmentAccountKey};" +
        $"BlobEndpoint=http://127.0.0.1:{blobPort}/{DevelopmentAccount};" +
        $"QueueEndpoint=http://127.0.0.1:{queuePort}/{DevelopmentAccount};" +
        $"TableEndpoint=http://127.0.0.1:{tablePort}/{DevelopmentAccount};";

    /// <summary>
    /// Starts Azurite and waits until all three services accept connections. Data lives in memory, or in
    /// <paramref name="location"/> when given, so a later run finds what an earlier one left.
    /// </summary>
    /// <param name="ports">Blob, queue and table ports (default: three free ones); a restart on the same ports looks like an outage to clients.</param>
    public static async Task<AzuriteHost> StartAsync(TextWriter? log = null, string? location = null, int[]? ports = null, CancellationToken cancellationToken = default)
    {
        string executable = await LocateAsync(log, cancellationToken);
        for (int attempt = 1; ; attempt++)
        {
            try
            {
                return await StartOnAsync(executable, log, location, ports ?? FreePorts(3), cancellationToken);
            }
            catch (ExitedEarlyException e) when (ports is null && attempt < 3)
            {
                // Free ports we chose can be taken before Azurite binds them (by a parallel test process, or as a
                // client's source port): Azurite then exits at once, and new ports are the cure.
                log?.WriteLine($"{e.Message} Trying other ports.");
            }
        }
    }

    private static async Task<AzuriteHost> StartOnAsync(string executable, TextWriter? log, string? location, int[] ports, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        // --skipApiVersionCheck: the SDK's default service version is newer than Azurite knows.
        // --disableTelemetry: otherwise it reaches for the internet and ignores SIGTERM.
        string[] arguments =
        [
            "--silent", "--skipApiVersionCheck", "--disableTelemetry", "--loose",
            .. (location is null ? new[] { "--inMemoryPersistence" } : new[] { "--location", Directory.CreateDirectory(location).FullName }),
            "--blobHost", "127.0.0.1", "--blobPort", ports[0].ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--queueHost", "127.0.0.1", "--queuePort", ports[1].ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--tableHost", "127.0.0.1", "--tablePort", ports[2].ToString(System.Globalization.CultureInfo.InvariantCulture),
        ];
        foreach (string arg in arguments)
        {
            start.ArgumentList.Add(arg);
        }

        Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) { log?.WriteLine($"[azurite] {e.Data}"); } };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) { log?.WriteLine($"[azurite] {e.Data}"); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var host = new AzuriteHost(process, ports[0], ports[1], ports[2]);
        try
        {
            await WaitForPortsAsync(process, ports, TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch
        {
            await host.DisposeAsync();
            throw;
        }

        return host;
    }

    /// <summary>True when something accepts connections on the loopback port (e.g. an Azurite already running).</summary>
    public static bool IsListening(int port)
    {
        try
        {
            using var client = new TcpClient();
            return client.ConnectAsync(IPAddress.Loopback, port).Wait(TimeSpan.FromMilliseconds(300)) && client.Connected;
        }
        catch (AggregateException)
        {
            return false;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// The azurite launcher from the nearest <c>node_modules</c> above the working directory or the app; runs
    /// <c>npm ci</c> once where the repository's package.json exists but nothing is installed yet.
    /// </summary>
    public static async Task<string> LocateAsync(TextWriter? log = null, CancellationToken cancellationToken = default)
    {
        string? overridePath = Environment.GetEnvironmentVariable("RECSYS_AZURITE");
        if (!string.IsNullOrEmpty(overridePath))
        {
            return overridePath;
        }

        string? root = RepositoryRoot.Find();
        if (root is null)
        {
            throw new InvalidOperationException("Cannot find the repository (package.json) to run Azurite from; set RECSYS_AZURITE to an azurite executable.");
        }

        string executable = Path.Combine(root, "node_modules", ".bin", "azurite");
        if (File.Exists(executable))
        {
            return executable;
        }

        // Parallel test projects may all get here: one installs, the others wait on the lock file.
        await using (await FileLock.AcquireAsync(Path.Combine(root, ".npm-install.lock"), TimeSpan.FromMinutes(5), cancellationToken))
        {
            if (!File.Exists(executable))
            {
                log?.WriteLine("Installing Azurite (npm ci)...");
                await RunAsync("npm", ["ci", "--no-audit", "--no-fund", "--loglevel=error"], root, cancellationToken);
            }
        }

        return File.Exists(executable) ? executable : throw new InvalidOperationException($"npm ci did not install {executable}.");
    }

    private static async Task RunAsync(string file, string[] args, string workingDirectory, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(file) { WorkingDirectory = workingDirectory, UseShellExecute = false, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {file}.");
        Task<string> stderr = process.StandardError.ReadToEndAsync(cancellationToken);
        _ = await process.StandardOutput.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} failed ({process.ExitCode}): {(await stderr).Trim()}");
        }
    }

    private static int[] FreePorts(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                listeners.Add(listener);
            }

            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            listeners.ForEach(l => l.Stop());
        }
    }

    private static async Task WaitForPortsAsync(Process process, int[] ports, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!ports.All(IsListening))
        {
            if (process.HasExited)
            {
                throw new ExitedEarlyException($"Azurite exited with code {process.ExitCode} before it was ready (ports {string.Join(", ", ports)}).");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Azurite did not listen on ports {string.Join(", ", ports)} within {timeout.TotalSeconds:0} s.");
            }

            await Task.Delay(100, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            // SIGTERM first: Azurite then closes its services and flushes its metadata to --location, so a later
            // start finds everything; the tree is killed only if it does not exit in time.
            if (!_process.HasExited && !OperatingSystem.IsWindows() && Terminate(_process.Id, 15) == 0)
            {
                try
                {
                    await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(5));
                }
                catch (TimeoutException)
                {
                    // falls through to the kill
                }
            }

            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }
        catch (TimeoutException)
        {
            // The kill was sent; the OS reaps the tree.
        }

        _process.Dispose();
    }

    [System.Runtime.InteropServices.LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Terminate(int pid, int signal);

    /// <summary>Azurite stopped before listening: most often a port taken between choosing it and binding it.</summary>
    private sealed class ExitedEarlyException(string message) : InvalidOperationException(message);
}
