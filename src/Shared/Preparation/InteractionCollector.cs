using Recsys.Data;

namespace Recsys.Preparation;

/// <summary>
/// The first pass's sink: maps ids to provisional indices, spills each accepted row to its user's bucket,
/// quarantines rejected ones, and keeps the running counts the summary reports.
/// </summary>
internal sealed class InteractionCollector : IInteractionSink
{
    private readonly InteractionBuckets _buckets;
    private readonly QuarantineWriter _quarantine;
    private int _sequence;

    public InteractionCollector(InteractionBuckets buckets, QuarantineWriter quarantine)
    {
        _buckets = buckets;
        _quarantine = quarantine;
    }

    public IdVocabulary Users { get; } = new();

    public IdVocabulary Items { get; } = new();

    public long Accepted { get; private set; }

    /// <summary>The input-order number the next accepted row gets (rows read from here on come after every earlier one).</summary>
    public int NextSequence => _sequence;

    public float MinRating { get; private set; } = float.PositiveInfinity;

    public float MaxRating { get; private set; } = float.NegativeInfinity;

    public double RatingSum { get; private set; }

    public void Accept(ReadOnlySpan<char> userId, ReadOnlySpan<char> itemId, float rating, long timestamp)
    {
        if (_sequence == int.MaxValue)
        {
            throw new DatasetException("More than 2,147,483,647 rows in one dataset; split it into several files.");
        }

        var row = new Interaction
        {
            User = Users.GetOrAdd(userId),
            Item = Items.GetOrAdd(itemId),
            Rating = rating,
            Sequence = _sequence++,
            Timestamp = timestamp,
        };
        _buckets.Add(row);
        Accepted++;
        RatingSum += rating;
        if (rating < MinRating) { MinRating = rating; }
        if (rating > MaxRating) { MaxRating = rating; }
    }

    public void Reject(string file, long line, RejectReason reason, ReadOnlySpan<byte> raw) =>
        _quarantine.Write(file, line, reason, raw);
}
