using System.Buffers;
using Recsys.Serving.Contracts;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

public sealed class DuplicateCheckTests
{
    private static RankCandidate[] Candidates(params string[] ids) => [.. ids.Select(id => new RankCandidate { Id = id })];

    [Fact]
    public void UniqueIds_WithADirtyPooledArray_AreNotReportedAsDuplicates()
    {
        // Another user of the shared pool returns an array full of `true` (found by the serving benchmark).
        bool[] dirty = ArrayPool<bool>.Shared.Rent(64);
        Array.Fill(dirty, true);
        ArrayPool<bool>.Shared.Return(dirty);

        DuplicateCheck.Throw(Candidates("a", "b", "c"), [3, 1, 2], itemCount: 64);
    }

    [Fact]
    public void KnownIdTwice_NamesThePosition()
    {
        var error = Assert.Throws<InvalidRequestException>(() => DuplicateCheck.Throw(Candidates("a", "b", "a"), [3, 1, 3], itemCount: 8));

        Assert.Equal(RequestRule.UniqueIds, error.Rule);
        Assert.Equal("candidates[2].id 'a' appears more than once.", error.Message);
    }

    [Fact]
    public void UnknownIds_AreComparedByText()
    {
        DuplicateCheck.Throw(Candidates("x", "y"), [0, 0], itemCount: 8);

        var error = Assert.Throws<InvalidRequestException>(() => DuplicateCheck.Throw(Candidates("x", "y", "x"), [0, 0, 0], itemCount: 8));
        Assert.Contains("candidates[2]", error.Message, StringComparison.Ordinal);
    }
}
