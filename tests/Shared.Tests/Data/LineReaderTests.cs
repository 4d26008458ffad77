using System.Text;
using Recsys.Data;
using Xunit;

namespace Recsys.Shared.Tests.Data;

public sealed class LineReaderTests
{
    private static List<(string Line, bool Oversized, long Number)> ReadAll(string text, int maxLineBytes = 1024)
    {
        using var reader = new LineReader(new MemoryStream(Encoding.UTF8.GetBytes(text)), maxLineBytes);
        var lines = new List<(string, bool, long)>();
        while (reader.TryReadLine(out ReadOnlySpan<byte> line, out bool oversized))
        {
            lines.Add((Encoding.UTF8.GetString(line), oversized, reader.LineNumber));
        }

        return lines;
    }

    [Fact]
    public void TryReadLine_CrLfAndLfAndNoFinalNewline_ReturnsEachLineWithoutTerminators() =>
        Assert.Equal([("a", false, 1L), ("b", false, 2L), ("", false, 3L), ("c", false, 4L)], ReadAll("a\r\nb\n\nc"));

    [Fact]
    public void TryReadLine_LinesLongerThanTheBuffer_AreReassembled()
    {
        string longLine = new('x', 200_000);
        var lines = ReadAll($"{longLine}\nshort\n{longLine}", maxLineBytes: 300_000);

        Assert.Equal([(longLine, false, 1L), ("short", false, 2L), (longLine, false, 3L)], lines);
    }

    [Fact]
    public void TryReadLine_OversizedLine_IsFlaggedAndTheNextLineIsIntact()
    {
        var lines = ReadAll($"first\n{new string('y', 500_000)}\nafter\n", maxLineBytes: 1024);

        Assert.Equal(3, lines.Count);
        Assert.Equal(("first", false, 1L), lines[0]);
        Assert.True(lines[1].Oversized);
        Assert.Equal(new string('y', 1024), lines[1].Line);
        Assert.Equal(("after", false, 3L), lines[2]);
    }

    [Fact]
    public void TryReadLine_OversizedLineWithinOneBuffer_IsFlagged()
    {
        var lines = ReadAll($"{new string('z', 2000)}\nok", maxLineBytes: 1024);

        Assert.True(lines[0].Oversized);
        Assert.Equal(("ok", false, 2L), lines[1]);
    }
}
