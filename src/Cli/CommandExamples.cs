using System.CommandLine;

namespace Recsys.Cli;

/// <summary>The examples shown under each command's <c>--help</c>, kept in one place so they stay consistent.</summary>
internal static class CommandExamples
{
    private static readonly Dictionary<string, string[]> Examples = new(StringComparer.Ordinal)
    {
        ["demo"] = ["recsys demo", "recsys demo --keep-serving", "recsys demo --plan my-plan.json --models pop,ease"],
        ["prepare"] =
        [
            "recsys prepare --dataset ../shared/data/ml-100k --output out/ml-100k",
            "recsys prepare --dataset plays.tsv --format csv --columns user=userID,item=artistID,rating=weight --split leave-last-out --output out/plays",
            "recsys prepare --dataset data/sample/ml-latest-small --events out/events --events-model movies --output out/mls-with-feedback",
            "recsys prepare --dataset data/sample/ml-latest-small --events out/events --events-model movies --impression-negatives --output out/mls-with-negatives",
        ],
        ["experiment"] =
        [
            "recsys experiment --dataset ../shared/data/ml-100k --protocol recommenders --models pop,itemknn,ease --output out/exp",
            "recsys experiment --dataset data/sample/ml-latest-small --protocol leave-last-out --models all --json",
            "recsys experiment --dataset data/sample/ml-latest-small --protocol leave-last-out --models sasrec,ease --seeds 5 --output out/exp-seq",
        ],
        ["models"] = ["recsys models", "recsys models list --json", "recsys models publish --name movies --from out/models/multdae --alias champion"],
        ["list"] = ["recsys models list", "recsys models list --connection-string \"$ConnectionStrings__Storage\" --json"],
        ["publish"] = ["recsys models publish --name movies --from out/models/multdae --alias champion"],
        ["train"] =
        [
            "recsys train --dataset ../shared/data/ml-100k --model multdae --output out/models/multdae",
            "recsys train --dataset ../shared/data/ml-100k --model multdae --output out/models/multdae --resume",
        ],
        ["report"] = ["recsys report online --model movies", "recsys report online --model movies --since 2026-12-01 --json", "recsys report online --model movies --html online.html   # with click-through over time"],
        ["online"] = ["recsys report online --model movies --since 2026-12-01", "recsys report online --model movies --since 2026-12-01T08:00:00Z --until 2026-12-01T20:00:00Z --json"],
        ["serve"] = ["recsys serve", "recsys serve --port 8080 --model movies --refresh-seconds 5"],
        ["worker"] = ["recsys worker", "recsys worker --once --settle-seconds 0", "recsys worker --lease-seconds 600   # long training steps", "recsys worker --retrain-every 60   # hourly: retrain datasets whose plan sets prepare.events.retrainAfter"],
    };

    /// <summary>Appends the examples to every command in the tree that has some.</summary>
    public static void AddTo(Command command)
    {
        if (Examples.TryGetValue(command.Name, out string[]? examples))
        {
            command.Description += $"{Environment.NewLine}{Environment.NewLine}Examples:{Environment.NewLine}  {string.Join($"{Environment.NewLine}  ", examples)}";
        }

        foreach (Command sub in command.Subcommands)
        {
            AddTo(sub);
        }
    }
}
