using System.CommandLine;
using Microsoft.Extensions.Logging;
using Recsys.Cli.Serving;
using Recsys.Local;
using Recsys.Serving;
using Spectre.Console;

namespace Recsys.Cli.Commands;

/// <summary><c>recsys serve</c>: the rank API over Kestrel on loopback until Ctrl+C.</summary>
internal static class ServeCommand
{
    public static Command Create()
    {
        var port = new Option<int>("--port") { Description = "Loopback port to listen on.", DefaultValueFactory = _ => 5080 };
        var connection = new Option<string?>("--connection-string") { Description = $"Storage with the model registry (default: {StorageConnection.EnvironmentVariable}, else the local Azurite on port 10000, started if needed with its data in out/azurite)." };
        var model = new Option<string?>("--model") { Description = "Default model for requests that name none (default: Serving:DefaultModel, else movies)." };
        var refresh = new Option<double?>("--refresh-seconds") { Description = "How often aliases are checked for a new version (default: Serving:RefreshInterval, else 30 s)." };
        var from = new Option<string?>("--from")
        {
            Description = "Serve an exported model folder (from `recsys train`) with no publish step: it is published to the store as --model (default: the folder's name) and the default alias is pointed at it.",
        };
        var trace = new Option<bool>("--trace") { Description = "Print one line per rank request span (duration, model, version, candidates, fusion) on stderr." };
        var command = new Command("serve", "Serve the rank API (POST /api/rank, /api/rank/batch, /api/recommend, /api/feedback; models; health) on http://127.0.0.1:{port}.")
        {
            port, connection, model, refresh, from, trace,
        };
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(async ct =>
        {
            ServingOptions options = ServingConfiguration.Load();
            options = options with
            {
                DefaultModel = result.GetValue(model) ?? options.DefaultModel,
                RefreshInterval = result.GetValue(refresh) is { } seconds ? TimeSpan.FromSeconds(seconds) : options.RefreshInterval,
            };
            LocalPort.RequireFree(result.GetValue(port));
            using IDisposable? traces = TraceConsole.StartIf(result.GetValue(trace));
            string? folder = result.GetValue(from);
            if (folder is not null)
            {
                FolderServing.RequirePackage(folder); // before storage starts: bad input costs nothing
            }

            await using LocalStorage storage = await LocalStorage.OpenAsync(result.GetValue(connection), ct);
            if (storage.Started is not null)
            {
                // The endpoint, never the connection string: logs and consoles must not carry keys.
                AnsiConsole.MarkupLine($"Storage: {Markup.Escape(storage.Describe())}");
            }

            if (folder is not null)
            {
                FolderServing.Published published = await FolderServing.PublishAsync(
                    new Azure.Storage.Blobs.BlobServiceClient(storage.ConnectionString), folder, result.GetValue(model), options.DefaultAlias, ct);
                options = options with { DefaultModel = published.Model };
                AnsiConsole.MarkupLine(
                    $"{Markup.Escape(folder)}: {(published.Uploaded ? "published as" : "already published as")} [bold]{Markup.Escape(published.Model)}/{Markup.Escape(published.Version)}[/]; "
                    + $"{Markup.Escape(published.Alias)} → {Markup.Escape(published.Version)}" + (published.Previous is null ? "" : $" (was {Markup.Escape(published.Previous)})"));
            }

            await using RankServer server = await RankServer.StartAsync(storage.ConnectionString, options, result.GetValue(port), LogLevel.Information, ct);
            AnsiConsole.MarkupLine($"Serving on [bold]{server.Address}[/] (OpenAPI: {server.Address}openapi/v1.json). Ctrl+C stops.");
            try
            {
                await Task.Delay(Timeout.Infinite, ct);
            }
            catch (OperationCanceledException)
            {
                AnsiConsole.MarkupLine("Stopping: flushing feedback and unloading models ...");
            }

            return RecsysCli.Success;
        }, cancellationToken));
        return command;
    }
}
