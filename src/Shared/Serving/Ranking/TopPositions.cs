namespace Recsys.Serving.Ranking;

/// <summary>
/// The best positions of a score array, best first: by score, then tie-breaker, then input order. Generic over
/// the score type so one model's float32 scores are ordered where they are, exactly as their widening to double
/// would order them (widening keeps order, and NaN compares the same way in both).
/// </summary>
internal static class TopPositions
{
    /// <summary>
    /// The best <paramref name="count"/> positions that <paramref name="keep"/> accepts, with a <paramref name="count"/>-sized
    /// heap: O(n log count), so a top-10 of 10,000 candidates sorts nothing else.
    /// </summary>
    public static int[] Best<T>(ReadOnlySpan<T> scores, ReadOnlySpan<double> tieBreak, int count, Func<int, bool> keep)
        where T : IComparable<T>
    {
        var order = new Order<T>(scores, tieBreak);
        int[] heap = new int[Math.Min(count, scores.Length)];
        int size = 0;
        T worst = default!; // the heap root's score once the heap is full, so most positions are turned away by one comparison
        for (int p = 0; p < scores.Length; p++)
        {
            // The score is compared first and keep asked only of a position that would enter the heap: most are
            // worse than the heap's worst, and keep (a filter, without side effects) costs a delegate call.
            bool full = size == heap.Length;
            if ((full && (heap.Length == 0 || scores[p].CompareTo(worst) < 0 || !order.Better(p, heap[0]))) || !keep(p))
            {
                continue;
            }

            if (!full)
            {
                heap[size] = p;
                order.SiftUp(heap, size++);
            }
            else
            {
                heap[0] = p;
                order.SiftDown(heap, 0, size);
            }

            if (size == heap.Length)
            {
                worst = scores[heap[0]];
            }
        }

        // Heap-sort in place: the worst goes to the end each round, leaving the best first.
        for (int end = size - 1; end > 0; end--)
        {
            (heap[0], heap[end]) = (heap[end], heap[0]);
            order.SiftDown(heap, 0, end);
        }

        return size == heap.Length ? heap : heap[..size];
    }

    private readonly ref struct Order<T>(ReadOnlySpan<T> scores, ReadOnlySpan<double> tieBreak)
        where T : IComparable<T>
    {
        private readonly ReadOnlySpan<T> _scores = scores;
        private readonly ReadOnlySpan<double> _tieBreak = tieBreak;

        public bool Better(int a, int b)
        {
            int c = _scores[a].CompareTo(_scores[b]);
            if (c == 0 && !_tieBreak.IsEmpty)
            {
                c = _tieBreak[a].CompareTo(_tieBreak[b]);
            }

            return c != 0 ? c > 0 : a < b;
        }

        // A min-heap on "better": the root is the worst kept position.
        public void SiftUp(int[] heap, int i)
        {
            while (i > 0)
            {
                int parent = (i - 1) / 2;
                if (!Better(heap[parent], heap[i]))
                {
                    return;
                }

                (heap[parent], heap[i]) = (heap[i], heap[parent]);
                i = parent;
            }
        }

        public void SiftDown(int[] heap, int i, int size)
        {
            while (true)
            {
                int worst = i, left = (2 * i) + 1, right = left + 1;
                if (left < size && Better(heap[worst], heap[left]))
                {
                    worst = left;
                }

                if (right < size && Better(heap[worst], heap[right]))
                {
                    worst = right;
                }

                if (worst == i)
                {
                    return;
                }

                (heap[worst], heap[i]) = (heap[i], heap[worst]);
                i = worst;
            }
        }
    }
}
