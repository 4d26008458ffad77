using System.Buffers;
using System.Text.Json;

namespace Recsys.Serving.Feedback;

/// <summary>
/// Accepted feedback events as UTF-8 JSON lines in pooled segments, serialised by the request that sends them.
/// Events held as objects until the writer's next append (up to a second) outlive the youngest GC generation
/// and are promoted with every collection, and serialising a batch at once puts milliseconds of work on one
/// thread; lines written as they come cost neither. Thread-safe; the writer takes whole segments.
/// </summary>
internal sealed class EventLines
{
    /// <summary>
    /// Bytes in one segment (a segment is one append; every storage version takes 4 MiB blocks): about 3,000
    /// served records, a second of traffic at the rates one host serves. A request larger than this gets a
    /// segment of its own size.
    /// </summary>
    public const int SegmentBytes = 1 << 20;

    // Segments are reused here rather than rented from the shared pool: they are large-object-heap arrays, and a
    // rent on a thread whose cache is empty would allocate a new one, and with it bring on full collections.
    private const int SpareSegments = 4;

    private static readonly JsonEncodedText SchemaName = JsonEncodedText.Encode("schema");
    private static readonly JsonEncodedText UserIdName = JsonEncodedText.Encode("userId");
    private static readonly JsonEncodedText TypeName = JsonEncodedText.Encode("type");
    private static readonly JsonEncodedText TimestampName = JsonEncodedText.Encode("timestamp");
    private static readonly JsonEncodedText RequestIdName = JsonEncodedText.Encode("requestId");
    private static readonly JsonEncodedText ModelName = JsonEncodedText.Encode("model");
    private static readonly JsonEncodedText VersionName = JsonEncodedText.Encode("version");
    private static readonly JsonEncodedText VariantName = JsonEncodedText.Encode("variant");
    private static readonly JsonEncodedText ItemsName = JsonEncodedText.Encode("items");
    private static readonly JsonEncodedText ScoresName = JsonEncodedText.Encode("scores");

    private readonly object _gate = new();
    private readonly List<Segment> _segments = [];
    private readonly Stack<byte[]> _spare = new();
    private readonly JsonSerializerOptions _options;
    private bool _completed;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_lines;

    [ThreadStatic]
    private static Utf8JsonWriter? t_json;

    public EventLines(JsonSerializerOptions options) => _options = options;

    /// <summary>Lines of whole requests, in the order they were accepted; given back by <see cref="Return"/>.</summary>
    public sealed class Segment(byte[] bytes)
    {
        public byte[] Bytes { get; } = bytes;

        public int Length { get; set; }
    }

    /// <summary>Adds one line per event, all in one segment; false (nothing added) once <see cref="Complete"/> was called.</summary>
    public bool TryAdd(IReadOnlyList<FeedbackEvent> events, DateTimeOffset now)
    {
        (ArrayBufferWriter<byte> lines, Utf8JsonWriter json) = Buffers();
        foreach (FeedbackEvent e in events)
        {
            json.Reset(lines);
            JsonSerializer.Serialize(json, e with { Schema = FeedbackEvent.CurrentSchema, Timestamp = e.Timestamp ?? now }, _options);
            EndLine(lines, json);
        }

        return Commit(lines);
    }

    /// <summary>
    /// The served record of <paramref name="response"/> (its top <paramref name="positions"/>), written field by field:
    /// the line the serialiser writes for the same <see cref="FeedbackEvent"/>, without building one per request.
    /// </summary>
    public bool TryAddServed(string? userId, Contracts.RankResponse response, int positions, DateTimeOffset now)
    {
        (ArrayBufferWriter<byte> lines, Utf8JsonWriter json) = Buffers();
        json.Reset(lines);
        json.WriteStartObject();
        json.WriteNumber(SchemaName, FeedbackEvent.CurrentSchema);
        if (userId is not null)
        {
            json.WriteString(UserIdName, userId);
        }

        json.WriteString(TypeName, FeedbackEvent.Served);
        json.WriteString(TimestampName, now);
        json.WriteString(RequestIdName, response.RequestId);
        json.WriteString(ModelName, response.Model);
        json.WriteString(VersionName, response.Version);
        json.WriteString(VariantName, response.Variant);
        int n = Math.Min(positions, response.Items.Count);
        json.WriteStartArray(ItemsName);
        for (int i = 0; i < n; i++)
        {
            json.WriteStringValue(response.Items[i].Id);
        }

        json.WriteEndArray();
        json.WriteStartArray(ScoresName);
        for (int i = 0; i < n; i++)
        {
            json.WriteNumberValue(response.Items[i].Score);
        }

        json.WriteEndArray();
        json.WriteEndObject();
        EndLine(lines, json);
        return Commit(lines);
    }

    private static (ArrayBufferWriter<byte> Lines, Utf8JsonWriter Json) Buffers()
    {
        ArrayBufferWriter<byte> lines = t_lines ??= new ArrayBufferWriter<byte>(4096);
        lines.ResetWrittenCount();
        return (lines, t_json ??= new Utf8JsonWriter(lines));
    }

    private static void EndLine(ArrayBufferWriter<byte> lines, Utf8JsonWriter json)
    {
        json.Flush();
        lines.GetSpan(1)[0] = (byte)'\n';
        lines.Advance(1);
    }

    private bool Commit(ArrayBufferWriter<byte> lines)
    {
        ReadOnlySpan<byte> written = lines.WrittenSpan;
        lock (_gate)
        {
            if (_completed)
            {
                return false;
            }

            Segment? last = _segments.Count > 0 ? _segments[^1] : null;
            if (last is null || last.Bytes.Length - last.Length < written.Length)
            {
                last = new Segment(written.Length <= SegmentBytes && _spare.TryPop(out byte[]? spare) ? spare : new byte[Math.Max(SegmentBytes, written.Length)]);
                _segments.Add(last);
            }

            written.CopyTo(last.Bytes.AsSpan(last.Length));
            last.Length += written.Length;
        }

        // A request that sent a large batch leaves no large buffer behind on its thread.
        if (lines.Capacity > 64 * 1024)
        {
            t_lines = null;
            t_json = null;
        }

        return true;
    }

    /// <summary>Everything added so far, oldest first; later lines go to new segments.</summary>
    public List<Segment> TakeAll()
    {
        lock (_gate)
        {
            List<Segment> taken = [.. _segments];
            _segments.Clear();
            return taken;
        }
    }

    /// <summary>Refuses further lines (shutdown).</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
        }
    }

    /// <summary>Gives a taken segment's array back for reuse, once its lines are appended (or given up).</summary>
    public void Return(Segment segment)
    {
        lock (_gate)
        {
            if (segment.Bytes.Length == SegmentBytes && _spare.Count < SpareSegments)
            {
                _spare.Push(segment.Bytes);
            }
        }
    }
}
