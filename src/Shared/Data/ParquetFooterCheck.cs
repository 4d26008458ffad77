using System.Buffers.Binary;
using static Recsys.Data.ThriftCompact;

namespace Recsys.Data;

/// <summary>
/// Walks a Parquet file's footer (Thrift compact protocol) and refuses one whose structure runs past its own
/// end, or whose known fields have another type than the format declares, before the Parquet library parses it.
/// Fuzzing found 500-byte files whose footer sends the library's metadata reader into an endless loop: it reads
/// known fields as their declared type whatever the wire says, runs past the end, and a varint read there never
/// terminates. This walk always consumes input and is bounded by the footer's length and a nesting limit.
/// </summary>
internal static class ParquetFooterCheck
{
    private const int MaxDepth = 64;
    private const int MaxFooterBytes = 256 << 20;


    public static void Validate(Stream stream, string fileName)
    {
        long length = stream.Length;
        Span<byte> tail = stackalloc byte[8];
        if (length < 12)
        {
            throw Corrupt(fileName, "it is shorter than a Parquet header and footer");
        }

        stream.Seek(-8, SeekOrigin.End);
        stream.ReadExactly(tail);
        int footerLength = BinaryPrimitives.ReadInt32LittleEndian(tail);
        if (footerLength <= 0 || footerLength > MaxFooterBytes || footerLength > length - 12)
        {
            throw Corrupt(fileName, $"its footer length ({footerLength}) does not fit the file");
        }

        byte[] footer = new byte[footerLength];
        stream.Seek(-8 - footerLength, SeekOrigin.End);
        stream.ReadExactly(footer);
        stream.Seek(0, SeekOrigin.Begin);

        int position = 0;
        if (!TrySkipStruct(footer, ref position, ParquetFooterShapes.FileMetaData, depth: 0))
        {
            throw Corrupt(fileName, "its footer metadata is malformed");
        }
    }

    private static DatasetException Corrupt(string fileName, string why) => new($"'{fileName}' is not a readable Parquet file: {why}.");

    private static bool TrySkipStruct(ReadOnlySpan<byte> data, ref int position, StructShape? shape, int depth)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

        long fieldId = 0;
        while (true)
        {
            if (position >= data.Length)
            {
                return false;
            }

            byte header = data[position++];
            int type = header & 0x0F;
            if (type == Stop)
            {
                return true;
            }

            // A zero field-id delta means the id follows as a zigzag varint; otherwise it adds to the last id.
            if ((header >> 4) == 0)
            {
                if (!TryReadVarint(data, ref position, out ulong zigzag))
                {
                    return false;
                }

                fieldId = (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
            }
            else
            {
                fieldId += header >> 4;
            }

            FieldShape? expected = shape?.Field(fieldId);
            if (expected is not null && !expected.Matches(type))
            {
                return false;
            }

            if (type is BoolTrue or BoolFalse)
            {
                continue; // the value is in the type nibble
            }

            if (!TrySkipValue(data, ref position, type, expected, depth))
            {
                return false;
            }
        }
    }

    private static bool TrySkipValue(ReadOnlySpan<byte> data, ref int position, int type, FieldShape? expected, int depth)
    {
        switch (type)
        {
            case BoolTrue or BoolFalse or ThriftCompact.Byte:
                return Advance(data, ref position, 1);
            case I16 or I32 or I64:
                return TrySkipVarint(data, ref position);
            case ThriftCompact.Double:
                return Advance(data, ref position, 8);
            case Uuid:
                return Advance(data, ref position, 16);
            case Binary:
                return TryReadVarint(data, ref position, out ulong size) && size <= (ulong)(data.Length - position) && Advance(data, ref position, (int)size);
            case Struct:
                return TrySkipStruct(data, ref position, expected?.Struct, depth + 1);
            case List or Set:
            {
                if (position >= data.Length)
                {
                    return false;
                }

                byte header = data[position++];
                ulong count = (ulong)(header >> 4);
                if (count == 15 && !TryReadVarint(data, ref position, out count))
                {
                    return false;
                }

                int elementType = header & 0x0F;
                if (expected?.Element is { } element && !element.Matches(elementType))
                {
                    return false;
                }

                return TrySkipElements(data, ref position, count, elementType, expected?.Element, depth);
            }

            case Map:
            {
                if (!TryReadVarint(data, ref position, out ulong count))
                {
                    return false;
                }

                if (count == 0)
                {
                    return true;
                }

                if (position >= data.Length || count > (ulong)(data.Length - position))
                {
                    return false;
                }

                byte types = data[position++];
                for (ulong i = 0; i < count; i++)
                {
                    if (!TrySkipValue(data, ref position, types >> 4, null, depth + 1) || !TrySkipValue(data, ref position, types & 0x0F, null, depth + 1))
                    {
                        return false;
                    }
                }

                return true;
            }

            default:
                return false;
        }
    }

    private static bool TrySkipElements(ReadOnlySpan<byte> data, ref int position, ulong count, int elementType, FieldShape? element, int depth)
    {
        // Every element takes at least one byte, so a count beyond the bytes left is corrupt (and bounds the loop).
        if (count > (ulong)(data.Length - position) || elementType == Stop)
        {
            return count == 0;
        }

        for (ulong i = 0; i < count; i++)
        {
            if (!TrySkipValue(data, ref position, elementType, element, depth + 1))
            {
                return false;
            }
        }

        return true;
    }

    private static bool TrySkipVarint(ReadOnlySpan<byte> data, ref int position) => TryReadVarint(data, ref position, out _);

    private static bool TryReadVarint(ReadOnlySpan<byte> data, ref int position, out ulong value)
    {
        value = 0;
        for (int shift = 0; shift < 70; shift += 7)
        {
            if (position >= data.Length)
            {
                return false;
            }

            byte b = data[position++];
            value |= (ulong)(b & 0x7F) << shift;
            if ((b & 0x80) == 0)
            {
                return true;
            }
        }

        return false;
    }

    private static bool Advance(ReadOnlySpan<byte> data, ref int position, int bytes)
    {
        if (bytes < 0 || bytes > data.Length - position)
        {
            return false;
        }

        position += bytes;
        return true;
    }
}
