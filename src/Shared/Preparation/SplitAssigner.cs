namespace Recsys.Preparation;

/// <summary>Which split a row belongs to.</summary>
internal enum SplitPart : byte
{
    Train = 0,
    Validation = 1,
    Test = 2,
}

/// <summary>
/// Assigns one user's interactions to splits. Each user's assignment depends only on that user's rows, the
/// seed and (for temporal) the global cut or (per item) the items' cuts, so it is the same however the rows
/// were bucketed or ordered.
/// </summary>
internal sealed class SplitAssigner(
    SplitMethod method, IReadOnlyList<double> ratios, int seed, long trainCut = 0, long validationCut = 0, ItemStratifiedCuts? itemCuts = null)
{
    private readonly ItemStratifiedCuts? _itemCuts = method != SplitMethod.StratifiedByItem || itemCuts is not null
        ? itemCuts
        : throw new ArgumentException("The per-item split needs the items' cuts.", nameof(itemCuts));

    public bool HasValidation => method == SplitMethod.LeaveLastOut || (ratios.Count == 3 && method != SplitMethod.ColdItems);

    /// <summary>Reorders <paramref name="rows"/> and writes each row's part into <paramref name="parts"/>.</summary>
    public void Assign(Span<Interaction> rows, ReadOnlySpan<char> userId, Span<SplitPart> parts)
    {
        int n = rows.Length;
        switch (method)
        {
            case SplitMethod.Stratified:
            {
                rows.Sort(new ItemOrder());
                StableRandom.ForKey(userId, seed).Shuffle(rows);
                int trainEnd = RoundShare(n, ratios[0]);
                int validationEnd = ratios.Count == 3 ? RoundShare(n, ratios[0] + ratios[1]) : trainEnd;
                for (int i = 0; i < n; i++)
                {
                    parts[i] = i < trainEnd ? SplitPart.Train : i < validationEnd ? SplitPart.Validation : SplitPart.Test;
                }

                break;
            }

            case SplitMethod.StratifiedByItem:
            {
                rows.Sort(new ItemOrder());
                for (int i = 0; i < n; i++)
                {
                    parts[i] = _itemCuts!.PartOf(rows[i].User, rows[i].Item);
                }

                break;
            }

            case SplitMethod.LeaveLastOut:
            {
                rows.Sort(new TimeOrder());
                for (int i = 0; i < n; i++)
                {
                    parts[i] = SplitPart.Train;
                }

                if (n >= 2) { parts[n - 1] = SplitPart.Test; }
                if (n >= 3) { parts[n - 2] = SplitPart.Validation; }
                break;
            }

            case SplitMethod.ColdItems:
            {
                rows.Sort(new ItemOrder());
                for (int i = 0; i < n; i++)
                {
                    parts[i] = IsColdItem(rows[i].Item) ? SplitPart.Test : SplitPart.Train;
                }

                break;
            }

            case SplitMethod.Temporal:
            {
                rows.Sort(new TimeOrder());
                for (int i = 0; i < n; i++)
                {
                    long t = rows[i].Timestamp;
                    parts[i] = t < trainCut ? SplitPart.Train : t < validationCut ? SplitPart.Validation : SplitPart.Test;
                }

                break;
            }

            default:
                throw new InvalidOperationException($"Unhandled split {method}.");
        }
    }

    // Decided by the item and the seed alone, so every user agrees on which items are cold.
    private bool IsColdItem(int item)
    {
        Span<char> key = stackalloc char[16];
        item.TryFormat(key, out int written, provider: System.Globalization.CultureInfo.InvariantCulture);
        return StableRandom.ForKey(key[..written], seed).NextUInt64() < (ulong)(ratios[^1] * ulong.MaxValue);
    }

    /// <summary>
    /// The global cuts of a temporal split from all kept timestamps (sorted in place): the times at the
    /// train share and at the train+validation share.
    /// </summary>
    public static (long TrainCut, long ValidationCut) TemporalCuts(long[] timestamps, IReadOnlyList<double> ratios)
    {
        Array.Sort(timestamps);
        long At(double share)
        {
            int index = RoundShare(timestamps.Length, share);
            return index >= timestamps.Length ? long.MaxValue : timestamps[index];
        }

        long train = At(ratios[0]);
        long validation = ratios.Count == 3 ? At(ratios[0] + ratios[1]) : train;
        return (train, validation);
    }

    private static int RoundShare(int n, double share) => (int)Math.Round(n * share, MidpointRounding.AwayFromZero);
}
