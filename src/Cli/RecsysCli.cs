using System.CommandLine;
using Recsys.Cli.Commands;
using Recsys.Recommenders;
using Recsys.Training;
using Spectre.Console;

namespace Recsys.Cli;

/// <summary>The <c>recsys</c> command tree. Exit codes: 0 success, 1 unexpected failure, 2 bad input, 130 cancelled.</summary>
internal static class RecsysCli
{
    public const int Success = 0;
    public const int Failure = 1;
    public const int BadInput = 2;
    public const int Cancelled = 130;

    public static RootCommand Create()
    {
        var root = new RootCommand("recsys: prepare data, train, evaluate and serve recommendation-ranking models.");
        root.Subcommands.Add(DemoCommand.Create());
        root.Subcommands.Add(PrepareCommand.Create());
        var epochs = new ProgressRelay<Training.Trainer.EpochReport>();
        ModelCatalog catalog = ModelCatalog.WithBaselines().WithTrainingModels(epochs);
        root.Subcommands.Add(ExperimentCommand.Create(catalog, epochs));
        root.Subcommands.Add(ModelsCommand.Create(catalog));
        root.Subcommands.Add(ReportCommand.Create());
        root.Subcommands.Add(TrainCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(WorkerCommand.Create());
        foreach (Command command in root.Subcommands)
        {
            CommandExamples.AddTo(command);
        }

        return root;
    }

    public static async Task<int> RunAsync(string[] args)
    {
        // Bind Spectre to the current stdout on every run; it otherwise keeps the writer it first saw.
        AnsiConsole.Console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected)
        {
            // A pipe or file has no width: tables keep their natural width instead of wrapping at 80 columns.
            AnsiConsole.Console.Profile.Width = 1_000;
        }

        ParseResult parsed = Create().Parse(args);
        if (parsed.Errors.Count > 0)
        {
            // A bad argument is bad input: one line and where to look, not the whole help text.
            string command = string.Join(' ', ["recsys", .. parsed.CommandResult.Command is RootCommand ? [] : CommandPath(parsed.CommandResult)]);
            await Console.Error.WriteLineAsync($"error: {parsed.Errors[0].Message}");
            await Console.Error.WriteLineAsync($"Run '{command} --help' for the options.");
            return BadInput;
        }

        return await parsed.InvokeAsync();
    }

    private static IEnumerable<string> CommandPath(System.CommandLine.Parsing.CommandResult result) =>
        result.Parent is System.CommandLine.Parsing.CommandResult parent && parent.Command is not RootCommand
            ? [.. CommandPath(parent), result.Command.Name]
            : [result.Command.Name];
}
