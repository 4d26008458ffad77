using System.CommandLine;
using System.Globalization;
using Recsys.Training;
using Recsys.Training.Trainer;
using Spectre.Console;

namespace Recsys.Cli.Commands;

/// <summary><c>recsys train</c>: train one model and export it as an ONNX model package.</summary>
internal static class TrainCommand
{
    public static Command Create()
    {
        var dataset = new DatasetOptions();
        var model = new Option<string>("--model") { Description = $"Model to train: {string.Join(", ", TrainingRun.TrainableModels)}.", Required = true };
        var epochs = new Option<int?>("--epochs") { Description = "Most epochs to train (default: the model's; early stopping may end sooner)." };
        var resume = new Option<bool>("--resume") { Description = "Continue from the last checkpoint in {output}/checkpoints." };
        var output = new Option<string>("--output") { Description = "Folder for the model package (model.onnx, manifest.json, ...).", Required = true };
        var json = new Option<bool>("--json") { Description = "Print manifest.json to stdout instead of a summary." };
        var overwrite = new Option<bool>("--overwrite") { Description = "Replace the model or interrupted run already in --output (default: refuse)." };
        var command = new Command("train", "Train a model on a dataset (raw or prepared) and export model.onnx + manifest.json.")
        {
            model, epochs, resume, output, json, overwrite,
        };
        dataset.AddTo(command);
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(async ct =>
        {
            CheckOutput(result.GetValue(output)!, result.GetValue(resume), result.GetValue(overwrite));
            TrainingOptions defaults = NeuralDefaults.For(result.GetValue(model)!);
            var request = new TrainRequest
            {
                Dataset = dataset.ToPrepareOptions(result, result.GetValue(dataset.Dataset)!),
                Model = result.GetValue(model)!,
                Output = result.GetValue(output)!,
                Training = defaults with { Epochs = result.GetValue(epochs) ?? defaults.Epochs, Resume = result.GetValue(resume) },
            };
            bool quiet = result.GetValue(json);
            var progress = quiet ? null : new SynchronousProgress<EpochReport>(e => ProgressOutput.Line($"  {ProgressOutput.Epoch(e)}"));
            TrainResult trained = await TrainingRun.TrainAsync(request, progress, ct);
            if (quiet)
            {
                Console.WriteLine(trained.Manifest.ToJson());
            }
            else
            {
                TrainingOutcome o = trained.Outcome;
                AnsiConsole.MarkupLine(string.Create(CultureInfo.InvariantCulture,
                    $"[green]Trained[/] {Markup.Escape(trained.Manifest.DisplayName)} {Markup.Escape(trained.Manifest.Version)}: best epoch {o.BestEpoch}, validation nDCG@10 {o.BestValidationMetric:0.0000}{(o.StoppedEarly ? " (stopped early)" : "")}{(o.Resumed ? " (resumed)" : "")}."));
                AnsiConsole.Profile.Out.Writer.WriteLine($"model: {trained.Folder}");
            }

            return RecsysCli.Success;
        }, cancellationToken));
        return command;
    }

    /// <summary>Work already in <paramref name="output"/> is never replaced or silently restarted.</summary>
    private static void CheckOutput(string output, bool resume, bool overwrite)
    {
        bool checkpoint = File.Exists(TrainingRun.CheckpointFile(output));
        if (resume && !checkpoint)
        {
            throw new UsageException($"--resume: there is no checkpoint in {Path.Combine(output, TrainingRun.CheckpointsFolder)}; run without --resume to start training.");
        }

        if (resume || overwrite)
        {
            return;
        }

        if (File.Exists(Path.Combine(output, Models.ModelManifest.FileName)))
        {
            throw new UsageException($"{output} already holds an exported model; pass --overwrite to replace it, or choose another --output.");
        }

        if (checkpoint)
        {
            throw new UsageException($"{output} holds an interrupted training run; pass --resume to continue it, or --overwrite to start over.");
        }
    }
}
