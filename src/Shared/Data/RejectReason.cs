namespace Recsys.Data;

/// <summary>Why a row went to quarantine. The names are stable: they appear in quarantine files and stats.</summary>
internal enum RejectReason
{
    MissingField,
    EmptyId,
    IdTooLong,
    NonNumericRating,
    BadTimestamp,
    UndecodableText,
    UnterminatedQuote,
    LineTooLong,
    UnreadableEvent,
    UnknownRequest,
    FutureTimestamp,
}

internal static class RejectReasonNames
{
    public static string ToName(this RejectReason reason) => reason switch
    {
        RejectReason.MissingField => "missing-field",
        RejectReason.EmptyId => "empty-id",
        RejectReason.IdTooLong => "id-too-long",
        RejectReason.NonNumericRating => "non-numeric-rating",
        RejectReason.BadTimestamp => "bad-timestamp",
        RejectReason.UndecodableText => "undecodable-text",
        RejectReason.UnterminatedQuote => "unterminated-quote",
        RejectReason.LineTooLong => "line-too-long",
        RejectReason.UnreadableEvent => "unreadable-event",
        RejectReason.UnknownRequest => "unknown-request-id",
        RejectReason.FutureTimestamp => "future-timestamp",
        _ => throw new ArgumentOutOfRangeException(nameof(reason)),
    };
}
