using System.Buffers;
using System.Text.Json;
using Recsys.Serving.Contracts;

namespace Recsys.Serving.Http;

/// <summary>
/// Writes a <see cref="RankResponse"/> with <see cref="Utf8JsonWriter"/> straight to the response stream: the
/// bytes the serialiser would write (same names, order, encoder and number format, scores as the float32 they
/// are), without its reflection and per-property machinery on the hot path.
/// </summary>
internal static class RankResponseJson
{
    private static readonly JsonEncodedText ModelName = JsonEncodedText.Encode("model");
    private static readonly JsonEncodedText VersionName = JsonEncodedText.Encode("version");
    private static readonly JsonEncodedText VariantName = JsonEncodedText.Encode("variant");
    private static readonly JsonEncodedText ItemsName = JsonEncodedText.Encode("items");
    private static readonly JsonEncodedText IdName = JsonEncodedText.Encode("id");
    private static readonly JsonEncodedText ScoreName = JsonEncodedText.Encode("score");
    private static readonly JsonEncodedText TookName = JsonEncodedText.Encode("tookMs");
    private static readonly JsonEncodedText RequestIdName = JsonEncodedText.Encode("requestId");

    // Each thread's writer and buffer, reused: a writer made per response over the stream allocated a 4 KB buffer
    // for each. They are used only synchronously, so no other response on the thread can come between.
    [ThreadStatic]
    private static ThreadWriter? t_writer;

    public static async Task WriteAsync(Stream stream, RankResponse response, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        byte[] json = Serialize(response, options, out int length);
        try
        {
            await stream.WriteAsync(json.AsMemory(0, length), cancellationToken);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(json);
        }
    }

    /// <summary>The response's JSON in a rented array of at least <paramref name="length"/> bytes, which the caller returns.</summary>
    private static byte[] Serialize(RankResponse response, JsonSerializerOptions options, out int length)
    {
        ThreadWriter thread = t_writer is { } cached && cached.Options == options ? cached : t_writer = new ThreadWriter(options);
        thread.Buffer.ResetWrittenCount();
        thread.Writer.Reset(thread.Buffer);
        Write(thread.Writer, response);
        thread.Writer.Flush();
        ReadOnlySpan<byte> written = thread.Buffer.WrittenSpan;
        byte[] json = ArrayPool<byte>.Shared.Rent(written.Length);
        written.CopyTo(json);
        length = written.Length;
        return json;
    }

    public static void Write(Utf8JsonWriter writer, RankResponse response)
    {
        writer.WriteStartObject();
        writer.WriteString(ModelName, response.Model);
        writer.WriteString(VersionName, response.Version);
        writer.WriteString(VariantName, response.Variant);
        writer.WriteStartArray(ItemsName);
        foreach (RankedItem item in response.Items)
        {
            writer.WriteStartObject();
            writer.WriteString(IdName, item.Id);
            writer.WriteNumber(ScoreName, item.Score);
            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.WriteNumber(TookName, response.TookMs);
        writer.WriteString(RequestIdName, response.RequestId);
        writer.WriteEndObject();
    }

    private sealed class ThreadWriter(JsonSerializerOptions options)
    {
        public JsonSerializerOptions Options { get; } = options;

        public ArrayBufferWriter<byte> Buffer { get; } = new();

        public Utf8JsonWriter Writer { get; } = new(Stream.Null, new JsonWriterOptions { Encoder = options.Encoder, Indented = options.WriteIndented });
    }
}
