namespace Recsys.Preparation;

/// <summary>How prepared interactions are divided into train / validation / test.</summary>
public enum SplitMethod
{
    /// <summary>Per user, a seeded random share of their items (the Microsoft Recommenders protocol).</summary>
    Stratified,

    /// <summary>Per user, the latest interaction is test and the one before it validation.</summary>
    LeaveLastOut,

    /// <summary>One global time cut: everything before it trains, everything after it tests.</summary>
    Temporal,
}

public static class SplitMethodNames
{
    public static IReadOnlyList<string> All { get; } = ["stratified", "leave-last-out", "temporal"];

    public static string ToName(this SplitMethod method) => All[(int)method];

    public static SplitMethod Parse(string name)
    {
        int at = All.ToList().FindIndex(n => n.Equals(name.Trim(), StringComparison.OrdinalIgnoreCase));
        return at >= 0
            ? (SplitMethod)at
            : throw new Data.DatasetException($"Unknown split '{name}'. Known splits: {string.Join(", ", All)}.");
    }
}
