using System.Text.Json;
using Recsys.Serving.Contracts;

namespace Recsys.Serving.Http;

/// <summary>
/// Reads the usual shape of a rank body (<c>model</c>, <c>alias</c>, <c>profile</c>, <c>userId</c>, <c>history</c>,
/// <c>exclude</c>, <c>top</c>, <c>excludeSeen</c>, <c>diversity</c>, and candidates with an <c>id</c> alone) straight
/// from the UTF-8 bytes with <see cref="Utf8JsonReader"/>: no reflection, no buffering of candidates as JSON
/// elements. Anything else (other spellings or fields, candidate features or text, filters, numbers as strings,
/// malformed JSON) returns null, and the general deserialiser reads the body instead, so both accept the same
/// bodies and refuse the same ones with the same problem.
/// </summary>
internal static class RankRequestReader
{
    public static RankRequest? TryRead(ReadOnlySpan<byte> utf8, int maxDepth)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = maxDepth });
        try
        {
            return Read(ref reader);
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return null; // malformed JSON or text: the general reader reports it
        }
    }

    private static RankRequest? Read(ref Utf8JsonReader reader)
    {
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
        {
            return null;
        }

        string? model = null, alias = null, profile = null, userId = null;
        List<string>? history = null, exclude = null;
        List<RankCandidate>? candidates = null;
        int? top = null;
        bool excludeSeen = true;
        double diversity = 0;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            bool ok;
            if (reader.ValueTextEquals("candidates"u8))
            {
                ok = TryCandidates(ref reader, out candidates);
            }
            else if (reader.ValueTextEquals("userId"u8))
            {
                ok = TryString(ref reader, out userId);
            }
            else if (reader.ValueTextEquals("model"u8))
            {
                ok = TryString(ref reader, out model);
            }
            else if (reader.ValueTextEquals("alias"u8))
            {
                ok = TryString(ref reader, out alias);
            }
            else if (reader.ValueTextEquals("profile"u8))
            {
                ok = TryString(ref reader, out profile);
            }
            else if (reader.ValueTextEquals("history"u8))
            {
                ok = TryStrings(ref reader, out history);
            }
            else if (reader.ValueTextEquals("exclude"u8))
            {
                ok = TryStrings(ref reader, out exclude);
            }
            else if (reader.ValueTextEquals("top"u8))
            {
                ok = TryInt(ref reader, out top);
            }
            else if (reader.ValueTextEquals("excludeSeen"u8))
            {
                ok = reader.Read() && reader.TokenType is JsonTokenType.True or JsonTokenType.False;
                excludeSeen = reader.TokenType == JsonTokenType.True;
            }
            else if (reader.ValueTextEquals("diversity"u8))
            {
                ok = reader.Read() && reader.TokenType == JsonTokenType.Number && reader.TryGetDouble(out diversity);
            }
            else
            {
                ok = false;
            }

            if (!ok)
            {
                return null;
            }
        }

        // The object must close the body: trailing content makes the reader throw, which falls back too.
        if (reader.TokenType != JsonTokenType.EndObject || reader.Read())
        {
            return null;
        }

        return new RankRequest
        {
            Model = model, Alias = alias, Profile = profile, UserId = userId, History = history, Exclude = exclude,
            Candidates = candidates, Top = top, ExcludeSeen = excludeSeen, Diversity = diversity,
        };
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

    private static bool TryString(ref Utf8JsonReader reader, out string? value)
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

    /// <summary>An array of <c>{ "id": "..." }</c> objects, or null.</summary>
    private static bool TryCandidates(ref Utf8JsonReader reader, out List<RankCandidate>? candidates)
    {
        candidates = null;
        if (!reader.Read() || reader.TokenType is not (JsonTokenType.StartArray or JsonTokenType.Null))
        {
            return false;
        }

        if (reader.TokenType == JsonTokenType.Null)
        {
            return true;
        }

        candidates = [];
        while (reader.Read() && reader.TokenType == JsonTokenType.StartObject)
        {
            string? id = null;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (!reader.ValueTextEquals("id"u8) || !TryString(ref reader, out id))
                {
                    return false;
                }
            }

            if (reader.TokenType != JsonTokenType.EndObject)
            {
                return false;
            }

            candidates.Add(new RankCandidate { Id = id });
        }

        return reader.TokenType == JsonTokenType.EndArray;
    }
}
