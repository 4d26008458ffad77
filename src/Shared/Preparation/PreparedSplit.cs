namespace Recsys.Preparation;

/// <summary>One split of a prepared dataset in columnar form (final indices; 0 never appears).</summary>
public sealed record PreparedSplit(int[] Users, int[] Items, float[] Labels, long[] Timestamps)
{
    public int Count => Users.Length;
}
