using System.Globalization;

namespace Recsys.Serving.Feedback;

/// <summary>The window an online report reads: <c>since</c> and <c>until</c> as given, or the last 7 days.</summary>
public static class OnlineWindow
{
    public const int DefaultDays = 7;

    /// <summary>Parses the window; <see cref="FormatException"/> says what is wrong with it in one line.</summary>
    public static (DateTimeOffset Since, DateTimeOffset Until) Parse(string? since, string? until, DateTimeOffset now, int? maxDays = null)
    {
        DateTimeOffset end = Time(until, "until") ?? now;
        DateTimeOffset start = Time(since, "since") ?? end.AddDays(-DefaultDays);
        if (start > end)
        {
            throw new FormatException($"since ({start:O}) is after until ({end:O}).");
        }

        return maxDays is not { } days || end - start <= TimeSpan.FromDays(days)
            ? (start, end)
            : throw new FormatException($"The window from {start:O} to {end:O} is longer than {maxDays} days.");
    }

    private static DateTimeOffset? Time(string? value, string name) =>
        string.IsNullOrEmpty(value) ? null
        : DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out DateTimeOffset time) ? time
        : throw new FormatException($"{name} must be a date or an ISO 8601 time, not '{value}'.");
}
