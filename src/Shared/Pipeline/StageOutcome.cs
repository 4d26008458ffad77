namespace Recsys.Pipeline;

/// <summary>
/// What the transport must do with a delivered message after <see cref="StageRunner"/> ran it. The runner has
/// already written the job record; the transport only settles the message (Storage Queues or Service Bus).
/// </summary>
public abstract record StageOutcome
{
    private StageOutcome()
    {
    }

    /// <summary>The stage succeeded: send <paramref name="Next"/>, then complete (delete) the message.</summary>
    public sealed record Succeeded(IReadOnlyList<PipelineMessage> Next) : StageOutcome;

    /// <summary>A failure retrying cannot fix (a bad dataset): the job is failed; complete the message.</summary>
    public sealed record Failed(string Reason) : StageOutcome;

    /// <summary>A transient failure: make the message visible again after <paramref name="Backoff"/>.</summary>
    public sealed record Retry(Exception Error, TimeSpan Backoff) : StageOutcome;

    /// <summary>
    /// Give up on the message: move it to the dead-letter (poison) queue with <paramref name="Reason"/>. When
    /// <paramref name="Stuck"/>, the stage ignored cancellation past its time limit and still holds a thread: the
    /// host process should exit (after settling) so it is restarted.
    /// </summary>
    public sealed record DeadLetter(string Code, string Reason, bool Stuck = false) : StageOutcome;
}
