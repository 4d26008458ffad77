using System.CommandLine;
using Microsoft.Extensions.Logging;
using Recsys.Pipeline;
using Recsys.Training.Pipeline;
using Spectre.Console;

namespace Recsys.Cli.Commands;

/// <summary><c>recsys worker</c>: the pipeline over Storage Queues: prepare, train, evaluate and promote each dataset dropped into datasets/.</summary>
internal static class WorkerCommand
{
    public static Command Create()
    {
        var connection = new Option<string?>("--connection-string") { Description = $"Storage to work in (default: {StorageConnection.EnvironmentVariable}, else the local Azurite on port 10000, started if needed)." };
        var once = new Option<bool>("--once") { Description = "Stop when there is nothing left to do (instead of waiting for new drops)." };
        var poll = new Option<double>("--poll-seconds") { Description = "Pause between passes when idle.", DefaultValueFactory = _ => 2 };
        var settle = new Option<double>("--settle-seconds") { Description = "A dataset folder must be unchanged this long before it is prepared.", DefaultValueFactory = _ => 5 };
        var lease = new Option<double>("--lease-seconds") { Description = "How long a taken message stays invisible (renewed while it is worked on); after a crash it reappears this long after the last renewal.", DefaultValueFactory = _ => 120 };
        var stageTimeout = new Option<double>("--stage-timeout-minutes") { Description = "The longest one stage may run; a stage stuck past it is dead-lettered and the worker exits so it can be restarted.", DefaultValueFactory = _ => 240 };
        var retrainEvery = new Option<double?>("--retrain-every") { Description = "Minutes between checks for datasets due a retrain: a plan with prepare.events.retrainAfter gets a new job once that many clicks and ratings arrived since its last one (default: no scheduled retrain)." };
        var trace = new Option<bool>("--trace") { Description = "Print one line per stage and training epoch span (duration, job, stage, attempt, outcome) on stderr." };
        var command = new Command("worker", "Run the pipeline locally: watch datasets/ for drops, then prepare → train → evaluate → promote through the queues.")
        {
            connection, once, poll, settle, lease, stageTimeout, retrainEvery, trace,
        };
        command.SetAction((result, cancellationToken) => CommandErrors.RunAsync(async ct =>
        {
            using IDisposable? traces = TraceConsole.StartIf(result.GetValue(trace));
            await using LocalStorage storage = await LocalStorage.OpenAsync(result.GetValue(connection), ct);
            if (storage.Started is not null)
            {
                AnsiConsole.MarkupLine($"Storage: {Markup.Escape(storage.Describe())}");
            }

            // The flags become Pipeline settings of the same composition as the Functions train app.
            var settings = new Dictionary<string, string?>
            {
                [$"{PipelineOptions.Section}:{nameof(PipelineOptions.SettleTime)}"] = Invariant(TimeSpan.FromSeconds(result.GetValue(settle))),
                [$"{PipelineOptions.Section}:{nameof(PipelineOptions.StageTimeout)}"] = Invariant(TimeSpan.FromMinutes(result.GetValue(stageTimeout))),
            };
            if (result.GetValue(retrainEvery) is { } minutes)
            {
                settings[$"{PipelineOptions.Section}:{nameof(PipelineOptions.RetrainEvery)}"] = Invariant(TimeSpan.FromMinutes(minutes));
            }

            await using LocalWorker worker = LocalWorker.Create(
                storage.ConnectionString,
                settings,
                b => b.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Information),
                lease: TimeSpan.FromSeconds(result.GetValue(lease)),
                poll: TimeSpan.FromSeconds(result.GetValue(poll)));
            LocalPipeline pipeline = worker.Pipeline;
            AnsiConsole.MarkupLine(result.GetValue(once) ? "Working until idle ..." : "Working; Ctrl+C stops.");
            try
            {
                int handled = await pipeline.RunAsync(result.GetValue(once), ct);
                AnsiConsole.MarkupLine($"Handled {handled} message(s).");
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                AnsiConsole.MarkupLine("Stopped; unfinished messages become visible again for the next worker.");
            }

            return RecsysCli.Success;
        }, cancellationToken));
        return command;
    }

    internal static string Invariant(TimeSpan value) => value.ToString("c", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The three stage handlers over <paramref name="storage"/>.</summary>
    public static IPipelineStage[] Stages(PipelineStorage storage) =>
        [new PrepareStage(storage, Training.NeuralArchitectures.Trainable), new TrainStage(storage), new EvaluateStage(storage)];
}
