using Recsys.Local;

namespace Recsys.Cli;

/// <summary>
/// The storage a command talks to, with one local default shared by every command: <c>--connection-string</c>,
/// else <c>ConnectionStrings__Storage</c>, else the Azurite listening on the default ports (10000-10002), else this
/// command starts that Azurite itself, with its data in <c>out/azurite</c> (or <c>RECSYS_STORAGE_FOLDER</c>), and stops
/// it when it ends; the data stays for the next command. So <c>models publish</c> in one terminal and <c>serve</c> in
/// another see the same registry, whichever starts first.
/// </summary>
internal sealed class LocalStorage : IAsyncDisposable
{
    public const string FolderVariable = "RECSYS_STORAGE_FOLDER";

    /// <summary>Blob, queue and table: the ports <c>UseDevelopmentStorage=true</c> means.</summary>
    public static readonly int[] DefaultPorts = [StorageConnection.DefaultAzuriteBlobPort, StorageConnection.DefaultAzuriteBlobPort + 1, StorageConnection.DefaultAzuriteBlobPort + 2];

    private LocalStorage(string connectionString, AzuriteHost? started, string? folder)
    {
        ConnectionString = connectionString;
        Started = started;
        Folder = folder;
    }

    public string ConnectionString { get; }

    /// <summary>The Azurite this command started, or null when it uses storage that was already there.</summary>
    public AzuriteHost? Started { get; }

    public string? Folder { get; }

    public static string DefaultFolder =>
        Environment.GetEnvironmentVariable(FolderVariable) is { Length: > 0 } folder
            ? folder
            : Path.Combine(RepositoryRoot.Find() ?? Directory.GetCurrentDirectory(), "out", "azurite");

    /// <param name="folder">Where a started Azurite keeps its data (default: <see cref="DefaultFolder"/>).</param>
    public static async Task<LocalStorage> OpenAsync(string? option, CancellationToken cancellationToken, string? folder = null)
    {
        if (StorageConnection.Resolve(option) is { } configured)
        {
            return new LocalStorage(configured, null, null);
        }

        folder ??= DefaultFolder;
        try
        {
            AzuriteHost azurite = await AzuriteHost.StartAsync(TextWriter.Null, folder, DefaultPorts, cancellationToken);
            return new LocalStorage(azurite.ConnectionString, azurite, folder);
        }
        catch (Exception ex) when (ex is InvalidOperationException or IOException or TimeoutException or System.ComponentModel.Win32Exception)
        {
            throw new UsageException(
                $"No storage configured, and the local Azurite could not start ({ex.Message}). Pass --connection-string, set {StorageConnection.EnvironmentVariable}, "
                + $"or start it yourself from the repository: npx azurite --silent --location out/azurite --skipApiVersionCheck --disableTelemetry");
        }
    }

    /// <summary>One line for the console: where the data is, never a key.</summary>
    public string Describe() => Started is { } azurite
        ? $"local Azurite http://127.0.0.1:{azurite.BlobPort}/{AzuriteHost.DevelopmentAccount} (started here, data in {Folder}; stopped when this command ends)"
        : "the configured storage";

    public async ValueTask DisposeAsync()
    {
        if (Started is not null)
        {
            await Started.DisposeAsync();
        }
    }
}
