using System.Text;
using System.Text.Json;
using Recsys.Serving.Contracts;
using Recsys.Serving.Http;
using Xunit;

namespace Recsys.Shared.Tests.Serving;

/// <summary>The rank body's reader (<see cref="RankBody"/>) against the general deserialiser: the same request, or it steps aside.</summary>
public sealed class RankBodyTests
{
    private static readonly JsonSerializerOptions Options = new(Features.FeatureSpec.JsonOptions) { WriteIndented = false };

    /// <summary>What the rank route reads from a body of the usual shape, as a request; null: the general deserialiser reads it.</summary>
    private static RankRequest? TryRead(byte[] utf8, int maxDepth)
    {
        using RankBody? body = RankBody.TryRead(utf8, maxDepth);
        return body?.ToRequest(utf8);
    }

    private static string? General(string body)
    {
        try
        {
            return JsonSerializer.Serialize(JsonSerializer.Deserialize<RankRequest>(body, Options), Options);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    [Theory]
    [InlineData("""{"userId":"u1","candidates":[{"id":"a"},{"id":"b"}],"top":5}""")]
    [InlineData("""{ "model": "movies", "alias": "challenger", "history": ["x", "y"], "exclude": [], "excludeSeen": false, "diversity": 0.25, "candidates": [ { "id": "a\u00e9" } ] }""")]
    [InlineData("""{"profile":"blend","candidates":[{"id":null}],"top":null,"userId":null,"history":null}""")]
    [InlineData("""{"candidates":[],"candidates":[{"id":"last"}]}""")]
    [InlineData("""{"candidates":[{"id":"a"},{"id":"b"}],"userId":"u","candidates":[{"id":"c"},{"id":"d\u0041"},{"id":null}],"top":2}""")]
    [InlineData(" {\n\t\"candidates\" : [ \r\n{ \"id\" : \"a b\" } ,\t{\"id\":\"\"} ] , \"top\": 1 } ")]
    [InlineData("""{"candidates":[ ],"model":"m"}""")]
    [InlineData("""{"candidates":[{"id":"é💥"},{"id":"x"},{"id":"a\"b"}]}""")]
    public void TheUsualShapes_AreReadFast_AsTheGeneralReaderReadsThem(string body)
    {
        RankRequest? fast = TryRead(Encoding.UTF8.GetBytes(body), 64);

        Assert.NotNull(fast);
        Assert.Equal(General(body), JsonSerializer.Serialize(fast, Options));
    }

    [Theory]
    [InlineData("""{"UserId":"u1","candidates":[{"id":"a"}]}""")] // another spelling
    [InlineData("""{"candidates":[{"id":"a","features":{"price":3}}]}""")]
    [InlineData("""{"candidates":[{"id":"a","text":"new"}]}""")]
    [InlineData("""{"candidates":[{"id":"a"}],"filters":{"genres":["Comedy"]}}""")]
    [InlineData("""{"candidates":[{"id":"a"}],"top":"5"}""")] // a number as a string
    [InlineData("""{"candidates":[{"id":"a"}],"top":5.5}""")]
    [InlineData("""{"candidates":[null]}""")]
    [InlineData("""{"candidates":[{"id":"a"}]} trailing""")]
    [InlineData("""{"candidates":[{"id":"a"}],}""")]
    [InlineData("""{"candidates":[{"id":1}]}""")]
    [InlineData("""{"candidates":[{"id":"a"},]}""")]
    [InlineData("""{"candidates":[{"id":"a"}{"id":"b"}]}""")]
    [InlineData("""{"candidates":[{"id":"a","id2":"b"}]}""")]
    [InlineData("""{"candidates":[{"id":"a"},{"id":"b"}}""")]
    [InlineData("{\"candidates\":[{\"id\":\"a\u0001\"}]}")]
    [InlineData("""{"candidates":[{"id":"a"}],"top":5""")]
    [InlineData("""{"excludeSeen":null}""")]
    [InlineData("""[]""")]
    [InlineData("")]
    public void AnythingElse_IsLeftToTheGeneralReader(string body) =>
        Assert.Null(TryRead(Encoding.UTF8.GetBytes(body), 64));

    [Fact]
    public void RandomBodies_ReadFast_AreExactlyWhatTheGeneralReaderReads()
    {
        var random = new Random(7);
        string[] values = ["\"a\"", "\"b\\u0041\"", "null", "1", "[]", "[\"x\"]", "{}", "true", "0.5", "\"\"", "[{\"id\":\"c\"}]", "[{\"id\":\"c\"},{\"id\":\"d\"}]"];
        string[] names = ["model", "alias", "profile", "userId", "history", "exclude", "top", "excludeSeen", "diversity", "candidates", "Top", "other"];
        int fastCount = 0;
        for (int n = 0; n < 2_000; n++)
        {
            string body = "{" + string.Join(",", Enumerable.Range(0, random.Next(5)).Select(_ => $"\"{names[random.Next(names.Length)]}\":{values[random.Next(values.Length)]}")) + "}";
            RankRequest? fast = TryRead(Encoding.UTF8.GetBytes(body), 64);
            if (fast is not null)
            {
                fastCount++;
                Assert.Equal(General(body), JsonSerializer.Serialize(fast, Options));
            }
        }

        Assert.InRange(fastCount, 200, 1_900); // both paths are exercised
    }

    /// <summary>
    /// Long candidate lists: every id as the general reader reads it, the canonical decimals of up to 7 digits as
    /// numbers read a word at a time, and the longest plain id.
    /// </summary>
    [Fact]
    public void LongCandidateLists_ReadWordByWord_AsTheGeneralReaderReadsThem()
    {
        var random = new Random(5);
        string[] ids = ["0", "7", "10", "1682", "9999999", "12345678", "123456789", "07", "12a", "a", "tt0114709", "", " x", "é", "1é", "💥", "a\\b", "1\\u0041", "\\\"", "x\\n"];
        int plainLists = 0;
        for (int n = 0; n < 500; n++)
        {
            string[] chosen = [.. Enumerable.Range(0, random.Next(1, 20)).Select(_ => ids[random.Next(ids.Length)])];
            string separator = random.Next(8) == 0 ? ", " : ",";
            bool escapes = chosen.Any(id => id.Contains('\\'));
            string body = $"{{\"candidates\":[{string.Join(separator, chosen.Select(id => $"{{\"id\":\"{id}\"}}"))}],\"top\":3}}";
            byte[] utf8 = Encoding.UTF8.GetBytes(body);
            using RankBody? read = RankBody.TryRead(utf8, 64);

            Assert.NotNull(read);
            Assert.Equal(General(body), JsonSerializer.Serialize(read.ToRequest(utf8), Options));
            string?[] texts = [.. Enumerable.Range(0, read.CandidateCount).Select(i => read.IdString(utf8, i))];
            for (int i = 0; i < texts.Length; i++)
            {
                bool numeric = read.TryNumber(utf8, i, out int number);
                Assert.Equal(numeric, number >= 0);
                Assert.True(number == -1 || number.ToString(System.Globalization.CultureInfo.InvariantCulture) == texts[i], $"{texts[i]} read as {number}");
                if (texts[i] is "0" or "7" or "10" or "1682" or "9999999" && i < texts.Length - 1) // not the last: the body has room for a word
                {
                    Assert.Equal(int.Parse(texts[i]!, System.Globalization.CultureInfo.InvariantCulture), number); // a word was there to read
                }
            }

            bool plain = texts.All(t => t is { Length: > 0 } && t[0] is > ' ' and < (char)0x80) && !escapes;
            if (plain)
            {
                plainLists++;
            }

            Assert.Equal(plain ? texts.Max(t => Encoding.UTF8.GetByteCount(t!)) : -1, read.PlainIdBytes);
        }

        Assert.InRange(plainLists, 20, 480); // both kinds of list are exercised
    }

    [Fact]
    public void AnIdThatIsNotUTF8_IsLeftToTheGeneralReader() =>
        Assert.Null(TryRead([.. "{\"candidates\":[{\"id\":\""u8, 0xC3, 0x28, .. "\"}]}"u8], 64));

    [Fact]
    public void TheDepthLimit_SendsADeepBodyToTheGeneralReader() =>
        Assert.Null(TryRead(Encoding.UTF8.GetBytes("""{"candidates":[{"id":"a"}]}"""), 2));
}
