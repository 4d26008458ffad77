using System.CommandLine;
using Recsys.Data;
using Recsys.Preparation;

namespace Recsys.Cli.Commands;

/// <summary>The dataset options shared by prepare, train and experiment.</summary>
internal sealed class DatasetOptions
{
    public Option<string> Dataset { get; } = new("--dataset")
    {
        Description = "Dataset file or folder, or a Blob URI (http[s]://.../container/prefix).",
        Required = true,
    };

    public Option<string> Format { get; } = new("--format")
    {
        Description = $"Dataset layout: {string.Join(", ", DatasetFormatNames.All)}.",
        DefaultValueFactory = _ => "auto",
    };

    public Option<string?> Columns { get; } = new("--columns")
    {
        Description = "Column mapping for csv/parquet: user=<col>,item=<col>[,rating=<col>][,timestamp=<col>] (names, or 0-based positions).",
    };

    public Option<string?> Items { get; } = new("--items")
    {
        Description = "Item metadata file (id column plus title, genres, tags/text); with a MovieLens folder it adds to the metadata found there.",
    };

    public Option<string> Split { get; } = new("--split")
    {
        Description = $"Split: {string.Join(", ", SplitMethodNames.All)}.",
        DefaultValueFactory = _ => "stratified",
    };

    public Option<string> Ratio { get; } = new("--ratio")
    {
        Description = "Shares: train (0.75), train,test, or train,validation,test.",
        DefaultValueFactory = _ => "0.75",
    };

    public Option<int> Seed { get; } = new("--seed") { Description = "Seed for the random split.", DefaultValueFactory = _ => 42 };

    public Option<string?> Implicit { get; } = new("--implicit")
    {
        Description = "Implicit feedback: 'all' (every interaction is a positive) or a minimum rating (e.g. 4).",
    };

    public Option<int> KCore { get; } = new("--kcore") { Description = "Keep only users and items with at least this many interactions (0: off)." };

    public Option<string?> Events { get; } = new("--events")
    {
        Description = "Feedback events to merge in (a .jsonl file or a folder of them, as the rank API writes events/): clicks and ratings become interactions.",
    };

    public Option<string?> EventsModel { get; } = new("--events-model") { Description = "With --events: only events attributed to this registry model." };

    public Option<string?> EventsSince { get; } = new("--events-since") { Description = "With --events: only events at or after this date or ISO 8601 time." };

    public Option<float?> ClickRating { get; } = new("--click-rating") { Description = "With --events: the rating a click becomes (default: the dataset's highest rating)." };

    public Option<bool> ImpressionNegatives { get; } = new("--impression-negatives") { Description = "With --events: keep what was shown and not clicked as explicit negatives for the models that sample negatives." };

    public Option<string?> ConnectionString { get; } = new("--connection-string")
    {
        Description = "Storage connection string for Blob URIs (default: ConnectionStrings__Storage, else the Azure identity).",
    };

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Dataset, Format, Columns, Items, Split, Ratio, Seed, Implicit, KCore, Events, EventsModel, EventsSince, ClickRating, ImpressionNegatives, ConnectionString })
        {
            command.Options.Add(option);
        }
    }

    public string? ConnectionStringFrom(ParseResult result) =>
        result.GetValue(ConnectionString) ?? Environment.GetEnvironmentVariable("ConnectionStrings__Storage");

    public PrepareOptions ToPrepareOptions(ParseResult result, string localDataset)
    {
        (bool implicitAll, float? minRating) = PrepareOptions.ParseImplicit(result.GetValue(Implicit));
        return new PrepareOptions
        {
            Dataset = localDataset,
            Format = DatasetFormatNames.Parse(result.GetValue(Format)!),
            Columns = result.GetValue(Columns),
            ItemsFile = result.GetValue(Items),
            Split = SplitMethodNames.Parse(result.GetValue(Split)!),
            Ratios = PrepareOptions.ParseRatios(result.GetValue(Ratio)!),
            Seed = result.GetValue(Seed),
            ImplicitAll = implicitAll,
            ImplicitMinRating = minRating,
            KCore = result.GetValue(KCore),
            Events = result.GetValue(Events),
            EventsModel = result.GetValue(EventsModel),
            EventsSince = result.GetValue(EventsSince) is { } since
                ? DateTimeOffset.TryParse(since, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AssumeUniversal, out DateTimeOffset time)
                    ? time
                    : throw new UsageException($"--events-since must be a date or an ISO 8601 time, not '{since}'.")
                : null,
            ClickRating = result.GetValue(ClickRating),
            ImpressionNegatives = result.GetValue(ImpressionNegatives),
        };
    }
}
