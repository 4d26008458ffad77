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
        char[] items = new char[16 * FieldParser.MaxIdChars];
        var itemEnds = new List<int>();
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

            // A line is one user's history: it is kept or quarantined whole, never partly, so every id is
            // decoded (once) before any is accepted.
            if (!FieldParser.TryDecodeId(line[tokens[0]], user, out int userLength, out RejectReason reason) || !DecodeItems(line, tokens, ref items, itemEnds, out reason))
            {
                sink.Reject(name, reader.LineNumber, reason, line);
                continue;
            }

            int start = 0;
            for (int t = 0; t < itemEnds.Count; t++)
            {
                sink.Accept(user[..userLength], items.AsSpan(start, itemEnds[t] - start), 1f, t + 1);
                start = itemEnds[t];
            }
        }
    }

    // Decodes tokens 1.. one after another into `items` (grown as needed); itemEnds[t] is where item t ends.
    private static bool DecodeItems(ReadOnlySpan<byte> line, List<Range> tokens, ref char[] items, List<int> itemEnds, out RejectReason reason)
    {
        reason = default;
        itemEnds.Clear();
        int used = 0;
        for (int t = 1; t < tokens.Count; t++)
        {
            if (items.Length - used < FieldParser.MaxIdChars)
            {
                Array.Resize(ref items, items.Length * 2);
            }

            if (!FieldParser.TryDecodeId(line[tokens[t]], items.AsSpan(used), out int length, out reason))
            {
                return false;
            }

            used += length;
            itemEnds.Add(used);
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
