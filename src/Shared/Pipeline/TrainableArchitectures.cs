namespace Recsys.Pipeline;

/// <summary>
/// The architectures the train stage of this host can train, registered with it, so the prepare stage can refuse a
/// plan that names another before any work is done.
/// </summary>
public sealed record TrainableArchitectures(IReadOnlyCollection<string> Names);
