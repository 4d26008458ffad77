using System.Buffers;

namespace Recsys.Data;

/// <summary>
/// Reads a stream as byte lines (LF or CRLF) without decoding, so a dataset of any size streams through a
/// fixed buffer. A line longer than <see cref="MaxLineBytes"/> is discarded as it streams by (only a short
/// prefix is kept for the quarantine report), so one giant line cannot exhaust memory.
/// </summary>
internal sealed class LineReader : IDisposable
{
    private const int OversizedPrefixBytes = 1024;

    private readonly Stream _stream;
    private readonly byte[] _prefix = new byte[OversizedPrefixBytes];
    private byte[] _buffer;
    private int _start;
    private int _end;
    private bool _eof;

    public LineReader(Stream stream, int maxLineBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLineBytes, 16);
        _stream = stream;
        MaxLineBytes = maxLineBytes;
        _buffer = ArrayPool<byte>.Shared.Rent(Math.Max(64 * 1024, maxLineBytes + 2));
    }

    public int MaxLineBytes { get; }

    /// <summary>1-based number of the line last returned.</summary>
    public long LineNumber { get; private set; }

    /// <summary>
    /// Next line without its terminator. When <paramref name="oversized"/> is true the line exceeded the
    /// limit and <paramref name="line"/> holds only its first bytes.
    /// </summary>
    public bool TryReadLine(out ReadOnlySpan<byte> line, out bool oversized)
    {
        oversized = false;
        int scanned = 0;
        while (true)
        {
            int newline = _buffer.AsSpan(_start + scanned, _end - _start - scanned).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                int length = scanned + newline;
                LineNumber++;
                if (length > MaxLineBytes)
                {
                    line = KeepPrefix(length);
                    oversized = true;
                }
                else
                {
                    line = TrimCarriageReturn(_buffer.AsSpan(_start, length));
                }

                _start += length + 1;
                return true;
            }

            scanned = _end - _start;
            if (scanned > MaxLineBytes)
            {
                LineNumber++;
                line = KeepPrefix(scanned);
                oversized = true;
                DiscardRestOfLine();
                return true;
            }

            if (_eof)
            {
                if (scanned == 0)
                {
                    line = default;
                    return false;
                }

                LineNumber++;
                line = TrimCarriageReturn(_buffer.AsSpan(_start, scanned));
                _start = _end;
                return true;
            }

            Fill();
        }
    }

    private ReadOnlySpan<byte> KeepPrefix(int available)
    {
        int keep = Math.Min(available, OversizedPrefixBytes);
        _buffer.AsSpan(_start, keep).CopyTo(_prefix);
        return _prefix.AsSpan(0, keep);
    }

    private void Fill()
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }

        int read = _stream.Read(_buffer, _end, _buffer.Length - _end);
        _eof = read == 0;
        _end += read;
    }

    private void DiscardRestOfLine()
    {
        while (true)
        {
            _start = 0;
            _end = _stream.Read(_buffer, 0, _buffer.Length);
            if (_end == 0)
            {
                _eof = true;
                return;
            }

            int newline = _buffer.AsSpan(0, _end).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                _start = newline + 1;
                return;
            }
        }
    }

    private static ReadOnlySpan<byte> TrimCarriageReturn(Span<byte> line) =>
        line.Length > 0 && line[^1] == (byte)'\r' ? line[..^1] : line;

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }
}
