namespace Recsys.Preparation;

/// <summary>How prepared interactions are divided into train / validation / test.</summary>
public enum SplitMethod
{
    /// <summary>Per user, a seeded random share of their items; every user keeps training items.</summary>
    Stratified,

    /// <summary>Per user, the latest interaction is test and the one before it validation.</summary>
    LeaveLastOut,

    /// <summary>One global time cut: everything before it trains, everything after it tests.</summary>
    Temporal,

    /// <summary>
    /// Per item, a seeded random share of its users, halves rounded to even: the split of the Microsoft
    /// Recommenders benchmark tables. A user may land wholly in test.
    /// </summary>
    StratifiedByItem,

    /// <summary>
    /// Per item: a seeded share of the items (the test ratio) is held out whole, every interaction with them in
    /// test, so that no model has seen them in training: the cold-start test of content and text models.
    /// </summary>
    ColdItems,
}

public static class SplitMethodNames
{
    private static readonly Data.NamedValues<SplitMethod> s_names = new("split", "splits", "stratified", "leave-last-out", "temporal", "stratified-item", "cold-items");

    public static IReadOnlyList<string> All => s_names.All;

    public static string ToName(this SplitMethod method) => s_names.NameOf(method);

    public static SplitMethod Parse(string name) => s_names.Parse(name);
}
