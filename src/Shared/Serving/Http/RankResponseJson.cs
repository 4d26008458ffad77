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

    public static async Task WriteAsync(Stream stream, RankResponse response, JsonSerializerOptions options, CancellationToken cancellationToken)
    {
        await using var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = options.Encoder, Indented = options.WriteIndented });
        Write(writer, response);
        await writer.FlushAsync(cancellationToken);
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
}
