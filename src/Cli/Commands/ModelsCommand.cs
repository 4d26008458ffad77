using System.CommandLine;
using System.Text.Json;
using Azure.Storage.Blobs;
using Recsys.Features;
using Recsys.Models;
using Recsys.Recommenders;
using Recsys.Serving.Runtime;
using Spectre.Console;

namespace Recsys.Cli.Commands;

/// <summary>
/// <c>recsys models</c>: on its own, the model names experiment and train accept; <c>models list</c> and
/// <c>models publish</c> work on the model registry in Blob Storage.
/// </summary>
internal static class ModelsCommand
{
    public static Command Create(ModelCatalog catalog)
    {
        var command = new Command("models", "List the model names experiment and train accept; `models list` and `models publish` work on the registry.");
        command.SetAction(_ =>
        {
            var table = new Table().AddColumn("model").AddColumn("description");
            foreach (ModelDescriptor model in catalog.All.OrderBy(m => m.Name, StringComparer.Ordinal))
            {
                table.AddRow(Markup.Escape(model.Name), Markup.Escape(model.Description));
            }

            AnsiConsole.Write(table);
            return RecsysCli.Success;
        });
        command.Subcommands.Add(List());
        command.Subcommands.Add(Publish());
        return command;
    }

    private static Option<string?> ConnectionOption() =>
        new("--connection-string") { Description = $"Storage with the registry (default: {StorageConnection.EnvironmentVariable}, else the local Azurite on port 10000, started if needed)." };

    private static ModelRegistry Registry(LocalStorage storage)
    {
        if (storage.Started is not null)
        {
            Console.Error.WriteLine($"storage: {storage.Describe()}");
        }

        return new ModelRegistry(new BlobServiceClient(storage.ConnectionString).GetBlobContainerClient(ModelRegistry.ContainerName));
    }

    private static Command List()
    {
        var connection = ConnectionOption();
        var json = new Option<bool>("--json") { Description = "Print JSON instead of a table." };
        var command = new Command("list", "Show the registered models, their versions and aliases.") { connection, json };
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(async ct =>
        {
            await using LocalStorage storage = await LocalStorage.OpenAsync(result.GetValue(connection), ct);
            ModelRegistry registry = Registry(storage);
            var entries = new List<ModelEntry>();
            foreach (string name in await registry.ListModelsAsync(ct))
            {
                if (await registry.GetModelAsync(name, ct) is { } entry)
                {
                    entries.Add(entry);
                }
            }

            if (result.GetValue(json))
            {
                Console.WriteLine(JsonSerializer.Serialize(entries, FeatureSpec.JsonOptions));
                return RecsysCli.Success;
            }

            var table = new Table().AddColumn("model").AddColumn("versions").AddColumn("aliases");
            foreach (ModelEntry entry in entries)
            {
                table.AddRow(
                    Markup.Escape(entry.Name),
                    Markup.Escape(string.Join('\n', entry.Versions)),
                    Markup.Escape(string.Join('\n', entry.Aliases.Select(a => $"{a.Key} → {a.Value}"))));
            }

            AnsiConsole.Write(table);
            return RecsysCli.Success;
        }, cancellationToken));
        return command;
    }

    private static Command Publish()
    {
        var connection = ConnectionOption();
        var name = new Option<string>("--name") { Description = "Model name in the registry (e.g. movies).", Required = true };
        var from = new Option<string>("--from") { Description = "An exported model folder (from `recsys train`).", Required = true };
        var alias = new Option<string?>("--alias") { Description = "Point this alias (e.g. champion) at the new version." };
        var command = new Command("publish", "Upload an exported model folder as a new version, optionally moving an alias to it.") { connection, name, from, alias };
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(async ct =>
        {
            string model = result.GetValue(name)!;
            string folder = result.GetValue(from)!;
            Serving.FolderServing.RequirePackage(folder);

            await using LocalStorage storage = await LocalStorage.OpenAsync(result.GetValue(connection), ct);
            ModelRegistry registry = Registry(storage);
            ModelManifest manifest = await registry.PublishAsync(model, folder, ct);
            AnsiConsole.MarkupLine($"Published [bold]{Markup.Escape(model)}/{Markup.Escape(manifest.Version)}[/] ({Markup.Escape(manifest.DisplayName)}).");
            if (result.GetValue(alias) is { } target)
            {
                AliasPointer? current = await registry.ReadAliasAsync(model, target, ct);
                await registry.SetAliasAsync(model, target, manifest.Version, current?.ETag, ct);
                AnsiConsole.MarkupLine($"{Markup.Escape(target)} → {Markup.Escape(manifest.Version)}" + (current is null ? "" : $" (was {Markup.Escape(current.Version)})"));
            }

            return RecsysCli.Success;
        }, cancellationToken));
        return command;
    }
}
