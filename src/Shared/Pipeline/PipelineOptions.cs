namespace Recsys.Pipeline;

/// <summary>Pipeline settings (configuration section <c>Pipeline</c>), shared by the local worker and the Functions train app.</summary>
public sealed record PipelineOptions
{
    public const string Section = "Pipeline";

    /// <summary>Deliveries a stage message gets; must equal the queues' own MaxDeliveryCount in Azure.</summary>
    public int MaxDeliveryCount { get; init; } = 5;

    /// <summary>The longest one stage may run; keep it below the host's <c>functionTimeout</c>.</summary>
    public TimeSpan StageTimeout { get; init; } = TimeSpan.FromHours(4);

    /// <summary>Without the ready file, a dropped folder must be unchanged this long (local worker only).</summary>
    public TimeSpan SettleTime { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Only drops with the ready file start a job (Azure, where Event Grid reports that file alone).</summary>
    public bool RequireReadyFile { get; init; }

    /// <summary>
    /// How often the local worker checks for datasets due a retrain (plans with <c>prepare.events.retrainAfter</c>);
    /// off when unset. In Azure the <c>RetrainSchedule</c> timer (a CRON expression) does this.
    /// </summary>
    public TimeSpan? RetrainEvery { get; init; }
}
