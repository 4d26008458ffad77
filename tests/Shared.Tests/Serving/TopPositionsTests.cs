using Recsys.Serving.Ranking;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

/// <summary>The heap's top positions against a full sort by the same rule: score, then tie-breaker, then input order.</summary>
public sealed class TopPositionsTests
{
    [Fact]
    public void RandomScores_TheBestPositions_AreThoseOfAFullSort()
    {
        var random = new Random(3);
        for (int n = 0; n < 2_000; n++)
        {
            int length = random.Next(0, 60);
            // Few distinct values, so ties are common; NaN sometimes, which orders below every number.
            float[] scores = [.. Enumerable.Range(0, length).Select(_ => random.Next(20) == 0 ? float.NaN : random.Next(8) / 2f)];
            double[] tieBreak = random.Next(2) == 0 ? [] : [.. Enumerable.Range(0, length).Select(_ => (double)random.Next(3))];
            int count = random.Next(0, 12);
            bool[] kept = [.. Enumerable.Range(0, length).Select(_ => random.Next(5) != 0)];

            int[] expected = [.. Enumerable.Range(0, length).Where(p => kept[p])
                .OrderByDescending(p => scores[p], Comparer<float>.Create((a, b) => a.CompareTo(b)))
                .ThenByDescending(p => tieBreak.Length == 0 ? 0 : tieBreak[p])
                .ThenBy(p => p)
                .Take(count)];

            Assert.Equal(expected, TopPositions.Best<float>(scores, tieBreak, count, p => kept[p]));
        }
    }
}
