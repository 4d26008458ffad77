using Microsoft.Extensions.Configuration;
using Recsys.Serving;

namespace Recsys.Cli.Serving;

/// <summary>
/// <see cref="ServingOptions"/> from the usual .NET sources, later ones winning: defaults, <c>appsettings.json</c>
/// in the working directory, environment variables (<c>Serving__MaxCandidates=5000</c>); command-line options
/// are applied on top by the command.
/// </summary>
internal static class ServingConfiguration
{
    public const string Section = "Serving";

    public static ServingOptions Load(string? folder = null) =>
        new ConfigurationBuilder()
            .SetBasePath(folder ?? Directory.GetCurrentDirectory())
            .AddJsonFile("appsettings.json", optional: true)
            .AddEnvironmentVariables()
            .Build()
            .GetSection(Section)
            .Get<ServingOptions>() ?? new ServingOptions();
}
