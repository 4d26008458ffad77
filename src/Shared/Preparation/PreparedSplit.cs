namespace Recsys.Preparation;

/// <summary>One split of a prepared dataset in columnar form (final indices; 0 never appears).</summary>
public sealed record PreparedSplit(int[] Users, int[] Items, float[] Labels, long[] Timestamps)
{
    public int Count => Users.Length;

    /// <summary>The rows of both splits in one.</summary>
    public PreparedSplit Concat(PreparedSplit other) =>
        new([.. Users, .. other.Users], [.. Items, .. other.Items], [.. Labels, .. other.Labels], [.. Timestamps, .. other.Timestamps]);
}
