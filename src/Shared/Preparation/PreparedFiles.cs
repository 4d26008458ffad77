namespace Recsys.Preparation;

/// <summary>File names inside a prepared dataset (see docs/prepared-dataset.md).</summary>
public static class PreparedFiles
{
    public const string Train = "train.parquet";
    public const string Validation = "validation.parquet";
    public const string Test = "test.parquet";
    public const string Users = "users.parquet";
    public const string Items = "items.parquet";

    /// <summary>Text the users wrote themselves (MovieLens tags), only where the dataset has some; never part of a model package.</summary>
    public const string UserText = "user-text.parquet";
    public const string Spec = "spec.json";

    /// <summary>Items shown to a user who did not click them (from feedback events), as explicit negatives; only where there are some.</summary>
    public const string Negatives = "negatives.parquet";

    /// <summary>Written last: its presence is what marks a prepared dataset as complete.</summary>
    public const string Stats = "stats.json";

    public const string Quarantine = QuarantineWriter.FileName;

    internal static string ForPart(SplitPart part) => part switch
    {
        SplitPart.Train => Train,
        SplitPart.Validation => Validation,
        _ => Test,
    };
}
