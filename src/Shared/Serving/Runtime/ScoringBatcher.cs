using System.Buffers;

namespace Recsys.Serving.Runtime;

/// <summary>
/// Dynamic batching for one model version, as Triton's dynamic batcher does it: concurrent requests queue, and one
/// session run at a time scores everything queued (up to <c>maxRows</c> candidate rows), optionally waiting up to
/// <c>maxWait</c> for more to arrive. No thread of its own: the request that finds no run in progress leads the
/// next one, and hands the lead to the oldest waiting request when it is done, so no request serves others for
/// longer than one run. Each row is scored exactly as in a run of its own.
/// </summary>
internal sealed class ScoringBatcher(ScoringModel model, int maxRows, TimeSpan maxWait)
{
    private readonly Lock _gate = new();
    private readonly Queue<Pending> _queue = new();
    private int _queuedRows;
    private bool _leading;
    private long _runs;

    /// <summary>Session runs made so far (each scoring one or more requests).</summary>
    public long Runs => Interlocked.Read(ref _runs);

    /// <summary>Scores one request's candidates into <paramref name="scores"/> in the next shared run.</summary>
    public async ValueTask ScoreAsync(ScoringQuery query, Memory<float> scores, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var pending = new Pending(query, scores);
        bool lead;
        lock (_gate)
        {
            _queue.Enqueue(pending);
            _queuedRows += scores.Length;
            lead = !_leading;
            _leading = true;
        }

        // A queued request waits for its run; it leads one when handed the lead (false) instead of a result (true).
        // Once queued it is scored whatever happens to its caller, since its buffer is written by another request's run.
        if (!lead && await pending.Done.Task)
        {
            return;
        }

        // A leader is always the head of the queue, so its own request is in the run it makes.
        if (RunOnce() is { } failed)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failed);
        }
    }

    /// <summary>Makes one run of what is queued; the run's failure, if any.</summary>
    private Exception? RunOnce()
    {
        if (maxWait > TimeSpan.Zero)
        {
            SpinWait.SpinUntil(() => Volatile.Read(ref _queuedRows) >= maxRows, maxWait);
        }

        var batch = new List<Pending>();
        int rows = 0;
        lock (_gate)
        {
            // At least one request, then as many more as fit.
            while (_queue.TryPeek(out Pending? next) && (batch.Count == 0 || rows + next.Scores.Length <= maxRows))
            {
                batch.Add(_queue.Dequeue());
                rows += next.Scores.Length;
            }

            _queuedRows -= rows;
        }

        Exception? failed = Run(batch, rows);
        lock (_gate)
        {
            if (_queue.TryPeek(out Pending? first))
            {
                first.Done.TrySetResult(false); // the oldest waiting request leads the next run
            }
            else
            {
                _leading = false;
            }
        }

        return failed;
    }

    private Exception? Run(List<Pending> batch, int rows)
    {
        var queries = new ScoringQuery[batch.Count];
        for (int i = 0; i < batch.Count; i++)
        {
            queries[i] = batch[i].Query;
        }

        float[] flat = ArrayPool<float>.Shared.Rent(Math.Max(rows, 1));
        try
        {
            model.Score(queries, flat.AsSpan(0, rows));
            Interlocked.Increment(ref _runs);
            int offset = 0;
            foreach (Pending pending in batch)
            {
                flat.AsSpan(offset, pending.Scores.Length).CopyTo(pending.Scores.Span);
                offset += pending.Scores.Length;
                pending.Done.TrySetResult(true);
            }

            return null;
        }
        catch (Exception ex)
        {
            foreach (Pending pending in batch)
            {
                pending.Done.TrySetException(ex);
            }

            return ex;
        }
        finally
        {
            ArrayPool<float>.Shared.Return(flat);
        }
    }

    private sealed class Pending(ScoringQuery query, Memory<float> scores)
    {
        public ScoringQuery Query { get; } = query;

        public Memory<float> Scores { get; } = scores;

        /// <summary>True: scored. False: lead the next run. Continuations run off the completing thread.</summary>
        public TaskCompletionSource<bool> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
