using System.Runtime.InteropServices;

namespace Recsys.Preparation;

/// <summary>
/// One interaction as the grouping passes store it: 24 bytes, written to and read from bucket files as raw
/// memory. <see cref="Sequence"/> is the row order in the input, which breaks timestamp ties for "latest".
/// </summary>
[StructLayout(LayoutKind.Sequential, Pack = 4)]
internal struct Interaction
{
    public int User;
    public int Item;
    public float Rating;
    public int Sequence;
    public long Timestamp;
}

/// <summary>Orders by user, item, time, then input order: duplicates end up adjacent, latest last.</summary>
internal readonly struct UserItemTimeOrder : IComparer<Interaction>
{
    public int Compare(Interaction x, Interaction y)
    {
        int c = x.User.CompareTo(y.User);
        if (c != 0) { return c; }
        c = x.Item.CompareTo(y.Item);
        if (c != 0) { return c; }
        c = x.Timestamp.CompareTo(y.Timestamp);
        return c != 0 ? c : x.Sequence.CompareTo(y.Sequence);
    }
}

/// <summary>Orders one user's interactions by time, then input order.</summary>
internal readonly struct TimeOrder : IComparer<Interaction>
{
    public int Compare(Interaction x, Interaction y)
    {
        int c = x.Timestamp.CompareTo(y.Timestamp);
        return c != 0 ? c : x.Sequence.CompareTo(y.Sequence);
    }
}

/// <summary>Orders one user's interactions by their final item index.</summary>
internal readonly struct ItemOrder : IComparer<Interaction>
{
    public int Compare(Interaction x, Interaction y) => x.Item.CompareTo(y.Item);
}
