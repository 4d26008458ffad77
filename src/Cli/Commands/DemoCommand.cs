using System.CommandLine;
using Azure;
using Azure.Storage.Blobs;
using Recsys.Local;
using Recsys.Experiments;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Reports;
using Spectre.Console;

namespace Recsys.Cli.Commands;

/// <summary>
/// <c>recsys demo</c>: the whole chain on the bundled sample dataset against local storage. Starts Azurite
/// when no storage is configured and stops it on exit.
/// </summary>
internal static class DemoCommand
{
    public const string SampleDataset = "ml-latest-small";

    public static Command Create()
    {
        var dataset = new Option<string?>("--dataset") { Description = $"Dataset folder to drop in (default: the bundled data/sample/{SampleDataset})." };
        var connection = new Option<string?>("--connection-string") { Description = "Use this storage instead of starting Azurite (default: ConnectionStrings__Storage)." };
        var models = new Option<string>("--models") { Description = "Models to evaluate (see `recsys models`).", DefaultValueFactory = _ => "pop,itemknn,ease" };
        var output = new Option<string?>("--output") { Description = "Folder for the evaluation (default: out/demo in the repository)." };
        var command = new Command("demo", "Run the full chain on the bundled sample dataset: start Azurite, drop the dataset into datasets/, prepare it into prepared/, evaluate the baselines, and print the results.");
        command.Options.Add(dataset);
        command.Options.Add(connection);
        command.Options.Add(models);
        command.Options.Add(output);
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(
            ct => RunAsync(
                result.GetValue(dataset),
                result.GetValue(connection) ?? Environment.GetEnvironmentVariable("ConnectionStrings__Storage"),
                ModelCatalog.WithBaselines().Resolve(result.GetValue(models)!),
                result.GetValue(output),
                ct),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        string? datasetFolder, string? connectionString, IReadOnlyList<ModelDescriptor> models, string? output, CancellationToken cancellationToken)
    {
        datasetFolder ??= Path.Combine(RepositoryRoot.Find() ?? throw new InvalidOperationException("Run the demo from inside the repository, or pass --dataset."), "data", "sample", SampleDataset);
        if (!Directory.Exists(datasetFolder))
        {
            throw new Data.DatasetException($"Dataset folder not found: '{datasetFolder}'.");
        }

        AzuriteHost? azurite = null;
        try
        {
            if (string.IsNullOrEmpty(connectionString))
            {
                AnsiConsole.MarkupLine("[bold]1. Storage[/]: starting Azurite (in-memory) ...");
                azurite = await AzuriteHost.StartAsync(Console.Error, cancellationToken);
                connectionString = azurite.ConnectionString;
                AnsiConsole.MarkupLine($"   Azurite blob endpoint http://127.0.0.1:{azurite.BlobPort}/{AzuriteHost.DevelopmentAccount}");
            }
            else
            {
                AnsiConsole.MarkupLine("[bold]1. Storage[/]: using the configured connection string.");
            }

            var service = new BlobServiceClient(connectionString);
            string name = Path.GetFileName(Path.GetFullPath(datasetFolder).TrimEnd(Path.DirectorySeparatorChar));
            AnsiConsole.MarkupLine($"[bold]2. Drop[/]: uploading {Markup.Escape(name)} to datasets/{Markup.Escape(name)}/ ...");
            BlobContainerClient datasets = service.GetBlobContainerClient("datasets");
            await datasets.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
            foreach (string file in Directory.EnumerateFiles(datasetFolder).Order(StringComparer.Ordinal))
            {
                try
                {
                    await datasets.GetBlobClient($"{name}/{Path.GetFileName(file)}").UploadAsync(file, overwrite: false, cancellationToken);
                }
                catch (RequestFailedException ex) when (ex.Status == 409)
                {
                    // Already dropped: the drop zone is never overwritten.
                }
            }

            AnsiConsole.MarkupLine("[bold]3. Prepare[/]: validate, deduplicate, build vocabularies, split 75/25 per user ...");
            string datasetUri = $"{datasets.Uri}/{name}";
            string outputUri = $"{service.Uri.ToString().TrimEnd('/')}/prepared/{name}";
            PrepareResult prepared = await PrepareCommand.RunAsync(
                datasetUri, outputUri, connectionString, local => new PrepareOptions { Dataset = local, Name = name },
                new ConsoleProgress(), cancellationToken);
            PrepareSummary.Write(prepared);

            AnsiConsole.MarkupLine("[bold]4. Evaluate[/]: classical baselines, leave-last-out (each user's latest rating is the test item) ...");
            output ??= Path.Combine(RepositoryRoot.Find() ?? Path.GetTempPath(), "out", "demo");
            Directory.CreateDirectory(output);
            ExperimentResult experiment = await ExperimentCommand.RunWithProgressAsync(
                new ExperimentOptions
                {
                    Dataset = new PrepareOptions { Dataset = datasetFolder, Name = name },
                    Protocol = Protocol.LeaveLastOut,
                    Models = models,
                    Output = output,
                },
                cancellationToken);
            ExperimentCommand.WriteTable(experiment);
            string report = await ExperimentReport.WriteAsync(experiment, output, cancellationToken);
            AnsiConsole.Profile.Out.Writer.WriteLine($"report: {report}");
            AnsiConsole.MarkupLine("[green]Demo finished.[/]");
            return RecsysCli.Success;
        }
        finally
        {
            if (azurite is not null)
            {
                await azurite.DisposeAsync();
            }
        }
    }
}
