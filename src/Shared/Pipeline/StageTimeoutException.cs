namespace Recsys.Pipeline;

/// <summary>
/// A stage outlived its time limit and ignored cancellation: its message is dead-lettered, but the stuck
/// thread cannot be stopped, so the process should exit and be restarted.
/// </summary>
public sealed class StageTimeoutException(string message) : Exception(message);
