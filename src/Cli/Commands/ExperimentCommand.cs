using System.CommandLine;
using System.Globalization;
using Recsys.Experiments;
using Recsys.Recommenders;
using Recsys.Reports;
using Spectre.Console;

namespace Recsys.Cli.Commands;

/// <summary><c>recsys experiment</c>: prepare → fit → evaluate several models under one protocol.</summary>
internal static class ExperimentCommand
{
    /// <param name="epochs">The relay the catalog's neural models report their epochs to.</param>
    public static Command Create(ModelCatalog catalog, ProgressRelay<Training.Trainer.EpochReport> epochs)
    {
        var dataset = new DatasetOptions();
        var protocol = new Option<string>("--protocol") { Description = $"Evaluation protocol: {string.Join(", ", ProtocolNames.All)}.", DefaultValueFactory = _ => "recommenders" };
        var models = new Option<string>("--models") { Description = "Comma-separated model names (see `recsys models`), or all.", DefaultValueFactory = _ => "pop,itemknn,ease" };
        var k = new Option<int>("--k") { Description = "List length for the top-k metrics.", DefaultValueFactory = _ => 10 };
        var output = new Option<string>("--output") { Description = "Folder for prepared/, metrics.json and report.html.", Required = true };
        var json = new Option<bool>("--json") { Description = "Print metrics.json to stdout instead of a table." };
        var tune = new Option<bool>("--tune") { Description = "Choose each model's hyperparameters on validation data carved from training (never on test)." };
        var profiles = new Option<string[]>("--profile") { Description = "A fusion profile file (the JSON of a profiles/{name}.json blob) to evaluate as one more model, named after its file; its members are catalogue model names (aliases are ignored). Repeatable." };
        var seeds = new Option<int>("--seeds") { Description = "Run this many splits (the protocol's seed and the next ones) and report each metric's mean ± standard deviation; on a split without a seed (leave-last-out), fit the models this many times with their own seeds (42 and the next ones) instead.", DefaultValueFactory = _ => 1 };
        var command = new Command("experiment", "Prepare a dataset, fit each model and evaluate it under a protocol; writes metrics.json and report.html.")
        {
            protocol, models, k, output, json, tune, seeds, profiles,
        };
        dataset.AddTo(command);
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(async ct =>
        {
            string outputFolder = result.GetValue(output)!;
            var options = new ExperimentOptions
            {
                Dataset = dataset.ToPrepareOptions(result, result.GetValue(dataset.Dataset)!),
                Protocol = ProtocolNames.Parse(result.GetValue(protocol)!),
                Models = [.. catalog.Resolve(result.GetValue(models)!), .. (result.GetValue(profiles) ?? []).Select(file => ProfileModel(file, catalog))],
                K = result.GetValue(k),
                Output = outputFolder,
                Tune = result.GetValue(tune),
                Seeds = result.GetValue(seeds),
            };
            Directory.CreateDirectory(outputFolder);
            bool quiet = result.GetValue(json);
            ExperimentResult experiment = quiet
                ? await ExperimentRunner.RunAsync(options, null, ct)
                : await RunShowingProgressAsync(options, epochs, ct);
            string report = await ExperimentReport.WriteAsync(experiment, outputFolder, ct);
            if (quiet)
            {
                Console.WriteLine(experiment.ToJson());
            }
            else
            {
                WriteTable(experiment);
                foreach (ModelRun run in experiment.Runs.Where(r => r.Tuning is not null))
                {
                    AnsiConsole.Profile.Out.Writer.WriteLine($"{run.Name}: {run.Tuning!.Selected} chosen on validation {run.Tuning.Metric}");
                }

                AnsiConsole.Profile.Out.Writer.WriteLine($"metrics: {Path.Combine(outputFolder, ExperimentRunner.MetricsFile)}");
                AnsiConsole.Profile.Out.Writer.WriteLine($"report:  {report}");
            }

            return RecsysCli.Success;
        }, cancellationToken));
        return command;
    }

    // A fusion profile file as one experiment model, named after the file; a bad file is bad input.
    private static ModelDescriptor ProfileModel(string file, ModelCatalog catalog)
    {
        if (!File.Exists(file))
        {
            throw new Data.DatasetException($"Profile not found: '{file}'.");
        }

        try
        {
            return FusionRecommender.Describe(Path.GetFileNameWithoutExtension(file), Recsys.Serving.Ranking.FusionProfile.FromJson(File.ReadAllText(file)), catalog);
        }
        catch (System.Text.Json.JsonException e)
        {
            throw new Data.DatasetException($"Profile '{file}' is not a fusion profile: {e.Message}");
        }
    }

    /// <summary>Runs the experiment with live progress on a terminal, or progress lines on a pipe.</summary>
    internal static Task<ExperimentResult> RunShowingProgressAsync(ExperimentOptions options, ProgressRelay<Training.Trainer.EpochReport> epochs, CancellationToken cancellationToken) =>
        ProgressOutput.Live ? RunWithProgressAsync(options, epochs, cancellationToken) : RunWithLinesAsync(options, epochs, cancellationToken);

    /// <summary>For a pipe or a log: one line per stage of each model and per training epoch.</summary>
    private static async Task<ExperimentResult> RunWithLinesAsync(ExperimentOptions options, ProgressRelay<Training.Trainer.EpochReport> epochs, CancellationToken cancellationToken)
    {
        string? current = null;
        var started = System.Diagnostics.Stopwatch.StartNew();
        epochs.Target = e => ProgressOutput.Line($"{current}: {ProgressOutput.Epoch(e)}");
        try
        {
            var progress = new SynchronousProgress<ExperimentProgress>(p =>
            {
                current = p.Model ?? current;
                ProgressOutput.Line(string.Create(CultureInfo.InvariantCulture, $"[{started.Elapsed:hh\\:mm\\:ss}] {(p.Model is null ? "" : $"{p.Model}: ")}{p.Stage}"));
            });
            return await ExperimentRunner.RunAsync(options, progress, cancellationToken);
        }
        finally
        {
            epochs.Target = null;
        }
    }

    private static async Task<ExperimentResult> RunWithProgressAsync(ExperimentOptions options, ProgressRelay<Training.Trainer.EpochReport> epochs, CancellationToken cancellationToken)
    {
        ExperimentResult? result = null;
        await AnsiConsole.Progress()
            .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new ElapsedTimeColumn(), new SpinnerColumn())
            .StartAsync(async context =>
            {
                ProgressTask prepare = context.AddTask("prepare", maxValue: 1);
                var tasks = options.Models.ToDictionary(m => m.Name, m => context.AddTask(m.Name, autoStart: false, maxValue: 2));
                var progress = new SynchronousProgress<ExperimentProgress>(p =>
                {
                    if (p.Model is null)
                    {
                        return;
                    }

                    prepare.Value = 1;
                    ProgressTask task = tasks[p.Model];
                    task.StartTask();
                    task.Description = $"{p.Model}: {p.Stage}";
                    task.Value = p.Stage == "fitting" ? 0 : 1;
                    foreach (ProgressTask earlier in tasks.Values.TakeWhile(t => t != task))
                    {
                        earlier.Value = 2;
                        earlier.Description = earlier.Description.Split(':')[0];
                    }
                });

                // A neural model's fit is most of the time: its description follows the epochs.
                epochs.Target = e =>
                {
                    if (tasks.Values.LastOrDefault(t => t.IsStarted && t.Value < 2) is { } fitting)
                    {
                        fitting.Description = $"{fitting.Description.Split(':')[0]}: {Markup.Escape(ProgressOutput.Epoch(e).Trim())}";
                    }
                };
                try
                {
                    result = await ExperimentRunner.RunAsync(options, progress, cancellationToken);
                }
                finally
                {
                    epochs.Target = null;
                }

                prepare.Value = 1;
                foreach (ProgressTask task in tasks.Values)
                {
                    task.Value = 2;
                    task.Description = task.Description.Split(':')[0];
                }
            });
        return result!;
    }

    // Metrics as rows and models as columns: there are few models and many metrics, so this fits a terminal.
    // Bold marks a best that is clear of every other model by more than a standard deviation.
    internal static void WriteTable(ExperimentResult experiment)
    {
        string[] metrics = [.. experiment.Runs.SelectMany(r => r.Evaluation.Metrics.Keys).Distinct()];
        string seeds = experiment.Seeds.Count <= 1 ? ""
            : $" · mean ± sd over {(experiment.Protocol.HasRandomSplit() ? "seeds" : "training seeds")} {experiment.Seeds[0]}–{experiment.Seeds[^1]}";
        var table = new Table().Title(Markup.Escape($"{experiment.Dataset} · {experiment.Protocol.ToName()} · k = {experiment.K}{seeds}")).AddColumn("metric");
        foreach (ModelRun run in experiment.Runs)
        {
            table.AddColumn(new TableColumn(Markup.Escape(run.Name)).RightAligned());
        }

        foreach (string metric in metrics)
        {
            table.AddRow([
                Markup.Escape(metric),
                .. experiment.Runs.Select(r => !r.Evaluation.Metrics.ContainsKey(metric)
                    ? "–"
                    : SeedSummary.IsClearBest(experiment.Runs, r, metric) ? $"[bold]{SeedSummary.Text(r, metric)}[/]" : SeedSummary.Text(r, metric)),
            ]);
        }

        table.AddRow(["fit s", .. experiment.Runs.Select(r => r.FitSeconds.ToString("0.00", CultureInfo.InvariantCulture))]);
        table.AddRow(["eval s", .. experiment.Runs.Select(r => r.Evaluation.Seconds.ToString("0.00", CultureInfo.InvariantCulture))]);
        AnsiConsole.Write(table);
    }
}

/// <summary>Reports on the calling thread (Progress&lt;T&gt; would post to the thread pool and reorder updates).</summary>
internal sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
{
    public void Report(T value) => report(value);
}
