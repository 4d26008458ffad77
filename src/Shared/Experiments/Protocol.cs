using Recsys.Data;
using Recsys.Preparation;

namespace Recsys.Experiments;

/// <summary>How a model is evaluated: which split, which items are ranked, which metrics matter.</summary>
public enum Protocol
{
    /// <summary>
    /// The Microsoft Recommenders benchmark protocol: per-item stratified 75/25 split (seed 42, halves rounded
    /// to even), rank every item the user has not seen in training, binary relevance.
    /// </summary>
    Recommenders,

    /// <summary>Per user the latest interaction is test (the one before validation); rank the full catalogue minus seen items.</summary>
    LeaveLastOut,

    /// <summary>Leave-last-out with 100 sampled negatives per test item: comparable with papers, biased (see docs/metrics.md).</summary>
    Sampled,

    /// <summary>As <see cref="Recommenders"/> but split per user, so every test user has training items.</summary>
    RecommendersPerUser,

    /// <summary>
    /// 20 % of the items held out whole (seeded per item), all their interactions in test: each test user's
    /// held-out items are ranked among the cold items (the main figures) and among every item the user has not
    /// seen (a second row per model, "· all items").
    /// </summary>
    ColdItems,
}

public static class ProtocolNames
{
    private static readonly NamedValues<Protocol> s_names = new("protocol", "protocols", "recommenders", "leave-last-out", "sampled", "recommenders-per-user", "cold-items");

    public static IReadOnlyList<string> All => s_names.All;

    public static string ToName(this Protocol protocol) => s_names.NameOf(protocol);

    public static Protocol Parse(string name) => s_names.Parse(name);

    /// <summary>Whether the protocol's split depends on a seed (so <c>--seeds</c> can vary it).</summary>
    public static bool HasRandomSplit(this Protocol protocol) => protocol is Protocol.Recommenders or Protocol.RecommendersPerUser or Protocol.ColdItems;

    /// <summary>The preparation a protocol needs, on top of the dataset options.</summary>
    public static PrepareOptions Apply(this Protocol protocol, PrepareOptions options) => protocol switch
    {
        Protocol.Recommenders => options with { Split = SplitMethod.StratifiedByItem, Ratios = [0.75, 0.25], Seed = 42 },
        Protocol.RecommendersPerUser => options with { Split = SplitMethod.Stratified, Ratios = [0.75, 0.25], Seed = 42 },
        Protocol.ColdItems => options with { Split = SplitMethod.ColdItems, Ratios = [0.8, 0.2], Seed = 42 },
        _ => options with { Split = SplitMethod.LeaveLastOut },
    };
}
