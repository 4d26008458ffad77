using System.Text.Json;
using Recsys.Serving.Contracts;

namespace Recsys.Serving.Http;

/// <summary>
/// The usual shape of a batch body (<c>model</c>, <c>profile</c>, and <c>requests</c> whose entries each have a
/// rank body's usual shape, see <see cref="RankBody"/>), read straight from the UTF-8 bytes: no request object and
/// no object or string per candidate. Anything else (another field, a null entry, an entry the rank reader
/// leaves alone, malformed JSON) reads as null, and the general deserialiser reads the body instead.
/// </summary>
internal sealed class BatchBody : IDisposable
{
    private readonly List<RankBody> _requests = [];

    private BatchBody()
    {
    }

    public string? Model { get; private set; }

    public string? Profile { get; private set; }

    /// <summary>The entries, or null when <c>requests</c> was absent or null.</summary>
    public IReadOnlyList<RankBody>? Requests { get; private set; }

    /// <summary>The body read, or null when it is not the usual shape.</summary>
    public static BatchBody? TryRead(ReadOnlySpan<byte> utf8, int maxDepth)
    {
        if (!System.Text.Unicode.Utf8.IsValid(utf8))
        {
            return null;
        }

        var body = new BatchBody();
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = maxDepth });
        try
        {
            if (body.Read(ref reader, utf8))
            {
                return body;
            }
        }
        catch (Exception ex) when (RankBody.IsNotTheUsualShape(ex))
        {
        }

        body.Dispose();
        return null;
    }

    /// <summary>The same request as the general deserialiser reads from this body.</summary>
    public BatchRankRequest ToRequest(ReadOnlySpan<byte> utf8)
    {
        RankRequest[]? requests = null;
        if (Requests is not null)
        {
            requests = new RankRequest[Requests.Count];
            for (int i = 0; i < requests.Length; i++)
            {
                requests[i] = Requests[i].ToRequest(utf8);
            }
        }

        return new BatchRankRequest { Model = Model, Profile = Profile, Requests = requests };
    }

    public void Dispose()
    {
        foreach (RankBody request in _requests)
        {
            request.Dispose();
        }

        _requests.Clear();
    }

    private bool Read(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return false;
        }

        int readerStart = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool ok;
            if (reader.ValueTextEquals("requests"u8))
            {
                ok = Requests is null && TryRequests(ref reader, utf8, ref readerStart);
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                ok = RankBody.TryString(ref reader, out string? model);
                Model = model;
            }
            else if (reader.ValueTextEquals("profile"u8))
            {
                ok = RankBody.TryString(ref reader, out string? profile);
                Profile = profile;
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

        // The object must close the body: trailing content makes the reader throw, which falls back too.
        return reader.TokenType == JsonTokenType.EndObject && !reader.Read();
    }

    /// <summary>An array of rank objects, or null. A repeated <c>requests</c> is left to the general reader.</summary>
    private bool TryRequests(ref Utf8JsonReader reader, ReadOnlySpan<byte> utf8, ref int readerStart)
    {
        if (!reader.Read() || reader.TokenType is not (JsonTokenType.StartArray or JsonTokenType.Null))
        {
            return false;
        }

        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            if (RankBody.TryReadObject(ref reader, utf8, ref readerStart) is not { } request)
            {
                return false;
            }

            _requests.Add(request);
        }

        Requests = _requests;
        return reader.TokenType == JsonTokenType.EndArray;
    }
}
