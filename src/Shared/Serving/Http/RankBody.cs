using System.Buffers;
using System.Text;
using System.Text.Json;
using Recsys.Serving.Contracts;

namespace Recsys.Serving.Http;

/// <summary>
/// The usual shape of a rank body (<c>model</c>, <c>alias</c>, <c>profile</c>, <c>userId</c>, <c>history</c>,
/// <c>exclude</c>, <c>top</c>, <c>excludeSeen</c>, <c>diversity</c>, and candidates with an <c>id</c> alone), read
/// straight from the UTF-8 bytes with <see cref="Utf8JsonReader"/>. Candidate ids stay where they are in the body:
/// each is a (start, length) in pooled arrays, so the hot path resolves them to item indices without a string or
/// an object per candidate (<see cref="Ranking.RankService.TryRankAsync"/>). Anything else (other spellings or
/// fields, candidate features or text, filters, numbers as strings, malformed JSON, bytes that are not UTF-8) reads as null, and
/// the general deserialiser reads the body instead, so both accept the same bodies and refuse the same ones
/// with the same problem.
/// </summary>
internal sealed class RankBody : IDisposable
{
    private const int NullId = -1;

    // `{"id":"` as a little-endian word's first seven bytes: how a compact candidate starts.
    private const ulong CompactHead = 0x0022_3A22_6469_227B;

    private int[] _starts = ArrayPool<int>.Shared.Rent(64);
    private int[] _lengths = ArrayPool<int>.Shared.Rent(64);
    private string?[]? _escaped; // an id written with escapes, unescaped; rare
    private int _base; // where the reader's span starts in the body (it is resumed after a scanned candidate list)

    private RankBody()
    {
    }

    public string? Model { get; private set; }

    public string? Alias { get; private set; }

    public string? Profile { get; private set; }

    public string? UserId { get; private set; }

    public List<string>? History { get; private set; }

    public List<string>? Exclude { get; private set; }

    public int? Top { get; private set; }

    public bool ExcludeSeen { get; private set; } = true;

    public double Diversity { get; private set; }

    /// <summary>Candidates given, or −1 when <c>candidates</c> was absent or null.</summary>
    public int CandidateCount { get; private set; } = -1;

    /// <summary>
    /// The most bytes of any candidate id when every id is plain (not null, not escaped, ASCII in its first byte,
    /// which is visible); −1 when some id is not, or the list was not scanned. With it a caller checks the ids' rules
    /// once instead of id by id.
    /// </summary>
    public int PlainIdBytes { get; private set; } = -1;

    /// <summary>
    /// Candidate <paramref name="i"/>'s id as a number, when it is a canonical decimal of 1 to 7 digits that the body
    /// has room to read as one word (see <see cref="IdWord"/>); false leaves the id to its bytes.
    /// </summary>
    public bool TryNumber(ReadOnlySpan<byte> utf8, int i, out int number)
    {
        int start = _starts[i];
        int length = _lengths[i];
        number = BitConverter.IsLittleEndian && length is >= 1 and <= 7 && start <= utf8.Length - 8 && _escaped?[i] is null
            ? IdWord.Decimal(IdWord.Read(utf8, start), length)
            : -1;
        return number >= 0;
    }

    /// <summary>Candidate <paramref name="i"/>'s id as UTF-8 (empty for a null id; see <see cref="IsEscaped"/>).</summary>
    public ReadOnlySpan<byte> IdBytes(ReadOnlySpan<byte> utf8, int i) => _lengths[i] == NullId ? default : utf8.Slice(_starts[i], _lengths[i]);

    /// <summary>Whether candidate <paramref name="i"/>'s id had escapes, so its bytes are not its text.</summary>
    public bool IsEscaped(int i) => _escaped?[i] is not null;

    public bool IsNullId(int i) => _lengths[i] == NullId;

    /// <summary>Candidate <paramref name="i"/>'s id as a string (allocates; for messages, unknown ids and the general path).</summary>
    public string? IdString(ReadOnlySpan<byte> utf8, int i) =>
        _escaped?[i] ?? (_lengths[i] == NullId ? null : Encoding.UTF8.GetString(utf8.Slice(_starts[i], _lengths[i])));

    /// <summary>The body read, or null when it is not the usual shape.</summary>
    public static RankBody? TryRead(ReadOnlySpan<byte> utf8, int maxDepth)
    {
        // Checked once for the whole body (vectorised), so no id needs its own check. Such a body could never read
        // anyway: outside strings the bytes are not JSON, and inside one GetString would refuse them.
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            return null;
        }

        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = maxDepth });
        RankBody? body = null;
        try
        {
            int readerStart = 0;
            // The object must close the body: trailing content makes the reader throw, which falls back too.
            if (reader.Read() && (body = TryReadObject(ref reader, utf8, ref readerStart)) is not null && !reader.Read())
            {
                return body;
            }
        }
        catch (Exception ex) when (IsNotTheUsualShape(ex))
        {
        }

        body?.Dispose();
        return null;
    }

    /// <summary>
    /// Malformed JSON, or a value of the wrong type asked for: the general reader reads the body and reports
    /// it. Nothing else is caught.
    /// </summary>
    internal static bool IsNotTheUsualShape(Exception ex) => ex is JsonException or InvalidOperationException;

    /// <summary>
    /// A rank object of the usual shape, from the reader's current token (its opening brace) to its closing
    /// brace, or null. <paramref name="readerStart"/> is where the reader's span starts in <paramref name="utf8"/>:
    /// a scanned candidate list resumes the reader after it, so the value moves, and a batch passes it from one
    /// entry to the next.
    /// </summary>
    internal static RankBody? TryReadObject(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ref int readerStart)
    {
        var body = new RankBody { _base = readerStart };
        try
        {
            if (body.Read(ref reader, utf8))
            {
                readerStart = body._base;
                return body;
            }
        }
        catch
        {
            body.Dispose();
            throw;
        }

        body.Dispose();
        return null;
    }

    /// <summary>The same request as the general deserialiser reads from this body.</summary>
    public RankRequest ToRequest(ReadOnlySpan<byte> utf8)
    {
        RankCandidate[]? candidates = null;
        if (CandidateCount >= 0)
        {
            candidates = new RankCandidate[CandidateCount];
            for (int i = 0; i < candidates.Length; i++)
            {
                candidates[i] = new RankCandidate { Id = IdString(utf8, i) };
            }
        }

        return new RankRequest
        {
            Model = Model, Alias = Alias, Profile = Profile, UserId = UserId, History = History, Exclude = Exclude,
            Candidates = candidates, Top = Top, ExcludeSeen = ExcludeSeen, Diversity = Diversity,
        };
    }

    public void Dispose()
    {
        ArrayPool<int>.Shared.Return(_starts);
        ArrayPool<int>.Shared.Return(_lengths);
        _starts = _lengths = [];
    }

    private bool Read(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8)
    {
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool ok;
            if (reader.ValueTextEquals("candidates"u8))
            {
                ok = TryCandidates(ref reader, utf8);
            }
            else if (reader.ValueTextEquals("userId"u8))
            {
                ok = TryString(ref reader, out string? userId);
                UserId = userId;
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                ok = TryString(ref reader, out string? model);
                Model = model;
            }
            else if (reader.ValueTextEquals("alias"u8))
            {
                ok = TryString(ref reader, out string? alias);
                Alias = alias;
            }
            else if (reader.ValueTextEquals("profile"u8))
            {
                ok = TryString(ref reader, out string? profile);
                Profile = profile;
            }
            else if (reader.ValueTextEquals("history"u8))
            {
                ok = TryStrings(ref reader, out List<string>? history);
                History = history;
            }
            else if (reader.ValueTextEquals("exclude"u8))
            {
                ok = TryStrings(ref reader, out List<string>? exclude);
                Exclude = exclude;
            }
            else if (reader.ValueTextEquals("top"u8))
            {
                ok = TryInt(ref reader, out int? top);
                Top = top;
            }
            else if (reader.ValueTextEquals("excludeSeen"u8))
            {
                ok = reader.Read() && reader.TokenType is JsonTokenType.True or JsonTokenType.False;
                ExcludeSeen = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.ValueTextEquals("diversity"u8))
            {
                double diversity = 0;
                ok = reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out diversity);
                Diversity = diversity;
            }
            else
            {
                ok = false;
            }

            if (!ok)
            {
                return false;
            }
        }

        return reader.TokenType == JsonTokenType.EndObject;
    }

    private static bool TryInt(ref Utf8JsonReader reader, out int? value)
    {
        value = null;
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType == JsonTokenType.Number && reader.TryGetInt32(out int number))
        {
            value = number;
            return true;
        }

        return reader.TokenType == JsonTokenType.Null;
    }

    internal static bool TryString(ref Utf8JsonReader reader, out string? value)
    {
        value = null;
        if (!reader.Read())
        {
            return false;
        }

        if (reader.TokenType == JsonTokenType.String)
        {
            value = reader.GetString();
        }

        return reader.TokenType is JsonTokenType.String or JsonTokenType.Null;
    }

    /// <summary>An array of strings, or null; a null element, or any other token, is left to the general reader.</summary>
    private static bool TryStrings(ref Utf8JsonReader reader, out List<string>? values)
    {
        values = null;
        if (!reader.Read() || reader.TokenType is not (JsonTokenType.StartArray or JsonTokenType.Null))
        {
            return false;
        }

        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        values = [];
        while (reader.Read() && reader.TokenType == JsonTokenType.String)
        {
            values.Add(reader.GetString()!);
        }

        return reader.TokenType == JsonTokenType.EndArray;
    }

    /// <summary>An array of <c>{ "id": "..." }</c> objects, or null; a repeated <c>candidates</c> replaces the earlier one, as in the deserialiser.</summary>
    private bool TryCandidates(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8)
    {
        CandidateCount = -1;
        PlainIdBytes = -1;
        _escaped = null;
        if (!reader.Read() || reader.TokenType is not (JsonTokenType.StartArray or JsonTokenType.Null))
        {
            return false;
        }

        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        // The usual candidate list is scanned byte by byte (a tenth of the reader's cost per element); the reader
        // then resumes at its closing bracket from the state it had after the opening one, which is still valid
        // JSON to it. Anything the scan does not expect leaves the whole array to the reader.
        JsonReaderState afterOpening = reader.CurrentState;
        int maxDepth = afterOpening.Options.MaxDepth is > 0 and var limit ? limit : 64;
        if (reader.CurrentDepth + 2 <= maxDepth && ScanIds(utf8, _base + checked((int)reader.BytesConsumed)) is (int count, int closing))
        {
            reader = new Utf8JsonReader(utf8[closing..], isFinalBlock: true, afterOpening);
            _base = closing;
            CandidateCount = count;
            return reader.Read() && reader.TokenType == JsonTokenType.EndArray;
        }

        int read = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            if (read == _starts.Length)
            {
                EnsureCapacity(_starts.Length * 2);
            }

            _lengths[read] = NullId;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("id"u8) || !reader.Read() || !TryId(ref reader, read))
                {
                    return false;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject)
            {
                return false;
            }

            read++;
        }

        CandidateCount = read;
        return reader.TokenType == JsonTokenType.EndArray;
    }

    /// <summary>
    /// Scans <c>{"id":"..."}</c> elements from just after an array's opening bracket: JSON whitespace, then ids
    /// with no escape or control character, in valid UTF-8. Their count and the closing bracket's position, or null
    /// when anything else comes (an escape, a null id, another field, a trailing comma): the reader then reads it.
    /// </summary>
    private (int Count, int Closing)? ScanIds(ReadOnlySpan<byte> utf8, int at)
    {
        int count = 0;
        // Room for every element the rest of the body could hold ({"id":""} and a comma: 10 bytes), up to 4,096,
        // taken once instead of doubling from 64.
        EnsureCapacity(Math.Min((utf8.Length - at) / 10 + 1, 4_096));
        int p = SkipSpace(utf8, at);
        if (p < utf8.Length && utf8[p] == (byte)']')
        {
            PlainIdBytes = 0;
            return (0, p);
        }

        int longest = 0;
        bool plain = true;
        while (true)
        {
            // The compact form first ({"id":" with no whitespace), as serialisers write it, compared as one word
            // where the body has eight bytes left; then JSON's whitespace anywhere.
            int start;
            if (BitConverter.IsLittleEndian && utf8.Length - p >= 8
                ? (IdWord.Read(utf8, p) & 0x00FF_FFFF_FFFF_FFFF) == CompactHead
                : utf8.Length - p >= 7 && utf8.Slice(p, 7).SequenceEqual("{\"id\":\""u8))
            {
                start = p + 7;
            }
            else if ((p = Expect(utf8, p, (byte)'{')) < 0 || !utf8[(p = SkipSpace(utf8, p))..].StartsWith("\"id\""u8)
                || (p = Expect(utf8, p + 4, (byte)':')) < 0 || (p = Expect(utf8, p, (byte)'"')) < 0)
            {
                return null;
            }
            else
            {
                start = p;
            }

            // The id runs to the next quote, with no escape or control character (UTF-8 was checked for the whole
            // body). One plain pass: ids are a few bytes, where its branches, predicted, beat any word-at-a-time test
            // (whose every step would wait on the one before).
            int end = start;
            while (end < utf8.Length && utf8[end] is not ((byte)'"' or (byte)'\\') and >= 0x20)
            {
                end++;
            }

            if (end == utf8.Length || utf8[end] != (byte)'"')
            {
                return null;
            }

            int length = end - start;

            longest = Math.Max(longest, length);
            plain = plain && length > 0 && utf8[start] is > 0x20 and < 0x80;

            p = start + length + 1;
            if (utf8.Length - p >= 2 && utf8[p] == (byte)'}' && utf8[p + 1] is (byte)',' or (byte)']')
            {
                p++;
            }
            else if ((p = Expect(utf8, p, (byte)'}')) < 0 || (p = SkipSpace(utf8, p)) >= utf8.Length)
            {
                return null;
            }

            if (count == _starts.Length)
            {
                EnsureCapacity(_starts.Length * 2);
            }

            (_starts[count], _lengths[count]) = (start, length);
            count++;
            if (utf8[p] == (byte)']')
            {
                PlainIdBytes = plain ? longest : -1;
                return (count, p);
            }

            if (utf8[p] != (byte)',')
            {
                return null;
            }

            p++;
        }
    }

    /// <summary>The position after <paramref name="token"/>, found after optional whitespace at <paramref name="p"/>; −1 when it is not there.</summary>
    private static int Expect(ReadOnlySpan<byte> utf8, int p, byte token)
    {
        if (p < utf8.Length && utf8[p] == token)
        {
            return p + 1;
        }

        p = SkipSpace(utf8, p);
        return p < utf8.Length && utf8[p] == token ? p + 1 : -1;
    }

    private static int SkipSpace(ReadOnlySpan<byte> utf8, int p)
    {
        while (p < utf8.Length && utf8[p] is (byte)' ' or (byte)'\n' or (byte)'\r' or (byte)'\t')
        {
            p++;
        }

        return p;
    }

    private bool TryId(ref Utf8JsonReader reader, int i)
    {
        if (_escaped is not null)
        {
            _escaped[i] = null; // an id given twice in one object: the last one counts
        }

        if (reader.TokenType == JsonTokenType.Null)
        {
            _lengths[i] = NullId;
            return true;
        }

        if (reader.TokenType != JsonTokenType.String)
        {
            return false;
        }

        if (reader.ValueIsEscaped)
        {
            _escaped ??= new string?[_starts.Length];
            _escaped[i] = reader.GetString();
            _starts[i] = 0;
            _lengths[i] = 0;
            return true;
        }

        _starts[i] = _base + checked((int)reader.TokenStartIndex) + 1; // after the opening quote
        _lengths[i] = reader.ValueSpan.Length;
        return true;
    }

    private static int[] Grown(int[] array, int capacity)
    {
        int[] grown = ArrayPool<int>.Shared.Rent(capacity);
        array.CopyTo(grown, 0);
        ArrayPool<int>.Shared.Return(array);
        return grown;
    }

    /// <summary>Room for at least <paramref name="capacity"/> ids, keeping those read so far.</summary>
    private void EnsureCapacity(int capacity)
    {
        if (capacity <= _starts.Length)
        {
            return;
        }

        _starts = Grown(_starts, capacity);
        _lengths = Grown(_lengths, capacity);
        if (_escaped is not null)
        {
            Array.Resize(ref _escaped, _starts.Length);
        }
    }
}
