using System.Buffers.Binary;

namespace Recsys.Data;

/// <summary>
/// Walks a Parquet file's footer (Thrift compact protocol) and refuses one whose structure runs past its own
/// end, before the Parquet library parses it. Fuzzing found 500-byte files whose footer sends the library's
/// metadata reader into an endless loop (a varint read past the end never terminates); this walk always
/// consumes input and is bounded by the footer's length and a nesting limit.
/// </summary>
internal static class ParquetFooterCheck
{
    private const int MaxDepth = 64;
    private const int MaxFooterBytes = 256 << 20;

    // Thrift compact protocol type ids (Apache Thrift, compact protocol specification).
    private const int Stop = 0, BoolTrue = 1, BoolFalse = 2, Byte = 3, I16 = 4, I32 = 5, I64 = 6, Double = 7;
    private const int Binary = 8, List = 9, Set = 10, Map = 11, Struct = 12, Uuid = 13;

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
        if (!TrySkipStruct(footer, ref position, depth: 0))
        {
            throw Corrupt(fileName, "its footer metadata is malformed");
        }
    }

    private static DatasetException Corrupt(string fileName, string why) => new($"'{fileName}' is not a readable Parquet file: {why}.");

    private static bool TrySkipStruct(ReadOnlySpan<byte> data, ref int position, int depth)
    {
        if (depth > MaxDepth)
        {
            return false;
        }

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

            // A zero field-id delta means the id follows as a zigzag varint.
            if ((header >> 4) == 0 && !TrySkipVarint(data, ref position))
            {
                return false;
            }

            if (type is BoolTrue or BoolFalse)
            {
                continue; // the value is in the type nibble
            }

            if (!TrySkipValue(data, ref position, type, depth))
            {
                return false;
            }
        }
    }

    private static bool TrySkipValue(ReadOnlySpan<byte> data, ref int position, int type, int depth)
    {
        switch (type)
        {
            case BoolTrue or BoolFalse or Byte:
                return Advance(data, ref position, 1);
            case I16 or I32 or I64:
                return TrySkipVarint(data, ref position);
            case Double:
                return Advance(data, ref position, 8);
            case Uuid:
                return Advance(data, ref position, 16);
            case Binary:
                return TryReadVarint(data, ref position, out ulong size) && size <= (ulong)(data.Length - position) && Advance(data, ref position, (int)size);
            case Struct:
                return TrySkipStruct(data, ref position, depth + 1);
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

                return TrySkipElements(data, ref position, count, header & 0x0F, depth);
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
                    if (!TrySkipValue(data, ref position, types >> 4, depth + 1) || !TrySkipValue(data, ref position, types & 0x0F, depth + 1))
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

    private static bool TrySkipElements(ReadOnlySpan<byte> data, ref int position, ulong count, int elementType, int depth)
    {
        // Every element takes at least one byte, so a count beyond the bytes left is corrupt (and bounds the loop).
        if (count > (ulong)(data.Length - position) || elementType == Stop)
        {
            return count == 0;
        }

        for (ulong i = 0; i < count; i++)
        {
            if (!TrySkipValue(data, ref position, elementType, depth + 1))
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
