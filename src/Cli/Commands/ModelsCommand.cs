using System.CommandLine;
using Recsys.Recommenders;
using Spectre.Console;

namespace Recsys.Cli.Commands;

/// <summary><c>recsys models</c>: the model names experiment and train accept.</summary>
internal static class ModelsCommand
{
    public static Command Create(ModelCatalog catalog)
    {
        var command = new Command("models", "List the registered model names.");
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
        return command;
    }
}
