using System.Buffers;

namespace Recsys.Serving.Contracts;

/// <summary>
/// Finds a candidate id given twice using the model's item indices: a pooled stamp array for known items and
/// a string set only for the (rare) ids the model does not know, which all share the unknown index.
/// </summary>
internal static class DuplicateCheck
{
    public static void Throw(IReadOnlyList<RankCandidate> candidates, int[] items, int itemCount, string at = "") =>
        Throw(items, itemCount, i => candidates[i].Id!, at);

    /// <param name="idAt">Candidate i's id; asked only for ids the model does not know, and for the message.</param>
    public static void Throw(ReadOnlySpan<int> items, int itemCount, Func<int, string> idAt, string at = "")
    {
        // Pooled arrays come back dirty from other users of the shared pool: clear the catalogue's span (a memset).
        bool[] seen = ArrayPool<bool>.Shared.Rent(itemCount);
        Array.Clear(seen, 0, itemCount);
        HashSet<string>? unknown = null;
        try
        {
            for (int i = 0; i < items.Length; i++)
            {
                int item = items[i];
                bool repeated = item == 0
                    ? !(unknown ??= new HashSet<string>(StringComparer.Ordinal)).Add(idAt(i))
                    : seen[item];
                if (repeated)
                {
                    string id = idAt(i);
                    throw new InvalidRequestException(
                        RequestRule.UniqueIds, $"{at}candidates[{i}].id '{(id.Length <= 40 ? id : id[..40] + "…")}' appears more than once.");
                }

                seen[item] = true;
            }
        }
        finally
        {
            ArrayPool<bool>.Shared.Return(seen);
        }
    }
}
