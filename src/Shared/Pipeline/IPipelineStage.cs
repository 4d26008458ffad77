namespace Recsys.Pipeline;

/// <summary>
/// One stage of the pipeline. Handling must be idempotent: a redelivered message finds the stage's job record
/// (or its artifacts) and returns the same next messages without doing the work again.
/// </summary>
public interface IPipelineStage
{
    PipelineStage Stage { get; }

    /// <summary>Does the stage's work; returns the messages for the next stage (sent by the transport after success).</summary>
    Task<IReadOnlyList<PipelineMessage>> HandleAsync(PipelineMessage message, CancellationToken cancellationToken);
}

/// <summary>A failure retrying cannot fix (a bad dataset, an unknown model): the job fails with this reason at once.</summary>
public sealed class PermanentStageException : Exception
{
    public PermanentStageException()
    {
    }

    public PermanentStageException(string message)
        : base(message)
    {
    }

    public PermanentStageException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
