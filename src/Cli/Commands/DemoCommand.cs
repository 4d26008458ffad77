using System.CommandLine;
using System.Net.Http.Json;
using Azure;
using Azure.Storage.Blobs;
using Microsoft.Extensions.Logging;
using Recsys.Cli.Serving;
using Recsys.Experiments;
using Recsys.Local;
using Recsys.Models;
using Recsys.Pipeline;
using Recsys.Preparation;
using Recsys.Recommenders;
using Recsys.Reports;
using Recsys.Serving;
using Recsys.Serving.Contracts;
using Recsys.Serving.Ranking;
using Recsys.Serving.Runtime;
using Recsys.Storage;
using Spectre.Console;

namespace Recsys.Cli.Commands;

/// <summary>
/// <c>recsys demo</c>: the whole chain on the bundled sample dataset against local storage: drop the dataset,
/// let the worker prepare, train, evaluate and promote, compare the champion with the classical baselines, then
/// serve it and show recommendations. Starts Azurite when no storage is configured and stops what it started.
/// </summary>
internal static class DemoCommand
{
    public const string SampleDataset = "ml-latest-small";
    public const string ModelName = "movies";

    /// <summary>
    /// Models that train in seconds to a few minutes on 2 CPU cores, the text two-tower among them (its item text
    /// is encoded once per machine, then cached); the first promoted one becomes champion. The feedback of the last
    /// day is merged into each job, and 100 new clicks start a retrain (the demo's last step shows one).
    /// </summary>
    public const string DemoPlan = """{ "model": "movies", "prepare": { "events": { "days": 1, "retrainAfter": 100 } }, "models": [ { "architecture": "multdae", "epochs": 30 }, { "architecture": "bpr", "epochs": 10 }, { "architecture": "ease" }, { "architecture": "text", "epochs": 10 } ] }""";

    private static readonly string[] SampleUsers = ["1", "2", "3"];

    public static Command Create()
    {
        var dataset = new Option<string?>("--dataset") { Description = $"Dataset folder to drop in (default: the bundled data/sample/{SampleDataset})." };
        var connection = new Option<string?>("--connection-string") { Description = $"Use this storage instead of starting Azurite (default: {StorageConnection.EnvironmentVariable})." };
        var models = new Option<string>("--models") { Description = "Baselines to compare the champion with (see `recsys models`).", DefaultValueFactory = _ => "pop,itemknn,ease" };
        var output = new Option<string?>("--output") { Description = "Folder for the evaluation report (default: out/demo in the repository)." };
        var keepServing = new Option<bool>("--keep-serving") { Description = "Leave the rank API running on http://127.0.0.1:5080 until Ctrl+C." };
        var storageFolder = new Option<string?>("--storage-folder") { Description = "Where the Azurite it starts keeps its data, so a second run reuses the trained model (default: out/azurite in the repository)." };
        var plan = new Option<string?>("--plan") { Description = $"A {TrainingPlan.FileName} to drop with the dataset (default: multdae, bpr, ease and text, registry model '{ModelName}')." };
        var command = new Command("demo", "Run the full chain on the bundled sample dataset: start Azurite, drop the dataset into datasets/, prepare, train, evaluate and promote through the worker, compare with the baselines, then serve the champion and show recommendations.")
        {
            dataset, connection, models, output, keepServing, plan, storageFolder,
        };
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(
            ct => RunAsync(
                result.GetValue(dataset),
                result.GetValue(connection) ?? Environment.GetEnvironmentVariable(StorageConnection.EnvironmentVariable),
                // The baselines' EASE inverts as the pipeline's does, so "the baseline scores higher" compares like with like.
                ModelCatalog.WithBaselines().Add(Training.TrainingModels.Ease).Resolve(result.GetValue(models)!),
                result.GetValue(output),
                result.GetValue(keepServing),
                result.GetValue(plan) is { } file ? File.ReadAllText(file) : DemoPlan,
                result.GetValue(storageFolder),
                ct),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        string? datasetFolder, string? connectionString, IReadOnlyList<ModelDescriptor> baselines, string? output, bool keepServing, string planJson, string? storageFolder, CancellationToken cancellationToken)
    {
        TrainingPlan plan = TrainingPlan.FromJson(planJson);
        if (keepServing)
        {
            // Checked before minutes of work, not at the last step.
            LocalPort.RequireFree(5080);
        }

        datasetFolder ??= Path.Combine(RepositoryRoot.Find() ?? throw new InvalidOperationException("Run the demo from inside the repository, or pass --dataset."), "data", "sample", SampleDataset);
        if (!Directory.Exists(datasetFolder))
        {
            throw new Data.DatasetException($"Dataset folder not found: '{datasetFolder}'.");
        }

        await using LocalStorage local = await LocalStorage.OpenAsync(connectionString, cancellationToken, storageFolder);
        if (local.Started is { } azurite)
        {
            AnsiConsole.MarkupLine($"[bold]1. Storage[/]: started the local Azurite (data in {Markup.Escape(local.Folder!)}).");
            AnsiConsole.MarkupLine($"   Azurite blob endpoint http://127.0.0.1:{azurite.BlobPort}/{AzuriteHost.DevelopmentAccount}");
        }
        else
        {
            AnsiConsole.MarkupLine("[bold]1. Storage[/]: using the configured storage.");
        }

        connectionString = local.ConnectionString;
        PipelineStorage storage = PipelineStorage.FromConnectionString(connectionString);
        string name = Path.GetFileName(Path.GetFullPath(datasetFolder).TrimEnd(Path.DirectorySeparatorChar));
        string modelName = plan.Model ?? name; // where the pipeline publishes (see TrainingPlan)
        await DropAsync(storage.Container(PipelineStorage.Datasets), datasetFolder, name, planJson, cancellationToken);

        string trained = string.Join(" and ", plan.Models.Select(m => m.Architecture));
        AnsiConsole.MarkupLine($"[bold]3. Pipeline[/]: the worker prepares, trains {Markup.Escape(trained)}, evaluates each and promotes through the gate ...");
        await RunPipelineAsync(connectionString, cancellationToken);
        IReadOnlyList<string> jobs = await DatasetWatcher.JobIdsAsync(storage, name, cancellationToken);
        JobView job = await ReportJobAsync(storage, jobs.Count > 0 ? jobs[0] : throw new InvalidOperationException($"No job was started for datasets/{name}/."), cancellationToken);
        if (job.Status != JobStatus.Completed)
        {
            throw new InvalidOperationException($"The pipeline job {job.JobId} did not complete; see the stages above.");
        }

        AnsiConsole.MarkupLine("[bold]4. Compare[/]: every trained version against the baselines on the same held-out split (recommenders protocol) ...");
        output ??= Path.Combine(RepositoryRoot.Find() ?? Path.GetTempPath(), "out", "demo");
        Directory.CreateDirectory(output);
        ExperimentResult experiment = await CompareAsync(storage, datasetFolder, name, modelName, baselines, output, cancellationToken);
        ExperimentCommand.WriteTable(experiment);
        IReadOnlyList<string> promotion = ChampionExplanation.Lines(
            job, experiment, await storage.Registry.ReadAliasAsync(modelName, EvaluateStage.ChampionAlias, cancellationToken), baselines.Select(b => b.Name).ToHashSet());
        foreach (string line in promotion)
        {
            ProgressOutput.Line($"   {line}");
        }

        string report = await ExperimentReport.WriteAsync(experiment, output, promotion, cancellationToken: cancellationToken);
        AnsiConsole.Profile.Out.Writer.WriteLine($"report: {report}");

        AnsiConsole.MarkupLine("[bold]5. Serve[/]: the rank API loads the champion ...");
        var options = new ServingOptions { DefaultModel = modelName };
        await using RankServer server = await RankServer.StartAsync(connectionString, options, keepServing ? 5080 : 0, cancellationToken: cancellationToken);
        await ShowRecommendationsAsync(server.Address, Path.Combine(output, ExperimentRunner.PreparedFolder), cancellationToken);
        if (plan.Prepare?.Events?.RetrainAfter is not null
            && await DemoFeedbackLoop.RunAsync(connectionString, storage, modelName, Path.Combine(output, ExperimentRunner.PreparedFolder), ct => RunPipelineAsync(connectionString, ct), cancellationToken) is { } online)
        {
            report = await ExperimentReport.WriteAsync(experiment, output, promotion, online, cancellationToken);
            AnsiConsole.Profile.Out.Writer.WriteLine($"report, with the online section: {report}");
        }

        if (keepServing)
        {
            AnsiConsole.MarkupLine($"Serving on [bold]{server.Address}[/]; try: curl -s {server.Address}api/health. Ctrl+C stops everything.");
            try
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                AnsiConsole.MarkupLine("Stopping ...");
            }
        }

        AnsiConsole.MarkupLine("[green]Demo finished.[/]");
        return RecsysCli.Success;
    }

    private static async Task DropAsync(BlobContainerClient datasets, string folder, string name, string plan, CancellationToken cancellationToken)
    {
        AnsiConsole.MarkupLine($"[bold]2. Drop[/]: uploading {Markup.Escape(name)} and its training plan to datasets/{Markup.Escape(name)}/ ...");
        await datasets.CreateIfNotExistsAsync(cancellationToken: cancellationToken);
        var files = Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal).Select(f => (Name: Path.GetFileName(f), Data: BinaryData.FromBytes(File.ReadAllBytes(f))));
        foreach (var (file, data) in files.Append((TrainingPlan.FileName, BinaryData.FromString(plan))))
        {
            try
            {
                await datasets.GetBlobClient($"{name}/{file}").UploadAsync(data, overwrite: false, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status == 409)
            {
                // Already dropped: the drop zone is never overwritten.
            }
        }
    }

    private static async Task RunPipelineAsync(string connectionString, CancellationToken cancellationToken)
    {
        // The worker's own composition; its stage and promotion log lines are the demo's progress, and training,
        // the long step, adds one line per epoch.
        await using LocalWorker worker = LocalWorker.Create(
            connectionString,
            new Dictionary<string, string?> { [$"{PipelineOptions.Section}:{nameof(PipelineOptions.SettleTime)}"] = WorkerCommand.Invariant(TimeSpan.Zero) },
            b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning).AddFilter("Recsys.Pipeline", LogLevel.Information),
            lease: TimeSpan.FromMinutes(2),
            poll: TimeSpan.FromMilliseconds(200),
            onEpoch: (message, e) => ProgressOutput.Line($"            {message.Training!.Architecture} {ProgressOutput.Epoch(e)}"));
        await worker.Pipeline.RunAsync(untilIdle: true, cancellationToken);
    }

    /// <summary>Prints the job's stages as a table.</summary>
    internal static async Task<JobView> ReportJobAsync(PipelineStorage storage, string jobId, CancellationToken cancellationToken)
    {
        JobView job = await storage.Jobs.GetAsync(jobId, cancellationToken) ?? throw new InvalidOperationException($"Job {jobId} has no record.");
        var table = new Table().Title($"job {Markup.Escape(jobId)}").AddColumn("stage").AddColumn("status").AddColumn("seconds").AddColumn("details");
        foreach (StageRecord stage in job.Stages)
        {
            string details = stage.Error ?? string.Join(", ", (stage.Details ?? new Dictionary<string, System.Text.Json.JsonElement>()).Select(d => $"{d.Key} {Format(d.Value)}"));
            table.AddRow(Markup.Escape(stage.Stage), stage.Status.ToString(), stage.Seconds is { } s ? $"{s:0.0}" : "", Markup.Escape(details));
        }

        AnsiConsole.Write(table);
        return job;
    }

    private static string Format(System.Text.Json.JsonElement value) => value.ValueKind switch
    {
        System.Text.Json.JsonValueKind.Number when value.TryGetDouble(out double number) && number % 1 != 0 => number.ToString("0.0000", System.Globalization.CultureInfo.InvariantCulture),
        System.Text.Json.JsonValueKind.Array => string.Join(" ", value.EnumerateArray().Select(Format)), // one line, not indented JSON
        _ => value.ToString(),
    };

    /// <summary>The registry's versions, scored through the serving scorer, next to the baselines in one experiment.</summary>
    private static async Task<ExperimentResult> CompareAsync(
        PipelineStorage storage, string datasetFolder, string name, string modelName, IReadOnlyList<ModelDescriptor> baselines, string output, CancellationToken cancellationToken)
    {
        // Prepare first (the experiment reuses it) so the version adapters can map this split's ids. The split is
        // per user, as the pipeline's own prepare stage splits: the versions were trained on exactly this train part.
        string prepared = Path.Combine(output, ExperimentRunner.PreparedFolder);
        var dataset = new PrepareOptions { Dataset = datasetFolder, Name = name };
        await DatasetPreparer.PrepareAsync(Protocol.RecommendersPerUser.Apply(dataset), new LocalPreparedOutput(prepared), cancellationToken: cancellationToken);
        string[] items = (await PreparedDatasetReader.ReadTextColumnsAsync(prepared, PreparedFiles.Items, cancellationToken))["id"];
        string[] users = (await PreparedDatasetReader.ReadTextColumnsAsync(prepared, PreparedFiles.Users, cancellationToken))["id"];

        ModelEntry entry = (await storage.Registry.GetModelAsync(modelName, cancellationToken))!;
        var loaded = new List<ScoringModel>();
        try
        {
            var versions = new List<ModelDescriptor>();
            foreach (string version in entry.Versions)
            {
                ScoringModel model = ScoringModel.Load(await ModelPackage.LoadAsync(storage.Registry, modelName, version, cancellationToken), ExecutionProvider.Cpu);
                loaded.Add(model);
                // A trained EASE shares its name with the EASE baseline: the trained one says so, as aliases do.
                string label = entry.Aliases.Where(a => a.Value == version).Select(a => $" ({a.Key})").FirstOrDefault()
                    ?? (baselines.Any(b => b.Name.Equals(model.Manifest.DisplayName, StringComparison.OrdinalIgnoreCase)) ? " (trained)" : "");
                string shown = $"{model.Manifest.DisplayName}{label}";
                // A retrain leaves two versions of one architecture: the later ones are named by version.
                if (versions.Any(v => v.Name == shown))
                {
                    shown = $"{model.Manifest.DisplayName} ({version})";
                }

                versions.Add(new ModelDescriptor(shown, $"{modelName}/{version}", () => new ServingRecommender(model, items, users)));
            }

            return await ExperimentCommand.RunShowingProgressAsync(
                new ExperimentOptions { Dataset = dataset, Protocol = Protocol.RecommendersPerUser, Models = [.. baselines, .. versions], Output = output },
                new ProgressRelay<Training.Trainer.EpochReport>(),
                cancellationToken);
        }
        finally
        {
            loaded.ForEach(m => m.Dispose());
        }
    }

    private static async Task ShowRecommendationsAsync(Uri address, string prepared, CancellationToken cancellationToken)
    {
        var columns = await PreparedDatasetReader.ReadTextColumnsAsync(prepared, PreparedFiles.Items, cancellationToken);
        var titles = columns["id"].Zip(columns["title"]).ToDictionary(p => p.First, p => p.Second, StringComparer.Ordinal);
        string[] userIds = (await PreparedDatasetReader.ReadTextColumnsAsync(prepared, PreparedFiles.Users, cancellationToken))["id"];
        PreparedSplit train = (await PreparedDatasetReader.ReadSplitAsync(prepared, PreparedFiles.Train, cancellationToken))!;
        string[] itemIds = columns["id"];
        using var http = new HttpClient { BaseAddress = address };
        foreach (string user in SampleUsers)
        {
            int index = Array.IndexOf(userIds, user) + 1;
            string[] history = [.. Enumerable.Range(0, train.Count).Where(i => train.Users[i] == index).OrderBy(i => train.Timestamps[i]).Select(i => itemIds[train.Items[i] - 1])];
            using HttpResponseMessage response = await http.PostAsJsonAsync("/api/recommend", new RecommendRequest { UserId = user, History = history, Top = 5 }, cancellationToken);
            response.EnsureSuccessStatusCode();
            RankResponse ranked = (await response.Content.ReadFromJsonAsync<RankResponse>(cancellationToken))!;
            // A caption line, not a table title: a title wraps to the width of the narrow table below it.
            ProgressOutput.Line(FormattableString.Invariant($"user {user}: {history.Length} movies rated · {ranked.Model}/{ranked.Version} ({ranked.Variant}) · {ranked.TookMs:0.0} ms"));
            var table = new Table().AddColumn("#").AddColumn("movie").AddColumn("score");
            int rank = 1;
            foreach (RankedItem item in ranked.Items)
            {
                table.AddRow($"{rank++}", Markup.Escape(titles.GetValueOrDefault(item.Id, item.Id)), $"{item.Score:0.000}");
            }

            AnsiConsole.Write(table);
        }
    }
}
