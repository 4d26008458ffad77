namespace Recsys.Data;

/// <summary>
/// Streams interactions out of a sequence file: one user per line, <c>user item item …</c> separated by spaces
/// or tabs, items oldest first (the layout of the public sequential benchmarks). An item's position in its line
/// is its timestamp, so time-based splits keep the line's order; every interaction is an implicit 1.
/// </summary>
internal static class SequenceInteractionReader
{
    public static void Read(string path, int maxLineBytes, IInteractionSink sink, CancellationToken cancellationToken)
    {
        string name = Path.GetFileName(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var reader = new LineReader(stream, maxLineBytes);
        Span<char> user = stackalloc char[FieldParser.MaxIdChars];
        Span<char> item = stackalloc char[FieldParser.MaxIdChars];
        var tokens = new List<Range>();
        while (reader.TryReadLine(out ReadOnlySpan<byte> line, out bool oversized))
        {
            if ((reader.LineNumber & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (oversized)
            {
                sink.Reject(name, reader.LineNumber, RejectReason.LineTooLong, line);
                continue;
            }

            Tokenise(line, tokens);
            if (tokens.Count == 0)
            {
                continue; // blank lines carry nothing to quarantine
            }

            if (tokens.Count < 2)
            {
                sink.Reject(name, reader.LineNumber, RejectReason.MissingField, line);
                continue;
            }

            // A line is one user's history: it is kept or quarantined whole, never partly.
            if (!FieldParser.TryDecodeId(line[tokens[0]], user, out int userLength, out RejectReason reason) || !AllItemsDecode(line, tokens, item, out reason))
            {
                sink.Reject(name, reader.LineNumber, reason, line);
                continue;
            }

            for (int t = 1; t < tokens.Count; t++)
            {
                FieldParser.TryDecodeId(line[tokens[t]], item, out int itemLength, out _);
                sink.Accept(user[..userLength], item[..itemLength], 1f, t);
            }
        }
    }

    private static bool AllItemsDecode(ReadOnlySpan<byte> line, List<Range> tokens, Span<char> scratch, out RejectReason reason)
    {
        reason = default;
        for (int t = 1; t < tokens.Count; t++)
        {
            if (!FieldParser.TryDecodeId(line[tokens[t]], scratch, out _, out reason))
            {
                return false;
            }
        }

        return true;
    }

    private static void Tokenise(ReadOnlySpan<byte> line, List<Range> tokens)
    {
        tokens.Clear();
        int i = 0;
        while (i < line.Length)
        {
            int start = line[i..].IndexOfAnyExcept((byte)' ', (byte)'\t', (byte)'\r');
            if (start < 0)
            {
                break;
            }

            start += i;
            int length = line[start..].IndexOfAny((byte)' ', (byte)'\t', (byte)'\r');
            int end = length < 0 ? line.Length : start + length;
            tokens.Add(start..end);
            i = end;
        }
    }
}
