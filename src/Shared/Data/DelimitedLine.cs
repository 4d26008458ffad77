namespace Recsys.Data;

/// <summary>
/// Splits one delimited line into fields in place. Double-quoted fields (RFC 4180, as in MovieLens CSVs) are
/// honoured when quoting is on; a doubled quote inside one is unescaped into a scratch buffer.
/// </summary>
internal sealed class DelimitedLine
{
    private readonly byte[] _separator;
    private readonly bool _quoting;
    private Range[] _fields = new Range[32];
    private bool[] _quoted = new bool[32];
    private byte[] _scratch = new byte[256];

    public DelimitedLine(string separator, bool quoting)
    {
        _separator = System.Text.Encoding.ASCII.GetBytes(separator);
        _quoting = quoting;
    }

    public int Count { get; private set; }

    /// <summary>Splits <paramref name="line"/>; false when a quoted field is not terminated.</summary>
    public bool Split(ReadOnlySpan<byte> line)
    {
        Count = 0;
        int position = 0;
        while (true)
        {
            EnsureCapacity();
            if (_quoting && position < line.Length && line[position] == (byte)'"')
            {
                int end = FindClosingQuote(line, position + 1);
                if (end < 0)
                {
                    return false;
                }

                _quoted[Count] = true;
                _fields[Count++] = new Range(position + 1, end);
                position = end + 1;
                if (position >= line.Length)
                {
                    return true;
                }

                if (!line[position..].StartsWith(_separator))
                {
                    return false;
                }

                position += _separator.Length;
                continue;
            }

            int next = line[position..].IndexOf(_separator);
            _quoted[Count] = false;
            if (next < 0)
            {
                _fields[Count++] = new Range(position, line.Length);
                return true;
            }

            _fields[Count++] = new Range(position, position + next);
            position += next + _separator.Length;
        }
    }

    /// <summary>Field <paramref name="index"/> of the line last split; valid until the next call.</summary>
    public ReadOnlySpan<byte> Field(ReadOnlySpan<byte> line, int index)
    {
        ReadOnlySpan<byte> raw = line[_fields[index]];
        if (!_quoted[index] || raw.IndexOf((byte)'"') < 0)
        {
            return raw;
        }

        if (_scratch.Length < raw.Length)
        {
            _scratch = new byte[raw.Length * 2];
        }

        int written = 0;
        for (int i = 0; i < raw.Length; i++)
        {
            _scratch[written++] = raw[i];
            if (raw[i] == (byte)'"')
            {
                i++; // a quote inside a quoted field is always doubled
            }
        }

        return _scratch.AsSpan(0, written);
    }

    private static int FindClosingQuote(ReadOnlySpan<byte> line, int from)
    {
        int i = from;
        while (i < line.Length)
        {
            int quote = line[i..].IndexOf((byte)'"');
            if (quote < 0)
            {
                return -1;
            }

            i += quote;
            if (i + 1 < line.Length && line[i + 1] == (byte)'"')
            {
                i += 2;
                continue;
            }

            return i;
        }

        return -1;
    }

    private void EnsureCapacity()
    {
        if (Count == _fields.Length)
        {
            Array.Resize(ref _fields, _fields.Length * 2);
            Array.Resize(ref _quoted, _quoted.Length * 2);
        }
    }
}
