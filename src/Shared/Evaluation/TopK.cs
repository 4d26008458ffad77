namespace Recsys.Evaluation;

/// <summary>
/// Top-k selection over a score vector with a k-sized min-heap: O(n log k), no allocation. Higher scores rank
/// first; equal scores rank by lower item index, so results never depend on sort stability or threads.
/// Entries scored −∞ (masked) are never returned.
/// </summary>
public static class TopK
{
    /// <summary>Writes the best items into <paramref name="destination"/> (best first); returns how many.</summary>
    public static int Select(ReadOnlySpan<float> scores, Span<int> destination, int firstItem = 0)
    {
        int k = destination.Length;
        int size = 0;
        for (int item = firstItem; item < scores.Length; item++)
        {
            float score = scores[item];
            if (float.IsNegativeInfinity(score) || float.IsNaN(score))
            {
                continue;
            }

            if (size < k)
            {
                destination[size] = item;
                SiftUp(destination, scores, size++);
            }
            else if (Better(score, item, scores[destination[0]], destination[0]))
            {
                destination[0] = item;
                SiftDown(destination, scores, 0, size);
            }
        }

        // Heap-sort the heap in place: the worst goes to the end each round, so the result is best first.
        for (int end = size - 1; end > 0; end--)
        {
            (destination[0], destination[end]) = (destination[end], destination[0]);
            SiftDown(destination, scores, 0, end);
        }

        return size;
    }

    private static bool Better(float score, int item, float otherScore, int otherItem) =>
        score > otherScore || (score == otherScore && item < otherItem);

    // Min-heap on "goodness": the root is the worst of the kept items.
    private static void SiftUp(Span<int> heap, ReadOnlySpan<float> scores, int at)
    {
        while (at > 0)
        {
            int parent = (at - 1) / 2;
            if (!Better(scores[heap[parent]], heap[parent], scores[heap[at]], heap[at]))
            {
                break;
            }

            (heap[parent], heap[at]) = (heap[at], heap[parent]);
            at = parent;
        }
    }

    private static void SiftDown(Span<int> heap, ReadOnlySpan<float> scores, int at, int size)
    {
        while (true)
        {
            int left = (2 * at) + 1;
            if (left >= size)
            {
                return;
            }

            int worst = left;
            int right = left + 1;
            if (right < size && Better(scores[heap[left]], heap[left], scores[heap[right]], heap[right]))
            {
                worst = right;
            }

            if (!Better(scores[heap[at]], heap[at], scores[heap[worst]], heap[worst]))
            {
                return;
            }

            (heap[at], heap[worst]) = (heap[worst], heap[at]);
            at = worst;
        }
    }
}
