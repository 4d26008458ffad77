using System.Buffers.Text;
using System.Globalization;
using System.Text;
using System.Text.Unicode;

namespace Recsys.Data;

/// <summary>Parses raw UTF-8 fields into ids, ratings and timestamps without allocating.</summary>
internal static class FieldParser
{
    /// <summary>Longest id accepted; longer ones are almost always a wrong delimiter swallowing a line.</summary>
    public const int MaxIdChars = 256;

    public static bool TryDecodeId(ReadOnlySpan<byte> utf8, Span<char> destination, out int length, out RejectReason reason)
    {
        utf8 = utf8.Trim((byte)' ');
        length = 0;
        if (utf8.IsEmpty)
        {
            reason = RejectReason.EmptyId;
            return false;
        }

        if (utf8.Length > MaxIdChars * 4)
        {
            reason = RejectReason.IdTooLong;
            return false;
        }

        // Nearly all ids are ASCII: widen in one pass and skip the general UTF-8 path.
        if (utf8.Length <= MaxIdChars && destination.Length >= utf8.Length &&
            Ascii.ToUtf16(utf8, destination, out length) == System.Buffers.OperationStatus.Done)
        {
            reason = default;
            return true;
        }

        if (!Utf8.IsValid(utf8))
        {
            reason = RejectReason.UndecodableText;
            return false;
        }

        if (Encoding.UTF8.GetCharCount(utf8) > MaxIdChars || destination.Length < MaxIdChars)
        {
            reason = RejectReason.IdTooLong;
            return false;
        }

        length = Encoding.UTF8.GetChars(utf8, destination);
        reason = default;
        return true;
    }

    public static bool TryParseRating(ReadOnlySpan<byte> utf8, out float rating)
    {
        utf8 = utf8.Trim((byte)' ');
        if (Utf8Parser.TryParse(utf8, out rating, out int consumed) && consumed == utf8.Length)
        {
            return float.IsFinite(rating);
        }

        return float.TryParse(utf8, NumberStyles.Float, CultureInfo.InvariantCulture, out rating) && float.IsFinite(rating);
    }

    /// <summary>Unix seconds, or an ISO 8601 date/time (taken as UTC when it has no offset).</summary>
    public static bool TryParseTimestamp(ReadOnlySpan<byte> utf8, out long unixSeconds)
    {
        utf8 = utf8.Trim((byte)' ');
        if (Utf8Parser.TryParse(utf8, out unixSeconds, out int consumed) && consumed == utf8.Length)
        {
            return unixSeconds >= 0;
        }

        if (utf8.Length is > 0 and <= 64 && Utf8.IsValid(utf8))
        {
            Span<char> chars = stackalloc char[64];
            int count = Encoding.UTF8.GetChars(utf8, chars);
            if (DateTimeOffset.TryParse(chars[..count], CultureInfo.InvariantCulture,
                    DateTimeStyles.AssumeUniversal | DateTimeStyles.AllowWhiteSpaces, out DateTimeOffset moment))
            {
                unixSeconds = moment.ToUnixTimeSeconds();
                return unixSeconds >= 0;
            }
        }

        unixSeconds = 0;
        return false;
    }
}
