namespace Recsys.Serving.Feedback;

/// <summary>
/// Simulated users for exercising the feedback loop end to end: each looks down a served list and clicks the item
/// at position p with probability preference(user, item) × 1 / log2(p + 1) (the DCG discount as position bias), so
/// a version that puts what users like higher gets more clicks. The preference model is the caller's, and known,
/// which is what lets a test or the demo check that the loop learns it.
/// </summary>
public sealed class ClickSimulator
{
    private readonly Func<string, string, double> _preference;
    private readonly Random _random;

    /// <param name="preference">The probability that the user clicks the item when it is shown at the top.</param>
    public ClickSimulator(Func<string, string, double> preference, int seed)
    {
        _preference = preference;
        _random = new Random(seed);
    }

    /// <summary>The clicks the user gives the first <paramref name="shown"/> items of a served list, naming its request id.</summary>
    public IReadOnlyList<FeedbackEvent> Respond(string userId, Contracts.RankResponse list, int shown = FeedbackSink.ServedPositions)
    {
        var clicks = new List<FeedbackEvent>();
        for (int i = 0; i < Math.Min(shown, list.Items.Count); i++)
        {
            double bias = 1 / Math.Log2(i + 2);
            if (_random.NextDouble() < _preference(userId, list.Items[i].Id) * bias)
            {
                clicks.Add(new FeedbackEvent { Type = "click", UserId = userId, ItemId = list.Items[i].Id, RequestId = list.RequestId, Position = i + 1 });
            }
        }

        return clicks;
    }
}
