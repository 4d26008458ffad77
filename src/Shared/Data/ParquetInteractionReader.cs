using System.Globalization;
using Parquet;
using Parquet.Schema;

namespace Recsys.Data;

/// <summary>Reads interactions from a Parquet file, one row group at a time.</summary>
internal static class ParquetInteractionReader
{
    /// <summary>Row groups larger than this are refused: the row count comes from the file and sizes the buffers.</summary>
    public const int MaxRowsPerGroup = 1 << 24;

    /// <summary>
    /// Streams the file into <paramref name="sink"/>; returns which optional columns it had. A file the Parquet
    /// library cannot decode is a <see cref="DatasetException"/> naming the file, whatever the library threw:
    /// fuzzing found more than twenty exception types for corrupt files, none of which the caller can act on.
    /// </summary>
    public static async Task<(bool HasRating, bool HasTimestamp)> ReadAsync(
        string path, ColumnNames names, IInteractionSink sink, CancellationToken cancellationToken)
    {
        string fileName = Path.GetFileName(path);
        try
        {
            return await ReadFileAsync(path, fileName, names, sink, cancellationToken);
        }
        catch (Exception ex) when (ex is not (DatasetException or OperationCanceledException or OutOfMemoryException))
        {
            throw new DatasetException($"'{fileName}' is not a readable Parquet file: {ex.Message}", ex);
        }
    }

    private static async Task<(bool HasRating, bool HasTimestamp)> ReadFileAsync(
        string path, string fileName, ColumnNames names, IInteractionSink sink, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        ParquetFooterCheck.Validate(stream, fileName);
        ParquetReader reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken);
        await using (reader)
        {
            DataField[] fields = reader.Schema.GetDataFields();
            ColumnResolution resolved = names.Resolve(fields.Select(f => f.Name).ToArray(), fileName);
            DataField user = fields[resolved.Columns.User];
            DataField item = fields[resolved.Columns.Item];
            DataField? rating = resolved.Columns.Rating >= 0 ? fields[resolved.Columns.Rating] : null;
            DataField? timestamp = resolved.Columns.Timestamp >= 0 ? fields[resolved.Columns.Timestamp] : null;

            long rowBase = 0;
            for (int g = 0; g < reader.RowGroupCount; g++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                using ParquetRowGroupReader group = reader.OpenRowGroupReader(g);
                long rowCount = group.RowCount;
                if (rowCount is < 0 or > MaxRowsPerGroup)
                {
                    throw new DatasetException($"'{fileName}' row group {g} claims {rowCount:N0} rows; at most {MaxRowsPerGroup:N0} per row group are read (write the file with smaller row groups).");
                }

                int rows = (int)rowCount;
                string?[] users = await ReadAsTextAsync(group, user, rows, cancellationToken);
                string?[] items = await ReadAsTextAsync(group, item, rows, cancellationToken);
                string?[]? ratings = rating is null ? null : await ReadAsTextAsync(group, rating, rows, cancellationToken);
                string?[]? times = timestamp is null ? null : await ReadAsTextAsync(group, timestamp, rows, cancellationToken);
                for (int r = 0; r < rows; r++)
                {
                    long row = rowBase + r + 1;
                    Accept(fileName, row, users[r], items[r], ratings?[r], times?[r], sink);
                }

                rowBase += rows;
            }

            return (rating is not null, timestamp is not null);
        }
    }

    private static void Accept(string file, long row, string? user, string? item, string? rating, string? time, IInteractionSink sink)
    {
        string raw = string.Join(',', user, item, rating, time);
        if (string.IsNullOrWhiteSpace(user) || string.IsNullOrWhiteSpace(item))
        {
            sink.Reject(file, row, RejectReason.EmptyId, System.Text.Encoding.UTF8.GetBytes(raw));
            return;
        }

        if (user.Length > FieldParser.MaxIdChars || item.Length > FieldParser.MaxIdChars)
        {
            sink.Reject(file, row, RejectReason.IdTooLong, System.Text.Encoding.UTF8.GetBytes(raw));
            return;
        }

        float value = 1f;
        if (rating is not null && !(float.TryParse(rating, NumberStyles.Float, CultureInfo.InvariantCulture, out value) && float.IsFinite(value)))
        {
            sink.Reject(file, row, RejectReason.NonNumericRating, System.Text.Encoding.UTF8.GetBytes(raw));
            return;
        }

        long seconds = 0;
        if (time is not null && !FieldParser.TryParseTimestamp(System.Text.Encoding.UTF8.GetBytes(time), out seconds))
        {
            sink.Reject(file, row, RejectReason.BadTimestamp, System.Text.Encoding.UTF8.GetBytes(raw));
            return;
        }

        sink.Accept(user.AsSpan().Trim(), item.AsSpan().Trim(), value, seconds);
    }

    // Parquet id and value columns come in many physical types; text is the one form they all share.
    private static async Task<string?[]> ReadAsTextAsync(ParquetRowGroupReader group, DataField field, int rows, CancellationToken cancellationToken)
    {
        var text = new string?[rows];
        Type type = Nullable.GetUnderlyingType(field.ClrType) ?? field.ClrType;
        if (ParquetTypes.IsText(field))
        {
            await group.ReadAsync(field, text.AsMemory(), null, cancellationToken);
            return text;
        }

        if (type == typeof(int)) { await Convert<int>(group, field, text, cancellationToken); }
        else if (type == typeof(long)) { await Convert<long>(group, field, text, cancellationToken); }
        else if (type == typeof(float)) { await Convert<float>(group, field, text, cancellationToken); }
        else if (type == typeof(double)) { await Convert<double>(group, field, text, cancellationToken); }
        else if (type == typeof(short)) { await Convert<short>(group, field, text, cancellationToken); }
        else if (type == typeof(DateTime))
        {
            var values = new DateTime?[rows];
            await group.ReadAsync(field, values.AsMemory(), null, cancellationToken);
            for (int i = 0; i < rows; i++)
            {
                text[i] = values[i] is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)).ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) : null;
            }
        }
        else
        {
            throw new DatasetException($"Parquet column '{field.Name}' has type {type.Name}, which is not supported for interactions.");
        }

        return text;
    }

    private static async Task Convert<T>(ParquetRowGroupReader group, DataField field, string?[] text, CancellationToken cancellationToken)
        where T : struct, IFormattable
    {
        var values = new T?[text.Length];
        await group.ReadAsync(field, values.AsMemory(), null, cancellationToken);
        for (int i = 0; i < values.Length; i++)
        {
            text[i] = values[i]?.ToString(null, CultureInfo.InvariantCulture);
        }
    }
}
