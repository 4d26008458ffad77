using System.Text;
using Recsys.Data;
using Xunit;

namespace Recsys.Shared.Tests.Data;

public sealed class DelimitedLineTests
{
    private static string[] Split(string text, string separator = ",", bool quoting = true)
    {
        byte[] line = Encoding.UTF8.GetBytes(text);
        var fields = new DelimitedLine(separator, quoting);
        return fields.Split(line)
            ? [.. Enumerable.Range(0, fields.Count).Select(i => Encoding.UTF8.GetString(fields.Field(line, i)))]
            : [];
    }

    [Fact]
    public void Split_QuotedFieldWithCommaAndDoubledQuotes_IsUnescaped() =>
        Assert.Equal(["11", "American President, The (1995)", "say \"hi\"", ""], Split("11,\"American President, The (1995)\",\"say \"\"hi\"\"\","));

    [Fact]
    public void Split_DoubleColonSeparator_SplitsOnTheWholeSeparator() =>
        Assert.Equal(["1", "Toy Story: (1995)", "Animation|Comedy"], Split("1::Toy Story: (1995)::Animation|Comedy", "::", quoting: false));

    [Fact]
    public void Split_UnterminatedQuote_Fails() => Assert.Empty(Split("1,\"never closed,2"));

    [Fact]
    public void Split_ManyFields_GrowsBeyondTheInitialCapacity() => Assert.Equal(100, Split(string.Join(',', Enumerable.Range(0, 100))).Length);
}
