namespace Recsys.Data;

/// <summary>Streams interactions out of a delimited text file (TSV, CSV, <c>::</c>-separated).</summary>
internal static class DelimitedInteractionReader
{
    public static void Read(
        string path, DelimitedFormat format, InteractionColumns columns, int maxLineBytes, IInteractionSink sink,
        CancellationToken cancellationToken)
    {
        string name = Path.GetFileName(path);
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
        using var reader = new LineReader(stream, maxLineBytes);
        var fields = new DelimitedLine(format.Separator, format.Quoting);
        Span<char> user = stackalloc char[FieldParser.MaxIdChars];
        Span<char> item = stackalloc char[FieldParser.MaxIdChars];
        bool skipHeader = format.HasHeader;

        while (reader.TryReadLine(out ReadOnlySpan<byte> line, out bool oversized))
        {
            if ((reader.LineNumber & 0xFFFF) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            if (skipHeader)
            {
                skipHeader = false;
                continue;
            }

            if (oversized)
            {
                sink.Reject(name, reader.LineNumber, RejectReason.LineTooLong, line);
                continue;
            }

            if (line.IsEmpty || line.IndexOfAnyExcept((byte)' ', (byte)'\t') < 0)
            {
                continue; // blank lines (often a trailing one) carry nothing to quarantine
            }

            if (!fields.Split(line))
            {
                sink.Reject(name, reader.LineNumber, RejectReason.UnterminatedQuote, line);
                continue;
            }

            if (fields.Count < columns.RequiredFields)
            {
                sink.Reject(name, reader.LineNumber, RejectReason.MissingField, line);
                continue;
            }

            if (!FieldParser.TryDecodeId(fields.Field(line, columns.User), user, out int userLength, out RejectReason reason) ||
                !FieldParser.TryDecodeId(fields.Field(line, columns.Item), item, out int itemLength, out reason))
            {
                sink.Reject(name, reader.LineNumber, reason, line);
                continue;
            }

            float rating = 1f;
            if (columns.Rating >= 0 && !FieldParser.TryParseRating(fields.Field(line, columns.Rating), out rating))
            {
                sink.Reject(name, reader.LineNumber, RejectReason.NonNumericRating, line);
                continue;
            }

            long timestamp = 0;
            if (columns.Timestamp >= 0 && !FieldParser.TryParseTimestamp(fields.Field(line, columns.Timestamp), out timestamp))
            {
                sink.Reject(name, reader.LineNumber, RejectReason.BadTimestamp, line);
                continue;
            }

            sink.Accept(user[..userLength], item[..itemLength], rating, timestamp);
        }
    }
}
