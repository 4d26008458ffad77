using Recsys.Data;
using Recsys.Preparation;

namespace Recsys.Pipeline;

/// <summary>
/// How the pipeline reads a dropped dataset: the <c>prepare</c> block of <c>recsys-plan.json</c>, with the same
/// names and values as <c>recsys prepare</c>'s options, so a generic file can be described where it is dropped:
/// <c>{ "format": "csv", "columns": "user=userID,item=artistID,rating=weight", "split": "leave-last-out" }</c>.
/// </summary>
public sealed record PlannedPreparation
{
    /// <summary><c>--format</c>: auto, movielens-100k, movielens-1m, movielens-latest, csv or parquet.</summary>
    public string? Format { get; init; }

    /// <summary><c>--columns</c>: user=&lt;col&gt;,item=&lt;col&gt;[,rating=&lt;col&gt;][,timestamp=&lt;col&gt;].</summary>
    public string? Columns { get; init; }

    /// <summary><c>--items</c>: the name of an item metadata file in the same drop folder.</summary>
    public string? Items { get; init; }

    /// <summary><c>--split</c>: stratified, leave-last-out or temporal.</summary>
    public string? Split { get; init; }

    /// <summary><c>--ratio</c>: train, train,test or train,validation,test shares.</summary>
    public string? Ratio { get; init; }

    public int? Seed { get; init; }

    /// <summary><c>--implicit</c>: "all" or a minimum rating.</summary>
    public string? Implicit { get; init; }

    /// <summary><c>--kcore</c>.</summary>
    public int? KCore { get; init; }

    /// <summary>
    /// Merge the model's feedback events of the last days into the interactions (<c>--events</c>), so each job
    /// trains on what users did with the lists served so far.
    /// </summary>
    public PlannedEvents? Events { get; init; }

    /// <summary>
    /// The prepare options for the downloaded drop in <paramref name="folder"/>; every value is checked here, so a
    /// bad plan fails the job before anything is downloaded when called with the folder still empty.
    /// </summary>
    public PrepareOptions ToOptions(string folder, string name)
    {
        if (Items is not null && (Items.Length == 0 || Items.Contains('/', StringComparison.Ordinal) || Items.Contains('\\', StringComparison.Ordinal) || Items is "." or ".."))
        {
            throw new DatasetException($"prepare.items must name a file in the dropped folder, not '{Items}'.");
        }

        (bool implicitAll, float? minRating) = PrepareOptions.ParseImplicit(Implicit);
        var options = new PrepareOptions
        {
            Dataset = folder,
            Name = name,
            Format = DatasetFormatNames.Parse(Format ?? "auto"),
            Columns = Columns,
            ItemsFile = Items is null ? null : Path.Combine(folder, Items),
            Split = SplitMethodNames.Parse(Split ?? "stratified"),
            Ratios = PrepareOptions.ParseRatios(Ratio ?? "0.75"),
            Seed = Seed ?? 42,
            ImplicitAll = implicitAll,
            ImplicitMinRating = minRating,
            KCore = KCore ?? 0,
        };
        if (Events is { Days: < 1 or > 366 })
        {
            throw new DatasetException($"prepare.events.days must be between 1 and 366, not {Events.Days}.");
        }

        if (Events is { RetrainAfter: < 1 })
        {
            throw new DatasetException($"prepare.events.retrainAfter must be a positive count of new events, not {Events.RetrainAfter}.");
        }

        if (Events?.ClickRating is { } click && !float.IsFinite(click))
        {
            throw new DatasetException("prepare.events.clickRating must be a finite number.");
        }

        return KCore < 0 ? throw new DatasetException("prepare.kcore must be 0 (off) or a positive count.") : options;
    }
}

/// <summary><c>prepare.events</c>: which feedback events a job merges in (the plan's model's, of the last <see cref="Days"/> days).</summary>
public sealed record PlannedEvents
{
    public int Days { get; init; } = 30;

    /// <summary><c>--click-rating</c>; the dataset's highest rating when left out.</summary>
    public float? ClickRating { get; init; }

    /// <summary>
    /// Retrain on a schedule: a new job starts when this many clicks and ratings on the model's lists have arrived
    /// since the dataset's last job (checked by the retrain timer); no scheduled retrain when left out.
    /// </summary>
    public int? RetrainAfter { get; init; }

    /// <summary><c>--impression-negatives</c>: what was shown and not clicked becomes explicit negatives.</summary>
    public bool Negatives { get; init; }
}
