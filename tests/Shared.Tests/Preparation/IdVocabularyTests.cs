using Recsys.Preparation;
using Xunit;

namespace Recsys.Shared.Tests.Preparation;

public sealed class IdVocabularyTests
{
    [Fact]
    public void GetOrAdd_NumericLookalikes_StayDistinctIds()
    {
        var vocabulary = new IdVocabulary();
        string[] ids = ["7", "007", "7", "70", "x7", "0", "00", "9999999", "99999999", "007"];

        int[] indices = [.. ids.Select(id => vocabulary.GetOrAdd(id))];

        Assert.Equal([0, 1, 0, 2, 3, 4, 5, 6, 7, 1], indices);
        Assert.Equal(8, vocabulary.Count);
        Assert.Equal("007", vocabulary[1]);
    }

    [Fact]
    public void Finalise_AllNumericIds_OrdersByValueAndSkipsDropped()
    {
        var vocabulary = new IdVocabulary();
        foreach (string id in new[] { "10", "9", "100", "5000000", "1" })
        {
            vocabulary.GetOrAdd(id);
        }

        var (finalIndex, ids) = vocabulary.Finalise(i => vocabulary[i] != "100");

        Assert.Equal(["", "1", "9", "10", "5000000"], ids);
        Assert.Equal([3, 2, 0, 4, 1], finalIndex);
    }

    [Fact]
    public void Finalise_MixedIds_OrdersOrdinally()
    {
        var vocabulary = new IdVocabulary();
        foreach (string id in new[] { "b", "10", "a", "9" })
        {
            vocabulary.GetOrAdd(id);
        }

        Assert.Equal(["", "10", "9", "a", "b"], vocabulary.Finalise(_ => true).IdsByFinalIndex);
    }
}
