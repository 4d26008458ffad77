using Recsys.Serving.Runtime;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

public sealed class IdLookupTests
{
    [Fact]
    public void NumericIds_UseTheDensePath_AndOnlyCanonicalSpellingsMatch()
    {
        var lookup = IdLookup.Build(["10", "2", "7"]);

        Assert.Equal([1, 2, 3], new[] { "10", "2", "7" }.Select(lookup.IndexOf));
        Assert.Equal(0, lookup.IndexOf("02"));
        Assert.Equal(0, lookup.IndexOf("+2"));
        Assert.Equal(0, lookup.IndexOf("3"));
        Assert.Equal(0, lookup.IndexOf("99999999"));
        Assert.Equal(0, lookup.IndexOf("abc"));
        Assert.Equal(0, lookup.IndexOf(""));
    }

    [Fact]
    public void MixedIds_UseTheDictionary_WithTheSameAnswers()
    {
        var lookup = IdLookup.Build(["10", "tt0114709", "007"]);

        Assert.Equal([1, 2, 3], new[] { "10", "tt0114709", "007" }.Select(lookup.IndexOf));
        Assert.Equal(0, lookup.IndexOf("7"));
        Assert.Equal(0, lookup.IndexOf("unknown"));
    }

    [Fact]
    public void RepeatedId_KeepsItsFirstIndex_OnBothPaths()
    {
        Assert.Equal(1, IdLookup.Build(["5", "5"]).IndexOf("5"));
        Assert.Equal(1, IdLookup.Build(["a", "a"]).IndexOf("a"));
    }

    [Theory]
    [InlineData("10", "2", "7")]
    [InlineData("10", "tt0114709", "é-007")]
    public void UTF8Bytes_FindWhatTheString_Finds_OnBothPaths(params string[] vocabulary)
    {
        var lookup = IdLookup.Build(vocabulary);
        string[] probes = [.. vocabulary, "02", "", "3", "99999999", "unknown", "é", new string('x', 600), "tt0114709x"];

        foreach (string probe in probes)
        {
            Assert.Equal(lookup.IndexOf(probe), lookup.IndexOf(System.Text.Encoding.UTF8.GetBytes(probe)));
        }

        Assert.Equal([1, 2, 3], vocabulary.Select(id => lookup.IndexOf(System.Text.Encoding.UTF8.GetBytes(id))));
    }
}
