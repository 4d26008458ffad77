using Recsys.Local;

namespace Recsys.Cli;

/// <summary>
/// Which storage a command talks to: <c>--connection-string</c>, else the <c>ConnectionStrings__Storage</c>
/// environment variable, else an Azurite already listening on the default port (10000).
/// </summary>
internal static class StorageConnection
{
    public const string EnvironmentVariable = "ConnectionStrings__Storage";
    public const int DefaultAzuriteBlobPort = 10000;

    /// <summary>The configured connection string, or null when none is configured and no Azurite is listening.</summary>
    public static string? Resolve(string? option)
    {
        if (!string.IsNullOrEmpty(option))
        {
            return option;
        }

        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrEmpty(fromEnvironment))
        {
            return fromEnvironment;
        }

        return AzuriteHost.IsListening(DefaultAzuriteBlobPort) ? "UseDevelopmentStorage=true" : null;
    }

}
