namespace Recsys.Pipeline;

/// <summary>
/// The architectures the train stage of this host can train, registered with it, so the prepare stage can refuse a
/// plan that names another before any work is done, and encodes item text once for a plan that names a model
/// reading it (<paramref name="ReadText"/>), rather than once per train message.
/// </summary>
public sealed record TrainableArchitectures(IReadOnlyCollection<string> Names, IReadOnlyCollection<string> ReadText)
{
    public TrainableArchitectures(IReadOnlyCollection<string> names)
        : this(names, [])
    {
    }
}
