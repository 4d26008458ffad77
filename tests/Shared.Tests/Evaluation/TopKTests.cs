using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using Recsys.Evaluation;
using Xunit;

namespace Recsys.Shared.Tests.Evaluation;

public sealed class TopKTests
{
    [Property(MaxTest = 500)]
    public bool Select_AnyScores_EqualsAFullSortByScoreThenIndex(NonEmptyArray<sbyte> raw, PositiveInt kValue)
    {
        // Small integer scores make ties common.
        float[] scores = [.. raw.Get.Select(s => (float)(s % 5))];
        int k = 1 + (kValue.Get % 20);
        int[] selected = new int[k];

        int count = TopK.Select(scores, selected);

        int[] expected = [.. Enumerable.Range(0, scores.Length).OrderByDescending(i => scores[i]).ThenBy(i => i).Take(k)];
        return selected.AsSpan(0, count).SequenceEqual(expected);
    }

    [Fact]
    public void Select_MaskedAndBelowFirstItem_AreNeverReturned()
    {
        float[] scores = [9, float.NegativeInfinity, 1, 5, float.NegativeInfinity, 5];
        int[] selected = new int[10];

        int count = TopK.Select(scores, selected, firstItem: 1);

        Assert.Equal([3, 5, 2], selected[..count]);
    }
}
